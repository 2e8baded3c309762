using System.IO.Compression;
using SharpLoss.Cli.Formats;

namespace SharpLoss.Cli.Tests;

/// <summary>Every bad input: exit code 2, one clear line on stderr, and no output file (not even a temporary one).</summary>
public class BadInputTests : CliTestBase
{
    private string Y => Npy("y.npy", NdArray.Of(Bits(40, 1), [20, 2]));

    private string P => Npy("p.npy", NdArray.Of(Probabilities(40, 2), [20, 2]));

    /// <summary>Runs a command that must fail, with outputs requested, and checks the contract.</summary>
    private void Fails(string expected, params string[] args)
    {
        string[] before = Files();
        var r = Run([.. args, "--per-sample", PathOf("out-ps.npy"), "--grad", PathOf("out-g.npy")]);
        Assert.Equal(2, r.Code);
        Assert.Contains(expected, r.Err);
        Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("sharploss: ", r.Err);
        Assert.Equal(string.Empty, r.Out);
        Assert.Equal(before, Files());
    }

    private string Bytes(string name, byte[] bytes)
    {
        File.WriteAllBytes(PathOf(name), bytes);
        return PathOf(name);
    }

    [Fact]
    public void MissingFile() => Fails("no such file", "eval", "bce", "--y-true", PathOf("none.npy"), "--y-pred", P);

    [Fact]
    public void UnknownLoss_SuggestsTheClosestNames() => Fails("Did you mean 'binary_crossentropy'?", "eval", "binary_crossentropyy", "--y-true", Y, "--y-pred", P);

    [Fact]
    public void UnknownOption() => Fails("--gamma", "eval", "bce", "--gamma", "2", "--y-true", Y, "--y-pred", P);

    [Fact]
    public void BadOptionValue() => Fails("label_smoothing", "eval", "bce", "--label-smoothing", "1.5", "--y-true", Y, "--y-pred", P);

    [Fact]
    public void BadSemantics() => Fails("--semantics", "eval", "bce", "--semantics", "keras9", "--y-true", Y, "--y-pred", P);

    [Fact]
    public void TruncatedNpy()
    {
        byte[] full = File.ReadAllBytes(P);
        Fails("truncated .npy file", "eval", "bce", "--y-true", Y, "--y-pred", Bytes("t.npy", full[..^7]));
    }

    [Fact]
    public void CorruptNpyHeader()
    {
        byte[] full = File.ReadAllBytes(P);
        byte[] bad = [.. full];
        "'descr'"u8.CopyTo(bad.AsSpan(10));
        bad[11] = (byte)'x';
        Fails("corrupt .npy header", "eval", "bce", "--y-true", Y, "--y-pred", Bytes("h.npy", bad));
        Fails("not a NumPy .npy file", "eval", "bce", "--y-true", Y, "--y-pred", Bytes("n.npy", "hello"u8.ToArray()));
    }

    [Fact]
    public void UnsupportedDtypeInHeader()
    {
        string text = File.ReadAllText(P, System.Text.Encoding.Latin1).Replace("<f4", "<f2", StringComparison.Ordinal);
        File.WriteAllText(PathOf("f2.npy"), text, System.Text.Encoding.Latin1);
        Fails("unsupported dtype '<f2'", "eval", "bce", "--y-true", Y, "--y-pred", PathOf("f2.npy"));
    }

    [Fact]
    public void CorruptNpz()
    {
        Fails("corrupt .npz file", "eval", "bce", "--y-true", Y, "--y-pred", Bytes("c.npz", [1, 2, 3, 4, 5]));
        string path = PathOf("t.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using Stream s = zip.CreateEntry("p.npy").Open();
            s.Write(File.ReadAllBytes(P).AsSpan(..^8));
        }

        Fails("truncated array", "eval", "bce", "--y-true", Y, "--y-pred", path);
        Fails("no array 'q'", "eval", "bce", "--y-true", Y, "--y-pred", path + ":q");
    }

    [Fact]
    public void CorruptParquet() => Fails("parquet", "eval", "bce", "--y-true", Y, "--y-pred", Bytes("c.parquet", [(byte)'P', (byte)'A', (byte)'R', (byte)'1', 0, 0, 0]));

    [Fact]
    public void DtypeThatDoesNotFit() =>
        Fails("dtype int32 does not fit y_pred", "eval", "bce", "--y-true", Y, "--y-pred", Npy("i.npy", new NdArray(DType.Int32, [20, 2], new int[40])));

    [Fact]
    public void MismatchedRows() =>
        Fails("expected the same number of rows", "eval", "bce", "--y-true", Npy("y19.npy", NdArray.Of(Bits(38, 1), [19, 2])), "--y-pred", P);

    [Fact]
    public void MismatchedShapes() =>
        Fails("yTrue.shape=(20, 3), yPred.shape=(20, 2)", "eval", "bce", "--y-true", Npy("y3.npy", NdArray.Of(Bits(60, 1), [20, 3])), "--y-pred", P);

    [Fact]
    public void CsvCellThatIsNotANumber()
    {
        File.WriteAllLines(PathOf("y.csv"), ["a,b", "0,1", "1,x1", "0,0"]);
        Fails("line 3, column 'b' (2): 'x1' is not a number", "eval", "bce", "--y-true", PathOf("y.csv"), "--y-pred", Npy("p3.npy", NdArray.Of(Probabilities(6, 2), [3, 2])));
    }

    [Fact]
    public void BadShard() => Fails("--shard: expected I/N", "eval", "bce", "--y-true", Y, "--y-pred", P, "--shard", "3/3");

    [Fact]
    public void ShardStateFromAnotherConfiguration_IsRejectedByMerge()
    {
        string y = Npy("by.npy", NdArray.Of(Bits(40_000, 1), [40_000, 1])), p = Npy("bp.npy", NdArray.Of(Probabilities(40_000, 2), [40_000, 1]));
        Assert.Equal(0, Run("eval", "mse", "--y-true", y, "--y-pred", p, "--shard", "0/2", "--partial", PathOf("a.json")).Code);
        Assert.Equal(0, Run("eval", "mae", "--y-true", y, "--y-pred", p, "--shard", "1/2", "--partial", PathOf("b.json")).Code);
        string[] before = Files();
        var r = Run("merge", PathOf("a.json"), PathOf("b.json"), "--partial", PathOf("m.json"));
        Assert.Equal(2, r.Code);
        Assert.Contains("Cannot merge states of different losses", r.Err);
        Assert.Equal(before, Files());
        File.WriteAllText(PathOf("junk.json"), "{\"format\": \"x\"}");
        var junk = Run("merge", PathOf("junk.json"));
        Assert.Equal(2, junk.Code);
        Assert.Contains("Not a SharpLoss partial state", junk.Err);
    }

    [Fact]
    public void StreamingALossThatNeedsTheWholeBatch_SaysSo()
    {
        // Circle compares every embedding with the whole batch: a shard of rows has losses of its own.
        string y = Npy("cy.npy", NdArray.Of([.. Enumerable.Range(0, 100).Select(i => (float)(i % 3))], [100]));
        string p = Npy("cp.npy", NdArray.Of(Probabilities(300, 3), [100, 3]));
        string[] before = Files();
        var r = Run("eval", "circle", "--y-true", y, "--y-pred", p, "--shard", "0/2", "--partial", PathOf("s.json"));
        Assert.Equal(2, r.Code);
        Assert.Contains("cannot be reduced in parts", r.Err);
        Assert.Equal(before, Files());
    }
}
