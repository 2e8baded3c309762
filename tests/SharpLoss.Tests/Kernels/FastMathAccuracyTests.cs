using System.Runtime.Intrinsics;
using SharpLoss.Kernels;

namespace SharpLoss.Tests.Kernels;

/// <summary>
/// Accuracy of the float32 fast exp/log/log1p against the correctly rounded value ((float) of the double-precision
/// function), measured in ulps over strided sweeps of the float bit patterns of the ranges the losses use.
/// </summary>
public class FastMathAccuracyTests
{
    private static double Ulps(float got, double exact)
    {
        float reference = (float)exact;
        if (got == reference || (float.IsNaN(got) && double.IsNaN(exact)))
        {
            return 0;
        }

        if (float.IsInfinity(reference) || float.IsInfinity(got))
        {
            return double.PositiveInfinity;
        }

        // The ulp of the reference (subnormal results have the fixed ulp 2^-149).
        float next = MathF.BitIncrement(Math.Abs(reference));
        double ulp = next - Math.Abs(reference);
        return Math.Abs(got - exact) / ulp;
    }

    private static (double MaxUlps, float At) Sweep(Func<Vector256<float>, Vector256<float>> f, Func<double, double> exact, float from, float to, int stride)
    {
        double max = 0;
        float at = float.NaN;
        var buf = new float[8];
        int count = 0;
        void Flush()
        {
            Vector256<float> r = f(Vector256.Create(buf));
            for (int j = 0; j < count; j++)
            {
                double u = Ulps(r[j], exact(buf[j]));
                if (u > max)
                {
                    max = u;
                    at = buf[j];
                }
            }

            count = 0;
        }

        // Walk the bit patterns between the two bounds (sign handled by walking magnitudes on each side of 0).
        foreach ((float lo, float hi) in new[] { (Math.Max(from, 0f), Math.Max(to, 0f)), (Math.Max(-to, 0f), Math.Max(-from, 0f)) })
        {
            bool negative = lo == Math.Max(-to, 0f) && hi == Math.Max(-from, 0f) && from < 0;
            if (hi < lo || (hi == lo && !(hi == 0 && from <= 0 && to >= 0)))
            {
                continue;
            }

            for (long bits = BitConverter.SingleToInt32Bits(lo); bits <= BitConverter.SingleToInt32Bits(hi); bits += stride)
            {
                float x = BitConverter.Int32BitsToSingle((int)bits);
                buf[count++] = negative ? -x : x;
                if (count == 8)
                {
                    Flush();
                }
            }
        }

        if (count > 0)
        {
            for (int j = count; j < 8; j++)
            {
                buf[j] = buf[0];
            }

            count = 8;
            Flush();
        }

        return (max, at);
    }

    [Fact]
    public void Exp_OverItsRange_AtMostTwoUlps()
    {
        // Results in the normal range: x in [-87.3, 88.72].
        var (ulps, at) = Sweep(FastMath.Exp, Math.Exp, -87.3f, 88.72f, 61);
        Assert.True(ulps <= 2, $"exp: {ulps:F2} ulp at x = {at:R}");
    }

    [Fact]
    public void Exp_SubnormalAndSpecialInputs_AsIeee()
    {
        Vector256<float> r = FastMath.Exp(Vector256.Create(-100f, -104f, -1e4f, 89f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 0f));
        Assert.Equal((float)Math.Exp(-100), r[0], 2e-44f);           // subnormal result, within 2^-149 steps
        Assert.Equal(0f, r[1]);                                       // below the smallest subnormal
        Assert.Equal(0f, r[2]);
        Assert.Equal(float.PositiveInfinity, r[3]);                   // e^89 > FLT_MAX
        Assert.Equal(float.PositiveInfinity, r[4]);
        Assert.Equal(0f, r[5]);
        Assert.True(float.IsNaN(r[6]));
        Assert.Equal(1f, r[7]);                                       // e^0 = 1 exactly
    }

    [Fact]
    public void Log_PositiveFloats_AtMostOneAndAQuarterUlps()
    {
        // 1.25 ulp: the largest error of the table method over every normal float (x = 0.966871142, where log c and
        // log(1 + r) partly cancel), measured once against double log; these sweeps take every 257th float.
        var (ulps, at) = Sweep(FastMath.Log, Math.Log, float.Epsilon, float.MaxValue, 257);
        Assert.True(ulps <= 1.25, $"log: {ulps:F2} ulp at x = {at:R}");
    }

    [Fact]
    public void Log_NearOne_AtMostOneAndAQuarterUlps()
    {
        // Where log(x) is tiny, relative accuracy is hardest: [0.5, 2] densely.
        var (ulps, at) = Sweep(FastMath.Log, Math.Log, 0.5f, 2f, 3);
        Assert.True(ulps <= 1.25, $"log: {ulps:F2} ulp at x = {at:R}");
    }

