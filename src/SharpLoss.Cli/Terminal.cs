using System.Numerics;
using Spectre.Console;

namespace SharpLoss.Cli;

/// <summary>Spectre.Console consoles over the tool's writers: colours and live progress only on a real terminal.</summary>
internal static class Terminal
{
    public static IAnsiConsole For(TextWriter writer, bool interactive = false)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive)
        {
            // Redirected output has no width: wide enough that names and defaults stay on one line.
            console.Profile.Width = 160;
        }

        return console;
    }
}

/// <summary>A progress bar on stderr while blocks stream, when stderr is a terminal; nothing otherwise.</summary>
internal static class Progress
{
    public static EvalResult Run(TextWriter stderr, EvalRequest request, Func<EvalRequest, EvalResult> run)
    {
        bool terminal = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
        if (!terminal)
        {
            return run(request);
        }

        EvalResult? result = null;
        Terminal.For(stderr, interactive: true).Progress().AutoClear(true).Start(ctx =>
        {
            ProgressTask task = ctx.AddTask("rows", maxValue: 1);
            result = run(request with
            {
                Progress = (done, total) =>
                {
                    task.MaxValue = Math.Max(1, total);
                    task.Value = done;
                },
            });
            task.Value = task.MaxValue;
        });
        return result!;
    }
}

/// <summary>
/// The distribution of per-sample losses as a bar chart: finite values (as float32) in 10 equal bins between their
/// smallest and largest, plus a count of the others. Built in two passes over the values, so that blocks of a streamed
/// input give the counts of the whole: <see cref="AddRange{T}"/> over every value, then <see cref="AddCounts{T}"/>.
/// </summary>
internal sealed class Histogram
{
    public const int Bins = 10;

    private double _lo = double.PositiveInfinity;
    private double _hi = double.NegativeInfinity;

    /// <summary>Values seen by the range pass.</summary>
    public long Total { get; private set; }

    /// <summary>NaN and infinite values.</summary>
    public long NonFinite { get; private set; }

    /// <summary>The smallest finite value (0 when there is none).</summary>
    public double Low => double.IsFinite(_lo) ? _lo : 0;

    /// <summary>The largest finite value (0 when there is none).</summary>
    public double High => double.IsFinite(_hi) ? _hi : 0;

    /// <summary>The finite values per bin.</summary>
    public long[] Counts { get; } = new long[Bins];

    private double Width => High > Low ? (High - Low) / Bins : 1;

    /// <summary>The first pass: the range and the counts of values.</summary>
    public void AddRange<T>(ReadOnlySpan<T> values)
        where T : INumberBase<T>
    {
        foreach (T t in values)
        {
            float v = float.CreateTruncating(t);
            Total++;
            if (!float.IsFinite(v))
            {
                NonFinite++;
                continue;
            }

            _lo = Math.Min(_lo, v);
            _hi = Math.Max(_hi, v);
        }
    }

    /// <summary>The second pass: each finite value into its bin.</summary>
    public void AddCounts<T>(ReadOnlySpan<T> values)
        where T : INumberBase<T>
    {
        double lo = Low, width = Width;
        foreach (T t in values)
        {
            float v = float.CreateTruncating(t);
            if (float.IsFinite(v))
            {
                Counts[Math.Min(Bins - 1, (int)((v - lo) / width))]++;
            }
        }
    }

    public void Draw(TextWriter writer)
    {
        double lo = Low, width = Width;
        var chart = new BarChart().Label(Markup.Escape($"per-sample losses ({Total})")).Width(72);
        for (int b = 0; b < Bins; b++)
        {
            chart.AddItem(Markup.Escape($"[{lo + (b * width):G4}, {lo + ((b + 1) * width):G4})"), Counts[b], Color.Blue);
        }

        if (NonFinite > 0)
        {
            chart.AddItem("NaN/inf", NonFinite, Color.Red);
        }

        Terminal.For(writer).Write(chart);
    }
}
