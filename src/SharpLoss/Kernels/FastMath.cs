using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpLoss.Kernels;

/// <summary>
/// Float32 exp and log for the kernels, about 5x faster than the runtime's <c>Vector256.Exp</c>/<c>Log</c> (which
/// widen to double), with their accuracy measured by the tests over the float range the losses use:
/// <list type="bullet">
/// <item><description><see cref="Exp"/>: Cody–Waite range reduction x = n·ln 2 + r, degree-6 polynomial (a Chebyshev
/// fit); at most 2 ulp for results in the normal range, subnormal results down to x = −103.97, then 0; +∞ above
/// 88.72; NaN for NaN.</description></item>
/// <item><description><see cref="Log"/>: x = m·2^e with m in [√½, √2), degree-9 polynomial in m − 1 (Cephes logf
/// coefficients); at most 2 ulp for normal and subnormal x &gt; 0; −∞ at 0, NaN below 0 or for NaN, +∞ at +∞.</description></item>
/// <item><description><see cref="Log1p"/> for e in [0, 1]: 2·atanh(e/(2 + e)) as an odd polynomial; at most 2 ulp, exact
/// for tiny e (no 1 + e rounding).</description></item>
/// <item><description><see cref="Log1pAndReciprocal"/> for e in [−½, 1]: log(1 + e) within 4 ulp and 1/(1 + e) within 3 ulp
/// (one shared division).</description></item>
/// <item><description><see cref="ExpNonPositive"/> and <see cref="LogNormal"/>: as <see cref="Exp"/> and <see cref="Log"/> on
/// their domains (x ≤ 0; positive normal x), without the special-case handling.</description></item>
/// </list>
/// </summary>
internal static class FastMath
{
    private const float ExpHi = 88.72283935546875f;
    private const float ExpLo = -103.972076f;

    // e^r = 1 + r + r²·(ExpC0 + ExpC1·r + … + ExpC4·r⁴) on |r| ≤ ln2/2.
    internal const float ExpC0 = 0.5f, ExpC1 = 1.6666577756E-1f, ExpC2 = 4.1666556150E-2f, ExpC3 = 8.3631733432E-3f, ExpC4 = 1.3926175889E-3f;

