using System.Buffers;
using System.Numerics;
using SharpLoss.Internals;
using SharpLoss.Kernels;

namespace SharpLoss;

/// <content>The mask a loss derives from its own values (Keras's <c>loss &gt; 0</c> of Circle).</content>
public abstract partial class Loss
{
    /// <summary>
    /// True for a loss whose output carries Keras's mask <c>loss &gt; 0</c> (Circle): the per-sample losses are computed
    /// first, and the reduction then treats the non-positive ones as masked (Keras 3: the mean over the positive losses).
    /// </summary>
    private protected virtual bool MasksNonPositiveLosses => false;

    /// <summary>
    /// Writes <c>loss &gt; 0</c> per sample into <paramref name="positive"/> without computing the losses, when the inputs
    /// prove it (Circle: every row with a positive and a negative pair has a loss bounded away from 0); false when only
    /// the losses can tell.
    /// </summary>
    private protected virtual bool TryPositiveLossMask<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> y, in Layout layout, Span<bool> positive)
        where T : unmanaged, IFloatingPointIeee754<T> => false;

    /// <summary>
    /// Runs the loss once for its per-sample values and returns the mask <c>loss &gt; 0</c>, combined with
    /// <paramref name="mask"/> (the caller's, or empty), in <paramref name="buffer"/> or a rented array.
    /// </summary>
    private bool[] ValueMask<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> y, ReadOnlySpan<long> labels, in Layout layout, int samples, ReadOnlySpan<bool> mask, in Shape maskShape, bool[]? buffer)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!mask.IsEmpty && maskShape != layout.LossShape)
        {
            Throw.Argument("mask", $"Expected `mask` of shape {layout.LossShape} (the per-sample losses). Received: shape {maskShape}.");
        }

        buffer ??= ArrayPool<bool>.Shared.Rent(Math.Max(1, samples));
        if (!mask.Overlaps(buffer) && TryPositiveLossMask(p, y, layout, buffer.AsSpan(0, samples)))
        {
            for (int i = 0; i < mask.Length; i++)
            {
                buffer[i] &= mask[i];
            }

            return buffer;
        }

        T[] losses = ArrayPool<T>.Shared.Rent(Math.Max(1, samples));
        try
        {
            var probe = new Batch<T>
            {
                Y = y,
                Labels = labels,
                P = p,
                Outer = layout.Outer,
                D = layout.D,
                Inner = layout.Inner,
                Last = layout.Last,
                UniformWeight = true,
                Weight = T.One,
                GradScale = T.Zero,
                PerSample = losses.AsSpan(0, samples),
                Vectorize = !KernelSwitch.ForceScalar,
                MaxDegreeOfParallelism = MaxDegreeOfParallelism,
            };
            Execute(ref probe);
            for (int i = 0; i < samples; i++)
            {
                buffer[i] = losses[i] > T.Zero && (mask.IsEmpty || mask[i]);
            }

            return buffer;
        }
        finally
        {
            ArrayPool<T>.Shared.Return(losses);
        }
    }
}
