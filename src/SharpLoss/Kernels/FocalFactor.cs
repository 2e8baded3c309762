using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpLoss.Kernels;

/// <summary>
/// The modulating factor of the focal losses, f = m^γ, and its derivative f' = γ·m^(γ − 1), scalar and Vector256.
/// </summary>
/// <remarks>
/// <para>An integral γ from 0 to <see cref="MaxIntegral"/> (the default 2, and every γ users pick in practice) is computed by
/// repeated squaring: m^(γ − 1), then m^γ = m^(γ − 1)·m, a few correctly rounded products that give the real power also for
/// a negative m (labels or probabilities outside [0, 1]). Any other γ is exp(γ·log m) and γ·exp((γ − 1)·log m) in double
/// (float lanes are widened), within an ulp of <c>Pow</c> in the element type: NaN for m &lt; 0, 0 and +∞ at m = 0 as
/// the sign of the exponent says.</para>
/// <para>γ = 0 is the constant 1 with f' = 0, whatever m (also NaN): TensorFlow's pow(m, 0) is 1, and Keras's focal factor with
/// γ = 0 contributes no gradient.</para>
/// </remarks>
internal readonly struct FocalFactor<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The largest γ computed by repeated squaring.</summary>
    public const int MaxIntegral = 64;

    private readonly T _gamma;
    private readonly double _gammaD;
    private readonly int _n;   // γ when integral in [0, MaxIntegral], else −1

    /// <summary>Creates the factor for γ ≥ 0.</summary>
    /// <param name="gamma">The focusing parameter.</param>
    public FocalFactor(T gamma)
    {
        _gamma = gamma;
        _gammaD = double.CreateTruncating(gamma);
        _n = T.IsInteger(gamma) && gamma <= T.CreateTruncating(MaxIntegral) ? int.CreateTruncating(gamma) : -1;
    }

    /// <summary>m^γ, and γ·m^(γ − 1) in <paramref name="derivative"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Value(T m, out T derivative)
    {
        if (_n == 0)
        {
            derivative = T.Zero;
            return T.One;
        }

        if (_n > 0)
        {
            T below = PowInt(m, _n - 1);
            derivative = _gamma * below;
            return below * m;
        }

        double md = double.CreateTruncating(m);
        derivative = T.CreateTruncating(_gammaD * Math.Pow(md, _gammaD - 1));
        return T.CreateTruncating(Math.Pow(md, _gammaD));
    }

    /// <summary>The Vector256 form of <see cref="Value(T, out T)"/>.</summary>
    /// <summary>Whether γ is 2 (the Keras default): a kernel specialized with <see cref="Value{TSquare}"/> then
    /// computes m² and 2m with nothing else in its loop.</summary>
    public bool IsSquare => _n == 2;

    /// <summary>As <see cref="Value(Vector256{T}, out Vector256{T})"/>, for a kernel that knows at compile time whether γ is 2
    /// (<see cref="IsSquare"/>): then m·m and 2·m, the same bits as the integral path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<T> Value<TSquare>(Vector256<T> m, out Vector256<T> derivative)
        where TSquare : struct, IFlag
    {
        if (TSquare.On)
        {
            derivative = m + m;
            return m * m;
        }

        return Value(m, out derivative);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<T> Value(Vector256<T> m, out Vector256<T> derivative)
    {
        if (_n == 0)
        {
            derivative = Vector256<T>.Zero;
            return Vector256<T>.One;
        }

        if (_n > 0)
        {
            Vector256<T> below = PowInt(m, _n - 1);
            derivative = Vector256.Create(_gamma) * below;
            return below * m;
        }

        return General(m, out derivative);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Vector256<T> General(Vector256<T> m, out Vector256<T> derivative)
    {
        if (typeof(T) == typeof(float))
        {
            Vector256<float> mf = m.AsSingle();
            Vector256<double> lo = Power(Vector256.WidenLower(mf), out Vector256<double> dLo);
            Vector256<double> hi = Power(Vector256.WidenUpper(mf), out Vector256<double> dHi);
            derivative = Vector256.Narrow(dLo, dHi).As<float, T>();
            return Vector256.Narrow(lo, hi).As<float, T>();
        }

        Vector256<double> f = Power(m.AsDouble(), out Vector256<double> d);
        derivative = d.As<double, T>();
        return f.As<double, T>();
    }

    /// <summary>exp(γ·log m) and γ·exp((γ − 1)·log m) in double.</summary>
    private Vector256<double> Power(Vector256<double> m, out Vector256<double> derivative)
    {
        Vector256<double> log = Vector256.Log(m);
        Vector256<double> gamma = Vector256.Create(_gammaD);
        derivative = gamma * Vector256.Exp((gamma - Vector256<double>.One) * log);   // γ is not integral: γ − 1 ≠ 0
        return Vector256.Exp(gamma * log);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T PowInt(T m, int e)
    {
        T result = T.One;
        while (e > 0)
        {
            if ((e & 1) != 0)
            {
                result *= m;
            }

            e >>= 1;
            if (e > 0)
            {
                m *= m;
            }
        }

        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> PowInt(Vector256<T> m, int e)
    {
        Vector256<T> result = Vector256<T>.One;
        while (e > 0)
        {
            if ((e & 1) != 0)
            {
                result *= m;
            }

            e >>= 1;
            if (e > 0)
            {
                m *= m;
            }
        }

        return result;
    }
}
