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
    public static T Max<T>(ReadOnlySpan<T> x, bool vectorize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length, i = 0;
        T m = T.NegativeInfinity;
        if (vectorize && n >= Vector256<T>.Count)
        {
            ref T r = ref MemoryMarshal.GetReference(x);
            Vector256<T> vm = Vector256.Create(T.NegativeInfinity);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                vm = Vector256.Max(vm, Vector256.LoadUnsafe(ref r, (nuint)i));
            }

            for (int j = 0; j < Vector256<T>.Count; j++)
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
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                Vector256<T> v = VMath.ExpNonPositive(Vector256.LoadUnsafe(ref r, (nuint)i) - vm);
                v.StoreUnsafe(ref e, (nuint)i);
                VMath.Accumulate(ref a0, ref a1, v);
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
