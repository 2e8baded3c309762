using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SharpLoss.Kernels;

/// <summary>
/// Row primitives shared by the softmax cross-entropies: max, Σ exp(x − max) (kept in a scratch row),
/// and sums, each with a Vector256 path and a scalar path. Sums accumulate in double and are rounded to the
/// element type before further use, as TensorFlow's float32 reductions are.
/// </summary>
internal static class SoftmaxRows
{
    /// <summary>
    /// The row's maximum, the shift of the softmax. A NaN in the row may or may not come back as the maximum: either
    /// way the exponentials of the row (and so its loss and gradient) are NaN, as TensorFlow's.
    /// </summary>
    public static T Max<T>(ReadOnlySpan<T> x, bool vectorize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length, i = 0;
        T m = T.NegativeInfinity;
        if (vectorize && n >= Vector256<T>.Count)
        {
            ref T r = ref MemoryMarshal.GetReference(x);
            int c = Vector256<T>.Count;

            // Four independent maxima: the loop is bound by loads, not by the latency of one chain of max.
            Vector256<T> m0 = Vector256.Create(T.NegativeInfinity), m1 = m0, m2 = m0, m3 = m0;
            for (; i <= n - (4 * c); i += 4 * c)
            {
                m0 = Vector256.MaxNative(m0, Vector256.LoadUnsafe(ref r, (nuint)i));
                m1 = Vector256.MaxNative(m1, Vector256.LoadUnsafe(ref r, (nuint)(i + c)));
                m2 = Vector256.MaxNative(m2, Vector256.LoadUnsafe(ref r, (nuint)(i + (2 * c))));
                m3 = Vector256.MaxNative(m3, Vector256.LoadUnsafe(ref r, (nuint)(i + (3 * c))));
            }

            for (; i <= n - c; i += c)
            {
                m0 = Vector256.MaxNative(m0, Vector256.LoadUnsafe(ref r, (nuint)i));
            }

            Vector256<T> vm = Vector256.MaxNative(Vector256.MaxNative(m0, m1), Vector256.MaxNative(m2, m3));
            for (int j = 0; j < c; j++)
            {
                m = MaxNaN(m, vm[j]);
            }
        }

        for (; i < n; i++)
        {
            m = MaxNaN(m, x[i]);
        }

        return m;
    }

    /// <summary>Writes exp(x − m) into <paramref name="exps"/> and returns their sum, rounded to T.</summary>
    public static T ExpShifted<T>(ReadOnlySpan<T> x, T m, Span<T> exps, bool vectorize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length, i = 0;
        double sum = 0;
        if (vectorize && n >= Vector256<T>.Count)
        {
            ref T r = ref MemoryMarshal.GetReference(x);
            ref T e = ref MemoryMarshal.GetReference(exps);
            Vector256<T> vm = Vector256.Create(m);
            Vector256<double> a0 = default, a1 = default;
            int c = Vector256<T>.Count;

            // Four vectors at a time; their sum (two roundings in T, of non-negative terms: relative error ≤ 2 ulp) is
            // widened to double once.
            for (; i <= n - (4 * c); i += 4 * c)
            {
                Vector256<T> v0 = VMath.ExpNonPositive(Vector256.LoadUnsafe(ref r, (nuint)i) - vm);
                Vector256<T> v1 = VMath.ExpNonPositive(Vector256.LoadUnsafe(ref r, (nuint)(i + c)) - vm);
                Vector256<T> v2 = VMath.ExpNonPositive(Vector256.LoadUnsafe(ref r, (nuint)(i + (2 * c))) - vm);
                Vector256<T> v3 = VMath.ExpNonPositive(Vector256.LoadUnsafe(ref r, (nuint)(i + (3 * c))) - vm);
                v0.StoreUnsafe(ref e, (nuint)i);
                v1.StoreUnsafe(ref e, (nuint)(i + c));
                v2.StoreUnsafe(ref e, (nuint)(i + (2 * c)));
                v3.StoreUnsafe(ref e, (nuint)(i + (3 * c)));
                Vector256<T> block = (v0 + v1) + (v2 + v3);
                a0 += VMath.WidenLower(block);
                a1 += VMath.WidenUpper(block);
            }

            for (; i <= n - c; i += c)
            {
                Vector256<T> v = VMath.ExpNonPositive(Vector256.LoadUnsafe(ref r, (nuint)i) - vm);
                v.StoreUnsafe(ref e, (nuint)i);
                a0 += VMath.WidenLower(v);
                a1 += VMath.WidenUpper(v);
            }

            sum = VMath.Sum(a0, a1);
        }

        for (; i < n; i++)
        {
            T v = T.Exp(x[i] - m);
            exps[i] = v;
            sum += double.CreateTruncating(v);
        }

        return T.CreateTruncating(sum);
    }

    public static double Sum<T>(ReadOnlySpan<T> x, bool vectorize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length, i = 0;
        double sum = 0;
        if (vectorize && n >= Vector256<T>.Count)
        {
            ref T r = ref MemoryMarshal.GetReference(x);
            Vector256<double> a0 = default, a1 = default;
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                VMath.Accumulate(ref a0, ref a1, Vector256.LoadUnsafe(ref r, (nuint)i));
            }

            sum = VMath.Sum(a0, a1);
        }

        for (; i < n; i++)
        {
            sum += double.CreateTruncating(x[i]);
        }

        return sum;
    }

    private static T MaxNaN<T>(T a, T b)
        where T : unmanaged, IFloatingPointIeee754<T> => T.IsNaN(a) || T.IsNaN(b) ? T.NaN : (b > a ? b : a);
}
