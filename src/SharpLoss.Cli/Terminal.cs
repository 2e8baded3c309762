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

/// <summary>The distribution of per-sample losses as a bar chart (finite values in 10 bins, plus a count of the others).</summary>
internal static class Histogram
{
    public const int Bins = 10;

    public static (double Low, double High, long[] Counts, long NonFinite) Compute(IReadOnlyList<float> values)
    {
        var finite = values.Where(float.IsFinite).ToList();
        long nonFinite = values.Count - finite.Count;
        var counts = new long[Bins];
        if (finite.Count == 0)
        {
            return (0, 0, counts, nonFinite);
        }

        double lo = finite.Min(), hi = finite.Max();
        double width = hi > lo ? (hi - lo) / Bins : 1;
        foreach (float v in finite)
        {
            counts[Math.Min(Bins - 1, (int)((v - lo) / width))]++;
        }

        return (lo, hi, counts, nonFinite);
    }

    public static void Draw(TextWriter writer, IReadOnlyList<float> values)
    {
        (double lo, double hi, long[] counts, long nonFinite) = Compute(values);
        double width = hi > lo ? (hi - lo) / Bins : 1;
        var chart = new BarChart().Label(Markup.Escape($"per-sample losses ({values.Count})")).Width(72);
        for (int b = 0; b < Bins; b++)
        {
            chart.AddItem(Markup.Escape($"[{lo + (b * width):G4}, {lo + ((b + 1) * width):G4})"), counts[b], Color.Blue);
        }

        if (nonFinite > 0)
        {
            chart.AddItem("NaN/inf", nonFinite, Color.Red);
        }

        Terminal.For(writer).Write(chart);
    }
}
