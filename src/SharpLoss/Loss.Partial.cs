using System.Numerics;
using SharpLoss.Internals;
using SharpLoss.Kernels;

namespace SharpLoss;

/// <content>Partial reductions: the exact reduction state of a block of rows, for streaming and sharded evaluation.</content>
public abstract partial class Loss
{
    /// <summary>
    /// The reduction state of rows [<paramref name="firstRow"/>, <paramref name="firstRow"/> + rows) of a batch of
    /// <paramref name="totalRows"/> rows (the leading axis of <paramref name="yPred"/>): the partial sums of the kernels'
    /// summation chunks keyed by their global index, and the ingredients of the divisor. States of disjoint blocks merge
    /// (<see cref="PartialReduction.Merge"/>) in any order and grouping, and the merged state of every block finishes to
    /// the bits <see cref="Compute(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/> gives for the
    /// whole batch.
    /// </summary>
    /// <remarks>Internal: the state mirrors the kernels' chunk geometry, an implementation detail that a public API would
    /// freeze. <paramref name="firstRow"/> must be a multiple of the state's <see cref="PartialReduction.Alignment"/>
    /// (learn it from a block at row 0). A loss with a mask (ignore_class) under a mean over elements scales the mask by the
    /// whole batch's count of per-sample losses and of the unmasked ones: give them as <c>mask</c>.</remarks>
    internal PartialReduction Partial<T>(LossInput<T> yTrue, LossInput<T> yPred, LossInput<T> sampleWeight, long firstRow, long totalRows, BatchMask? mask = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = Args(yTrue, yPred, sampleWeight, default, CallMode.Value);
        return Partial(ref a, firstRow, totalRows, mask);
    }

    /// <inheritdoc cref="Partial{T}(LossInput{T}, LossInput{T}, LossInput{T}, long, long, BatchMask)"/>
    internal PartialReduction Partial<T>(LossInput<int> yTrue, LossInput<T> yPred, LossInput<T> sampleWeight, long firstRow, long totalRows, BatchMask? mask = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = ClassIdLoss.Sparse(yTrue, default, LabelKind.Int32, yPred, sampleWeight, default, CallMode.Value);
        return Partial(ref a, firstRow, totalRows, mask);
    }

    /// <inheritdoc cref="Partial{T}(LossInput{T}, LossInput{T}, LossInput{T}, long, long, BatchMask)"/>
    internal PartialReduction Partial<T>(LossInput<long> yTrue, LossInput<T> yPred, LossInput<T> sampleWeight, long firstRow, long totalRows, BatchMask? mask = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = ClassIdLoss.Sparse(default, yTrue, LabelKind.Int64, yPred, sampleWeight, default, CallMode.Value);
        return Partial(ref a, firstRow, totalRows, mask);
    }

