using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpLoss.Kernels;

/// <summary>
/// Vector512 twins of the <see cref="FastMath"/> functions the sigmoid cross-entropies use, for machines where
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
        Vector512<float> n = Vector512.Round(xc * Vector512.Create(1.44269504088896341f));
        Vector512<float> r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-0.693359375f), xc);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(2.12194440e-4f), r);
        Vector512<float> z = r * r;
        Vector512<float> q0 = Vector512.FusedMultiplyAdd(Vector512.Create(1.6666665459E-1f), r, Vector512.Create(5.0000001201E-1f));
        Vector512<float> q1 = Vector512.FusedMultiplyAdd(Vector512.Create(8.3334519073E-3f), r, Vector512.Create(4.1665795894E-2f));
        Vector512<float> q2 = Vector512.FusedMultiplyAdd(Vector512.Create(1.9875691500E-4f), r, Vector512.Create(1.3981999507E-3f));
        Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(q2, z, q1), z, q0);
        p = Vector512.FusedMultiplyAdd(p, z, r) + Vector512<float>.One;
        Vector512<int> ni = Vector512.ConvertToInt32Native(n);
        Vector512<float> scale = ((ni + Vector512.Create(127 + 64)) << 23).AsSingle();
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
        Vector512<float> t2 = t * t;
        Vector512<float> q0 = Vector512.FusedMultiplyAdd(Vector512.Create(2f / 5), t, Vector512.Create(2f / 3));
        Vector512<float> q1 = Vector512.FusedMultiplyAdd(Vector512.Create(2f / 9), t, Vector512.Create(2f / 7));
        Vector512<float> q2 = Vector512.FusedMultiplyAdd(Vector512.Create(2f / 13), t, Vector512.Create(2f / 11));
        Vector512<float> r1 = Vector512.FusedMultiplyAdd(Vector512.Create(2f / 15), t2, q2);
        Vector512<float> r0 = Vector512.FusedMultiplyAdd(q1, t2, q0);
        Vector512<float> p = Vector512.FusedMultiplyAdd(r1, t2 * t2, r0) * t;
        return Vector512.FusedMultiplyAdd(p, s, s + s);
    }
}
