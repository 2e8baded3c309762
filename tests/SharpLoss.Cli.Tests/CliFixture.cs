using SharpLoss.Cli.Formats;

namespace SharpLoss.Cli.Tests;

/// <summary>Runs the tool in process on files in a fresh temporary folder, and writes seeded test data.</summary>
public abstract class CliTestBase : IDisposable
{
    protected CliTestBase()
    {
        Dir = Directory.CreateTempSubdirectory("sharploss-cli-tests-").FullName;
    }

    protected string Dir { get; }

    public void Dispose()
    {
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    protected string PathOf(string name) => Path.Combine(Dir, name);

    /// <summary>Runs <c>sharploss</c> with the arguments; returns the exit code, stdout and stderr.</summary>
    protected static (int Code, string Out, string Err) Run(params string[] args) => RunWithInput(string.Empty, args);

    protected static (int Code, string Out, string Err) RunWithInput(string stdin, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Cli.Run(args, o, e, new StringReader(stdin));
        return (code, o.ToString(), e.ToString());
    }

    private protected string Npy(string name, NdArray a)
    {
        string p = PathOf(name);
        using var f = File.Create(p);
        Formats.Npy.Write(f, a);
        return p;
    }

    protected static float[] Floats(int n, int seed, double scale = 4, double shift = 0)
    {
        var r = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => (float)(((r.NextDouble() * 2) - 1) * scale + shift))];
    }

    protected static float[] Probabilities(int n, int seed)
    {
        var r = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => (float)r.NextDouble())];
    }

    protected static float[] Bits(int n, int seed)
    {
        var r = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => (float)r.Next(2))];
    }

    /// <summary>The files in the folder, to check that a failed run wrote nothing (temporary files included).</summary>
    protected string[] Files() => [.. Directory.GetFiles(Dir).Select(Path.GetFileName).Order()!];
}
