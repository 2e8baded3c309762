using System.Text.RegularExpressions;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using SharpLoss.Benchmarks;
using SharpLoss.TorchSharpNative;

// Usage (bench/run.sh wraps this; see bench/results/README.md):
//   SharpLoss.Benchmarks.dll --results DIR [--label main|tcmalloc] [--quick] [--torch-only] [--filter REGEX]
//   SharpLoss.Benchmarks.dll --summarize DIR
string? resultsDir = null, summarizeDir = null, filter = null;
string label = "main";
bool quick = false, torchOnly = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--results": resultsDir = args[++i]; break;
        case "--summarize": summarizeDir = args[++i]; break;
        case "--label": label = args[++i]; break;
        case "--filter": filter = args[++i]; break;
        case "--quick": quick = true; break;
        case "--torch-only": torchOnly = true; break;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]}; usage: --results DIR [--label NAME] [--quick] [--torch-only] [--filter REGEX] | --summarize DIR");
            return 2;
    }
}

if (summarizeDir is not null)
{
    Console.WriteLine($"wrote {Results.WriteSummary(summarizeDir)}");
    return 0;
}

resultsDir = Path.GetFullPath(resultsDir ?? Path.Combine("bench", "results", "local"));
Directory.CreateDirectory(resultsDir);

// Before anything touches TorchSharp: patch the output directory's libLibTorchSharp.so if the system libstdc++ is
// too old, then load it once. The benchmarks run in this process (in-process toolchain), so the patched copy is the
// one they use.
TorchLoader.Prepare();
Console.WriteLine($"// {TorchLoader.Status}");

Type[] torchTypes = [typeof(TorchPointwise), typeof(TorchRows), typeof(TorchCtc)];
Type[] types = torchOnly
    ? torchTypes
    : [typeof(Roofline), typeof(SharpLossPointwise), typeof(SharpLossRows), typeof(NaivePointwise), typeof(NaiveRows),
        typeof(SharpLossCtc), typeof(SharpLossCircle), typeof(CircleDotBaseline), .. torchTypes];
if (!TorchLoader.Available)
{
    Console.WriteLine("// the TorchSharp benchmarks are skipped");
    types = [.. types.Except(torchTypes)];
}

// Full run: 4 warm-up and 12 measured iterations of >= 500 ms each (a 16M TorchSharp case is one call per iteration).
// --quick: a smoke test, 1 warm-up and 3 iterations of >= 100 ms; its numbers are not for publication.
Job job = (quick
        ? Job.ShortRun.WithId("Quick").WithWarmupCount(1).WithIterationCount(3).WithIterationTime(TimeInterval.FromMilliseconds(100))
        : Job.Default.WithId("Full").WithWarmupCount(4).WithIterationCount(12))
    .WithLaunchCount(1)
    .WithToolchain(InProcessEmitToolchain.Instance);

string artifacts = Path.Combine(resultsDir, "..", "..", "BenchmarkDotNet.Artifacts", Path.GetFileName(resultsDir), label);
ManualConfig config = ManualConfig.CreateEmpty()
    .AddJob(job)
    .AddColumnProvider(DefaultColumnProviders.Instance)
    .AddColumn(new ElementsPerSecondColumn())
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddLogger(ConsoleLogger.Default)
    .AddExporter(MarkdownExporter.GitHub)
    .AddValidator([.. DefaultConfig.Instance.GetValidators()])
    .AddAnalyser([.. DefaultConfig.Instance.GetAnalysers()])
    .HideColumns(Column.Job, Column.Toolchain, Column.IterationCount, Column.WarmupCount, Column.LaunchCount, Column.IterationTime,
        Column.RunStrategy, Column.InvocationCount, Column.UnrollFactor)
    .WithArtifactsPath(Path.GetFullPath(artifacts))
    .WithOptions(ConfigOptions.DisableLogFile);
if (filter is not null)
{
    // A regular expression (case-insensitive) over BenchmarkDotNet's case name, e.g. "TorchPointwise.ValueAndGradient:
    // Quick(Toolchain=InProcessEmitToolchain, IterationCount=3, ...) [Threads=1, Loss=Mse, Size=1K]": the parameters
    // come last, Threads first, so match them one at a time (Loss=Mse, Size=16M) or with .* between them.
    var pattern = new Regex(filter, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    config.AddFilter(new SimpleFilter(bc => pattern.IsMatch(bc.DisplayInfo)));
}

Results.Begin(resultsDir, label, TorchLoader.Status);
string tables = Path.Combine(resultsDir, label);
Directory.CreateDirectory(tables);
foreach (Type type in types.Where(t => BenchmarkConverter.TypeToBenchmarks(t, config).BenchmarksCases.Length > 0))
{
    Summary summary = BenchmarkRunner.Run(type, config);
    Results.Append(resultsDir, label, summary);
    foreach (string report in Directory.GetFiles(summary.ResultsDirectoryPath, $"*{type.Name}-report-github.md"))
    {
        File.Copy(report, Path.Combine(tables, type.Name + ".md"), overwrite: true);
    }
}

Console.WriteLine($"// {TorchLoader.Status}");
Console.WriteLine($"// tables in {tables}; summary in {Results.WriteSummary(resultsDir)}");
return 0;
