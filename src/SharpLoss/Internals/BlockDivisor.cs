namespace SharpLoss.Internals;

/// <summary>
/// The reduction divisor of a whole batch, imposed on one call over a block of its rows on the calling thread: the weight
/// plan divides by it instead of the block's own divisor, so that the block's gradient coefficients W_s / Divisor, and
/// with them every gradient element, are bit for bit those of the whole batch's call. Only <see cref="Loss"/>'s
/// block-gradient entry point installs it; <see cref="Uses"/> tells it that the plan took the divisor.
/// </summary>
internal sealed class BlockDivisor
{
    [ThreadStatic]
    private static BlockDivisor? t_current;

    private BlockDivisor(double divisor) => Divisor = divisor;

    /// <summary>The divisor installed on this thread, or null (the normal case).</summary>
    public static BlockDivisor? Current => t_current;

    /// <summary>The whole batch's divisor.</summary>
    public double Divisor { get; }

    /// <summary>How many weight plans took the divisor.</summary>
    public int Uses { get; private set; }

    /// <summary>Installs a divisor on this thread; dispose the scope to remove it.</summary>
    public static Scope Install(double divisor, out BlockDivisor installed)
    {
        installed = new BlockDivisor(divisor);
        BlockDivisor? previous = t_current;
        t_current = installed;
        return new Scope(previous);
    }

    /// <summary>The divisor, counted as used.</summary>
    public double Take()
    {
        Uses++;
        return Divisor;
    }

    /// <summary>Restores the previous divisor.</summary>
    public readonly struct Scope(BlockDivisor? previous) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => t_current = previous;
    }
}
