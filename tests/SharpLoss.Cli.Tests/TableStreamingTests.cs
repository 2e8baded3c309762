using System.Globalization;
using System.Text.Json;
using SharpLoss.Cli.Formats;

namespace SharpLoss.Cli.Tests;

/// <summary>
/// CSV and Parquet inputs are read in blocks of whole rows: the streamed value equals the whole-read value bit for bit
/// (and the value of the same arrays in .npy), and a bad cell in a late block is reported with its line or row.
/// </summary>
public class TableStreamingTests : CliTestBase
{
    // Blocks are rounded up to whole summation chunks (16384 elements or weights): 40011 rows make three blocks.
    private const int N = 40_011;

    private string CsvFile(string name, float[] a, int cols, bool header)
    {
        var lines = new List<string>(N + 1);
        if (header)
        {
            lines.Add(string.Join(",", Enumerable.Range(0, cols).Select(c => $"c{c}")));
        }

        for (int r = 0; r < a.Length / cols; r++)
        {
            lines.Add(string.Join(",", a.Skip(r * cols).Take(cols).Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }

        File.WriteAllLines(PathOf(name), lines);
        return PathOf(name);
    }

    /// <summary>A Parquet file with one column "x": numbers (cols 1) or lists of cols numbers, in row groups of
    /// <paramref name="groupRows"/> rows (a last smaller group).</summary>
    private string ParquetFile<T>(string name, T[] a, int cols, int groupRows)
        where T : struct
    {
        var element = new Parquet.Schema.DataField<T>(cols == 1 ? "x" : "element");
        Parquet.Schema.Field field = cols == 1 ? element : new Parquet.Schema.ListField("x", element);
        string path = PathOf(name);
        using var f = File.Create(path);
        Task.Run(async () =>
        {
            await using var writer = await Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(field), f);
            int rows = a.Length / cols;
            for (int first = 0; first < rows; first += groupRows)
            {
                T[] part = a[(first * cols)..(Math.Min(rows, first + groupRows) * cols)];
                using var group = writer.CreateRowGroup();
                if (cols == 1)
                {
                    await group.WriteAsync<T>(element, part);
                }
                else
                {
                    await group.WriteAllPartsAsync<T>(element, part, Enumerable.Repeat(element.MaxDefinitionLevel, part.Length).ToArray(), part.Select((_, i) => i % cols == 0 ? 0 : 1).ToArray(), CancellationToken.None);
                }
            }
        }).GetAwaiter().GetResult();
        return path;
    }

    private static string ValueText(string json) => JsonDocument.Parse(json).RootElement.GetProperty("value").GetRawText();

    /// <summary>Blocks are rounded up to whole summation chunks of both the losses and the weights: shard 1 of 2 starting
    /// strictly inside the rows shows that the blocks of <c>--block-rows 1000</c> are more than one.</summary>
    internal static void AssertSeveralBlocks(string[] args)
    {
        var half = Run(["eval", .. args, "--json", "--shard", "1/2"]);
        Assert.True(half.Code == 0, half.Err);
        JsonElement root = JsonDocument.Parse(half.Out).RootElement;
        long first = root.GetProperty("range")[0].GetInt64(), rows = root.GetProperty("rows").GetInt64();
        Assert.True(first > 0 && first < rows, $"one block holds all {rows} rows: {half.Out}");
    }

    private static void AssertStreamedEqualsWhole(string[] args, string? npyValue)
    {
        AssertSeveralBlocks(args);
        var whole = Run(["eval", .. args, "--json"]);
        Assert.True(whole.Code == 0, whole.Err);
        var streamed = Run(["eval", .. args, "--json", "--block-rows", "1000"]);
        Assert.True(streamed.Code == 0, streamed.Err);
        Assert.Equal(ValueText(whole.Out), ValueText(streamed.Out));
        Assert.True(double.IsFinite(double.Parse(ValueText(whole.Out), CultureInfo.InvariantCulture)), whole.Out);
        if (npyValue is not null)
        {
            Assert.Equal(npyValue, ValueText(whole.Out));
        }
    }

    public static TheoryData<string[], int, bool> Losses => new()
    {
        // Element-wise (the flat mode without weights, the rows mode with them), and a row loss (softmax over rows of 5,
        // of 4 with a weighted mean). With weights, a block holds whole chunks of the losses and of the weights (16384
        // each): rows of 3 or 5 values would make one block of millions of rows.
        { ["bce", "--label-smoothing", "0.1"], 3, false },
        { ["bce", "--label-smoothing", "0.1"], 4, true },
        { ["categorical_crossentropy"], 5, false },
        { ["categorical_crossentropy", "--reduction", "mean_with_sample_weight"], 4, true },
    };

    [Theory]
    [MemberData(nameof(Losses))]
    public void Csv_Streamed_EqualsWholeRead_AndTheNpyValue(string[] loss, int cols, bool weights)
    {
        float[] y = Bits(N * cols, 1), p = Probabilities(N * cols, 2), w = Probabilities(N, 3);
        string[] npy = [.. loss, "--y-true", Npy("y.npy", NdArray.Of(y, [N, cols])), "--y-pred", Npy("p.npy", NdArray.Of(p, [N, cols]))];
        string[] csv = [.. loss, "--y-true", CsvFile("y.csv", y, cols, true), "--y-pred", CsvFile("p.csv", p, cols, false)];
        if (weights)
        {
            npy = [.. npy, "--sample-weight", Npy("w.npy", NdArray.Of(w, [N]))];
            csv = [.. csv, "--sample-weight", CsvFile("w.csv", w, 1, true)];
        }

        var reference = Run(["eval", .. npy, "--json"]);
        Assert.True(reference.Code == 0, reference.Err);
        AssertStreamedEqualsWhole(csv, ValueText(reference.Out));
    }

    [Theory]
    [MemberData(nameof(Losses))]
    public void Parquet_Streamed_EqualsWholeRead_AndTheNpyValue(string[] loss, int cols, bool weights)
    {
        float[] y = Bits(N * cols, 4), p = Probabilities(N * cols, 5), w = Probabilities(N, 6);
        string[] npy = [.. loss, "--y-true", Npy("y.npy", NdArray.Of(y, [N, cols])), "--y-pred", Npy("p.npy", NdArray.Of(p, [N, cols]))];

        // Row groups of 3001 and 7000 rows: blocks start and end inside groups, and blocks span several groups.
        string[] pq = [.. loss, "--y-true", ParquetFile("y.parquet", y, cols, 3001), "--y-pred", ParquetFile("p.parquet", p, cols, 7000)];
        if (weights)
        {
            npy = [.. npy, "--sample-weight", Npy("w.npy", NdArray.Of(w, [N]))];
            pq = [.. pq, "--sample-weight", ParquetFile("w.parquet", w, 1, 2500)];
        }

        var reference = Run(["eval", .. npy, "--json"]);
        Assert.True(reference.Code == 0, reference.Err);
        AssertStreamedEqualsWhole(pq, ValueText(reference.Out));
    }

    [Fact]
    public void Float64_Parquet_AndCsvLabels_Streamed_EqualWholeRead()
    {
        const int K = 4;
        double[] p = [.. Probabilities(N * K, 7).Select(v => (double)v)];
        float[] y = Bits(N * K, 8), w = Probabilities(N, 9);
        string pq = ParquetFile("p.parquet", p, K, 4099);
        string yNpy = Npy("y.npy", NdArray.Of(y, [N, K]));
        var reference = Run("eval", "categorical_crossentropy", "--y-true", yNpy, "--y-pred", Npy("p.npy", NdArray.Of(p, [N, K])), "--sample-weight", Npy("w.npy", NdArray.Of(w, [N])), "--json");
        Assert.True(reference.Code == 0, reference.Err);
        Assert.Equal("float64", JsonDocument.Parse(reference.Out).RootElement.GetProperty("dtype").GetString());
        AssertStreamedEqualsWhole(["categorical_crossentropy", "--y-true", CsvFile("y.csv", y, K, false), "--y-pred", pq, "--sample-weight", CsvFile("w.csv", w, 1, false)], ValueText(reference.Out));
        AssertStreamedEqualsWhole(["mse", "--y-true", yNpy, "--y-pred", pq], null);
    }

    [Fact]
    public void Csv_AndParquet_AreReadInBlocks_NotWhole()
    {
        // The evaluator's streamed path, with the sources' own buffers of one block.
        const int K = 3;
        float[] y = Bits(N * K, 10), p = Probabilities(N * K, 11);
        var options = new InputOptions(null, null, null);
        using IArraySource ys = Sources.Open(CsvFile("y.csv", y, K, false), "--y-true", options);
        using IArraySource ps = Sources.Open(ParquetFile("p.parquet", p, K, 3001), "--y-pred", options);
        Assert.IsType<CsvSource>(ys);
        Assert.IsType<ParquetSource<float>>(ps);
        Assert.Equal([N, K], ys.Shape);
        Assert.Equal([N, K], ps.Shape);
        EvalResult r = Evaluator.Run(new EvalRequest { Loss = new BinaryCrossentropy(), YTrue = ys, YPred = ps, BlockRows = 1000 });
        Assert.True(r.Streamed);

        // A block read from the middle (backwards after the last) holds those rows.
        NdArray block = ps.ReadRows(5000, 2000);
        Assert.Equal(p[(5000 * K)..(7000 * K)], (float[])block.Data);
        NdArray csvBlock = ys.ReadRows(12_345, 10);
        Assert.Equal(y[(12_345 * K)..(12_355 * K)], (float[])csvBlock.Data);
        csvBlock = ys.ReadRows(3, 2);
        Assert.Equal(y[(3 * K)..(5 * K)], (float[])csvBlock.Data);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Csv_BadCellInALateBlock_IsReportedWithItsLine(bool streamed)
    {
        float[] y = Bits(N * 2, 12);
        var lines = File.ReadAllLines(CsvFile("y.csv", y, 2, true));
        lines[35_000] = lines[35_000].Split(',')[0] + ",x1"; // data row 34999, line 35001 (after the header)
        File.WriteAllLines(PathOf("y.csv"), lines);
        string[] args = ["eval", "bce", "--y-true", PathOf("y.csv"), "--y-pred", Npy("p.npy", NdArray.Of(Probabilities(N * 2, 13), [N, 2])), "--per-sample", PathOf("ps.npy")];
        string[] before = Files();
        var r = Run(streamed ? [.. args, "--block-rows", "1000"] : args);
        Assert.Equal(2, r.Code);
        Assert.Equal($"sharploss: --y-true '{PathOf("y.csv")}': line 35001, column 'c1' (2): 'x1' is not a number.", r.Err.Trim());
        Assert.Equal(before, Files());

        lines[38_000] = "1";
        lines[35_000] = "1,0";
        File.WriteAllLines(PathOf("y.csv"), lines);
        var missing = Run(streamed ? [.. args, "--block-rows", "1000"] : args);
        Assert.Equal(2, missing.Code);
        Assert.Contains("line 38001 has 1 columns; column 2 is missing.", missing.Err);
        Assert.Equal(before, Files());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Parquet_RowOfAnotherLengthInALateGroup_IsReportedWithItsRow(bool streamed)
    {
        // Rows of 2 values, but row 17000 takes the next row's values too: 4 values, 19999 rows in all.
        const int Rows = 20_000;
        float[] a = Probabilities(Rows * 2, 14);
        int[] rep = [.. a.Select((_, i) => i % 2 == 0 ? 0 : 1)];
        rep[(17_001 * 2) - 0] = 1;
        var element = new Parquet.Schema.DataField<float>("element");
        var list = new Parquet.Schema.ListField("x", element);
        string path = PathOf("p.parquet");
        using (var f = File.Create(path))
        {
            await using var writer = await Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(list), f);
            foreach (var (lo, hi) in new[] { (0, 10_000), (10_000, Rows) })
            {
                using var group = writer.CreateRowGroup();
                await group.WriteAllPartsAsync<float>(element, a.AsMemory((lo * 2)..(hi * 2)), Enumerable.Repeat(element.MaxDefinitionLevel, (hi - lo) * 2).ToArray(), rep.AsMemory((lo * 2)..(hi * 2)), CancellationToken.None);
            }
        }

        string[] args = ["eval", "mse", "--y-true", Npy("y.npy", NdArray.Of(Bits((Rows - 1) * 2, 15), [Rows - 1, 2])), "--y-pred", path];
        var r = Run(streamed ? [.. args, "--block-rows", "1000"] : args);
        Assert.Equal(2, r.Code);
        Assert.Equal($"sharploss: --y-pred '{path}': row 17000 has 4 values, the rows before 2; expected lists of one length.", r.Err.Trim());
    }
}