    [Fact]
    public void Log_SpecialInputs_AsIeee()
    {
        Vector256<float> r = FastMath.Log(Vector256.Create(0f, -0f, -1f, float.PositiveInfinity, float.NaN, 1f, float.Epsilon, 1e-7f));
        Assert.Equal(float.NegativeInfinity, r[0]);
        Assert.Equal(float.NegativeInfinity, r[1]);
        Assert.True(float.IsNaN(r[2]));
        Assert.Equal(float.PositiveInfinity, r[3]);
        Assert.True(float.IsNaN(r[4]));
        Assert.Equal(0f, r[5]);                                      // log 1 = 0 exactly
        Assert.Equal(-103.27893f, r[6], 1e-4f);                      // log(2^-149) = -149 ln 2
        Assert.Equal(-16.118095f, r[7], 2e-6f);                      // -log(f32(1e-7)): Keras's saturated BCE term
    }

    [Fact]
    public void Log1p_UnitInterval_AtMostTwoUlps()
    {
        // Reference: log1p in double (a Taylor series below 1e-4, where 1 + x would round in double).
        static double Log1pExact(double x) => x < 1e-4 ? x - (x * x / 2) + (x * x * x / 3) - (x * x * x * x / 4) : Math.Log(1 + x);
        var (ulps, at) = Sweep(FastMath.Log1p, Log1pExact, 0f, 1f, 61);
        Assert.True(ulps <= 2, $"log1p: {ulps:F2} ulp at e = {at:R}");
    }
    [Fact]
    public void ExpNonPositive_OverItsRange_AtMostTwoUlps()
    {
        // The variant for −|x| and x − max: results in the normal range, x in [-87.3, 0], and subnormal results below.
        var (ulps, at) = Sweep(FastMath.ExpNonPositive, Math.Exp, -87.3f, 0f, 29);
        Assert.True(ulps <= 2, $"exp (x <= 0): {ulps:F2} ulp at x = {at:R}");
        var (subUlps, subAt) = Sweep(FastMath.ExpNonPositive, Math.Exp, -103.9f, -87.4f, 1009);
        Assert.True(subUlps <= 2, $"exp (subnormal results): {subUlps:F2} ulp at x = {subAt:R}");
    }

    [Fact]
    public void ExpNonPositive_SpecialInputs_AsIeee()
    {
        Vector256<float> r = FastMath.ExpNonPositive(Vector256.Create(-100f, -104f, -1e4f, -0f, float.NegativeInfinity, float.NaN, 0f, -1f));
        Assert.Equal((float)Math.Exp(-100), r[0], 2e-44f);           // subnormal result, within 2^-149 steps
        Assert.Equal(0f, r[1]);                                       // below half the smallest subnormal
        Assert.Equal(0f, r[2]);
        Assert.Equal(1f, r[3]);                                       // e^-0 = 1 exactly
        Assert.Equal(0f, r[4]);
        Assert.True(float.IsNaN(r[5]));
        Assert.Equal(1f, r[6]);
        Assert.Equal(0.36787944f, r[7], 1e-7f);                      // e^-1 = 0.36787944117…
    }

    [Fact]
    public void LogNormal_NormalFloats_AtMostOneAndAQuarterUlps()
    {
        // The variant for arguments already clipped into the normal range (BCE's q and 1 − q); bound as for Log.
        var (ulps, at) = Sweep(FastMath.LogNormal, Math.Log, 1.17549435e-38f, float.MaxValue, 257);
        Assert.True(ulps <= 1.25, $"log (normal x): {ulps:F2} ulp at x = {at:R}");
        var (nearOne, nearOneAt) = Sweep(FastMath.LogNormal, Math.Log, 0.5f, 2f, 3);
        Assert.True(nearOne <= 1.25, $"log (normal x near 1): {nearOne:F2} ulp at x = {nearOneAt:R}");
    }
    [Fact]
    public void ExpNonPositive512_SameValuesAsTheVector256Version()
    {
        // The Vector512 twin runs the same operations on 16 lanes: every lane must equal the Vector256 result (which
        // the sweeps above bound to 2 ulp), over the normal and subnormal ranges and the special inputs.
        static Vector256<float> Wide(Vector256<float> v) => FastMath512.ExpNonPositive(Vector512.Create(v, v)).GetUpper();
        var (ulps, at) = Sweep(v => Wide(v) - FastMath.ExpNonPositive(v), _ => 0, -103.9f, 0f, 97);
        Assert.True(ulps == 0, $"exp512 differs from exp256 at x = {at:R}");
        Vector256<float> special = Vector256.Create(-1e4f, float.NegativeInfinity, float.NaN, -0f, 0f, -104f, -87.5f, -1f);
        Assert.Equal(FastMath.ExpNonPositive(special).AsInt32(), Wide(special).AsInt32());
    }

