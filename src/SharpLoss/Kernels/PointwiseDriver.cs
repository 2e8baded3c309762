using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SharpLoss.Kernels;

/// <summary>
/// Drives an <see cref="IPointwiseKernel{T}"/> over a <see cref="Batch{T}"/>: per-sample loss
/// L_s = mean over the D elements of sample s of e(y, p), gradient W_s · GradScale · e'(y, p) / D, and the
/// returned sum Σ_s W_s · L_s, all in one pass.
/// </summary>
/// <remarks>
/// Sums accumulate in double over fixed chunks of <see cref="Chunk"/> elements (or whole rows), and the
/// chunk sums are added in order, so the result does not depend on how chunks are scheduled.
/// </remarks>
internal static class PointwiseDriver
{
    /// <summary>Elements per deterministic summation chunk.</summary>
    public const int Chunk = 16 * 1024;

    public static double Run<T, TKernel>(TKernel kernel, scoped ref Batch<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IPointwiseKernel<T>
    {
        bool vectorize = b.Vectorize && TKernel.Vectorizable && Vector256.IsHardwareAccelerated;
        if (b.UniformWeight && b.PerSample.IsEmpty)
        {
            return Flat(kernel, ref b, vectorize);
        }

        if (b.Inner == 1 && b.D == 1)
        {
            return Elementwise(kernel, ref b, vectorize);
        }

        return b.Inner == 1 ? Rows(kernel, ref b, vectorize) : Strided(kernel, ref b);
    }

    /// <summary>Uniform weight and no per-sample output: the layout is irrelevant, one flat pass.</summary>
    private static double Flat<T, TKernel>(TKernel kernel, scoped ref Batch<T> b, bool vectorize)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IPointwiseKernel<T>
    {
        int n = b.P.Length;
        T factor = b.D == 0 ? T.Zero : b.Weight * b.GradScale / T.CreateTruncating(b.D);
        double total = 0;
        for (int c = 0; c < n; c += Chunk)
        {
            int len = Math.Min(Chunk, n - c);
            total += SumChunk(kernel, b.Y.Slice(c, len), b.P.Slice(c, len), b.Grad.IsEmpty ? default : b.Grad.Slice(c, len), factor, vectorize);
        }

        return double.CreateTruncating(b.Weight) * total / b.D;
    }

    /// <summary>One value per sample (D = 1, Inner = 1) with per-sample weights.</summary>
    private static double Elementwise<T, TKernel>(TKernel kernel, scoped ref Batch<T> b, bool vectorize)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IPointwiseKernel<T>
    {
        int n = b.P.Length;
        bool grad = !b.Grad.IsEmpty, perSample = !b.PerSample.IsEmpty;
        double total = 0;
        for (int c = 0; c < n; c += Chunk)
        {
            int end = Math.Min(n, c + Chunk);
            int i = c;
            double chunk = 0;
            if (vectorize)
            {
                Vector256<double> acc0 = default, acc1 = default;
                ref T y = ref MemoryMarshal.GetReference(b.Y);
                ref T p = ref MemoryMarshal.GetReference(b.P);
                ref T w = ref MemoryMarshal.GetReference(b.Weights);
                Vector256<T> scale = Vector256.Create(b.GradScale);
                Vector256<T> uniform = Vector256.Create(b.Weight);
                for (; i <= end - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    Vector256<T> yv = Vector256.LoadUnsafe(ref y, (nuint)i);
                    Vector256<T> pv = Vector256.LoadUnsafe(ref p, (nuint)i);
                    Vector256<T> wv = b.UniformWeight ? uniform : Vector256.LoadUnsafe(ref w, (nuint)i);
                    Vector256<T> l;
                    if (grad)
                    {
                        l = kernel.LossGrad(yv, pv, out Vector256<T> g);
                        (g * wv * scale).StoreUnsafe(ref MemoryMarshal.GetReference(b.Grad), (nuint)i);
                    }
                    else
                    {
                        l = kernel.Loss(yv, pv);
                    }

                    if (perSample)
                    {
                        l.StoreUnsafe(ref MemoryMarshal.GetReference(b.PerSample), (nuint)i);
                    }

                    VMath.Accumulate(ref acc0, ref acc1, l * wv);
                }

                chunk = VMath.Sum(acc0, acc1);
            }

            for (; i < end; i++)
            {
                T w = b.WeightOf(i);
                T l;
                if (grad)
                {
                    l = kernel.LossGrad(b.Y[i], b.P[i], out T g);
                    b.Grad[i] = g * w * b.GradScale;
                }
                else
                {
                    l = kernel.Loss(b.Y[i], b.P[i]);
                }

                if (perSample)
                {
                    b.PerSample[i] = l;
                }

                chunk += double.CreateTruncating(l * w);
            }

            total += chunk;
        }

        return total;
    }

    /// <summary>Contiguous rows of D elements (the reduced axis is the last one).</summary>
    private static double Rows<T, TKernel>(TKernel kernel, scoped ref Batch<T> b, bool vectorize)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IPointwiseKernel<T>
    {
        int d = b.D, samples = b.Samples;
        int rowsPerChunk = Math.Max(1, Chunk / Math.Max(d, 1));
        T invD = T.One / T.CreateTruncating(d);
        double total = 0;
        for (int c = 0; c < samples; c += rowsPerChunk)
        {
            int end = Math.Min(samples, c + rowsPerChunk);
            double chunk = 0;
            for (int s = c; s < end; s++)
            {
                T w = b.WeightOf(s);
                int off = s * d;
                double sum = SumChunk(kernel, b.Y.Slice(off, d), b.P.Slice(off, d), b.Grad.IsEmpty ? default : b.Grad.Slice(off, d), w * b.GradScale * invD, vectorize);
                T l = T.CreateTruncating(sum / d);
                if (!b.PerSample.IsEmpty)
                {
                    b.PerSample[s] = l;
                }

                chunk += double.CreateTruncating(l) * double.CreateTruncating(w);
            }

            total += chunk;
        }

        return total;
    }

    /// <summary>The reduced axis is not the last one: strided scalar loops.</summary>
    private static double Strided<T, TKernel>(TKernel kernel, scoped ref Batch<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IPointwiseKernel<T>
    {
        int d = b.D, inner = b.Inner;
        T invD = T.One / T.CreateTruncating(d);
        double total = 0;
        for (int o = 0; o < b.Outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int s = o * inner + i;
                T w = b.WeightOf(s);
                T factor = w * b.GradScale * invD;
                double sum = 0;
                for (int k = 0; k < d; k++)
                {
                    int idx = ((o * d) + k) * inner + i;
                    if (b.Grad.IsEmpty)
                    {
                        sum += double.CreateTruncating(kernel.Loss(b.Y[idx], b.P[idx]));
                    }
                    else
                    {
                        sum += double.CreateTruncating(kernel.LossGrad(b.Y[idx], b.P[idx], out T g));
                        b.Grad[idx] = g * factor;
                    }
                }

                T l = T.CreateTruncating(sum / d);
                if (!b.PerSample.IsEmpty)
                {
                    b.PerSample[s] = l;
                }

                total += double.CreateTruncating(l) * double.CreateTruncating(w);
            }
        }

        return total;
    }

    /// <summary>Σ e over a contiguous stretch, writing factor · e' when a gradient span is given.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double SumChunk<T, TKernel>(TKernel kernel, ReadOnlySpan<T> y, ReadOnlySpan<T> p, Span<T> grad, T factor, bool vectorize)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IPointwiseKernel<T>
    {
        int n = p.Length, i = 0;
        double sum = 0;
        if (vectorize && n >= Vector256<T>.Count)
        {
            Vector256<double> acc0 = default, acc1 = default;
            ref T ry = ref MemoryMarshal.GetReference(y);
            ref T rp = ref MemoryMarshal.GetReference(p);
            if (grad.IsEmpty)
            {
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    VMath.Accumulate(ref acc0, ref acc1, kernel.Loss(Vector256.LoadUnsafe(ref ry, (nuint)i), Vector256.LoadUnsafe(ref rp, (nuint)i)));
                }
            }
            else
            {
                ref T rg = ref MemoryMarshal.GetReference(grad);
                Vector256<T> f = Vector256.Create(factor);
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    Vector256<T> l = kernel.LossGrad(Vector256.LoadUnsafe(ref ry, (nuint)i), Vector256.LoadUnsafe(ref rp, (nuint)i), out Vector256<T> g);
                    (g * f).StoreUnsafe(ref rg, (nuint)i);
                    VMath.Accumulate(ref acc0, ref acc1, l);
                }
            }

            sum = VMath.Sum(acc0, acc1);
        }

        if (grad.IsEmpty)
        {
            for (; i < n; i++)
            {
                sum += double.CreateTruncating(kernel.Loss(y[i], p[i]));
            }
        }
        else
        {
            for (; i < n; i++)
            {
                sum += double.CreateTruncating(kernel.LossGrad(y[i], p[i], out T g));
                grad[i] = g * factor;
            }
        }

        return sum;
    }
}
