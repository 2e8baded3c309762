namespace SharpLoss.Internals;

/// <summary>
/// The mask count of a whole batch (its per-sample losses and the unmasked ones among them), imposed on one call over a
/// block of its rows on the calling thread: Keras's mean over elements scales a mask by total / valid, numbers of the
/// whole batch, so the block's weights, and with them its partial sums and gradient, are bit for bit those of the whole
/// batch's call. Only <see cref="Loss"/>'s block entry points install it.
/// </summary>
/// <param name="Total">The batch's per-sample losses.</param>
/// <param name="Valid">The unmasked ones among them.</param>
internal sealed record BatchMask(long Total, long Valid)
{
    [ThreadStatic]
    private static BatchMask? t_current;

    /// <summary>The batch mask installed on this thread, or null (the normal case).</summary>
    public static BatchMask? Current => t_current;

    /// <summary>Installs <paramref name="mask"/> (null: none) on this thread; dispose the scope to restore the previous one.</summary>
    public static Scope Install(BatchMask? mask)
    {
        BatchMask? previous = t_current;
        t_current = mask;
        return new Scope(previous);
    }

    /// <summary>Restores the previous batch mask.</summary>
    public readonly struct Scope(BatchMask? previous) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => t_current = previous;
    }
}
