using System.Globalization;
using System.Numerics;
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
        : this(data, CheckedShape(data.Length, shape))
    {
    }

    /// <summary>Wraps a flat row-major buffer with a shape of <see cref="long"/> dimensions, as TorchSharp
    /// (<c>Tensor.shape</c>) and ONNX Runtime (<c>OrtTensorTypeAndShapeInfo.Shape</c>) give them. Nothing is copied.</summary>
    /// <param name="data">The elements, row-major.</param>
    /// <param name="shape">The dimensions, each in [0, <see cref="int.MaxValue"/>]; their product must equal
    /// <paramref name="data"/>'s length. An empty shape denotes a scalar (one element).</param>
    /// <exception cref="ArgumentException">The shape has a negative dimension, a dimension beyond <see cref="int.MaxValue"/>,
    /// more than 8 dimensions, or does not match the buffer's length.</exception>
    public LossInput(ReadOnlySpan<T> data, ReadOnlySpan<long> shape)
        : this(data, CheckedShape(data.Length, shape))
    {
    }

    /// <summary>Wraps a flat row-major buffer with a shape of native-sized dimensions (as
    /// <see cref="ReadOnlyTensorSpan{T}.Lengths"/> gives them). Nothing is copied.</summary>
    /// <param name="data">The elements, row-major.</param>
    /// <param name="shape">The dimensions, each in [0, <see cref="int.MaxValue"/>]; their product must equal
    /// <paramref name="data"/>'s length. An empty shape denotes a scalar (one element).</param>
    /// <exception cref="ArgumentException">The shape has a negative dimension, a dimension beyond <see cref="int.MaxValue"/>,
    /// more than 8 dimensions, or does not match the buffer's length.</exception>
    public LossInput(ReadOnlySpan<T> data, ReadOnlySpan<nint> shape)
        : this(data, CheckedShape(data.Length, shape))
    {
    }

    private LossInput(ReadOnlySpan<T> data, Shape shape)
    {
        Data = data;
        Shape = shape;
        Scalar = default!;
        Kind = InputKind.Tensor;
        BadRank = 0;
    }

    internal LossInput(InputKind kind, T scalar, int badRank)
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

    // Scalars: one operator per source type rather than one from T, so that a double literal converts to a float input
    // (`sampleWeight: 0.5` on a float call, as Keras casts sample_weight to the loss dtype) while a double input still has
    // exactly one conversion from double. A scalar that T cannot hold (a fraction as a class id, a number as a mask, a
    // bool as a weight) converts to an input the receiving method rejects, naming the argument.

    /// <summary>A scalar input (for example a scalar sample weight), rounded to <typeparamref name="T"/> when
    /// <typeparamref name="T"/> is <see cref="float"/>, as Keras casts a <c>sample_weight</c> to the loss's dtype.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator LossInput<T>(double value) =>
        typeof(T) == typeof(double) ? ScalarOf(value)
        : typeof(T) == typeof(float) ? ScalarOf((float)value)
        : double.IsInteger(value) && value >= long.MinValue && value < 9.2233720368547758E18 ? FromInteger((long)value)
        : new(InputKind.BadScalar, default!, 0);

    /// <summary>A scalar input (for example a scalar sample weight).</summary>
    /// <param name="value">The value.</param>
    public static implicit operator LossInput<T>(float value) =>
        typeof(T) == typeof(float) ? ScalarOf(value) : (LossInput<T>)(double)value;

    /// <summary>A scalar input: a class id, or a number for a floating-point input.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator LossInput<T>(long value) => FromInteger(value);

    /// <summary>A scalar input: a class id, or a number for a floating-point input.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator LossInput<T>(int value) => FromInteger(value);

    /// <summary>A scalar <see cref="bool"/> input (a mask; masks must be arrays or tensors, so the receiving method rejects it).</summary>
    /// <param name="value">The value.</param>
    public static implicit operator LossInput<T>(bool value) =>
        typeof(T) == typeof(bool) ? ScalarOf(value) : new(InputKind.BadScalar, default!, 0);

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

    /// <summary>Validates a shape given with any integer type against the buffer's length; errors name <c>shape</c> (a bad
    /// dimension, too many dimensions) or <c>data</c> (a length that does not match).</summary>
    private static Shape CheckedShape<TDim>(int length, ReadOnlySpan<TDim> shape)
        where TDim : IBinaryInteger<TDim>
    {
        if (shape.Length > Shape.MaxRank)
        {
            throw new ArgumentException($"Expected a shape of rank at most {Shape.MaxRank}. Received: rank {shape.Length}.", nameof(shape));
        }

        Span<int> dims = stackalloc int[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            if (TDim.IsNegative(shape[i]) || shape[i] > TDim.CreateTruncating(int.MaxValue))
            {
                throw new ArgumentException(
                    $"Expected dimensions in [0, {int.MaxValue}]. Received: shape {Format(shape)}.", nameof(shape));
            }

            dims[i] = int.CreateTruncating(shape[i]);
        }

        // The product, saturated at long.MaxValue (eight dimensions of int.MaxValue overflow a long); 0 wins over that.
        long n = dims.Contains(0) ? 0 : 1;
        foreach (int d in dims)
        {
            n = n > long.MaxValue / Math.Max(d, 1) ? long.MaxValue : n * d;
        }

        if (n != length)
        {
            throw new ArgumentException(
                $"Expected a buffer of {(n == long.MaxValue ? "more than 2^63" : n.ToString(CultureInfo.InvariantCulture))} elements for shape {Format(shape)}. Received: {length} elements.", "data");
        }

        return new Shape(dims);
    }

    private static string Format<TDim>(ReadOnlySpan<TDim> shape)
        where TDim : IBinaryInteger<TDim>
    {
        string[] dims = new string[shape.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = long.CreateTruncating(shape[i]).ToString(CultureInfo.InvariantCulture);
        }

        return dims.Length == 1 ? $"({dims[0]},)" : $"({string.Join(", ", dims)})";
    }

    /// <summary>A scalar of type <typeparamref name="TValue"/>, which is <typeparamref name="T"/>.</summary>
    private static LossInput<T> ScalarOf<TValue>(TValue value) => new(InputKind.Scalar, Unsafe.As<TValue, T>(ref value), 0);

    private static LossInput<T> FromInteger(long value) =>
        typeof(T) == typeof(long) ? ScalarOf(value)
        : typeof(T) == typeof(int) ? (value is >= int.MinValue and <= int.MaxValue ? ScalarOf((int)value) : new(InputKind.BadScalar, default!, 0))
        : typeof(T) == typeof(double) ? ScalarOf((double)value)
        : typeof(T) == typeof(float) ? ScalarOf((float)value)
        : new(InputKind.BadScalar, default!, 0);

    private static ReadOnlySpan<T> Flat(Array array) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(array)), array.Length);

}

/// <summary>Builds <see cref="LossInput{T}"/> values where no implicit conversion applies.</summary>
public static class LossInput
{
    /// <summary>A scalar input of the element type, for generic code over <typeparamref name="T"/> (non-generic code
    /// converts a number implicitly).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The input.</returns>
    public static LossInput<T> FromScalar<T>(T value) => new(InputKind.Scalar, value, 0);
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

    /// <summary>A scalar of a kind the element type cannot hold (a fraction for class ids, a bool for numbers, a number
    /// for a mask).</summary>
    BadScalar,
}
