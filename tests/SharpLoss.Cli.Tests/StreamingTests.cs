using System.Globalization;
using SharpLoss.Cli.Formats;

namespace SharpLoss.Cli.Tests;

/// <summary>
/// Inputs streamed in blocks, and shards merged, give the in-memory value bit for bit. The in-memory value is the tool's
/// own whole-file run (the library's one call), and also the library called directly on the same arrays.
/// </summary>
public class StreamingTests : CliTestBase
{
    /// <summary>A case: a loss, its option flags, and y_true/y_pred/weight files.</summary>
    private string[] Case(string name, int rows, int cols, string[] loss, bool weights = false, bool ids = false, bool f64 = false)
    {
        int seed = name.GetHashCode(StringComparison.Ordinal) & 0xFFFF;
        long[] shape = cols == 0 ? [rows] : [rows, cols];
        int n = rows * Math.Max(cols, 1);
        NdArray p = f64 ? NdArray.Of([.. Probabilities(n, seed).Select(v => (double)v)], shape) : NdArray.Of(Probabilities(n, seed), shape);
        NdArray y = ids
            ? new NdArray(DType.Int32, [rows], Enumerable.Range(0, rows).Select(i => (i * 7) % cols).ToArray())
            : NdArray.Of(Bits(n, seed + 1), shape);
        var args = new List<string>(loss) { "--y-true", Npy(name + "-y.npy", y), "--y-pred", Npy(name + "-p.npy", p) };
        if (weights)
        {
            args.AddRange(["--sample-weight", Npy(name + "-w.npy", NdArray.Of(Probabilities(rows, seed + 2), [rows]))]);
        }

        return [.. args];
    }

