using System.Runtime.CompilerServices;
using System.Text;

namespace SharpLoss.Internals;

/// <summary>Inline storage for the dimensions of a <see cref="Shape"/>.</summary>
[InlineArray(Shape.MaxRank)]
internal struct DimBuffer
{
    private int _element0;
}

/// <summary>
/// A row-major tensor shape of rank 0 to <see cref="MaxRank"/>, stored inline so that shape
/// arithmetic never allocates. Rank 0 is a scalar.
/// </summary>
internal struct Shape : IEquatable<Shape>
{
    /// <summary>The largest rank SharpLoss accepts.</summary>
    public const int MaxRank = 8;

    private DimBuffer _dims;

    public Shape(ReadOnlySpan<int> dims)
    {
        if (dims.Length > MaxRank)
        {
            throw new ArgumentException($"Expected a tensor of rank at most {MaxRank}. Received: rank {dims.Length}.", nameof(dims));
        }

        Rank = dims.Length;
        for (int i = 0; i < dims.Length; i++)
        {
            _dims[i] = dims[i];
        }
    }

    /// <summary>The number of dimensions.</summary>
    public int Rank { get; private set; }

    /// <summary>The scalar shape ().</summary>
    public static Shape Scalar => default;

    public readonly int this[int i] => _dims[i];

    /// <summary>The product of the dimensions (1 for a scalar).</summary>
    public readonly long Count
    {
        get
        {
            long n = 1;
            for (int i = 0; i < Rank; i++)
            {
                n *= _dims[i];
            }

            return n;
        }
    }

    /// <summary>Whether the element count fits in a .NET array (at most <see cref="Array.MaxLength"/>; a broadcast can
    /// imply more, and <see cref="Count"/> can then overflow).</summary>
    public readonly bool FitsInArray
    {
        get
        {
            double n = 1;
            for (int i = 0; i < Rank; i++)
            {
                n *= _dims[i];
            }

            return n <= Array.MaxLength;
        }
    }

    /// <summary>The last dimension; only valid for rank ≥ 1.</summary>
    public readonly int Last => _dims[Rank - 1];

    public static Shape Of(int d0) => new([d0]);

    public readonly Shape Append(int d)
    {
        if (Rank == MaxRank)
        {
            throw new ArgumentException($"Expected a tensor of rank at most {MaxRank - 1} here (one axis is added). Received: {this}.");
        }

        Shape s = this;
        s._dims[Rank] = d;
        s.Rank = Rank + 1;
        return s;
    }

    public readonly Shape DropLast() => RemoveAxis(Rank - 1);

    public readonly Shape RemoveAxis(int axis)
    {
        Shape s = default;
        int r = 0;
        for (int i = 0; i < Rank; i++)
        {
            if (i != axis)
            {
                s._dims[r++] = _dims[i];
            }
        }

        s.Rank = r;
        return s;
    }

    /// <summary>Product of the dimensions in [from, to).</summary>
    public readonly long Product(int from, int to)
    {
        long n = 1;
        for (int i = from; i < to; i++)
        {
            n *= _dims[i];
        }

        return n;
    }

    public readonly int[] ToArray()
    {
        var a = new int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            a[i] = _dims[i];
        }

        return a;
    }

    /// <summary>The lengths of a <see cref="System.Numerics.Tensors.Tensor{T}"/> of this shape: System.Numerics.Tensors has
    /// no rank-0 tensor, so a scalar is [1].</summary>
    public readonly nint[] TensorLengths() => Rank == 0 ? [1] : ToNintArray();

    public readonly nint[] ToNintArray()
    {
        var a = new nint[Rank];
        for (int i = 0; i < Rank; i++)
        {
            a[i] = _dims[i];
        }

        return a;
    }

    /// <summary>Resolves a possibly negative axis against this rank; returns -1 when out of range.</summary>
    public readonly int ResolveAxis(int axis)
    {
        int a = axis < 0 ? axis + Rank : axis;
        return a < 0 || a >= Rank ? -1 : a;
    }

    public readonly bool Equals(Shape other)
    {
        if (Rank != other.Rank)
        {
            return false;
        }

        for (int i = 0; i < Rank; i++)
        {
            if (_dims[i] != other._dims[i])
            {
                return false;
            }
        }

        return true;
    }

    public override readonly bool Equals(object? obj) => obj is Shape s && Equals(s);

    public override readonly int GetHashCode()
    {
        var h = new HashCode();
        for (int i = 0; i < Rank; i++)
        {
            h.Add(_dims[i]);
        }

        return h.ToHashCode();
    }

    public static bool operator ==(Shape a, Shape b) => a.Equals(b);

    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);

    /// <summary>Python tuple notation, as Keras prints shapes: <c>()</c>, <c>(3,)</c>, <c>(2, 3)</c>.</summary>
    public override readonly string ToString()
    {
        var sb = new StringBuilder("(");
        for (int i = 0; i < Rank; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(_dims[i]);
        }

        if (Rank == 1)
        {
            sb.Append(',');
        }

        return sb.Append(')').ToString();
    }

    /// <summary>NumPy broadcasting of two shapes; false when they are incompatible.</summary>
    public static bool TryBroadcast(in Shape a, in Shape b, out Shape result)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        result = default;
        result.Rank = rank;
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Rank ? 1 : a[i - (rank - a.Rank)];
            int db = i < rank - b.Rank ? 1 : b[i - (rank - b.Rank)];
            if (da == db || db == 1)
            {
                result._dims[i] = da;
            }
            else if (da == 1)
            {
                result._dims[i] = db;
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Row-major strides (in elements) for reading a tensor of this shape as if it had shape
    /// <paramref name="target"/> under NumPy broadcasting: broadcast axes get stride 0.
    /// </summary>
    public readonly void BroadcastStrides(in Shape target, Span<long> strides)
    {
        int offset = target.Rank - Rank;
        long s = 1;
        for (int i = target.Rank - 1; i >= 0; i--)
        {
            int j = i - offset;
            if (j < 0)
            {
                strides[i] = 0;
                continue;
            }

            int d = _dims[j];
            strides[i] = d == 1 && target[i] != 1 ? 0 : s;
            s *= d;
        }
    }
}
