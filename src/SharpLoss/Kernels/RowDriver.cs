using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace SharpLoss.Kernels;

/// <summary>
/// The math of a loss over one row of K classes (dense labels): returns the row's loss and, when
/// the gradient row is not empty, writes coef · ∂loss/∂p for the row.
/// </summary>
internal interface IRowKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <param name="y">The label row.</param>
    /// <param name="p">The prediction row.</param>
    /// <param name="grad">The gradient row to write, or empty.</param>
    /// <param name="coef">The sample's gradient coefficient.</param>
    /// <param name="scratch">K elements of scratch space.</param>
    /// <param name="vectorize">Whether Vector256 may be used.</param>
    T Row(ReadOnlySpan<T> y, ReadOnlySpan<T> p, Span<T> grad, T coef, Span<T> scratch, bool vectorize);
}

/// <summary>The math of a loss over one row of K classes with a sparse class id.</summary>
internal interface ISparseRowKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <param name="label">The class id, in [0, K).</param>
    /// <param name="p">The prediction row.</param>
    /// <param name="grad">The gradient row to write, or empty.</param>
    /// <param name="coef">The sample's gradient coefficient.</param>
    /// <param name="scratch">K elements of scratch space.</param>
    /// <param name="vectorize">Whether Vector256 may be used.</param>
    T Row(long label, ReadOnlySpan<T> p, Span<T> grad, T coef, Span<T> scratch, bool vectorize);
}

/// <summary>
/// Drives row kernels over a <see cref="Batch{T}"/> whose D is the class axis. Rows along a non-last
/// axis are gathered into scratch rows first. Σ_s W_s · L_s accumulates in double per fixed chunk of rows,
/// chunks added in order.
/// </summary>
internal static class RowDriver
{
    public static double Run<T, TKernel>(TKernel kernel, scoped ref Batch<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, IRowKernel<T>
    {
        int k = b.D, samples = b.Samples;
        bool vectorize = b.Vectorize && Vector256.IsHardwareAccelerated;
        bool grad = !b.Grad.IsEmpty;
        T[] rented = ArrayPool<T>.Shared.Rent(Math.Max(1, k * (b.Inner == 1 ? 1 : 4)));
        try
        {
            Span<T> scratch = rented.AsSpan(0, k);
            int rowsPerChunk = Math.Max(1, PointwiseDriver.Chunk / Math.Max(k, 1));
            double total = 0;
            for (int c = 0; c < samples; c += rowsPerChunk)
            {
                int end = Math.Min(samples, c + rowsPerChunk);
                double chunk = 0;
                for (int s = c; s < end; s++)
                {
                    T w = b.WeightOf(s);
                    T l;
                    if (b.Inner == 1)
                    {
                        int off = s * k;
                        l = kernel.Row(b.Y.Slice(off, k), b.P.Slice(off, k), grad ? b.Grad.Slice(off, k) : default, w * b.GradScale, scratch, vectorize);
                    }
                    else
                    {
                        Span<T> y = rented.AsSpan(k, k), p = rented.AsSpan(2 * k, k), g = rented.AsSpan(3 * k, k);
                        int o = s / b.Inner, i = s % b.Inner, baseIdx = o * k * b.Inner + i;
                        for (int j = 0; j < k; j++)
                        {
                            y[j] = b.Y[baseIdx + (j * b.Inner)];
                            p[j] = b.P[baseIdx + (j * b.Inner)];
                        }

                        l = kernel.Row(y, p, grad ? g : default, w * b.GradScale, scratch, vectorize);
                        if (grad)
                        {
                            for (int j = 0; j < k; j++)
                            {
                                b.Grad[baseIdx + (j * b.Inner)] = g[j];
                            }
                        }
                    }

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
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>Sparse labels: class axis last, one label per sample. Rows whose label is <paramref name="ignoreClass"/> give 0.</summary>
    public static double RunSparse<T, TKernel>(TKernel kernel, scoped ref Batch<T> b, long? ignoreClass)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : struct, ISparseRowKernel<T>
    {
        int k = b.D, samples = b.Samples;
        bool vectorize = b.Vectorize && Vector256.IsHardwareAccelerated;
        bool grad = !b.Grad.IsEmpty;
        T[] rented = ArrayPool<T>.Shared.Rent(Math.Max(1, k));
        try
        {
            Span<T> scratch = rented.AsSpan(0, k);
            int rowsPerChunk = Math.Max(1, PointwiseDriver.Chunk / Math.Max(k, 1));
            double total = 0;
            for (int c = 0; c < samples; c += rowsPerChunk)
            {
                int end = Math.Min(samples, c + rowsPerChunk);
                double chunk = 0;
                for (int s = c; s < end; s++)
                {
                    int off = s * k;
                    long label = b.Labels[s];
                    T l;
                    if (label == ignoreClass)
                    {
                        l = T.Zero;
                        if (grad)
                        {
                            b.Grad.Slice(off, k).Clear();
                        }
                    }
                    else
                    {
                        T w = b.WeightOf(s);
                        l = kernel.Row(label, b.P.Slice(off, k), grad ? b.Grad.Slice(off, k) : default, w * b.GradScale, scratch, vectorize);
                        chunk += double.CreateTruncating(l) * double.CreateTruncating(w);
                    }

                    if (!b.PerSample.IsEmpty)
                    {
                        b.PerSample[s] = l;
                    }
                }

                total += chunk;
            }

            return total;
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }
}
