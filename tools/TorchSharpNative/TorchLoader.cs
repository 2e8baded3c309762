using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace SharpLoss.TorchSharpNative;

/// <summary>
/// Makes TorchSharp loadable (see <see cref="ElfVersionPatch"/>) and checks that it works. Shared by the programs of
/// this repository that run TorchSharp-cpu (the benchmarks, the TorchSharp bridge's tests and its sample), which compile
/// this file in. Call <see cref="Prepare"/> before anything touches TorchSharp: once glibc has refused the library, the
/// process cannot retry.
/// </summary>
internal static class TorchLoader
{
    private const string SystemLibStdCxx = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
    private const string MissingVersion = "GLIBCXX_3.4.32";

    /// <summary>True when TorchSharp loaded and computed a tensor.</summary>
    public static bool Available { get; private set; }

    /// <summary>One line for the logs and results: where TorchSharp was loaded from, or why it could not be.</summary>
    public static string Status { get; private set; } = "not probed";

    /// <summary>
    /// Patches the output directory's copy of libLibTorchSharp.so if needed, then loads TorchSharp. Only the first call
    /// does anything; later calls return at once.
    /// </summary>
    public static void Prepare()
    {
        lock (Gate)
        {
            if (!prepared)
            {
                PrepareOnce();
                prepared = true;
            }
        }
    }

    private static readonly object Gate = new();
    private static bool prepared;

    private static void PrepareOnce()
    {
        var notes = new List<string>();
        try
        {
            PatchIfNeeded(notes);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            notes.Add($"patch failed: {e.Message}");
        }

        try
        {
            float check = Probe();
            Available = check == 6f;
            notes.Insert(0, Available ? $"TorchSharp loaded from {LoadedFrom() ?? "?"}" : $"TorchSharp computed {check}, expected 6");
        }
        catch (Exception e)
        {
            // TypeInitializationException, DllNotFoundException, NotSupportedException (TorchSharp's own message), ...
            Exception root = e;
            while (root.InnerException is not null)
            {
                root = root.InnerException;
            }

            Available = false;
            notes.Insert(0, $"TorchSharp UNAVAILABLE: {root.GetType().Name}: {root.Message.ReplaceLineEndings(" ")}");
        }

        Status = string.Join("; ", notes);
    }

    private static void PatchIfNeeded(List<string> notes)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64 || !File.Exists(SystemLibStdCxx))
        {
            return;
        }

        if (ElfVersionPatch.FileContains(SystemLibStdCxx, MissingVersion))
        {
            notes.Add($"system libstdc++ has {MissingVersion}, no patch needed");
            return;
        }

        // The build copies the package's library next to the assembly (RID-specific build) or under runtimes/.
        // Only these copies in the program's own output directory are ever patched, never the NuGet cache.
        string baseDir = AppContext.BaseDirectory;
        string[] candidates =
        [
            Path.Combine(baseDir, "libLibTorchSharp.so"),
            Path.Combine(baseDir, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"),
        ];
        foreach (string lib in candidates.Where(File.Exists))
        {
            ElfVersionPatch.Outcome outcome = ElfVersionPatch.MakeVersionNeedWeak(lib, MissingVersion);
            notes.Add($"{Path.GetRelativePath(baseDir, lib)}: {MissingVersion} {outcome}");
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Probe()
    {
        using var scope = torch.NewDisposeScope();
        return torch.tensor(new float[] { 1, 2, 3 }).sum().item<float>();
    }

    private static string? LoadedFrom()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps))
        {
            return null;
        }

        string? line = File.ReadLines(maps).FirstOrDefault(l => l.EndsWith("/libLibTorchSharp.so", StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        // Relative to the program's output directory when it is the patched copy there, so results name no machine path.
        string path = line[line.IndexOf('/', StringComparison.Ordinal)..];
        string relative = Path.GetRelativePath(AppContext.BaseDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : $"the output directory ({relative})";
    }
}
