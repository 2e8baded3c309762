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
/// <item><description><see cref="Log"/>: x = 2^k·z, z in [0.71875, 1.4375), log z = log c + log(1 + r) with c from an
/// eight-entry table and a degree-3 polynomial in r (see <see cref="LogScaled"/>); at most 1.25 ulp for normal and
/// subnormal x &gt; 0 (every normal float measured against double log); −∞ at 0, NaN below 0 or for NaN, +∞ at +∞.</description></item>
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

    // The table of LogScaled: x's bits minus those of 0.71875 give k and the interval; interval i's 1/c (1/midpoint
    // rounded to float; exactly 1 for the interval [0.96875, 1.0625) around 1) and −log(1/c) as hi (a multiple of 2^−12)
    // + lo (rounded to float); ln 2 = Ln2Hi + Ln2Lo (Cody–Waite).
    internal const int LogOffset = 0x3F380000;
    internal const float LogInvC0 = 1.3333333730697632f, LogInvC1 = 1.2307692766189575f, LogInvC2 = 1.1428571939468384f, LogInvC3 = 1.0666667222976685f;
    internal const float LogInvC5 = 0.8888888955116272f, LogInvC6 = 0.800000011920929f, LogInvC7 = 0.7272727489471436f;
    internal const float LogHi0 = -0.28759765625f, LogHi1 = -0.20751953125f, LogHi2 = -0.133544921875f, LogHi3 = -0.064453125f;
    internal const float LogHi5 = 0.11767578125f, LogHi6 = 0.22314453125f, LogHi7 = 0.318359375f;
    internal const float LogLo0 = -8.444600098300725e-05f, LogLo1 = -0.00011987078323727474f, LogLo2 = 1.3484546798281372e-05f, LogLo3 = -8.544829324819148e-05f;
    internal const float LogLo5 = 0.00010724695312092081f, LogLo6 = -9.948369097401155e-07f, LogLo7 = 9.43263148656115e-05f;
    internal const float Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f;

    // log(1 + r) = r + r²·(LogP0 + LogP1·r + LogP2·r² + LogP3·r³) on r in [−0.0556, 0.0625].
    internal const float LogP0 = -0.49999943375587463f, LogP1 = 0.3333384096622467f, LogP2 = -0.2506895363330841f, LogP3 = 0.1980666071176529f;

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
        // Subnormals: scaled by 2^23 into the normal range, 23 taken off the exponent.
        Vector256<float> tiny = Vector256.LessThan(x, Vector256.Create(1.17549435e-38f));
        Vector256<float> xs = Vector256.ConditionalSelect(tiny, x * Vector256.Create(8388608f), x);
        Vector256<float> result = LogScaled(xs.AsInt32(), tiny & Vector256.Create(-23f));

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
    public static Vector256<float> LogNormal(Vector256<float> x) => LogScaled(x.AsInt32(), Vector256<float>.Zero);

    /// <summary>
    /// log(x) + <paramref name="shift"/>·ln 2 for the bits of a positive normal x (the subnormal path passes −23 with x
    /// scaled by 2^23). x = 2^k·z with z in [0.71875, 1.4375) (the bits of x minus those of 0.71875: k in the exponent
    /// field, the top three mantissa bits pick one of eight intervals of z); with c the interval's table point,
    /// log x = k·ln 2 + log c + log(1 + r), r = z/c − 1 = fma(z, 1/c, −1) (one rounding) in [−0.056, 0.0625], and
    /// log(1 + r) = r + r²·P(r), P of degree 3 (a weighted least-squares fit, relative error below 8e-9). k·ln2_hi + log c's
    /// high part (a multiple of 2^−12) is exact; the low parts are added with the polynomial; the interval around 1 has
    /// c = 1, so results near 1 keep their relative accuracy. Every normal x measured: at most 1.25 ulp. The lookups are
    /// one lane permutation each (<c>vpermps</c>). The loops that take a logarithm per element are bound by its dependency
    /// chain (out-of-order execution overlaps only so many iterations), and this one is short: about 30 cycles, where a
    /// single polynomial over a whole octave needs degree 9 and about 45.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> LogScaled(Vector256<int> bits, Vector256<float> shift)
    {
        Vector256<int> tmp = bits - Vector256.Create(LogOffset);
        Vector256<int> index = Vector256.ShiftRightLogical(tmp, 20) & Vector256.Create(7);
        Vector256<float> k = Vector256.ConvertToSingle(Vector256.ShiftRightArithmetic(tmp, 23)) + shift;
        Vector256<float> z = (bits - (tmp & Vector256.Create(unchecked((int)0xFF800000)))).AsSingle();
        Vector256<float> inverse = Vector256.ShuffleNative(Vector256.Create(LogInvC0, LogInvC1, LogInvC2, LogInvC3, 1f, LogInvC5, LogInvC6, LogInvC7), index);
        Vector256<float> logHi = Vector256.ShuffleNative(Vector256.Create(LogHi0, LogHi1, LogHi2, LogHi3, 0f, LogHi5, LogHi6, LogHi7), index);
        Vector256<float> logLo = Vector256.ShuffleNative(Vector256.Create(LogLo0, LogLo1, LogLo2, LogLo3, 0f, LogLo5, LogLo6, LogLo7), index);
        Vector256<float> r = Vector256.FusedMultiplyAdd(z, inverse, Vector256.Create(-1f));
        Vector256<float> hi = Vector256.FusedMultiplyAdd(k, Vector256.Create(Ln2Hi), logHi);
        Vector256<float> lo = Vector256.FusedMultiplyAdd(k, Vector256.Create(Ln2Lo), logLo);
        Vector256<float> r2 = r * r;
        Vector256<float> p = Vector256.FusedMultiplyAdd(
            Vector256.FusedMultiplyAdd(Vector256.Create(LogP3), r, Vector256.Create(LogP2)), r2,
            Vector256.FusedMultiplyAdd(Vector256.Create(LogP1), r, Vector256.Create(LogP0)));
        return hi + (r + Vector256.FusedMultiplyAdd(p, r2, lo));
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
