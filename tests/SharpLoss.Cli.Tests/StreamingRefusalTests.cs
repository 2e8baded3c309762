using SharpLoss.Cli.Formats;

namespace SharpLoss.Cli.Tests;

/// <summary>
/// Inputs that do not stream (a reduction over another axis than the last, rank-1 inputs that a loss takes as one
/// sample) are refused when read in blocks or shards, with one line and exit code 2 and no file; read whole, they are
/// evaluated. Rank-1 inputs of a loss that takes them as one sample per row stream.
/// </summary>
public class StreamingRefusalTests : CliTestBase
{
    private const int N = 40_000;

    public static TheoryData<string, string> Refused => new()
    {
        { "axis0", "the loss reduces an axis other than the last one" },
        { "rank1", $"loss 'mean_squared_error' takes rank-1 inputs of shape ({N},) as one sample of {N} values (it averages their last axis), so they cannot be read in blocks of rows. Give shape ({N}, 1) for one sample per row" },
    };

    private string[] Inputs(string kind) => kind switch
    {
        "axis0" => ["bce", "--axis", "0", "--y-true", Npy("y2.npy", NdArray.Of(Bits(N * 2, 2), [N, 2])), "--y-pred", Npy("p2.npy", NdArray.Of(Probabilities(N * 2, 3), [N, 2]))],
        _ => ["mse", "--y-true", Npy("y1.npy", NdArray.Of(Bits(N, 4), [N])), "--y-pred", Npy("p1.npy", NdArray.Of(Probabilities(N, 5), [N]))],
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void InBlocksOrShards_IsRefused_WithOneLine_AndNoFile(string kind, string message)
    {
        string[] inputs = Inputs(kind);
        string[] before = Files();
        string[][] runs =
        [
            ["--block-rows", "1000"],
            ["--block-rows", "1000", "--per-sample", PathOf("ps.npy"), "--grad", PathOf("g.csv")],
            ["--block-rows", "1000", "--histogram"],
            ["--shard", "0/2", "--partial", PathOf("s0.json")],
        ];
        foreach (string[] extra in runs)
        {
            var r = Run(["eval", .. inputs, .. extra]);
            Assert.Equal(2, r.Code);
            Assert.Contains(message, r.Err);
            Assert.StartsWith("sharploss: ", r.Err);
            Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
            Assert.Equal(string.Empty, r.Out);
            Assert.Equal(before, Files());

            // Reading whole is the way out of streaming, not of shards.
            Assert.Equal(extra[0] == "--block-rows", r.Err.Contains("--block-rows", StringComparison.Ordinal));
        }

        // Read whole, the same inputs are evaluated.
        var whole = Run(["eval", .. inputs, "--block-rows", N.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(whole.Code == 0, whole.Err);
        Assert.True(double.IsFinite(double.Parse(whole.Out, System.Globalization.CultureInfo.InvariantCulture)), whole.Out);
    }

    [Fact]
    public void RankOne_OfALossWithOneSamplePerElement_Streams_BitForBit()
    {
        // tf.compat.v1 losses do not average the last axis: shape (N,) is N samples, and its blocks are exact.
        string[] inputs =
        [
            "tf.compat.v1.losses.mean_squared_error",
            "--y-true", Npy("y1.npy", NdArray.Of(Bits(N, 6), [N])),
            "--y-pred", Npy("p1.npy", NdArray.Of(Probabilities(N, 7), [N])),
            "--sample-weight", Npy("w1.npy", NdArray.Of([.. Probabilities(N, 8).Select((v, i) => i % 4 == 0 ? 0 : v)], [N])),
        ];
        TableStreamingTests.AssertSeveralBlocks(inputs);
        var whole = Run(["eval", .. inputs, "--grad", PathOf("g-whole.npy"), "--per-sample", PathOf("ps-whole.npy")]);
        Assert.True(whole.Code == 0, whole.Err);
        var streamed = Run(["eval", .. inputs, "--grad", PathOf("g.npy"), "--per-sample", PathOf("ps.npy"), "--block-rows", "1000"]);
        Assert.True(streamed.Code == 0, streamed.Err);
        Assert.Equal(whole.Out, streamed.Out);
        Assert.Equal(File.ReadAllBytes(PathOf("g-whole.npy")), File.ReadAllBytes(PathOf("g.npy")));
        Assert.Equal(File.ReadAllBytes(PathOf("ps-whole.npy")), File.ReadAllBytes(PathOf("ps.npy")));
    }
}
