using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SharpLoss.Internals;

namespace SharpLoss;

/// <summary>
/// A read-only view of one argument of a loss: labels, predictions, sample weights, a mask or an
/// upstream gradient. It is built implicitly from <c>T[]</c>, <c>T[,]</c>, <c>T[,,]</c>,
/// <see cref="Tensor{T}"/>, <see cref="ReadOnlyTensorSpan{T}"/> or <see cref="TensorSpan{T}"/>, from a
/// single value (a scalar, as Keras accepts for <c>sample_weight</c>), or explicitly from a flat
/// <see cref="ReadOnlySpan{T}"/> and a shape. Building it never copies dense data.
/// </summary>
/// <remarks>
/// <c>default(LossInput&lt;T&gt;)</c> means "not given" (for optional arguments such as sample weights).
/// A <see langword="null"/> array converts to an input that the receiving method rejects with an
/// <see cref="ArgumentNullException"/> naming the argument. Ranks up to 8 are supported.
/// </remarks>
/// <typeparam name="T">The element type: <see cref="float"/> or <see cref="double"/> for values;
/// <see cref="int"/> or <see cref="long"/> for class ids; <see cref="bool"/> for masks.</typeparam>
public readonly ref struct LossInput<T>
{
    internal readonly ReadOnlySpan<T> Data;
    internal readonly Shape Shape;
    internal readonly T Scalar;
    internal readonly InputKind Kind;
    internal readonly int BadRank;

    /// <summary>Wraps a flat row-major buffer with an explicit shape.</summary>
    /// <param name="data">The elements, row-major.</param>
    /// <param name="shape">The dimensions; their product must equal <paramref name="data"/>'s length.
    /// An empty shape denotes a scalar (one element).</param>
    /// <exception cref="ArgumentException">The shape has a negative dimension, more than 8 dimensions,
    /// or does not match the buffer's length.</exception>
    public LossInput(ReadOnlySpan<T> data, params ReadOnlySpan<int> shape)
    {
        if (shape.Length > Shape.MaxRank)
        {
            throw new ArgumentException($"Expected a shape of rank at most {Shape.MaxRank}. Received: rank {shape.Length}.", nameof(shape));
        }

        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Expected non-negative dimensions. Received: shape {Format(shape)}.", nameof(shape));
            }

            n *= d;
        }

        if (n != data.Length)
        {
            throw new ArgumentException(
                $"Expected a buffer of {n} elements for shape {Format(shape)}. Received: {data.Length} elements.", nameof(data));
        }

        Data = data;
        Shape = new Shape(shape);
        Scalar = default!;
        Kind = InputKind.Tensor;
        BadRank = 0;
    }

    private LossInput(ReadOnlySpan<T> data, Shape shape)
    {
        Data = data;
        Shape = shape;
        Scalar = default!;
        Kind = InputKind.Tensor;
        BadRank = 0;
    }

    private LossInput(InputKind kind, T scalar, int badRank)
    {
        Data = default;
        Shape = default;
        Scalar = scalar;
        Kind = kind;
        BadRank = badRank;
    }

    /// <summary>True when the argument was not given (<c>default</c>).</summary>
    public bool IsAbsent => Kind == InputKind.Absent;

    /// <summary>True when the argument is a single value given as a scalar.</summary>
    public bool IsScalar => Kind == InputKind.Scalar;

    /// <summary>The rank of the argument (0 for a scalar or an absent argument).</summary>
    public int Rank => Kind == InputKind.Tensor ? Shape.Rank : 0;

    /// <summary>The dimensions of the argument (empty for a scalar or an absent argument).</summary>
    public int[] GetShape() => Kind == InputKind.Tensor ? Shape.ToArray() : [];

    /// <summary>A one-dimensional input over an array.</summary>
    /// <param name="array">The elements.</param>
    public static implicit operator LossInput<T>(T[]? array) =>
        array is null ? new(InputKind.Null, default!, 0) : new(array, new Shape([array.Length]));

    /// <summary>A two-dimensional input over an array.</summary>
    /// <param name="array">The elements.</param>
    public static implicit operator LossInput<T>(T[,]? array) =>
        array is null ? new(InputKind.Null, default!, 0) : new(Flat(array), new Shape([array.GetLength(0), array.GetLength(1)]));

    /// <summary>A three-dimensional input over an array.</summary>
    /// <param name="array">The elements.</param>
    public static implicit operator LossInput<T>(T[,,]? array) =>
        array is null ? new(InputKind.Null, default!, 0) : new(Flat(array), new Shape([array.GetLength(0), array.GetLength(1), array.GetLength(2)]));

    /// <summary>A four-dimensional input over an array.</summary>
    /// <param name="array">The elements.</param>
    public static implicit operator LossInput<T>(T[,,,]? array) =>
        array is null ? new(InputKind.Null, default!, 0) : new(Flat(array), new Shape([array.GetLength(0), array.GetLength(1), array.GetLength(2), array.GetLength(3)]));

    /// <summary>A scalar input (for example a scalar sample weight).</summary>
    /// <param name="value">The value.</param>
    public static implicit operator LossInput<T>(T value) => new(InputKind.Scalar, value, 0);

    /// <summary>An input over a tensor.</summary>
    /// <param name="tensor">The tensor.</param>
    public static implicit operator LossInput<T>(Tensor<T>? tensor) =>
        tensor is null ? new(InputKind.Null, default!, 0) : FromTensorSpan(tensor.AsReadOnlyTensorSpan());

    /// <summary>An input over a read-only tensor span.</summary>
    /// <param name="span">The tensor span; a non-dense span is copied once.</param>
    public static implicit operator LossInput<T>(ReadOnlyTensorSpan<T> span) => FromTensorSpan(span);

    /// <summary>An input over a tensor span.</summary>
    /// <param name="span">The tensor span; a non-dense span is copied once.</param>
    public static implicit operator LossInput<T>(TensorSpan<T> span) => FromTensorSpan(span);

    private static LossInput<T> FromTensorSpan(ReadOnlyTensorSpan<T> span)
    {
        ReadOnlySpan<nint> lengths = span.Lengths;
        if (lengths.Length > Shape.MaxRank)
        {
            return new(InputKind.BadRank, default!, lengths.Length);
        }

        Span<int> dims = stackalloc int[lengths.Length];
        for (int i = 0; i < lengths.Length; i++)
        {
            if (lengths[i] > int.MaxValue)
            {
                // Possible beside an empty axis: the receiving method rejects it, naming the argument.
                return new(InputKind.HugeDimension, default!, 0);
            }

            dims[i] = (int)lengths[i];
        }

        int count = checked((int)span.FlattenedLength);
        ReadOnlySpan<T> data;
        if (count == 0)
        {
            data = default;
        }
        else if (span.IsDense)
        {
            data = MemoryMarshal.CreateReadOnlySpan(in span.GetPinnableReference(), count);
        }
        else
        {
            var copy = new T[count];
            span.FlattenTo(copy);
            data = copy;
        }

        return new(data, new Shape(dims));
    }

    private static ReadOnlySpan<T> Flat(Array array) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(array)), array.Length);

    private static string Format(ReadOnlySpan<int> shape)
    {
        var s = new Shape(shape.Length <= Shape.MaxRank ? shape : shape[..Shape.MaxRank]);
        return s.ToString();
    }
}

/// <summary>What a <see cref="LossInput{T}"/> holds.</summary>
internal enum InputKind
{
    Absent = 0,
    Null,
    Scalar,
    Tensor,
    BadRank,
    HugeDimension,
}