    private PartialReduction Partial<T>(scoped ref CallArgs<T> a, long firstRow, long totalRows, BatchMask? mask)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.YPred.IsAbsent || a.YPred.IsScalar || a.YPred.Shape.Rank == 0)
        {
            Throw.Argument("yPred", "Expected `yPred` with a leading (row) axis for a partial reduction. Received: a scalar or nothing.");
        }

        long rows = a.YPred.Shape[0];
        if (firstRow < 0 || totalRows < 0 || firstRow + rows > totalRows)
        {
            throw new ArgumentOutOfRangeException(nameof(firstRow), firstRow, $"Expected rows [{firstRow}, {firstRow + rows}) within a batch of {totalRows} rows.");
        }

        string fingerprint = Fingerprint(a, mask);
        if (rows == 0)
        {
            return PartialReduction.Empty(fingerprint, typeof(T) == typeof(double), totalRows, firstRow);
        }

        T value;
        ChunkRecorder r;
        using (ChunkRecorder.Install(out r))
        using (WholeBatch.Install(mask, null, out _))
        {
            value = Run(ref a, out _);
        }

        string? refusal = r.Unsupported
            ?? (!r.Planned || r.Passes != 1 || r.ElementsPerChunk <= 0 ? "a value that is not one chunked sum of per-sample losses" : null)
            ?? (r.LeadingLosses != rows || r.Losses % rows != 0 || a.YPred.Data.Length % rows != 0
                ? "per-sample losses that do not follow the leading axis (a loss over axis 0, or rank-1 inputs that make one sample)" : null);
        if (refusal is not null)
        {
            throw new NotSupportedException($"Loss '{Name}' cannot be reduced in parts for these inputs: {refusal}. Evaluate the whole batch at once.");
        }

        long weightPerRow = 0;
        if (r.Divisor == DivisorKind.WeightSum)
        {
            long weights = a.SampleWeight.IsAbsent || a.SampleWeight.IsScalar ? r.Losses : a.SampleWeight.Data.Length;
            weightPerRow = Math.Max(1, weights / rows);
        }

        var state = PartialReduction.FromRecorder(fingerprint, typeof(T) == typeof(double), totalRows, firstRow, rows, r, weightPerRow);

        // The state's own value must be the call's, bit for bit: the check that this loss's value is the recorder's model.
        T own = state.FinishBlock<T>();
        if (!own.Equals(value) && !(T.IsNaN(own) && T.IsNaN(value)))
        {
            throw new NotSupportedException($"Loss '{Name}' cannot be reduced in parts: its value is not the ordered sum of its chunks. Evaluate the whole batch at once.");
        }

        return state;
    }

    /// <summary>
    /// The gradient with respect to <paramref name="yPred"/> of rows [r, r + rows) of a batch whose complete reduction state
    /// is <paramref name="whole"/> (the merged <see cref="Partial{T}(LossInput{T}, LossInput{T}, LossInput{T}, long, long, BatchMask)"/>
    /// states of all its blocks): the block is reduced with the whole batch's divisor, so that each element is bit for bit
    /// the one <see cref="ValueAndGradientInto(LossInput{float}, LossInput{float}, Span{float}, LossInput{float}, LossInput{bool})"/>
    /// gives for the whole batch. Returns the block's weighted sum divided by that divisor (its share of the value).
    /// </summary>
    /// <remarks>Internal, as <see cref="Partial{T}(LossInput{T}, LossInput{T}, LossInput{T}, long, long, BatchMask)"/>. Each gradient
    /// element depends on its own sample, its weight and the divisor only, for the losses whose value reduces in parts.</remarks>
    internal T BlockGradientInto<T>(LossInput<T> yTrue, LossInput<T> yPred, Span<T> gradient, LossInput<T> sampleWeight, PartialReduction whole, BatchMask? mask = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = Args(yTrue, yPred, sampleWeight, default, CallMode.ValueAndGradient);
        a.Gradient = gradient;
        return BlockGradient(ref a, whole, mask);
    }

    /// <inheritdoc cref="BlockGradientInto{T}(LossInput{T}, LossInput{T}, Span{T}, LossInput{T}, PartialReduction, BatchMask)"/>
    internal T BlockGradientInto<T>(LossInput<int> yTrue, LossInput<T> yPred, Span<T> gradient, LossInput<T> sampleWeight, PartialReduction whole, BatchMask? mask = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = ClassIdLoss.Sparse(yTrue, default, LabelKind.Int32, yPred, sampleWeight, default, CallMode.ValueAndGradient);
        a.Gradient = gradient;
        return BlockGradient(ref a, whole, mask);
    }

    /// <inheritdoc cref="BlockGradientInto{T}(LossInput{T}, LossInput{T}, Span{T}, LossInput{T}, PartialReduction, BatchMask)"/>
    internal T BlockGradientInto<T>(LossInput<long> yTrue, LossInput<T> yPred, Span<T> gradient, LossInput<T> sampleWeight, PartialReduction whole, BatchMask? mask = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = ClassIdLoss.Sparse(default, yTrue, LabelKind.Int64, yPred, sampleWeight, default, CallMode.ValueAndGradient);
        a.Gradient = gradient;
        return BlockGradient(ref a, whole, mask);
    }

    private T BlockGradient<T>(scoped ref CallArgs<T> a, PartialReduction whole, BatchMask? mask)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(whole);
        if (!whole.IsComplete || whole.IsDouble != (typeof(T) == typeof(double)))
        {
            throw new ArgumentException($"Expected the complete {typeof(T).Name} reduction state of the batch. Received a state of rows {string.Join(", ", whole.Ranges.Select(r => $"[{r.First}, {r.End})"))} of {whole.TotalRows}, {(whole.IsDouble ? "float64" : "float32")}.", nameof(whole));
        }

        if (Fingerprint(a, mask) != whole.Fingerprint)
        {
            throw new ArgumentException($"The block does not belong to the batch of the state: '{Fingerprint(a, mask)}' and '{whole.Fingerprint}'.", nameof(whole));
        }

        double divisor = whole.Divisor<T>();
        T value;
        WholeBatch d;
        using (WholeBatch.Install(mask, divisor, out d))
        {
            value = Run(ref a, out _);
        }

        if (d.DivisorUses != 1)
        {
            throw new NotSupportedException($"Loss '{Name}' cannot compute its gradient in blocks: its reduction does not go through one weight plan. Evaluate the whole batch at once.");
        }

        return value;
    }

    /// <summary>What must agree between the blocks of one batch: the loss's config (and so its semantics), the element type
    /// and every shape but the leading axis.</summary>
    private string Fingerprint<T>(scoped in CallArgs<T> a, BatchMask? mask)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        static string Tail(Shape s, bool absent, bool scalar) =>
            absent ? "none" : scalar ? "scalar" : s.Rank == 0 ? "()" : "(*" + string.Concat(Enumerable.Range(1, s.Rank - 1).Select(i => "," + s[i].ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")";
        string labels = a.LabelKind switch
        {
            LabelKind.Int32 => "int32" + Tail(a.YTrue32.Shape, a.YTrue32.IsAbsent, a.YTrue32.IsScalar),
            LabelKind.Int64 => "int64" + Tail(a.YTrue64.Shape, a.YTrue64.IsAbsent, a.YTrue64.IsScalar),
            _ => Tail(a.YTrue.Shape, a.YTrue.IsAbsent, a.YTrue.IsScalar),
        };
        string weight = a.SampleWeight.IsScalar ? "scalar " + double.CreateTruncating(a.SampleWeight.Scalar).ToString("R", System.Globalization.CultureInfo.InvariantCulture)
            : Tail(a.SampleWeight.Shape, a.SampleWeight.IsAbsent, false);
        string masked = mask is null ? string.Empty : $" mask {mask.Valid}/{mask.Total}";
        return $"{ToJson()} {typeof(T).Name} y_true {labels} y_pred {Tail(a.YPred.Shape, false, false)} sample_weight {weight}{masked}";
    }
}
