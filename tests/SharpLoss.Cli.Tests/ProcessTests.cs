using System.Diagnostics;
using SharpLoss.Cli.Formats;

namespace SharpLoss.Cli.Tests;

/// <summary>The built program as a process: its exit codes and streams are those of the in-process runs.</summary>
public class ProcessTests : CliTestBase
{
    private static (int Code, string Out, string Err) Exec(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "SharpLoss.Cli.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        using Process p = Process.Start(info)!;
        Task<string> o = p.StandardOutput.ReadToEndAsync(), e = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, o.Result, e.Result);
    }

    [Fact]
    public void Process_Succeeds_WithTheValue_AndFails_WithExitCode2()
    {
        // keras.losses.MeanSquaredError docstring: 0.5.
        string y = Npy("y.npy", NdArray.Of(new float[] { 0, 1, 0, 0 }, [2, 2]));
        string p = Npy("p.npy", NdArray.Of(new float[] { 1, 1, 1, 0 }, [2, 2]));
        var ok = Exec("eval", "mse", "--y-true", y, "--y-pred", p);
        Assert.True(ok.Code == 0, ok.Err);
        Assert.Equal("0.5", ok.Out.Trim());

        var bad = Exec("eval", "msee", "--y-true", y, "--y-pred", p);
        Assert.Equal(2, bad.Code);
        Assert.Contains("Did you mean 'mse' or 'msle'?", bad.Err);
        Assert.Equal(string.Empty, bad.Out);
    }

    [Fact]
    public void Process_Help_NamesTheCommand_Sharploss_NotTheAssembly()
    {
        var help = Exec("--help");
        Assert.True(help.Code == 0, help.Err);
        Assert.Contains("Usage:\n  sharploss [command] [options]", help.Out.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.DoesNotContain("SharpLoss.Cli", help.Out);

        var eval = Exec("eval", "--help");
        Assert.True(eval.Code == 0, eval.Err);
        Assert.Contains("  sharploss eval [<LOSS>] [options]", eval.Out);
        Assert.DoesNotContain("SharpLoss.Cli", eval.Out);

        // The root command keeps its directives: [suggest] completes a command name.
        var suggest = Exec("[suggest]", "ev");
        Assert.True(suggest.Code == 0, suggest.Err);
        Assert.Equal("eval", suggest.Out.Trim());
    }
}
