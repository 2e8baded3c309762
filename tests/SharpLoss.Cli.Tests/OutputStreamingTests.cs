using SharpLoss.Cli.Formats;

namespace SharpLoss.Cli.Tests;

/// <summary>
/// --per-sample, --grad and --histogram on inputs larger than a block: the files written block by block equal the files
/// of the whole read bit for bit, in .npy, .csv and .parquet, and an error in a late block leaves no file.
/// </summary>
public class OutputStreamingTests : CliTestBase
{
    // Blocks are rounded up to whole summation chunks (16384 elements, 16384 weights): 50001 rows make several blocks.
    private const int N = 50_001;

    /// <summary>y_true, y_pred and (optionally) sample weight files; weights with some zeros (tf.compat.v1's non-zero
    /// count) and of shape (N,) or (N, 1).</summary>
    private string[] Inputs(string[] loss, int cols, bool weights, bool f64, bool ids = false, bool columnWeights = false)
    {
        NdArray p = f64 ? NdArray.Of([.. Probabilities(N * cols, 1).Select(v => (double)v)], [N, cols]) : NdArray.Of(Probabilities(N * cols, 1), [N, cols]);
        NdArray y = ids ? new NdArray(DType.Int64, [N], Enumerable.Range(0, N).Select(i => (long)((i * 7) % cols)).ToArray()) : NdArray.Of(Bits(N * cols, 2), [N, cols]);
        string[] args = [.. loss, "--y-true", Npy("y.npy", y), "--y-pred", Npy("p.npy", p)];
        if (weights)
        {
            float[] w = [.. Probabilities(N, 3).Select((v, i) => i % 5 == 0 ? 0 : v)];
            args = [.. args, "--sample-weight", Npy("w.npy", NdArray.Of(w, columnWeights ? [N, 1] : [N]))];
        }

        return args;
    }