    public static TheoryData<string, int, int, string[], bool, bool, bool> Cases => new()
    {
        // Flat mode (uniform weights), D = 1: BCE from logits on (N, 1).
        { "bce-logits", 100_003, 1, ["bce", "--from-logits"], false, false, false },
        // Flat mode with D = 3: chunks of 16384 elements do not hold whole rows.
        { "bce-d3", 40_001, 3, ["binary_crossentropy", "--label-smoothing", "0.1"], false, false, false },
        // Rows mode (per-sample weights), D = 10.
        { "mse-weighted", 30_011, 10, ["mse"], true, false, false },
        // Weighted mean: the divisor is a chunked sum of the weights.
        { "mae-mean-weight", 50_000, 1, ["mae", "--reduction", "mean_with_sample_weight"], true, false, false },
        // Row kernels (softmax rows), class ids as int32.
        { "scce-ids", 20_000, 7, ["sparse_categorical_crossentropy"], false, true, false },
        // ignore_class: the mean over elements scales the mask by the whole file's count of labels not ignored.
        { "scce-ignore", 20_000, 5, ["sparse_categorical_crossentropy", "--ignore-class", "0"], false, true, false },
        { "scce-ignore-weighted", 20_000, 5, ["sparse_categorical_crossentropy", "--ignore-class", "2"], true, true, false },
        // Categorical cross-entropy over rows of 10 classes, float64.
        { "cce-f64", 25_000, 10, ["categorical_crossentropy", "--reduction", "sum"], false, false, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Eval_Streamed_EqualsWhole_BitForBit(string name, int rows, int cols, string[] loss, bool weights, bool ids, bool f64)
    {
        string[] args = Case(name, rows, cols, loss, weights, ids, f64);
        var whole = Run(["eval", .. args, "--json"]);
        Assert.True(whole.Code == 0, whole.Err);
        var streamed = Run(["eval", .. args, "--json", "--block-rows", "1000"]);
        Assert.True(streamed.Code == 0, streamed.Err);
        Assert.Equal(Value(whole.Out), Value(streamed.Out));
        Assert.True(double.IsFinite(Value(whole.Out)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Shards_MergedInAnyOrderAndGrouping_EqualWhole_BitForBit(string name, int rows, int cols, string[] loss, bool weights, bool ids, bool f64)
    {
        string[] args = Case(name, rows, cols, loss, weights, ids, f64);
        var whole = Run(["eval", .. args]);
        Assert.True(whole.Code == 0, whole.Err);
        foreach (int n in new[] { 3, 7 })
        {
            var states = new List<string>();
            for (int i = 0; i < n; i++)
            {
                string state = PathOf($"{name}-{i}of{n}.json");
                var r = Run(["eval", .. args, "--shard", $"{i}/{n}", "--partial", state, "--block-rows", "5000"]);
                Assert.True(r.Code == 0, r.Err);
                states.Add(state);
            }

            // In order, reversed, shuffled, and as a tree of partial merges.
            string[][] orders = [states.ToArray(), states.AsEnumerable().Reverse().ToArray(), states.OrderBy(s => s.GetHashCode(StringComparison.Ordinal)).ToArray()];
            foreach (string[] order in orders)
            {
                var m = Run(["merge", .. order]);
                Assert.True(m.Code == 0, m.Err);
                Assert.Equal(whole.Out.Trim(), m.Out.Trim());
            }

            string left = PathOf($"{name}-left{n}.json"), right = PathOf($"{name}-right{n}.json");
            Assert.Equal(0, Run(["merge", .. states.Skip(1).Take(n / 2), "--partial", left]).Code);
            Assert.Equal(0, Run(["merge", .. states.Skip(1 + (n / 2)), states[0], "--partial", right]).Code);
            var tree = Run("merge", right, left);
            Assert.True(tree.Code == 0, tree.Err);
            Assert.Equal(whole.Out.Trim(), tree.Out.Trim());
        }
    }

    [Fact]
    public void Eval_Whole_EqualsLibraryCall()
    {
        // The tool adds nothing to the library's value: the same arrays through Loss.Compute give the same text.
        float[] p = Floats(5000, 11), y = Bits(5000, 12);
        string[] args = ["eval", "bce", "--from-logits", "--y-true", Npy("y.npy", NdArray.Of(y, [5000, 1])), "--y-pred", Npy("p.npy", NdArray.Of(p, [5000, 1]))];
        var r = Run(args);
        Assert.True(r.Code == 0, r.Err);
        float expected = new BinaryCrossentropy(fromLogits: true).Compute(new LossInput<float>(y, 5000, 1), new LossInput<float>(p, 5000, 1));
        Assert.Equal(expected.ToString("R", CultureInfo.InvariantCulture), r.Out.Trim());
    }

    [Fact]
    public void Shard_FromAnotherLoss_IsRejected_AndNothingIsWritten()
    {
        string[] a = Case("x", 40_000, 1, ["bce"]);
        string[] b = Case("x", 40_000, 1, ["bce", "--label-smoothing", "0.2"]);
        Assert.Equal(0, Run(["eval", .. a, "--shard", "0/2", "--partial", PathOf("s0.json")]).Code);
        Assert.Equal(0, Run(["eval", .. b, "--shard", "1/2", "--partial", PathOf("s1.json")]).Code);
        string[] before = Files();
        var m = Run("merge", PathOf("s0.json"), PathOf("s1.json"), "--partial", PathOf("merged.json"));
        Assert.Equal(2, m.Code);
        Assert.Contains("different losses, configurations", m.Err);
        Assert.Equal(before, Files());
        var incomplete = Run("merge", PathOf("s0.json"));
        Assert.Equal(2, incomplete.Code);
        Assert.Contains("states are missing", incomplete.Err);
    }

    [Fact]
    public void Eval_NpzAndCsvLargerThanAChunk_StreamedInBlocks_EqualTheWholeNpy()
    {
        const int N = 40_000;
        float[] y = Bits(N, 21), p = Floats(N, 22);
        string yNpy = Npy("y.npy", NdArray.Of(y, [N, 1])), pNpy = Npy("p.npy", NdArray.Of(p, [N, 1]));
        var whole = Run("eval", "bce", "--from-logits", "--y-true", yNpy, "--y-pred", pNpy);
        Assert.True(whole.Code == 0, whole.Err);

        string npz = PathOf("d.npz");
        using (var zip = System.IO.Compression.ZipFile.Open(npz, System.IO.Compression.ZipArchiveMode.Create))
        {
            foreach (var (key, a) in new[] { ("y", y), ("p", p) })
            {
                using Stream s = zip.CreateEntry(key + ".npy", System.IO.Compression.CompressionLevel.Optimal).Open();
                Formats.Npy.Write(s, NdArray.Of(a, [N, 1]));
            }
        }

        File.WriteAllLines(PathOf("y.csv"), y.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        File.WriteAllLines(PathOf("p.csv"), p.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        foreach (string[] inputs in new[] { new[] { npz + ":y", npz + ":p" }, [PathOf("y.csv"), PathOf("p.csv")] })
        {
            var streamed = Run("eval", "bce", "--from-logits", "--y-true", inputs[0], "--y-pred", inputs[1], "--block-rows", "1000");
            Assert.True(streamed.Code == 0, streamed.Err);
            Assert.Equal(whole.Out, streamed.Out);
        }
    }

    private static double Value(string json) =>
        System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("value").GetDouble();
}
