namespace SharpLoss.Internals;

/// <summary>The mask count of a whole batch: its per-sample losses and the unmasked ones among them.</summary>
/// <param name="Total">The batch's per-sample losses.</param>
/// <param name="Valid">The unmasked ones among them.</param>
internal sealed record BatchMask(long Total, long Valid);

/// <summary>
/// The numbers of a whole batch imposed on one call over a block of its rows, on the calling thread, so that the block's
/// weights and gradient coefficients are bit for bit those of the whole batch's call: the mask count (Keras's mean over
/// elements scales a mask by total / valid) and, for a block's gradient, the reduction divisor. Only <see cref="Loss"/>'s
/// block entry points install it; <see cref="DivisorUses"/> tells them that the weight plan took the divisor.
/// </summary>
internal sealed class WholeBatch
{
    [ThreadStatic]
    private static WholeBatch? t_current;

    private WholeBatch(BatchMask? mask, double? divisor) => (Mask, Divisor) = (mask, divisor);

    /// <summary>The whole batch installed on this thread, or null (the normal case).</summary>
    public static WholeBatch? Current => t_current;

    /// <summary>The batch's mask count, or null (the block's own mask, if any, stands).</summary>
    public BatchMask? Mask { get; }

    /// <summary>The batch's reduction divisor, or null (the block's own).</summary>
    public double? Divisor { get; }

    /// <summary>How many weight plans took the divisor.</summary>
    public int DivisorUses { get; private set; }

    /// <summary>Installs the batch's numbers on this thread; dispose the scope to restore the previous ones.</summary>
    public static Scope Install(BatchMask? mask, double? divisor, out WholeBatch installed)
    {
        installed = new WholeBatch(mask, divisor);
        WholeBatch? previous = t_current;
        t_current = installed;
        return new Scope(previous);
    }

    /// <summary>The divisor, counted as used.</summary>
    public double TakeDivisor()
    {
        DivisorUses++;
        return Divisor!.Value;
    }

    /// <summary>Restores the previous batch.</summary>
    public readonly struct Scope(WholeBatch? previous) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => t_current = previous;
    }
}
