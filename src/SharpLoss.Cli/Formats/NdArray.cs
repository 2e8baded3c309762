using System.Runtime.InteropServices;

namespace SharpLoss.Cli.Formats;

/// <summary>The element types the tool reads and writes.</summary>
internal enum DType
{
    Float32,
    Float64,
    Int32,
    Int64,
    Bool,
}

/// <summary>A dense, row-major (C order) array: its element type, shape and data (a T[] of the element type).</summary>
internal sealed class NdArray
{
    public NdArray(DType dtype, long[] shape, Array data)
    {
        DType = dtype;
        Shape = shape;
        Data = data;
    }

    public DType DType { get; }

    public long[] Shape { get; }

    public Array Data { get; }

    public long Length => Data.Length;

    public long Rows => Shape.Length == 0 ? 1 : Shape[0];

    public static NdArray Of(float[] data, long[] shape) => new(DType.Float32, shape, data);

    public static NdArray Of(double[] data, long[] shape) => new(DType.Float64, shape, data);

    public static int SizeOf(DType t) => t switch
    {
        DType.Float32 or DType.Int32 => 4,
        DType.Float64 or DType.Int64 => 8,
        _ => 1,
    };

    public static string Name(DType t) => t switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.Int32 => "int32",
        DType.Int64 => "int64",
        _ => "bool",
    };

    public static string ShapeText(long[] shape) => shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";

    public static Array Allocate(DType t, long count) => t switch
    {
        DType.Float32 => new float[count],
        DType.Float64 => new double[count],
        DType.Int32 => new int[count],
        DType.Int64 => new long[count],
        _ => new bool[count],
    };

    /// <summary>The raw bytes of the data (little-endian on the platforms .NET runs on).</summary>
    public Span<byte> Bytes() => Data switch
    {
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()),
        double[] d => MemoryMarshal.AsBytes(d.AsSpan()),
        int[] i => MemoryMarshal.AsBytes(i.AsSpan()),
        long[] l => MemoryMarshal.AsBytes(l.AsSpan()),
        bool[] b => MemoryMarshal.AsBytes(b.AsSpan()),
        _ => throw new InvalidOperationException("Unknown element type."),
    };

    /// <summary>The data converted to float or double (labels and weights given as integers or booleans, as Keras casts them).</summary>
    public T[] As<T>(string argument)
        where T : unmanaged, System.Numerics.INumberBase<T>
    {
        if (Data is T[] same)
        {
            return same;
        }

        var dst = new T[Data.Length];
        switch (Data)
        {
            case float[] f:
                for (int i = 0; i < f.Length; i++)
                {
                    dst[i] = T.CreateTruncating(f[i]);
                }

                break;
            case double[] d:
                for (int i = 0; i < d.Length; i++)
                {
                    dst[i] = T.CreateTruncating(d[i]);
                }

                break;
            case int[] n:
                for (int i = 0; i < n.Length; i++)
                {
                    dst[i] = T.CreateTruncating(n[i]);
                }

                break;
            case long[] l:
                for (int i = 0; i < l.Length; i++)
                {
                    dst[i] = T.CreateTruncating(l[i]);
                }

                break;
            case bool[] b:
                for (int i = 0; i < b.Length; i++)
                {
                    dst[i] = b[i] ? T.One : T.Zero;
                }

                break;
            default:
                throw new CliException($"{argument}: unsupported element type.");
        }

        return dst;
    }
}
