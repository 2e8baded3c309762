using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SharpLoss.Benchmarks;

/// <summary>Throughput column: elements of the case's <c>Size</c> parameter divided by the mean time, in Gelem/s.</summary>
public sealed class ElementsPerSecondColumn : IColumn
{
    public string Id => nameof(ElementsPerSecondColumn);

    public string ColumnName => "Gelem/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Elements processed per second, in billions: rows x classes of Size (array elements for Roofline) / Mean";

    /// <summary>Gelem/s of a case, or null when it has no result or no Size parameter.</summary>
    public static double? Throughput(Summary summary, BenchmarkCase benchmarkCase)
    {
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return meanNs is > 0 && benchmarkCase.Parameters["Size"] is string size ? Cases.Elements(size) / meanNs.Value : null;
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        Throughput(summary, benchmarkCase) is double g ? g.ToString("0.000", style.CultureInfo) : "NA";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