    [Fact]
    public void Log1pAndReciprocal512_SameValuesAsTheVector256Version()
    {
        static Vector256<float> Wide(Vector256<float> v) => FastMath512.Log1pAndReciprocal(Vector512.Create(v, v), out _).GetLower();
        static Vector256<float> WideReciprocal(Vector256<float> v)
        {
            FastMath512.Log1pAndReciprocal(Vector512.Create(v, v), out Vector512<float> r);
            return r.GetLower();
        }

        static Vector256<float> Reciprocal(Vector256<float> v)
        {
            FastMath.Log1pAndReciprocal(v, out Vector256<float> r);
            return r;
        }

        var (ulps, at) = Sweep(v => Wide(v) - FastMath.Log1pAndReciprocal(v, out _), _ => 0, 0f, 1f, 61);
        Assert.True(ulps == 0, $"log1p512 differs from log1p256 at e = {at:R}");
        var (rulps, rat) = Sweep(v => WideReciprocal(v) - Reciprocal(v), _ => 0, 0f, 1f, 61);
        Assert.True(rulps == 0, $"1/(1 + e) 512 differs from 256 at e = {rat:R}");
    }
    [Fact]
    public void Log1pAndReciprocal_UnitInterval_AtMostFourAndThreeUlps()
    {
        // The sigmoid losses' fused pair: log(1 + e) and 1/(1 + e) from one division (e = exp(−|x|) in [0, 1]). Sharing
        // the division costs accuracy: s = e·(1 + e)/((1 + e)(2 + e)) carries about five roundings, so log1p is held
        // to 4 ulp and the reciprocal to 3 (Log1p, with its own division, to 2).
        static double Log1pExact(double x) => x < 1e-4 ? x - (x * x / 2) + (x * x * x / 3) - (x * x * x * x / 4) : Math.Log(1 + x);
        var (ulps, at) = Sweep(v => FastMath.Log1pAndReciprocal(v, out _), Log1pExact, 0f, 1f, 61);
        Assert.True(ulps <= 4, $"log1p: {ulps:F2} ulp at e = {at:R}");
        var (rulps, rat) = Sweep(v =>
        {
            FastMath.Log1pAndReciprocal(v, out Vector256<float> r);
            return r;
        }, e => 1 / (1 + e), 0f, 1f, 61);
        Assert.True(rulps <= 3, $"1/(1 + e): {rulps:F2} ulp at e = {rat:R}");
    }
    [Fact]
    public void Log1pAndReciprocal_NegativeHalfInterval_AtMostFourAndThreeUlps()
    {
        // LogCosh's w = (e^(−2|x|) − 1)/2 lies in [−½, 0]: s = w/(2 + w) is then in [−⅓, 0], where the odd atanh polynomial
        // is as accurate as on [0, ⅓]. Same bounds as on [0, 1].
        static double Log1pExact(double x) => Math.Abs(x) < 1e-4 ? x - (x * x / 2) + (x * x * x / 3) - (x * x * x * x / 4) : Math.Log(1 + x);
        var (ulps, at) = Sweep(v => FastMath.Log1pAndReciprocal(v, out _), Log1pExact, -0.5f, 0f, 61);
        Assert.True(ulps <= 4, $"log1p: {ulps:F2} ulp at e = {at:R}");
        var (rulps, rat) = Sweep(v =>
        {
            FastMath.Log1pAndReciprocal(v, out Vector256<float> r);
            return r;
        }, e => 1 / (1 + e), -0.5f, 0f, 61);
        Assert.True(rulps <= 3, $"1/(1 + e): {rulps:F2} ulp at e = {rat:R}");
    }

    [Fact]
    public void LogNormal512_SameValuesAsTheVector256Version()
    {
        static Vector256<float> Wide(Vector256<float> v) => FastMath512.LogNormal(Vector512.Create(v, v)).GetUpper();
        var (ulps, at) = Sweep(v => Wide(v) - FastMath.LogNormal(v), _ => 0, 1.17549435e-38f, float.MaxValue, 257);
        Assert.True(ulps == 0, $"log512 differs from log256 at x = {at:R}");
        var (nearOne, nearOneAt) = Sweep(v => Wide(v) - FastMath.LogNormal(v), _ => 0, 0.5f, 2f, 7);
        Assert.True(nearOne == 0, $"log512 differs from log256 at x = {nearOneAt:R}");
    }
}