    // 2·atanh(s) = 2s + s·t·(AtanhC0 + AtanhC1·t + AtanhC2·t² + AtanhC3·t³), t = s² ≤ 1/9.
    internal const float AtanhC0 = 6.6666638851E-1f, AtanhC1 = 4.0007561445E-1f, AtanhC2 = 2.8236618638E-1f, AtanhC3 = 2.6851499081E-1f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        Vector256<float> xc = Vector256.Min(Vector256.Max(x, Vector256.Create(ExpLo)), Vector256.Create(ExpHi));
        Vector256<float> n = Vector256.Round(xc * Vector256.Create(1.44269504088896341f));
        Vector256<float> r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-0.693359375f), xc);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(2.12194440e-4f), r);
        Vector256<float> p = ExpPolynomial(r);
        // 2^n as 2^a · 2^b with a = n >> 1, b = n − a, both normal for n in [−150, 128]: results near FLT_MAX and
        // subnormal results come out right.
        Vector256<int> ni = Vector256.ConvertToInt32Native(n);   // n is integral and in [−150, 128]: no saturation needed
        Vector256<int> a = Vector256.ShiftRightArithmetic(ni, 1);
        Vector256<float> scaleA = ((a + Vector256.Create(127)) << 23).AsSingle();
        Vector256<float> scaleB = ((ni - a + Vector256.Create(127)) << 23).AsSingle();
        Vector256<float> result = p * scaleA * scaleB;
        result = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(ExpLo)), Vector256<float>.Zero, result);
        result = Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(ExpHi)), Vector256.Create(float.PositiveInfinity), result);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), result, x);
    }

    /// <summary>
    /// exp(x) for x ≤ 0 (or NaN), as <see cref="Exp"/> with the overflow handling left out: the softmax and sigmoid
    /// losses only ever exponentiate −|x| or x − max. 2^n for n in [−150, 0] is 2^(n + 64) · 2^−64, one rounding
    /// also for subnormal results. Same accuracy as <see cref="Exp"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpNonPositive(Vector256<float> x)
    {
        // Max propagates NaN (IEEE maximum), and every later step keeps it. Below −104, e^x < 2^−150 rounds to 0, and so
        // does the value computed at −104 itself: the clamp needs no separate underflow test.
        Vector256<float> xc = Vector256.Max(x, Vector256.Create(-104f));

        // n = round(x·log2 e) by adding 1.5·2^23, whose ulp is 1: t holds n both as a float (t − 1.5·2^23) and in its
        // low mantissa bits, so 2^(n + 64) is (bits(t) + 191) << 23 (the bits of 1.5·2^23 shift out).
        Vector256<float> t = Vector256.FusedMultiplyAdd(xc, Vector256.Create(1.44269504088896341f), Vector256.Create(12582912f));
        Vector256<float> n = t - Vector256.Create(12582912f);
        Vector256<float> r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-0.693359375f), xc);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(2.12194440e-4f), r);
        Vector256<float> p = ExpPolynomial(r);
        Vector256<float> scale = ((t.AsInt32() + Vector256.Create(127 + 64)) << 23).AsSingle();
        return p * scale * Vector256.Create(5.42101086e-20f);   // 2^-64
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log(Vector256<float> x)
    {
        // Every lane positive, normal and finite (the common case: bits in [2^23, 0x7F800000), tested as one unsigned
        // comparison, bits − 2^23 < 0x7F000000, done signed on values offset by 2^31): no special case to handle.
        if (Vector256.LessThanAll(x.AsInt32() + Vector256.Create(0x7F800000), Vector256.Create(unchecked((int)0xFF000000))))
        {
            return LogNormal(x);
        }

        return LogSpecial(x);
    }

    /// <summary><see cref="Log"/> with every special case: zeros, subnormals, negatives, infinities and NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> LogSpecial(Vector256<float> x)
    {
        // Subnormals: scale into the normal range first.
        Vector256<float> tiny = Vector256.LessThan(x, Vector256.Create(1.17549435e-38f));
        Vector256<float> xs = Vector256.ConditionalSelect(tiny, x * Vector256.Create(8388608f), x);
        Vector256<int> bits = xs.AsInt32();
        Vector256<int> exponent = Vector256.ShiftRightLogical(bits, 23) - Vector256.Create(126);
        Vector256<float> e = Vector256.ConvertToSingle(exponent) - (tiny & Vector256.Create(23f));
        Vector256<float> m = ((bits & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F000000)).AsSingle(); // [0.5, 1)
        Vector256<float> small = Vector256.LessThan(m, Vector256.Create(0.707106781186547524f));
        e -= small & Vector256<float>.One;
        m = m + (small & m) - Vector256<float>.One;
        Vector256<float> z = m * m;
        Vector256<float> y = LogPolynomial(m, z) * m * z;
        y = Vector256.FusedMultiplyAdd(e, Vector256.Create(-2.12194440e-4f), y);
        y = Vector256.FusedMultiplyAdd(z, Vector256.Create(-0.5f), y);
        Vector256<float> result = Vector256.FusedMultiplyAdd(e, Vector256.Create(0.693359375f), m + y);

        result = Vector256.ConditionalSelect(Vector256.Equals(x, Vector256<float>.Zero), Vector256.Create(float.NegativeInfinity), result);
        result = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256.Create(float.NaN), result);
        result = Vector256.ConditionalSelect(Vector256.Equals(x, Vector256.Create(float.PositiveInfinity)), x, result);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), result, x);
    }

    /// <summary>
    /// log(x) for positive normal finite x, as <see cref="Log"/> with the special cases (0, subnormals, negatives, ∞,
    /// NaN) left out: for arguments already clipped into a normal range. Same accuracy as <see cref="Log"/>; other
    /// inputs give unspecified finite values, so a caller that can see NaN must pass it through itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LogNormal(Vector256<float> x)
    {
        Vector256<int> bits = x.AsInt32();
        Vector256<float> e = Vector256.ConvertToSingle(Vector256.ShiftRightLogical(bits, 23) - Vector256.Create(126));
        Vector256<float> m = ((bits & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F000000)).AsSingle(); // [0.5, 1)
        Vector256<float> small = Vector256.LessThan(m, Vector256.Create(0.707106781186547524f));
        e -= small & Vector256<float>.One;
        m = m + (small & m) - Vector256<float>.One;
        Vector256<float> z = m * m;
        Vector256<float> y = LogPolynomial(m, z) * m * z;
        y = Vector256.FusedMultiplyAdd(e, Vector256.Create(-2.12194440e-4f), y);
        y = Vector256.FusedMultiplyAdd(z, Vector256.Create(-0.5f), y);
        return Vector256.FusedMultiplyAdd(e, Vector256.Create(0.693359375f), m + y);
    }

    /// <summary>P(m) of log(1 + m) ≈ m − m²/2 + m³·P(m) on m in [√½ − 1, √2 − 1] (Cephes logf coefficients), by
    /// Estrin's scheme; <paramref name="z"/> is m².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> LogPolynomial(Vector256<float> m, Vector256<float> z)
    {
        Vector256<float> z2 = z * z;
        Vector256<float> q0 = Vector256.FusedMultiplyAdd(Vector256.Create(-2.4999993993E-1f), m, Vector256.Create(3.3333331174E-1f));
        Vector256<float> q1 = Vector256.FusedMultiplyAdd(Vector256.Create(-1.6668057665E-1f), m, Vector256.Create(2.0000714765E-1f));
        Vector256<float> q2 = Vector256.FusedMultiplyAdd(Vector256.Create(-1.2420140846E-1f), m, Vector256.Create(1.4249322787E-1f));
        Vector256<float> q3 = Vector256.FusedMultiplyAdd(Vector256.Create(-1.1514610310E-1f), m, Vector256.Create(1.1676998740E-1f));
        Vector256<float> r0 = Vector256.FusedMultiplyAdd(q1, z, q0);
        Vector256<float> r1 = Vector256.FusedMultiplyAdd(q3, z, q2);
        Vector256<float> s0 = Vector256.FusedMultiplyAdd(r1, z2, r0);
        return Vector256.FusedMultiplyAdd(Vector256.Create(7.0376836292E-2f), z2 * z2, s0);
    }

    /// <summary>
    /// e^r ≈ 1 + r + r²·P(r) on |r| ≤ ln2/2, P of degree 4 (a Chebyshev fit: relative error of the polynomial below
    /// 1e-8, a sixth of an ulp), by Estrin's scheme.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpPolynomial(Vector256<float> r)
    {
        Vector256<float> z = r * r;
        Vector256<float> q0 = Vector256.FusedMultiplyAdd(Vector256.Create(ExpC1), r, Vector256.Create(ExpC0));
        Vector256<float> q1 = Vector256.FusedMultiplyAdd(Vector256.Create(ExpC3), r, Vector256.Create(ExpC2));
        Vector256<float> p = Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.Create(ExpC4), z, q1), z, q0);
        return Vector256.FusedMultiplyAdd(p, z, r) + Vector256<float>.One;
    }

    /// <summary>log(1 + e) for e in [0, 1] as 2·atanh(s), s = e/(2 + e) ∈ [0, 1/3].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log1p(Vector256<float> e) => Atanh2(e / (Vector256.Create(2f) + e));

    /// <summary>
    /// log(1 + e) and 1/(1 + e) for e in [−½, 1] with one division: r = 1/((1 + e)(2 + e)), 1/(1 + e) = (2 + e)·r and
    /// s = e/(2 + e) = e·(1 + e)·r, which lies in [−⅓, ⅓], where the odd polynomial of <see cref="Atanh2"/> holds. Used
    /// by the sigmoid losses (e in [0, 1]) and log-cosh (e in [−½, 0]), which need both.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log1pAndReciprocal(Vector256<float> e, out Vector256<float> reciprocal)
    {
        Vector256<float> d1 = Vector256<float>.One + e, d2 = Vector256.Create(2f) + e;
        Vector256<float> r = Vector256<float>.One / (d1 * d2);
        reciprocal = d2 * r;
        return Atanh2(e * d1 * r);
    }

    /// <summary>
    /// 2·atanh(s) = log((1 + s)/(1 − s)) for s in [−1/3, 1/3] (an odd function): 2s + s·t·P(t), t = s², P of degree 3
    /// (a Chebyshev fit on [0, 1/9]: relative error of the result below 1.7e-8, a quarter of an ulp), by Horner's scheme:
    /// one multiplication fewer than Estrin's, and the loops that use it overlap iterations, so the longer chain costs
    /// nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Atanh2(Vector256<float> s)
    {
        Vector256<float> t = s * s;
        Vector256<float> p = Vector256.FusedMultiplyAdd(Vector256.Create(AtanhC3), t, Vector256.Create(AtanhC2));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(AtanhC1));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(AtanhC0));
        return Vector256.FusedMultiplyAdd(p, s * t, s + s);
    }
}
