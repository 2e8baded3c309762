using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpLoss.Kernels;

/// <summary>
/// Element-type-generic math for the kernels: <c>Vector256</c> transcendental functions dispatched to the
/// <see cref="float"/> (<see cref="FastMath"/>) or <see cref="double"/> (runtime) implementation (the type tests fold away in the JIT), the
/// scalar counterparts, and double-precision accumulation.
/// </summary>
internal static class VMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp<T>(Vector256<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            return FastMath.Exp(x.AsSingle()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            return Vector256.Exp(x.AsDouble()).As<double, T>();
        }

        throw new NotSupportedException();
    }

    /// <summary>exp(x) for x ≤ 0 or NaN (<see cref="FastMath.ExpNonPositive"/> for float).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ExpNonPositive<T>(Vector256<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            return FastMath.ExpNonPositive(x.AsSingle()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            return Vector256.Exp(x.AsDouble()).As<double, T>();
        }

        throw new NotSupportedException();
    }

    /// <summary>a·b + c in one rounding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> FusedMultiplyAdd<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }

        throw new NotSupportedException();
    }

    /// <summary>
    /// log(x) for positive normal finite x (<see cref="FastMath.LogNormal"/> for float): NaN and other special
    /// inputs give unspecified values, so callers pass NaN through themselves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LogNormal<T>(Vector256<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            return FastMath.LogNormal(x.AsSingle()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            return Vector256.Log(x.AsDouble()).As<double, T>();
        }

        throw new NotSupportedException();
    }

    /// <summary>The lanes of <paramref name="v"/> widened to double: lanes 0–3 for float, all four for double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> WidenLower<T>(Vector256<T> v)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.WidenLower(v.AsSingle());
        }

        if (typeof(T) == typeof(double))
        {
            return v.AsDouble();
        }

        throw new NotSupportedException();
    }

    /// <summary>Lanes 4–7 of a float vector widened to double; zero for double (whose lanes <see cref="WidenLower{T}"/> takes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> WidenUpper<T>(Vector256<T> v)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.WidenUpper(v.AsSingle());
        }

        if (typeof(T) == typeof(double))
        {
            return Vector256<double>.Zero;
        }

        throw new NotSupportedException();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Log<T>(Vector256<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            return FastMath.Log(x.AsSingle()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            return Vector256.Log(x.AsDouble()).As<double, T>();
        }

        throw new NotSupportedException();
    }

    /// <summary>
    /// log(1 + e) for e in [−½, 1], accurate to a few ulps also when 1 + e rounds to 1 (Goldberg's
    /// correction: e · log(u) / (u − 1) with u = 1 + e; e itself when u = 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Log1pSmall<T>(Vector256<T> e)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            return FastMath.Log1p(e.AsSingle()).As<float, T>();
        }

        Vector256<T> one = Vector256<T>.One;
        Vector256<T> u = one + e;
        Vector256<T> r = Log(u) * (e / (u - one));
        return Vector256.ConditionalSelect(Vector256.Equals(u, one), e, r);
    }

    /// <summary>log(1 + e) and 1/(1 + e) for e in [−½, 1] (one division for float).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Log1pAndReciprocal<T>(Vector256<T> e, out Vector256<T> reciprocal)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            Vector256<float> l = FastMath.Log1pAndReciprocal(e.AsSingle(), out Vector256<float> r);
            reciprocal = r.As<float, T>();
            return l.As<float, T>();
        }

        reciprocal = Vector256<T>.One / (Vector256<T>.One + e);
        return Log1pSmall(e);
    }

    /// <summary>Scalar twin of <see cref="Log1pSmall{T}(Vector256{T})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Log1pSmall<T>(T e)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T u = T.One + e;
        return u == T.One ? e : T.Log(u) * (e / (u - T.One));
    }

    /// <summary>
    /// Whether labels y·a + c differ from y: without smoothing (a = 1, c = 0) the kernels use y as it is, which is
    /// the same value (y·1 + 0 = y) without the arithmetic.
    /// </summary>
    public static bool IsSmoothing<T>(T a, T c)
        where T : IFloatingPointIeee754<T> => a != T.One || c != T.Zero;

    /// <summary>y·a + c, or y itself when <paramref name="smoothed"/> is false (<see cref="IsSmoothing{T}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Smooth<T>(Vector256<T> y, Vector256<T> a, Vector256<T> c, bool smoothed)
        where T : IFloatingPointIeee754<T> => smoothed ? (y * a) + c : y;

    /// <summary>As the Vector256 <see cref="Smooth{T}(Vector256{T}, Vector256{T}, Vector256{T}, bool)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Smooth(Vector512<float> y, Vector512<float> a, Vector512<float> c, bool smoothed) => smoothed ? (y * a) + c : y;

    /// <summary>
    /// True when every lane of <paramref name="ys"/> is 0 or 1 (hard labels, no smoothing): then y'·log a + (1 − y')·log b
    /// is the one logarithm the label selects, with the same bits (the other product is a signed zero), so the
    /// probability kernels take one logarithm instead of two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool HardLabels<T>(Vector256<T> ys)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector256.EqualsAll(ys * (ys - Vector256<T>.One), Vector256<T>.Zero);

    /// <summary>clip(p, lo, hi) that lets NaN through, as TensorFlow's <c>clip_by_value</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Clip<T>(Vector256<T> p, Vector256<T> lo, Vector256<T> hi)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector256<T> q = Vector256.ConditionalSelect(Vector256.LessThan(p, lo), lo, p);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(p, hi), hi, q);
    }

    /// <summary>Scalar twin of <see cref="Clip{T}(Vector256{T}, Vector256{T}, Vector256{T})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Clip<T>(T p, T lo, T hi)
        where T : unmanaged, IFloatingPointIeee754<T> => p < lo ? lo : p > hi ? hi : p;

    /// <summary>All-ones lanes where p lies inside [lo, hi] or is NaN: where TensorFlow's clip passes the gradient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ClipPasses<T>(Vector256<T> p, Vector256<T> lo, Vector256<T> hi)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ~(Vector256.LessThan(p, lo) | Vector256.GreaterThan(p, hi));

    /// <summary>Adds the lanes of <paramref name="v"/> to two double accumulators (float lanes are widened).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Accumulate<T>(ref Vector256<double> acc0, ref Vector256<double> acc1, Vector256<T> v)
    {
        if (typeof(T) == typeof(float))
        {
            (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(v.AsSingle());
            acc0 += lo;
            acc1 += hi;
        }
        else if (typeof(T) == typeof(double))
        {
            acc0 += v.AsDouble();
        }
        else
        {
            throw new NotSupportedException();
        }
    }

    /// <summary>As <see cref="Accumulate{T}(ref Vector256{double}, ref Vector256{double}, Vector256{T})"/> for 16 float lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Accumulate(ref Vector512<double> acc0, ref Vector512<double> acc1, Vector512<float> v)
    {
        acc0 += Vector512.WidenLower(v);
        acc1 += Vector512.WidenUpper(v);
    }

    /// <summary>Adds the lanes of <paramref name="v"/>, widened to double, to one accumulator (float lanes 0–3 and 4–7 are
    /// added together first): one register where <see cref="Accumulate{T}(ref Vector256{double}, ref Vector256{double}, Vector256{T})"/>
    /// takes two, for loops that keep several sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Accumulate<T>(ref Vector256<double> acc, Vector256<T> v)
    {
        if (typeof(T) == typeof(float))
        {
            (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(v.AsSingle());
            acc += lo + hi;
        }
        else if (typeof(T) == typeof(double))
        {
            acc += v.AsDouble();
        }
        else
        {
            throw new NotSupportedException();
        }
    }

    /// <summary>Adds the lane products a·b, formed in double (float lanes are widened first, so a product of two finite
    /// floats never overflows), to two double accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AccumulateProduct<T>(ref Vector256<double> acc0, ref Vector256<double> acc1, Vector256<T> a, Vector256<T> b)
    {
        if (typeof(T) == typeof(float))
        {
            (Vector256<double> alo, Vector256<double> ahi) = Vector256.Widen(a.AsSingle());
            (Vector256<double> blo, Vector256<double> bhi) = Vector256.Widen(b.AsSingle());
            acc0 += alo * blo;
            acc1 += ahi * bhi;
        }
        else
        {
            acc0 += a.AsDouble() * b.AsDouble();
        }
    }

    /// <summary>Adds the lanes of a double accumulator pair in a fixed order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Vector256<double> acc0, Vector256<double> acc1) => Vector256.Sum(acc0 + acc1);

    /// <summary>The element type's value of a double constant (rounded to nearest, as TensorFlow converts Python floats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T C<T>(double value)
        where T : unmanaged, IFloatingPointIeee754<T> => T.CreateChecked(value);
}
