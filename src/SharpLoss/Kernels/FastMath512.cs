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
    /// <summary>log(x) for positive normal finite x, as <see cref="FastMath.LogNormal"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LogNormal(Vector512<float> x)
    {
        Vector512<int> bits = x.AsInt32();
        Vector512<float> e = Vector512.ConvertToSingle(Vector512.ShiftRightLogical(bits, 23) - Vector512.Create(126));
        Vector512<float> m = ((bits & Vector512.Create(0x007FFFFF)) | Vector512.Create(0x3F000000)).AsSingle();
        Vector512<float> small = Vector512.LessThan(m, Vector512.Create(0.707106781186547524f));
        e -= small & Vector512<float>.One;
        m = m + (small & m) - Vector512<float>.One;
        Vector512<float> z = m * m;
        Vector512<float> z2 = z * z;
        Vector512<float> q0 = Vector512.FusedMultiplyAdd(Vector512.Create(-2.4999993993E-1f), m, Vector512.Create(3.3333331174E-1f));
        Vector512<float> q1 = Vector512.FusedMultiplyAdd(Vector512.Create(-1.6668057665E-1f), m, Vector512.Create(2.0000714765E-1f));
        Vector512<float> q2 = Vector512.FusedMultiplyAdd(Vector512.Create(-1.2420140846E-1f), m, Vector512.Create(1.4249322787E-1f));
        Vector512<float> q3 = Vector512.FusedMultiplyAdd(Vector512.Create(-1.1514610310E-1f), m, Vector512.Create(1.1676998740E-1f));
        Vector512<float> r0 = Vector512.FusedMultiplyAdd(q1, z, q0);
        Vector512<float> r1 = Vector512.FusedMultiplyAdd(q3, z, q2);
        Vector512<float> s0 = Vector512.FusedMultiplyAdd(r1, z2, r0);
        Vector512<float> y = Vector512.FusedMultiplyAdd(Vector512.Create(7.0376836292E-2f), z2 * z2, s0) * m * z;
        y = Vector512.FusedMultiplyAdd(e, Vector512.Create(-2.12194440e-4f), y);
        y = Vector512.FusedMultiplyAdd(z, Vector512.Create(-0.5f), y);
        return Vector512.FusedMultiplyAdd(e, Vector512.Create(0.693359375f), m + y);
    }
}
