namespace SharpLoss.Kernels;

/// <summary>
/// Listens to one loss call on the calling thread and keeps what an exact partial reduction needs: each summation chunk's
/// partial sum in chunk order, the chunk geometry, the flat mode's final scaling, the weight-sum chunks of the divisor and
/// the weight plan's facts. <see cref="Chunked.Sum{TJob}"/>, the drivers, the weight plan and the pipeline report to it
/// only while it is installed (<see cref="Current"/>), which only <see cref="Loss"/>'s partial entry point does.
/// </summary>
internal sealed class ChunkRecorder
{
    [ThreadStatic]
    private static ChunkRecorder? t_current;

    /// <summary>The recorder installed on this thread, or null (the normal case: nothing is recorded).</summary>
    public static ChunkRecorder? Current => t_current;

    /// <summary>The partial sum of every chunk of the loss pass, in chunk order.</summary>
    public List<double> Chunks { get; } = [];

    /// <summary>How many chunked passes ran (an exact partial needs exactly one).</summary>
    public int Passes { get; private set; }

    /// <summary>Elements of y_pred per summation chunk (0 before a pass reports its geometry).</summary>
    public long ElementsPerChunk { get; private set; }

    /// <summary>Elements of y_pred per per-sample loss, in the pass's geometry.</summary>
    public long ElementsPerLoss { get; private set; }

    /// <summary>True when the pass was the flat mode, whose total is weight · (Σ chunks) / D (or its sum).</summary>
    public bool Flat { get; private set; }

    /// <summary>The flat mode's uniform weight.</summary>
    public double FlatWeight { get; private set; }

    /// <summary>The flat mode's D (elements per per-sample loss).</summary>
    public int FlatD { get; private set; }

    /// <summary>Whether the flat mode's kernel sums over its axis instead of averaging.</summary>
    public bool FlatSums { get; private set; }

    /// <summary>The partial sums of the weight sum (the divisor of the weighted means), one per chunk of weights.</summary>
    public List<double> WeightChunks { get; } = [];

    /// <summary>True once the pipeline has reported its weight plan.</summary>
    public bool Planned { get; private set; }

    /// <summary>What makes a call's value not a sum of chunk partials (null when it is one).</summary>
    public string? Unsupported { get; private set; }

    /// <summary>The reduction's divisor kind.</summary>
    public DivisorKind Divisor { get; private set; }

    /// <summary>The divisor's value when it is a count or a scalar weight.</summary>
    public double DivisorValue { get; private set; }

    /// <summary>The per-sample losses of the call.</summary>
    public long Losses { get; private set; }

    /// <summary>The leading dimension of the weighted values (−1 for a scalar).</summary>
    public long LeadingLosses { get; private set; }

    /// <summary>Installs a new recorder on this thread; dispose the scope to remove it.</summary>
    public static Scope Install(out ChunkRecorder recorder)
    {
        recorder = new ChunkRecorder();
        ChunkRecorder? previous = t_current;
        t_current = recorder;
        return new Scope(previous);
    }

    /// <summary>Records a pass's chunk partials.</summary>
    public void Pass(ReadOnlySpan<double> partials)
    {
        Passes++;
        Chunks.AddRange(partials);
    }

    /// <summary>Records the geometry of a pass.</summary>
    public void Geometry(long elementsPerChunk, long elementsPerLoss)
    {
        ElementsPerChunk = elementsPerChunk;
        ElementsPerLoss = elementsPerLoss;
    }

    /// <summary>Records the flat mode's final scaling.</summary>
    public void FlatScaling(double weight, int d, bool sums)
    {
        Flat = true;
        FlatWeight = weight;
        FlatD = d;
        FlatSums = sums;
    }

    /// <summary>Records the weight plan.</summary>
    public void Plan(DivisorKind divisor, double divisorValue, long losses, long leadingLosses, string? unsupported)
    {
        Planned = true;
        Divisor = divisor;
        DivisorValue = divisorValue;
        Losses = losses;
        LeadingLosses = leadingLosses;
        Unsupported ??= unsupported;
    }

    /// <summary>Marks the call as not reducible from chunk partials.</summary>
    public void Refuse(string reason) => Unsupported ??= reason;

    /// <summary>Restores the previous recorder.</summary>
    public readonly struct Scope(ChunkRecorder? previous) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => t_current = previous;
    }
}

/// <summary>What a reduction divides Σ W_s · L_s by.</summary>
internal enum DivisorKind
{
    /// <summary>1 (a sum).</summary>
    One,

    /// <summary>The number of weighted values.</summary>
    Count,

    /// <summary>A scalar weight (a weighted mean with one weight).</summary>
    Scalar,

    /// <summary>The sum of the weights, in chunks of <see cref="PointwiseDriver.Chunk"/> weights added in order.</summary>
    WeightSum,

    /// <summary>The number of non-zero weights (tf.compat.v1's SUM_BY_NONZERO_WEIGHTS).</summary>
    NonZero,

    /// <summary>A uniform weight times the number of values (tf.compat.v1's MEAN with a scalar weight).</summary>
    ScaledCount,
}
