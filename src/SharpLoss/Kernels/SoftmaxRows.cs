using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SharpLoss.Kernels;

/// <summary>
/// Row primitives shared by the softmax cross-entropies: max, Σ exp(x − max) (kept in a scratch row),
/// and sums, each with a Vector256 path (with a Vector512 part for float where it is accelerated) and a scalar path. Sums accumulate in double and are rounded to the
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
            if (Wide<T>() && n >= 16 * c)
            {
                Vector512<T> w0 = Vector512.Create(T.NegativeInfinity), w1 = w0, w2 = w0, w3 = w0;
                for (; i <= n - (8 * c); i += 8 * c)
                {
                    w0 = Vector512.MaxNative(w0, Vector512.LoadUnsafe(ref r, (nuint)i));
                    w1 = Vector512.MaxNative(w1, Vector512.LoadUnsafe(ref r, (nuint)(i + (2 * c))));
                    w2 = Vector512.MaxNative(w2, Vector512.LoadUnsafe(ref r, (nuint)(i + (4 * c))));
                    w3 = Vector512.MaxNative(w3, Vector512.LoadUnsafe(ref r, (nuint)(i + (6 * c))));
                }

                Vector512<T> w = Vector512.MaxNative(Vector512.MaxNative(w0, w1), Vector512.MaxNative(w2, w3));
                m0 = Vector256.MaxNative(w.GetLower(), w.GetUpper());
            }

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

            m = MaxAcross(Vector256.MaxNative(Vector256.MaxNative(m0, m1), Vector256.MaxNative(m2, m3)));
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
            if (Wide<T>() && n >= 8 * c)
            {
                i = n - (n % (4 * Vector512<T>.Count));
                sum = ExpShiftedWide(ref r, ref e, i, m);
            }

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
                VMath.Accumulate(ref a0, ref a1, block);
            }

            for (; i <= n - c; i += c)
            {
                Vector256<T> v = VMath.ExpNonPositive(Vector256.LoadUnsafe(ref r, (nuint)i) - vm);
                v.StoreUnsafe(ref e, (nuint)i);
                VMath.Accumulate(ref a0, ref a1, v);
            }

            sum += VMath.Sum(a0, a1);
        }

        for (; i < n; i++)
        {
            T v = T.Exp(x[i] - m);
            exps[i] = v;
            sum += double.CreateTruncating(v);
        }

        return T.CreateTruncating(sum);
    }

    /// <summary>
    /// The Vector512 part of <see cref="ExpShifted"/> (float where Vector512 is accelerated): blocks of four vectors over
    /// [0, <paramref name="end"/>), summed as there; returns the blocks' sum.
    /// </summary>
    private static double ExpShiftedWide<T>(ref T r, ref T e, int end, T m)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = Vector512<T>.Count;
        Vector512<float> vm = Vector512.Create(float.CreateTruncating(m));
        Vector512<double> a0 = default, a1 = default;
        for (int i = 0; i < end; i += 4 * c)
        {
            Vector512<float> v0 = FastMath512.ExpNonPositive(Vector512.LoadUnsafe(ref r, (nuint)i).AsSingle() - vm);
            Vector512<float> v1 = FastMath512.ExpNonPositive(Vector512.LoadUnsafe(ref r, (nuint)(i + c)).AsSingle() - vm);
            Vector512<float> v2 = FastMath512.ExpNonPositive(Vector512.LoadUnsafe(ref r, (nuint)(i + (2 * c))).AsSingle() - vm);
            Vector512<float> v3 = FastMath512.ExpNonPositive(Vector512.LoadUnsafe(ref r, (nuint)(i + (3 * c))).AsSingle() - vm);
            v0.As<float, T>().StoreUnsafe(ref e, (nuint)i);
            v1.As<float, T>().StoreUnsafe(ref e, (nuint)(i + c));
            v2.As<float, T>().StoreUnsafe(ref e, (nuint)(i + (2 * c)));
            v3.As<float, T>().StoreUnsafe(ref e, (nuint)(i + (3 * c)));
            Vector512<float> block = (v0 + v1) + (v2 + v3);
            VMath.Accumulate(ref a0, ref a1, block);
        }

        return Vector512.Sum(a0 + a1);
    }

    /// <summary>
    /// As <see cref="ExpShifted"/>, and in the same pass the label sums of a softmax cross-entropy row with labels
    /// y' = y·a + c: <paramref name="shifted"/> = Σ y'·(m − x) and <paramref name="sumY"/> = Σ y', in double. For
    /// non-negative labels the terms of the first all have one sign (m is the row's maximum): its sum cancels nothing.
    /// </summary>
    public static T ExpShiftedLabeled<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, T a, T c, T m, Span<T> exps, bool vectorize, out double shifted, out double sumY)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length, i = 0;
        double sum = 0;
        shifted = 0;
        sumY = 0;
        bool smoothed = VMath.IsSmoothing(a, c);
        if (vectorize && n >= Vector256<T>.Count)
        {
            ref T r = ref MemoryMarshal.GetReference(x);
            ref T ry = ref MemoryMarshal.GetReference(y);
            ref T e = ref MemoryMarshal.GetReference(exps);
            Vector256<T> vm = Vector256.Create(m), va = Vector256.Create(a), vc = Vector256.Create(c);
            Vector256<double> a0 = default, l0 = default, s0 = default;
            int w = Vector256<T>.Count;
            if (Wide<T>() && n >= 8 * w)
            {
                i = n - (n % (4 * Vector512<T>.Count));
                sum = ExpShiftedLabeledWide(ref r, ref ry, ref e, i, m, a, c, out shifted, out sumY);
            }

            // Four vectors at a time, each block summed in T (two roundings of terms of one sign) and widened once.
            for (; i <= n - (4 * w); i += 4 * w)
            {
                Vector256<T> d0 = Vector256.LoadUnsafe(ref r, (nuint)i) - vm;
                Vector256<T> d1 = Vector256.LoadUnsafe(ref r, (nuint)(i + w)) - vm;
                Vector256<T> d2 = Vector256.LoadUnsafe(ref r, (nuint)(i + (2 * w))) - vm;
                Vector256<T> d3 = Vector256.LoadUnsafe(ref r, (nuint)(i + (3 * w))) - vm;
                Vector256<T> v0 = VMath.ExpNonPositive(d0);
                Vector256<T> v1 = VMath.ExpNonPositive(d1);
                Vector256<T> v2 = VMath.ExpNonPositive(d2);
                Vector256<T> v3 = VMath.ExpNonPositive(d3);
                v0.StoreUnsafe(ref e, (nuint)i);
                v1.StoreUnsafe(ref e, (nuint)(i + w));
                v2.StoreUnsafe(ref e, (nuint)(i + (2 * w)));
                v3.StoreUnsafe(ref e, (nuint)(i + (3 * w)));
                Vector256<T> y0 = VMath.Smooth(Vector256.LoadUnsafe(ref ry, (nuint)i), va, vc, smoothed);
                Vector256<T> y1 = VMath.Smooth(Vector256.LoadUnsafe(ref ry, (nuint)(i + w)), va, vc, smoothed);
                Vector256<T> y2 = VMath.Smooth(Vector256.LoadUnsafe(ref ry, (nuint)(i + (2 * w))), va, vc, smoothed);
                Vector256<T> y3 = VMath.Smooth(Vector256.LoadUnsafe(ref ry, (nuint)(i + (3 * w))), va, vc, smoothed);
                Vector256<T> eb = (v0 + v1) + (v2 + v3);
                Vector256<T> lb = ((y0 * d0) + (y1 * d1)) + ((y2 * d2) + (y3 * d3));
                Vector256<T> sb = (y0 + y1) + (y2 + y3);
                VMath.Accumulate(ref a0, eb);
                VMath.Accumulate(ref l0, lb);
                VMath.Accumulate(ref s0, sb);
            }

            for (; i <= n - w; i += w)
            {
                Vector256<T> d = Vector256.LoadUnsafe(ref r, (nuint)i) - vm;
                Vector256<T> v = VMath.ExpNonPositive(d);
                v.StoreUnsafe(ref e, (nuint)i);
                Vector256<T> ys = VMath.Smooth(Vector256.LoadUnsafe(ref ry, (nuint)i), va, vc, smoothed);
                VMath.Accumulate(ref a0, v);
                VMath.Accumulate(ref l0, ys * d);
                VMath.Accumulate(ref s0, ys);
            }

            sum += Vector256.Sum(a0);
            shifted += Vector256.Sum(l0);
            sumY += Vector256.Sum(s0);
        }

        for (; i < n; i++)
        {
            T d = x[i] - m;
            T v = T.Exp(d);
            exps[i] = v;
            sum += double.CreateTruncating(v);
            T ys = smoothed ? (y[i] * a) + c : y[i];
            shifted += double.CreateTruncating(ys * d);
            sumY += double.CreateTruncating(ys);
        }

        shifted = -shifted;   // the loops summed y'·(x − m), the negated terms
        return T.CreateTruncating(sum);
    }

    /// <summary>The Vector512 part of <see cref="ExpShiftedLabeled"/>, as <see cref="ExpShiftedWide"/>.</summary>
    private static double ExpShiftedLabeledWide<T>(ref T r, ref T ry, ref T e, int end, T m, T a, T c, out double shifted, out double sumY)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        Vector512<float> vm = Vector512.Create(float.CreateTruncating(m)), va = Vector512.Create(float.CreateTruncating(a)), vc = Vector512.Create(float.CreateTruncating(c));
        Vector512<double> a0 = default, a1 = default, l0 = default, l1 = default, s0 = default, s1 = default;
        bool smoothed = VMath.IsSmoothing(a, c);
        for (int i = 0; i < end; i += 4 * w)
        {
            Vector512<float> d0 = Vector512.LoadUnsafe(ref r, (nuint)i).AsSingle() - vm;
            Vector512<float> d1 = Vector512.LoadUnsafe(ref r, (nuint)(i + w)).AsSingle() - vm;
            Vector512<float> d2 = Vector512.LoadUnsafe(ref r, (nuint)(i + (2 * w))).AsSingle() - vm;
            Vector512<float> d3 = Vector512.LoadUnsafe(ref r, (nuint)(i + (3 * w))).AsSingle() - vm;
            Vector512<float> v0 = FastMath512.ExpNonPositive(d0);
            Vector512<float> v1 = FastMath512.ExpNonPositive(d1);
            Vector512<float> v2 = FastMath512.ExpNonPositive(d2);
            Vector512<float> v3 = FastMath512.ExpNonPositive(d3);
            v0.As<float, T>().StoreUnsafe(ref e, (nuint)i);
            v1.As<float, T>().StoreUnsafe(ref e, (nuint)(i + w));
            v2.As<float, T>().StoreUnsafe(ref e, (nuint)(i + (2 * w)));
            v3.As<float, T>().StoreUnsafe(ref e, (nuint)(i + (3 * w)));
            Vector512<float> y0 = VMath.Smooth(Vector512.LoadUnsafe(ref ry, (nuint)i).AsSingle(), va, vc, smoothed);
            Vector512<float> y1 = VMath.Smooth(Vector512.LoadUnsafe(ref ry, (nuint)(i + w)).AsSingle(), va, vc, smoothed);
            Vector512<float> y2 = VMath.Smooth(Vector512.LoadUnsafe(ref ry, (nuint)(i + (2 * w))).AsSingle(), va, vc, smoothed);
            Vector512<float> y3 = VMath.Smooth(Vector512.LoadUnsafe(ref ry, (nuint)(i + (3 * w))).AsSingle(), va, vc, smoothed);
            Vector512<float> eb = (v0 + v1) + (v2 + v3);
            Vector512<float> lb = ((y0 * d0) + (y1 * d1)) + ((y2 * d2) + (y3 * d3));
            Vector512<float> sb = (y0 + y1) + (y2 + y3);
            VMath.Accumulate(ref a0, ref a1, eb);
            VMath.Accumulate(ref l0, ref l1, lb);
            VMath.Accumulate(ref s0, ref s1, sb);
        }

        shifted = Vector512.Sum(l0 + l1);   // Σ y'·(x − m), negated by the caller
        sumY = Vector512.Sum(s0 + s1);
        return Vector512.Sum(a0 + a1);
    }

    /// <summary>
    /// grad[j] = exps[j]·scale − off, and at <paramref name="target"/> (when inside the row) that minus
    /// <paramref name="extra"/>, each element written once.
    /// </summary>
    public static unsafe void ScaleShift<T>(ReadOnlySpan<T> exps, T scale, T off, int target, T extra, Span<T> grad, bool vectorize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = exps.Length, j = 0;
        bool shift = off != T.Zero;   // x − 0 is x, bit for bit: without smoothing the subtraction is skipped
        fixed (T* e = exps, g = grad)
        {
            if (vectorize && k >= Vector256<T>.Count)
            {
                if (Wide<T>() && k >= 4 * Vector512<T>.Count)
                {
                    Vector512<T> ws = Vector512.Create(scale), wo = Vector512.Create(off);
                    for (; j <= k - Vector512<T>.Count; j += Vector512<T>.Count)
                    {
                        ScaleShift512(e, j, ws, wo, shift, target, extra).Store(g + j);
                    }
                }

                Vector256<T> vs = Vector256.Create(scale), vo = Vector256.Create(off);
                for (; j <= k - Vector256<T>.Count; j += Vector256<T>.Count)
                {
                    ScaleShift256(e, j, vs, vo, shift, target, extra).Store(g + j);
                }
            }

            int scalarFrom = j;
            for (; j < k; j++)
            {
                g[j] = (e[j] * scale) - off;
            }

            if (target >= scalarFrom && target < k)
            {
                g[target] -= extra;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<T> ScaleShift256<T>(T* e, int j, Vector256<T> scale, Vector256<T> off, bool shift, int target, T extra)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector256<T> v = Vector256.Load(e + j) * scale;
        if (shift)
        {
            v -= off;
        }

        if ((uint)(target - j) < (uint)Vector256<T>.Count)
        {
            v -= Vector256.ConditionalSelect(Vector256.Equals(Vector256<T>.Indices, Vector256.Create(T.CreateTruncating(target - j))), Vector256.Create(extra), Vector256<T>.Zero);
        }

        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<T> ScaleShift512<T>(T* e, int j, Vector512<T> scale, Vector512<T> off, bool shift, int target, T extra)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector512<T> v = Vector512.Load(e + j) * scale;
        if (shift)
        {
            v -= off;
        }

        if ((uint)(target - j) < (uint)Vector512<T>.Count)
        {
            v -= Vector512.ConditionalSelect(Vector512.Equals(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(target - j))), Vector512.Create(extra), Vector512<T>.Zero);
        }

        return v;
    }

    /// <summary>Whether the Vector512 row loops apply: float elements on a machine where Vector512 is accelerated.</summary>
    private static bool Wide<T>() => typeof(T) == typeof(float) && Vector512.IsHardwareAccelerated;

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

    /// <summary>
    /// The largest lane, by halving shuffles. It may pass over a NaN lane, so callers deal with NaN themselves: a softmax
    /// row holding a NaN still gets NaN exponentials, whatever its shift; categorical hinge tracks NaN lanes apart.
    /// </summary>
    internal static T MaxAcross<T>(Vector256<T> v)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector128<T> h = Vector128.MaxNative(v.GetLower(), v.GetUpper());
        if (typeof(T) == typeof(float))
        {
            Vector128<float> f = h.AsSingle();
            f = Vector128.MaxNative(f, Vector128.Shuffle(f, Vector128.Create(2, 3, 0, 1)));
            f = Vector128.MaxNative(f, Vector128.Shuffle(f, Vector128.Create(1, 0, 3, 2)));
            return T.CreateTruncating(f.ToScalar());
        }

        Vector128<double> d = h.AsDouble();
        return T.CreateTruncating(Math.Max(d.GetElement(0), d.GetElement(1)));
    }

    private static T MaxNaN<T>(T a, T b)
        where T : unmanaged, IFloatingPointIeee754<T> => T.IsNaN(a) || T.IsNaN(b) ? T.NaN : (b > a ? b : a);
}
