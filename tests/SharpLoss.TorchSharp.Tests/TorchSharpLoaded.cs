using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using SharpLoss.TorchSharpNative;

namespace SharpLoss.TorchSharp.Tests;

/// <summary>
/// Makes TorchSharp-cpu loadable before any test runs: the module initializer runs before any code of this assembly,
/// hence before the first test touches TorchSharp (once glibc has refused libLibTorchSharp.so, the process cannot
/// retry). On Debian 12 this patches the test output's copy of the library (see tools/TorchSharpNative).
/// </summary>
internal static class TorchSharpLoaded
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "A test assembly: the loader must run before the first test touches TorchSharp.")]
    internal static void Prepare() => TorchLoader.Prepare();
}

public class TorchSharpLoadedTests
{
    [Fact]
    public void TorchSharp_LoadsThroughTheSharedLoader()
    {
        TorchLoader.Prepare();
        Assert.True(TorchLoader.Available, TorchLoader.Status);
    }
}
