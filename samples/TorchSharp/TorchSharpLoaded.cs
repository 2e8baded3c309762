using System.Runtime.CompilerServices;
using SharpLoss.TorchSharpNative;

namespace SharpLoss.Samples.TorchSharp;

/// <summary>
/// Runs before Main, so before the first use of TorchSharp: on Debian 12 it marks libLibTorchSharp.so's GLIBCXX_3.4.32
/// requirement weak in this sample's own output copy of the library (see src/SharpLoss.TorchSharp/README.md).
/// </summary>
internal static class TorchSharpLoaded
{
    [ModuleInitializer]
    internal static void Prepare()
    {
        TorchLoader.Prepare();
        Console.WriteLine(TorchLoader.Status);
    }
}
