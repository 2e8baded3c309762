using SharpLoss.Internals;

namespace SharpLoss;

/// <summary>
/// The α of <see cref="CategoricalFocalCrossentropy"/> and <see cref="SparseCategoricalFocalCrossentropy"/>: one weight for every
/// class, or one weight per class (Keras accepts a number or a list; the config keeps the form it was given).
/// </summary>
/// <remarks>Every weight must lie in [0, 1]. A per-class list of one element applies to every class. Converts implicitly from
/// <see cref="double"/> and from <see cref="double"/>[].</remarks>
public readonly struct FocalAlpha : IEquatable<FocalAlpha>
{
    private readonly double[]? _perClass;
    private readonly double _value;

    // The weights in each element type, made once: the kernels read them on every call (never write them).
    private readonly float[]? _singles;
    private readonly double[]? _doubles;

    /// <summary>One weight for every class.</summary>
    /// <param name="value">The weight, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is outside [0, 1] or NaN.</exception>
    public FocalAlpha(double value)
    {
        _value = Throw.Alpha(value);
        _perClass = null;
        _singles = [(float)value];
        _doubles = [value];
    }

    /// <summary>One weight per class.</summary>
    /// <param name="perClass">The weights, each in [0, 1]; at least one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="perClass"/> is null.</exception>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A weight is outside [0, 1] or NaN.</exception>
    public FocalAlpha(IEnumerable<double> perClass)
    {
        ArgumentNullException.ThrowIfNull(perClass, "alpha");
        double[] list = [.. perClass];
        if (list.Length == 0)
        {
            Throw.Argument("alpha", "Expected `alpha` to be a number or a non-empty list of numbers. Received: an empty list.");
        }

        for (int i = 0; i < list.Length; i++)
        {
            if (!(list[i] >= 0 && list[i] <= 1))
            {
                Throw.OutOfRange("alpha", list[i], $"Expected every weight of `alpha` in [0, 1]. Received: alpha[{i}]={Py.Float(list[i])}.");
            }
        }

        _perClass = list;
        _value = 0;
        _singles = [.. list.Select(w => (float)w)];
        _doubles = list;
    }

    /// <summary>Whether α is a list of per-class weights.</summary>
    public bool IsPerClass => _perClass is not null;

    /// <summary>The single weight (NaN when <see cref="IsPerClass"/>).</summary>
    public double Value => _perClass is null ? _value : double.NaN;

    /// <summary>The per-class weights (empty when α is one number).</summary>
    public IReadOnlyList<double> PerClass => _perClass ?? [];

    /// <summary>One weight for every class.</summary>
    /// <param name="value">The weight.</param>
    public static implicit operator FocalAlpha(double value) => new(value);

    /// <summary>One weight per class.</summary>
    /// <param name="perClass">The weights.</param>
    public static implicit operator FocalAlpha(double[] perClass) => new(perClass);

    /// <summary>Whether two values hold the same weights in the same form.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns>True when equal.</returns>
    public static bool operator ==(FocalAlpha left, FocalAlpha right) => left.Equals(right);

    /// <summary>Whether two values differ.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns>True when not equal.</returns>
    public static bool operator !=(FocalAlpha left, FocalAlpha right) => !left.Equals(right);

    /// <summary>One weight for every class (the named form of the implicit conversion).</summary>
    /// <param name="value">The weight.</param>
    /// <returns>The α.</returns>
    public static FocalAlpha FromDouble(double value) => new(value);

    /// <summary>One weight per class (the named form of the implicit conversion).</summary>
    /// <param name="perClass">The weights.</param>
    /// <returns>The α.</returns>
    public static FocalAlpha FromDoubleArray(double[] perClass) => new(perClass);

    /// <inheritdoc/>
    public bool Equals(FocalAlpha other) =>
        _perClass is null ? other._perClass is null && _value.Equals(other._value)
        : other._perClass is not null && _perClass.AsSpan().SequenceEqual(other._perClass);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is FocalAlpha other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        if (_perClass is null)
        {
            return _value.GetHashCode();
        }

        var h = new HashCode();
        foreach (double d in _perClass)
        {
            h.Add(d);
        }

        return h.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => _perClass is null
        ? Py.Float(_value)
        : "[" + string.Join(", ", _perClass.Select(Py.Float)) + "]";

    /// <summary>The config value: a double, or a list of doubles.</summary>
    internal object ConfigValue => _perClass is null ? _value : new List<double>(_perClass);

    /// <summary>The weights in the element type (one element when α is one number).</summary>
    internal T[] Weights<T>()
        where T : System.Numerics.IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && _singles is not null)
        {
            return (T[])(object)_singles;
        }

        if (typeof(T) == typeof(double) && _doubles is not null)
        {
            return (T[])(object)_doubles;
        }

        return _perClass is null ? [T.CreateChecked(_value)] : [.. _perClass.Select(T.CreateChecked)];   // default(FocalAlpha)
    }
}
