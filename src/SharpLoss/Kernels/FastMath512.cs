using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpLoss.Kernels;

/// <summary>
/// Vector512 twins of the <see cref="FastMath"/> functions the cross-entropy kernels use, for machines where
/// Vector512 is hardware accelerated: the same operations in the same order on 16 lanes, so the same values lane for
/// lane and the same accuracy (tested alongside the Vector256 versions).
/// </summary>
internal static class FastMath512
{
    /// <summary>exp(x) for x ≤ 0 or NaN, as <see cref="FastMath.ExpNonPositive"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpNonPositive(Vector512<float> x)
    {
        Vector512<float> xc = Vector512.Max(x, Vector512.Create(-104f));
        Vector512<float> t = Vector512.FusedMultiplyAdd(xc, Vector512.Create(1.44269504088896341f), Vector512.Create(12582912f));
        Vector512<float> n = t - Vector512.Create(12582912f);
        Vector512<float> r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-0.693359375f), xc);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(2.12194440e-4f), r);
        Vector512<float> z = r * r;
        Vector512<float> q0 = Vector512.FusedMultiplyAdd(Vector512.Create(FastMath.ExpC1), r, Vector512.Create(FastMath.ExpC0));
        Vector512<float> q1 = Vector512.FusedMultiplyAdd(Vector512.Create(FastMath.ExpC3), r, Vector512.Create(FastMath.ExpC2));
        Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.Create(FastMath.ExpC4), z, q1), z, q0);
        p = Vector512.FusedMultiplyAdd(p, z, r) + Vector512<float>.One;
        if (Avx512F.IsSupported)
        {
            // p·2^n in one instruction, rounded once, as the two multiplications below round it.
            return Avx512F.Scale(p, n);
        }

        Vector512<float> scale = ((t.AsInt32() + Vector512.Create(127 + 64)) << 23).AsSingle();
        return p * scale * Vector512.Create(5.42101086e-20f);
    }

    /// <summary>log(1 + e) and 1/(1 + e) for e in [0, 1], as <see cref="FastMath.Log1pAndReciprocal"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Log1pAndReciprocal(Vector512<float> e, out Vector512<float> reciprocal)
    {
        Vector512<float> d1 = Vector512<float>.One + e, d2 = Vector512.Create(2f) + e;
        Vector512<float> r = Vector512<float>.One / (d1 * d2);
        reciprocal = d2 * r;
        Vector512<float> s = e * d1 * r;
        Vector512<float> t = s * s;
        Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.Create(FastMath.AtanhC3), t, Vector512.Create(FastMath.AtanhC2));
        p = Vector512.FusedMultiplyAdd(p, t, Vector512.Create(FastMath.AtanhC1));
        p = Vector512.FusedMultiplyAdd(p, t, Vector512.Create(FastMath.AtanhC0));
        return Vector512.FusedMultiplyAdd(p, s * t, s + s);
    }
    /// <summary>log(x) for positive normal finite x, as <see cref="FastMath.LogNormal"/> (the same table, duplicated in
    /// both halves of the 16-lane permutation, and the same operations: the same bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LogNormal(Vector512<float> x)
    {
        Vector512<int> bits = x.AsInt32();
        Vector512<int> tmp = bits - Vector512.Create(FastMath.LogOffset);
        Vector512<int> index = Vector512.ShiftRightLogical(tmp, 20) & Vector512.Create(7);
        Vector512<float> k = Vector512.ConvertToSingle(Vector512.ShiftRightArithmetic(tmp, 23));
        Vector512<float> z = (bits - (tmp & Vector512.Create(unchecked((int)0xFF800000)))).AsSingle();
        Vector512<float> inverse = Vector512.ShuffleNative(Table(FastMath.LogInvC0, FastMath.LogInvC1, FastMath.LogInvC2, FastMath.LogInvC3, 1f, FastMath.LogInvC5, FastMath.LogInvC6, FastMath.LogInvC7), index);
        Vector512<float> logHi = Vector512.ShuffleNative(Table(FastMath.LogHi0, FastMath.LogHi1, FastMath.LogHi2, FastMath.LogHi3, 0f, FastMath.LogHi5, FastMath.LogHi6, FastMath.LogHi7), index);
        Vector512<float> logLo = Vector512.ShuffleNative(Table(FastMath.LogLo0, FastMath.LogLo1, FastMath.LogLo2, FastMath.LogLo3, 0f, FastMath.LogLo5, FastMath.LogLo6, FastMath.LogLo7), index);
        Vector512<float> r = Vector512.FusedMultiplyAdd(z, inverse, Vector512.Create(-1f));
        Vector512<float> hi = Vector512.FusedMultiplyAdd(k, Vector512.Create(FastMath.Ln2Hi), logHi);
        Vector512<float> lo = Vector512.FusedMultiplyAdd(k, Vector512.Create(FastMath.Ln2Lo), logLo);
        Vector512<float> r2 = r * r;
        Vector512<float> p = Vector512.FusedMultiplyAdd(
            Vector512.FusedMultiplyAdd(Vector512.Create(FastMath.LogP3), r, Vector512.Create(FastMath.LogP2)), r2,
            Vector512.FusedMultiplyAdd(Vector512.Create(FastMath.LogP1), r, Vector512.Create(FastMath.LogP0)));
        return hi + (r + Vector512.FusedMultiplyAdd(p, r2, lo));
    }

    /// <summary>An eight-entry table in the first eight lanes (the indices are below 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Table(float t0, float t1, float t2, float t3, float t4, float t5, float t6, float t7) =>
        Vector512.Create(t0, t1, t2, t3, t4, t5, t6, t7, t0, t1, t2, t3, t4, t5, t6, t7);
}
