using System.Globalization;
using System.IO.Compression;
using SharpLoss.Cli.Formats;

namespace SharpLoss.Cli.Tests;

/// <summary>Every input format gives the value of the same arrays in .npy; outputs round-trip.</summary>
public class FormatTests : CliTestBase
{
    private const int Rows = 300;

    private readonly float[] _y = Bits(Rows * 2, 5);
    private readonly float[] _p = Probabilities(Rows * 2, 6);

    private string Reference()
    {
        var r = Run("eval", "bce", "--y-true", Npy("ref-y.npy", NdArray.Of(_y, [Rows, 2])), "--y-pred", Npy("ref-p.npy", NdArray.Of(_p, [Rows, 2])));
        Assert.True(r.Code == 0, r.Err);
        return r.Out.Trim();
    }

    private string Npz(string name, bool compressed, params (string Key, NdArray A)[] arrays)
    {
        string path = PathOf(name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (key, a) in arrays)
        {
            using Stream s = zip.CreateEntry(key + ".npy", compressed ? CompressionLevel.Optimal : CompressionLevel.NoCompression).Open();
            Formats.Npy.Write(s, a);
        }

        return path;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Npz_ByKeyAndByColonSuffix_GivesTheNpyValue(bool compressed)
    {
        string npz = Npz("d.npz", compressed, ("y", NdArray.Of(_y, [Rows, 2])), ("p", NdArray.Of(_p, [Rows, 2])));
        var r = Run("eval", "bce", "--y-true", npz + ":y", "--y-pred", npz + ":p");
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(Reference(), r.Out.Trim());

        string single = Npz("p.npz", compressed, ("arr_0", NdArray.Of(_p, [Rows, 2])));
        var r2 = Run("eval", "bce", "--y-true", npz + ":y", "--y-pred", single, "--block-rows", "10");
        Assert.True(r2.Code == 0, r2.Err);
        Assert.Equal(Reference(), r2.Out.Trim());
    }

    [Fact]
    public void Npz_WithoutKey_ListsItsArrays()
    {
        string npz = Npz("d.npz", true, ("y", NdArray.Of(_y, [Rows, 2])), ("p", NdArray.Of(_p, [Rows, 2])));
        var r = Run("eval", "bce", "--y-true", npz, "--y-pred", npz);
        Assert.Equal(2, r.Code);
        Assert.Contains("holds 2 arrays (y, p)", r.Err);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Csv_WithOrWithoutHeader_AndColumns_GivesTheNpyValue(bool header)
    {
        string Write(string name, float[] a, string[] cols)
        {
            var lines = new List<string>();
            if (header)
            {
                lines.Add("id," + string.Join(",", cols));
            }

            for (int r = 0; r < Rows; r++)
            {
                lines.Add(r.ToString(CultureInfo.InvariantCulture) + "," + a[2 * r].ToString("R", CultureInfo.InvariantCulture) + "," + a[(2 * r) + 1].ToString("R", CultureInfo.InvariantCulture));
            }

            File.WriteAllLines(PathOf(name), lines);
            return PathOf(name);
        }

        string y = Write("y.csv", _y, ["a", "b"]), p = Write("p.csv", _p, ["a", "b"]);
        string columns = header ? "a,b" : "1,2";
        var r = Run("eval", "bce", "--y-true", y, "--y-pred", p, "--column", columns);
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(Reference(), r.Out.Trim());
    }

    [Fact]
    public void Outputs_PerSampleAndGrad_AreTheLibrarysArrays_InNpyAndCsv()
    {
        string y = Npy("y.npy", NdArray.Of(_y, [Rows, 2])), p = Npy("p.npy", NdArray.Of(_p, [Rows, 2]));
        var r = Run("eval", "bce", "--y-true", y, "--y-pred", p, "--per-sample", PathOf("ps.npy"), "--grad", PathOf("g.npy"));
        Assert.True(r.Code == 0, r.Err);

        // Expected arrays: the library called directly on the same data (the tool does no maths of its own).
        float[] perSample = new BinaryCrossentropy(reduction: Reduction.None).Call(new LossInput<float>(_y, Rows, 2), new LossInput<float>(_p, Rows, 2)).ToArray();
        var (value, grad) = new BinaryCrossentropy().ValueAndGradient(new LossInput<float>(_y, Rows, 2), new LossInput<float>(_p, Rows, 2));
        Assert.Equal(value.ToString("R", CultureInfo.InvariantCulture), r.Out.Trim());
        Assert.Equal(perSample, (float[])ReadNpy("ps.npy").Data);
        Assert.Equal([Rows], ReadNpy("ps.npy").Shape);
        Assert.Equal(grad.ToArray(), (float[])ReadNpy("g.npy").Data);
        Assert.Equal([Rows, 2], ReadNpy("g.npy").Shape);

        var c = Run("eval", "bce", "--y-true", y, "--y-pred", p, "--per-sample", PathOf("ps.csv"));
        Assert.True(c.Code == 0, c.Err);
        string[] lines = File.ReadAllLines(PathOf("ps.csv"));
        Assert.Equal("value", lines[0]);
        Assert.Equal(perSample.Select(v => v.ToString("R", CultureInfo.InvariantCulture)), lines.Skip(1));
    }

    [Fact]
    public void Npy_AllDtypes_ReadAsKerasCastsThem()
    {
        // Labels as int32, int64, bool and float64 give the float32 labels' value (0 and 1 are exact in every type).
        int[] i32 = [.. _y.Select(v => (int)v)];
        string p = Npy("p.npy", NdArray.Of(_p, [Rows, 2]));
        string expected = Reference();
        foreach (NdArray y in new[]
        {
            new NdArray(DType.Int32, [Rows, 2], i32),
            new NdArray(DType.Int64, [Rows, 2], i32.Select(v => (long)v).ToArray()),
            new NdArray(DType.Bool, [Rows, 2], i32.Select(v => v != 0).ToArray()),
            NdArray.Of(_y.Select(v => (double)v).ToArray(), [Rows, 2]),
        })
        {
            var r = Run("eval", "bce", "--y-true", Npy($"y-{y.DType}.npy", y), "--y-pred", p);
            Assert.True(r.Code == 0, r.Err);
            Assert.Equal(expected, r.Out.Trim());
        }
    }

    /// <summary>A Parquet file with a list column "x" (the arrays' rows) and a numeric column "first" (their first values).</summary>
    private async Task<string> ParquetFile(string name, float[] a, int rowGroups)
    {
        var list = new Parquet.Schema.ListField("x", new Parquet.Schema.DataField<float>("element"));
        var first = new Parquet.Schema.DataField<float>("first");
        string path = PathOf(name);
        using (var f = File.Create(path))
        {
            await using var writer = await Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(list, first), f);
            int per = Rows / rowGroups;
            for (int g = 0; g < rowGroups; g++)
            {
                float[] part = a[(g * per * 2)..((g + 1) * per * 2)];
                using var group = writer.CreateRowGroup();
                var item = (Parquet.Schema.DataField)list.Item;
                await group.WriteAllPartsAsync<float>(item, part, Enumerable.Repeat(item.MaxDefinitionLevel, part.Length).ToArray(), part.Select((_, i) => i % 2 == 0 ? 0 : 1).ToArray(), CancellationToken.None);
                await group.WriteAsync<float>(first, part.Where((_, i) => i % 2 == 0).ToArray());
            }
        }

        return path;
    }

    [Fact]
    public async Task Parquet_ListAndNumericColumns_GiveTheNpyValue_AcrossRowGroups()
    {
        string y = await ParquetFile("y.parquet", _y, 3), p = await ParquetFile("p.parquet", _p, 3);
        var r = Run("eval", "bce", "--y-true", y, "--y-pred", p, "--column", "x");
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(Reference(), r.Out.Trim());

        // The numeric column: one value per row, shape (rows, 1), as the first column of the .npy arrays.
        float[] y1 = [.. _y.Where((_, i) => i % 2 == 0)], p1 = [.. _p.Where((_, i) => i % 2 == 0)];
        var expected = Run("eval", "mse", "--y-true", Npy("y1.npy", NdArray.Of(y1, [Rows, 1])), "--y-pred", Npy("p1.npy", NdArray.Of(p1, [Rows, 1])));
        var numeric = Run("eval", "mse", "--y-true", y, "--y-pred", p, "--column", "first");
        Assert.True(numeric.Code == 0, numeric.Err);
        Assert.Equal(expected.Out, numeric.Out);

        var none = Run("eval", "mse", "--y-true", y, "--y-pred", p);
        Assert.Equal(2, none.Code);
        Assert.Contains("choose one with --column", none.Err);
    }

    [Fact]
    public async Task Parquet_Outputs_HoldTheArrays()
    {
        string y = Npy("y.npy", NdArray.Of(_y, [Rows, 2])), p = Npy("p.npy", NdArray.Of(_p, [Rows, 2]));
        var r = Run("eval", "bce", "--y-true", y, "--y-pred", p, "--per-sample", PathOf("ps.parquet"), "--grad", PathOf("g.parquet"), "--json");
        Assert.True(r.Code == 0, r.Err);
        float[] perSample = new BinaryCrossentropy(reduction: Reduction.None).Call(new LossInput<float>(_y, Rows, 2), new LossInput<float>(_p, Rows, 2)).ToArray();
        float[] grad = new BinaryCrossentropy().ValueAndGradient(new LossInput<float>(_y, Rows, 2), new LossInput<float>(_p, Rows, 2)).Gradient.ToArray();

        // Read back through the tool's reader (Parquet.Net underneath): the same shapes and values.
        var options = new InputOptions(null, null, null);
        NdArray ps = Formats.ParquetIo.Read(PathOf("ps.parquet"), "ps", options), g = Formats.ParquetIo.Read(PathOf("g.parquet"), "g", options);
        Assert.Equal(perSample, (float[])ps.Data);
        Assert.Equal([Rows, 1], ps.Shape);
        Assert.Equal(grad, (float[])g.Data);
        Assert.Equal([Rows, 2], g.Shape);
        await Task.CompletedTask;
    }

    /// <summary>An .npy file of the given format version, its header written by hand (NumPy's layout: magic, version,
    /// little-endian header length of 2 bytes in 1.0 and 4 in 2.0 and 3.0, the dictionary padded to 64 bytes).</summary>
    private string NpyVersion(string name, int major, float[] data, long[] shape, string descr = "<f4", string order = "False")
    {
        string dims = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        string dict = $"{{'descr': '{descr}', 'fortran_order': {order}, 'shape': {dims}, }}";
        int prefix = major == 1 ? 10 : 12;
        string header = dict + new string(' ', (64 - ((prefix + dict.Length + 1) % 64)) % 64) + "\n";
        using var f = File.Create(PathOf(name));
        f.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0]);
        f.Write(major == 1 ? BitConverter.GetBytes((ushort)header.Length) : BitConverter.GetBytes((uint)header.Length));
        f.Write(System.Text.Encoding.UTF8.GetBytes(header));
        f.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
        return PathOf(name);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Npy_FormatVersions1To3_GiveTheSameValue(int major)
    {
        var r = Run("eval", "bce", "--y-true", NpyVersion($"y{major}.npy", major, _y, [Rows, 2]), "--y-pred", NpyVersion($"p{major}.npy", major, _p, [Rows, 2]));
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(Reference(), r.Out.Trim());
    }

    [Fact]
    public void Npy_FortranOrderAndBigEndian_AreRefusedWithAHint()
    {
        string y = Npy("y.npy", NdArray.Of(_y, [Rows, 2]));
        var f = Run("eval", "bce", "--y-true", y, "--y-pred", NpyVersion("f.npy", 1, _p, [Rows, 2], order: "True"));
        Assert.Equal(2, f.Code);
        Assert.Contains("Fortran-order", f.Err);
        var b = Run("eval", "bce", "--y-true", y, "--y-pred", NpyVersion("b.npy", 1, _p, [Rows, 2], descr: ">f4"));
        Assert.Equal(2, b.Code);
        Assert.Contains("big-endian", b.Err);
    }

    [Fact]
    public void LossNamedAfterTheOptions_IsStillFound()
    {
        var r = Run("eval", "--y-true", Npy("y.npy", NdArray.Of(_y, [Rows, 2])), "--y-pred", Npy("p.npy", NdArray.Of(_p, [Rows, 2])), "bce");
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(Reference(), r.Out.Trim());
    }

    private NdArray ReadNpy(string name)
    {
        using var f = File.OpenRead(PathOf(name));
        return Formats.Npy.Read(f, name, f.Length);
    }
}