    public static TheoryData<string[], int, bool, bool, bool, bool, string> Cases()
    {
        var data = new TheoryData<string[], int, bool, bool, bool, bool, string>();
        foreach (string ext in new[] { ".npy", ".csv", ".parquet" })
        {
            // Count divisor (flat mode), weight-sum divisor (rows), a sum, class ids in float64, tf.compat.v1's
            // non-zero count, an unreduced loss (the gradient of the sum of its values), and ignore_class (a mask scaled
            // by the whole file's count of labels not ignored).
            data.Add(["mse"], 3, false, false, false, false, ext);
            data.Add(["categorical_crossentropy", "--reduction", "mean_with_sample_weight"], 4, true, false, false, false, ext);
            data.Add(["bce", "--from-logits", "--reduction", "sum"], 2, true, false, false, false, ext);
            data.Add(["sparse_categorical_crossentropy"], 4, true, true, true, false, ext);
            data.Add(["tf.compat.v1.losses.log_loss"], 3, true, false, false, true, ext);
            data.Add(["huber", "--reduction", "none"], 3, true, true, false, false, ext);
            data.Add(["sparse_categorical_crossentropy", "--ignore-class", "1"], 5, true, false, true, false, ext);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PerSampleAndGrad_Streamed_EqualTheWholeRead_BitForBit(string[] loss, int cols, bool weights, bool f64, bool ids, bool columnWeights, string ext)
    {
        string[] args = Inputs(loss, cols, weights, f64, ids, columnWeights);
        if (!loss.Contains("none"))
        {
            TableStreamingTests.AssertSeveralBlocks(args);
        }

        var whole = Run(["eval", .. args, "--per-sample", PathOf("ps-whole" + ext), "--grad", PathOf("g-whole" + ext)]);
        Assert.True(whole.Code == 0, whole.Err);
        var streamed = Run(["eval", .. args, "--per-sample", PathOf("ps" + ext), "--grad", PathOf("g" + ext), "--block-rows", "1000"]);
        Assert.True(streamed.Code == 0, streamed.Err);
        Assert.Equal(whole.Out, streamed.Out);
        foreach (string name in new[] { "ps", "g" })
        {
            NdArray expected = Read(name + "-whole" + ext), actual = Read(name + ext);
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.Equal(expected.DType, actual.DType);
            Assert.True(expected.Bytes().SequenceEqual(actual.Bytes()), $"{name}{ext}: the streamed array differs from the whole read's");
            Assert.Contains(Raw(expected), b => b != 0); // not all zeros: the comparison has something to compare
            if (ext != ".parquet")
            {
                Assert.Equal(File.ReadAllBytes(PathOf(name + "-whole" + ext)), File.ReadAllBytes(PathOf(name + ext)));
            }
        }

        Assert.Equal(N, Read("ps" + ext).Shape[0]);
        Assert.Equal([N, cols], Read("g" + ext).Shape);
    }

    [Fact]
    public void Outputs_AreWrittenInSeveralBlocks()
    {
        string[] args = Inputs(["categorical_crossentropy"], 5, true, false);
        var options = new InputOptions(null, null, null);
        using IArraySource y = Sources.Open(args[2], "--y-true", options), p = Sources.Open(args[4], "--y-pred", options), w = Sources.Open(args[6], "--sample-weight", options);
        var done = new List<long>();
        EvalResult r = Evaluator.Run(new EvalRequest
        {
            Loss = new CategoricalCrossentropy(),
            YTrue = y,
            YPred = p,
            SampleWeight = w,
            Grad = PathOf("g.npy"),
            BlockRows = 1000,
            Progress = (d, _) => done.Add(d),
        });
        Assert.True(r.Streamed);

        // Two passes (the value's, then the gradient's), each of more than two blocks.
        Assert.True(done.Count >= 6, string.Join(", ", done));
        Assert.Equal(2L * N, done[^1]);
    }

    [Fact]
    public async Task ParquetOutput_IsCutIntoRowGroupsOfBoundedSize()
    {
        // 300000 rows of 4: 1.2 million gradient values, more than one row group holds.
        const int Rows = 300_000;
        string y = Npy("y.npy", NdArray.Of(Bits(Rows * 4, 8), [Rows, 4])), p = Npy("p.npy", NdArray.Of(Probabilities(Rows * 4, 9), [Rows, 4]));
        var r = Run("eval", "mse", "--y-true", y, "--y-pred", p, "--grad", PathOf("g.parquet"));
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(0, Run("eval", "mse", "--y-true", y, "--y-pred", p, "--grad", PathOf("g.npy")).Code);
        await using (var reader = await Parquet.ParquetReader.CreateAsync(PathOf("g.parquet")))
        {
            Assert.Equal(2, reader.RowGroupCount);
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                Assert.True(group.RowCount * 4 <= ParquetArrayWriter.GroupValues, $"row group {g}: {group.RowCount} rows");
            }
        }

        Assert.Equal(Raw(ReadNpy("g.npy")), Raw(Read("g.parquet")));
    }

    [Fact]
    public void Histogram_Streamed_DrawsTheWholeReadsChart()
    {
        string[] args = Inputs(["bce", "--label-smoothing", "0.1"], 4, true, false);
        TableStreamingTests.AssertSeveralBlocks(args);
        var whole = Run(["eval", .. args, "--histogram"]);
        Assert.True(whole.Code == 0, whole.Err);
        var streamed = Run(["eval", .. args, "--histogram", "--block-rows", "1000"]);
        Assert.True(streamed.Code == 0, streamed.Err);
        Assert.Contains($"per-sample losses ({N})", whole.Out);
        Assert.Equal(whole.Out, streamed.Out);
    }

    [Theory]
    [InlineData("bce")]
    [InlineData("none")]
    public void ErrorInALateBlock_LeavesNoOutputFile(string reduction)
    {
        // A CSV cell that is not a number at data row 40000, in a late block: with reduction none it is read in the only
        // pass, after blocks of both files were written; with a reduction, in the value's pass before them.
        float[] y = Bits(N * 2, 4);
        var lines = y.Chunk(2).Select(r => string.Join(",", r.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToArray();
        lines[40_000] = "0,zero";
        File.WriteAllLines(PathOf("y.csv"), lines);
        string p = Npy("p.npy", NdArray.Of(Probabilities(N * 2, 5), [N, 2]));
        string[] before = Files();
        foreach (string ext in new[] { ".npy", ".csv", ".parquet" })
        {
            string[] args = ["eval", "bce", "--y-true", PathOf("y.csv"), "--y-pred", p, "--per-sample", PathOf("ps" + ext), "--grad", PathOf("g" + ext), "--block-rows", "1000"];
            var r = Run(reduction == "none" ? [.. args, "--reduction", "none"] : args);
            Assert.Equal(2, r.Code);
            Assert.Equal($"sharploss: --y-true '{PathOf("y.csv")}': line 40001, column 2: 'zero' is not a number.", r.Err.Trim());
            Assert.Equal(before, Files());
        }
    }

    [Fact]
    public void Streamed_Gradient_WithAnEarlierOutput_OverwritesItWhole()
    {
        string[] args = Inputs(["mse"], 3, true, false);
        File.WriteAllText(PathOf("g.npy"), "old");
        var r = Run(["eval", .. args, "--grad", PathOf("g.npy"), "--block-rows", "1000"]);
        Assert.True(r.Code == 0, r.Err);
        var whole = Run(["eval", .. args, "--grad", PathOf("g-whole.npy")]);
        Assert.True(whole.Code == 0, whole.Err);
        Assert.Equal(File.ReadAllBytes(PathOf("g-whole.npy")), File.ReadAllBytes(PathOf("g.npy")));
    }

    private NdArray Read(string name)
    {
        var options = new InputOptions(null, null, null);
        return Path.GetExtension(name) switch
        {
            ".parquet" => ParquetIo.Read(PathOf(name), name, options),
            ".csv" => Csv.Read(PathOf(name), name, options),
            _ => ReadNpy(name),
        };
    }

    private NdArray ReadNpy(string name)
    {
        using var f = File.OpenRead(PathOf(name));
        return Formats.Npy.Read(f, name, f.Length);
    }

    private static byte[] Raw(NdArray a) => a.Bytes().ToArray();
}
