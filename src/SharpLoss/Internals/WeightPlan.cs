using System.Buffers;
using System.Numerics;
using SharpLoss.Kernels;

namespace SharpLoss.Internals;

/// <summary>Which framework's weight and mask rules apply.</summary>
internal enum WeightRule
{
    Keras3,
    TfKeras2,
    CompatV1,
}

/// <summary>The reduction arithmetic, after the public enums are resolved.</summary>
internal enum ReduceKind
{
    None,
    Sum,
    MeanOverElements,
    MeanWithSampleWeight,
    V1Mean,
    V1NonZero,
}

/// <summary>
/// The reduction pipeline of Keras 3 (SPEC A.1), tf.keras 2 (A.8) and tf.compat.v1 (A.9) in one place. It
/// merges a mask into the sample weights, aligns the weights with the per-sample losses, and reduces every
/// weighting to per-sample coefficients W_s, so that the reduced value is (Σ_s W_s · L_s) / Divisor and its
/// gradient with respect to L_s is W_s / Divisor. The kernels then need only W_s.
/// </summary>
internal ref struct WeightPlan<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The per-sample loss shape after alignment with the weights (same element count as before).</summary>
    public Shape LossShape;

    /// <summary>The shape of the weighted values l·w (what <see cref="Reduction.None"/> returns).</summary>
    public Shape ValuesShape;

    /// <summary>True when the result is the values tensor itself (reduction none, or Keras 3 values of shape () or (0,)).</summary>
    public bool Unreduced;

    public bool UniformWeight;
    public T Weight;
    public ReadOnlySpan<T> Weights;

    /// <summary>The divisor of Σ W_s · L_s; 0 means "no NaN": value and gradient are 0.</summary>
    public double Divisor;

    /// <summary>
    /// True when the weights broadcast the losses to more values than there are samples: Σ_s W_s · L_s, with W_s the sum
    /// of the weights that read sample s, then equals Σ_v l·w only for finite losses (an infinite loss read by a zero
    /// weight is NaN in the values); see <see cref="ValuesSum"/>.
    /// </summary>
    public bool Broadcasts;

    /// <summary>tf.keras 2: every entry masked under a mean reduction gives NaN (total/valid with valid = 0).</summary>
    public bool AllMaskedNaN;

    /// <summary>Dense merged weights over <see cref="WeightShape"/> (for building the unreduced values), if any.</summary>
    public ReadOnlySpan<T> MergedWeights;
    public Shape WeightShape;
    public bool HasMergedWeights;
    public bool MergedIsScalar;
    public T MergedScalar;

    private T[]? _rentedW;
    private T[]? _rentedMerged;

    /// <summary>Scale applied to Σ W_s·L_s and to the gradient coefficients.</summary>
    public readonly double Scale => Divisor == 0 ? 0 : 1 / Divisor;

    public void Dispose()
    {
        if (_rentedW is not null)
        {
            ArrayPool<T>.Shared.Return(_rentedW);
            _rentedW = null;
        }

        if (_rentedMerged is not null)
        {
            ArrayPool<T>.Shared.Return(_rentedMerged);
            _rentedMerged = null;
        }
    }

    /// <summary>Builds the plan.</summary>
    /// <param name="lossShape">Shape of the per-sample losses.</param>
    /// <param name="weight">The sample weight (absent, scalar or tensor).</param>
    /// <param name="mask">A boolean mask (empty when <paramref name="hasMask"/> is false).</param>
    /// <param name="maskShape">The mask's shape.</param>
    /// <param name="hasMask">Whether a mask applies.</param>
    /// <param name="rule">The framework rules.</param>
    /// <param name="kind">The reduction.</param>
    /// <param name="weightArg">The weight argument's name, for messages.</param>
    public static WeightPlan<T> Build(
        Shape lossShape,
        scoped in LossInput<T> weight,
        ReadOnlySpan<bool> mask,
        Shape maskShape,
        bool hasMask,
        WeightRule rule,
        ReduceKind kind,
        string weightArg = "sampleWeight")
    {
        var plan = new WeightPlan<T> { LossShape = lossShape };

        // 1. Merge the mask into the sample weight (Keras apply_mask / tf.keras apply_valid_mask).
        bool hasWeight = !weight.IsAbsent;
        Shape sShape = default;
        ReadOnlySpan<T> sData = default;
        bool sScalar = false;
        T sScalarValue = T.One;
        if (hasWeight)
        {
            if (weight.IsScalar)
            {
                sScalar = true;
                sScalarValue = weight.Scalar;
            }
            else
            {
                sShape = weight.Shape;
                sData = weight.Data;
                if (sShape.Count == 1 && sShape.Rank == 0)
                {
                    sScalar = true;
                    sScalarValue = sData[0];
                }
            }
        }

        // Whether the mask's weights are the block's own: not so for a mean over elements, which scales the mask by the
        // whole batch's count, unless the batch's count is given.
        bool maskIsLocal = !hasMask;
        if (hasMask)
        {
            T factor = T.One;
            bool scales = (rule == WeightRule.Keras3 && kind == ReduceKind.MeanOverElements)
                || (rule == WeightRule.TfKeras2 && kind == ReduceKind.MeanOverElements);
            maskIsLocal = !scales;
            if (scales)
            {
                long total = maskShape.Count, valid = 0;
                if (WholeBatch.Current?.Mask is { } batch)
                {
                    // A block of a larger batch scales its mask by the batch's numbers (Loss.Partial, Loss.BlockGradientInto).
                    (total, valid) = (batch.Total, batch.Valid);
                    maskIsLocal = true;
                }
                else
                {
                    foreach (bool m in mask)
                    {
                        valid += m ? 1 : 0;
                    }
                }

                plan.AllMaskedNaN = valid == 0 && total > 0 && rule == WeightRule.TfKeras2;
                factor = valid == 0
                    ? (rule == WeightRule.Keras3 ? T.Zero : T.PositiveInfinity)
                    : T.CreateTruncating((double)total) / T.CreateTruncating((double)valid);
            }

            Shape mShape = maskShape;
            Shape wShape = sScalar || !hasWeight ? Shape.Scalar : sShape;
            if (hasWeight && (!sScalar || rule == WeightRule.Keras3))
            {
                // Keras 3 aligns a scalar weight too: a mask of shape (1,) is squeezed to ().
                Align(ref mShape, ref wShape, rule, "mask", weightArg);
            }

            if (!Shape.TryBroadcast(mShape, wShape, out Shape merged))
            {
                throw new ArgumentException(
                    $"`{weightArg}` of shape {wShape} cannot be broadcast against the mask of shape {mShape}.", weightArg);
            }

            if (!merged.FitsInArray)
            {
                throw new ArgumentException(
                    $"Expected `{weightArg}` and `mask` to broadcast to at most {Array.MaxLength} values. Received: {weightArg} of shape {wShape} " +
                    $"and mask of shape {mShape}, which broadcast to shape {merged}.", hasWeight ? weightArg : "mask");
            }

            if (hasWeight && !sScalar && merged != wShape)
            {
                // Weights broadcast over the mask: the weight sum runs over more values than the caller's weights.
                maskIsLocal = false;
            }

            int count = checked((int)merged.Count);
            plan._rentedMerged = ArrayPool<T>.Shared.Rent(Math.Max(1, count));
            Span<T> dst = plan._rentedMerged.AsSpan(0, count);
            // Index maps only where a broadcast happens (a mask and weights of the losses' shape need none, and allocate nothing).
            int[]? mMap = merged == mShape ? null : Broadcast.Map(merged, mShape);
            int[]? wMap = hasWeight && !sScalar && merged != wShape ? Broadcast.Map(merged, wShape) : null;
            bool wSame = hasWeight && !sScalar && merged == wShape;
            for (int v = 0; v < count; v++)
            {
                T fm = mask[mMap is null ? v : mMap[v]] ? factor : T.Zero * factor;
                T w = wSame ? sData[v] : wMap is null ? sScalarValue : sData[wMap[v]];
                dst[v] = fm * w;
            }

            sShape = merged;
            sData = dst;
            sScalar = false;
            if (!hasWeight)
            {
                weightArg = "mask";
            }

            hasWeight = true;
        }

        // 2. Align the weights with the losses and broadcast.
        Shape lShape = lossShape;
        Shape values;
        if (!hasWeight || sScalar)
        {
            if (hasWeight && rule == WeightRule.Keras3)
            {
                // squeeze_or_expand_to_same_rank(losses, weight) with a weight of shape (): losses of shape (1,) become ()
                // (and are then returned unreduced).
                Shape scalar = Shape.Scalar;
                ShapeRules.Keras3SqueezeOrExpand(ref lShape, ref scalar);
            }

            values = lShape;
            plan.UniformWeight = true;
            plan.Weight = hasWeight ? sScalarValue : T.One;
            plan.MergedIsScalar = true;
            plan.MergedScalar = plan.Weight;
            plan.WeightShape = Shape.Scalar;
        }
        else
        {
            if (rule == WeightRule.CompatV1)
            {
                CheckV1Broadcastable(lShape, sShape, weightArg);
            }
            else
            {
                Align(ref lShape, ref sShape, rule, "losses", weightArg);
            }

            if (!Shape.TryBroadcast(lShape, sShape, out values))
            {
                throw new ArgumentException(
                    $"`{weightArg}` of shape {sShape} cannot be broadcast to the per-sample losses of shape {lShape} " +
                    "(NumPy broadcasting after the framework's rank alignment).", weightArg);
            }

            if (!values.FitsInArray)
            {
                throw new ArgumentException(
                    $"Expected `{weightArg}` to broadcast with the per-sample losses to at most {Array.MaxLength} values. Received: {weightArg} of shape " +
                    $"{sShape} and per-sample losses of shape {lShape}, which broadcast to shape {values}.", weightArg);
            }

            plan.HasMergedWeights = true;
            plan.MergedWeights = sData;
            plan.WeightShape = sShape;
            int lossCount = checked((int)lShape.Count);
            if (values == lShape && sShape == lShape)
            {
                plan.Weights = sData;
            }
            else
            {
                plan._rentedW = ArrayPool<T>.Shared.Rent(Math.Max(1, lossCount));
                Span<T> w = plan._rentedW.AsSpan(0, lossCount);

                // −0 + x = x for every x, −0 included: a sample read by one value gets that weight's exact bits.
                w.Fill(T.NegativeZero);
                plan.Broadcasts = values.Count > lShape.Count;
                int[] lMap = Broadcast.Map(values, lShape);
                int[] sMap = Broadcast.Map(values, sShape);
                for (int v = 0; v < lMap.Length; v++)
                {
                    w[lMap[v]] += sData[sMap[v]];
                }

                plan.Weights = w;
            }
        }

        plan.LossShape = lShape;
        plan.ValuesShape = values;

        // 3. The divisor.
        plan.Unreduced = kind == ReduceKind.None
            || (rule == WeightRule.Keras3 && (values.Rank == 0 || (values.Rank == 1 && values[0] == 0)));
        plan.Divisor = kind switch
        {
            ReduceKind.Sum => 1,
            ReduceKind.MeanOverElements => values.Count,
            ReduceKind.MeanWithSampleWeight => !hasWeight ? values.Count : sScalar ? double.CreateTruncating(sScalarValue) : SumOf(plan.MergedWeights),
            ReduceKind.V1Mean => plan.UniformWeight ? double.CreateTruncating(plan.Weight) * values.Count : SumOf(plan.Weights),
            ReduceKind.V1NonZero => plan.UniformWeight ? (plan.Weight == T.Zero ? 0 : values.Count) : NonZero(plan.Weights),
            _ => 1,
        };
        if (plan.Unreduced)
        {
            plan.Divisor = 1;
        }
        else if (WholeBatch.Current is { Divisor: not null } block)
        {
            // A block of a larger batch divides by the batch's divisor (Loss.BlockGradientInto).
            plan.Divisor = block.TakeDivisor();
        }

        if (!plan.Unreduced && plan.Divisor != 0 && !T.IsNormal(T.CreateTruncating(1 / plan.Divisor)))
        {
            ChunkRecorder.Current?.Refuse("a divisor whose reciprocal is not a normal number");
            plan.Prescale();
        }

        ChunkRecorder.Current?.Plan(
            kind switch
            {
                ReduceKind.Sum => DivisorKind.One,
                ReduceKind.MeanOverElements => DivisorKind.Count,
                ReduceKind.MeanWithSampleWeight => !hasWeight ? DivisorKind.Count : sScalar ? DivisorKind.Scalar : DivisorKind.WeightSum,
                ReduceKind.V1Mean => plan.UniformWeight ? DivisorKind.ScaledCount : DivisorKind.WeightSum,
                ReduceKind.V1NonZero => plan.UniformWeight ? (plan.Weight == T.Zero ? DivisorKind.Scalar : DivisorKind.Count) : DivisorKind.NonZero,
                _ => DivisorKind.One,
            },
            kind switch
            {
                ReduceKind.MeanWithSampleWeight when hasWeight && sScalar => double.CreateTruncating(sScalarValue),
                ReduceKind.V1Mean when plan.UniformWeight => double.CreateTruncating(plan.Weight),
                ReduceKind.V1NonZero when plan.UniformWeight && plan.Weight == T.Zero => 0,
                ReduceKind.V1NonZero when !plan.UniformWeight => plan.Divisor,
                _ => 0,
            },
            values.Count,
            values.Rank > 0 ? values[0] : -1,
            !maskIsLocal ? "a mask (ignore_class or a caller's mask) under a mean over elements, whose weights depend on the whole batch's count of unmasked samples"
            : plan.Broadcasts ? "a sample weight that broadcasts the per-sample losses to more values"
            : plan.Unreduced ? "a result that is not reduced to one number"
            : null);
        return plan;
    }

    /// <summary>
    /// Divides the weights by the divisor and makes the divisor 1, for divisors whose reciprocal is not a normal number in
    /// T (a subnormal weight sum, or a sum beyond 1/T.MinNormal): W_s / Divisor is then exact to rounding where
    /// W_s · (1 / Divisor) would overflow or lose its digits.
    /// </summary>
    private void Prescale()
    {
        if (UniformWeight)
        {
            Weight = T.CreateTruncating(double.CreateTruncating(Weight) / Divisor);
        }
        else
        {
            T[] scaled = ArrayPool<T>.Shared.Rent(Math.Max(1, Weights.Length));
            for (int s = 0; s < Weights.Length; s++)
            {
                scaled[s] = T.CreateTruncating(double.CreateTruncating(Weights[s]) / Divisor);
            }

            if (_rentedW is not null)
            {
                ArrayPool<T>.Shared.Return(_rentedW);
            }

            _rentedW = scaled;
            Weights = scaled.AsSpan(0, Weights.Length);
        }

        Divisor = 1;
    }

    /// <summary>True for Keras 3 values of shape () (returned unreduced, as a number).</summary>
    public readonly bool IsScalarValue => Unreduced && ValuesShape.Rank == 0;

    private static void Align(ref Shape losses, ref Shape weight, WeightRule rule, string lossArg, string weightArg)
    {
        _ = lossArg;
        if (rule == WeightRule.Keras3)
        {
            ShapeRules.Keras3SqueezeOrExpand(ref losses, ref weight);
        }
        else
        {
            ShapeRules.TfKeras2AlignWeight(losses, ref weight, weightArg);
        }
    }

    private static void CheckV1Broadcastable(in Shape losses, in Shape weight, string weightArg)
    {
        bool ok = weight.Rank == 0 || weight.Rank == losses.Rank;
        for (int i = 0; ok && i < weight.Rank; i++)
        {
            ok = weight[i] == 1 || weight[i] == losses[i];
        }

        if (!ok)
        {
            throw new ArgumentException(
                $"weights can not be broadcast to values. values.rank={losses.Rank}. weights.rank={weight.Rank}. " +
                $"values.shape={losses}. weights.shape={weight}. tf.compat.v1 expects `{weightArg}` to be a scalar or to have " +
                "the losses' rank with every dimension 1 or equal.", weightArg);
        }
    }

    /// <summary>Σ of the weights in double, in chunks of <see cref="PointwiseDriver.Chunk"/> weights added in chunk order
    /// (as the kernels add their chunks), so that a partial reduction (<see cref="ChunkRecorder"/>) merges to the same bits.</summary>
    private static double SumOf(ReadOnlySpan<T> values)
    {
        ChunkRecorder? recorder = ChunkRecorder.Current;
        double total = 0;
        for (int start = 0; start < values.Length; start += PointwiseDriver.Chunk)
        {
            double s = 0;
            foreach (T v in values.Slice(start, Math.Min(PointwiseDriver.Chunk, values.Length - start)))
            {
                s += double.CreateTruncating(v);
            }

            recorder?.WeightChunks.Add(s);
            total += s;
        }

        return total;
    }

    private static double NonZero(ReadOnlySpan<T> values)
    {
        long n = 0;
        foreach (T v in values)
        {
            n += v != T.Zero ? 1 : 0;
        }

        return n;
    }

    /// <summary>
    /// Writes the weighted values l·w over <see cref="ValuesShape"/> from the per-sample losses.
    /// </summary>
    public readonly void WriteValues(ReadOnlySpan<T> losses, Span<T> values)
    {
        if (!HasMergedWeights)
        {
            T w = MergedScalar;
            for (int i = 0; i < losses.Length; i++)
            {
                values[i] = losses[i] * w;
            }

            return;
        }

        if (ValuesShape == LossShape && WeightShape == LossShape)
        {
            for (int i = 0; i < losses.Length; i++)
            {
                values[i] = losses[i] * MergedWeights[i];
            }

            return;
        }

        int[] lMap = Broadcast.Map(ValuesShape, LossShape);
        int[] sMap = Broadcast.Map(ValuesShape, WeightShape);
        for (int v = 0; v < lMap.Length; v++)
        {
            values[v] = losses[lMap[v]] * MergedWeights[sMap[v]];
        }
    }

    /// <summary>Σ over the values of l·w in double, from the per-sample losses (the rare path of <see cref="Broadcasts"/>).</summary>
    public readonly double ValuesSum(ReadOnlySpan<T> losses)
    {
        int[] lMap = Broadcast.Map(ValuesShape, LossShape);
        int[] sMap = Broadcast.Map(ValuesShape, WeightShape);
        double sum = 0;
        for (int v = 0; v < lMap.Length; v++)
        {
            sum += double.CreateTruncating(losses[lMap[v]]) * double.CreateTruncating(MergedWeights[sMap[v]]);
        }

        return sum;
    }

    /// <summary>
    /// Per-sample coefficients of a vector-Jacobian product: c_s = Σ over the values that read sample s of
    /// upstream · w.
    /// </summary>
    public readonly void UpstreamCoefficients(ReadOnlySpan<T> upstream, Span<T> coef)
    {
        coef.Fill(T.NegativeZero);
        if (!HasMergedWeights)
        {
            if (ValuesShape == LossShape)
            {
                for (int i = 0; i < coef.Length; i++)
                {
                    coef[i] = upstream[i] * MergedScalar;
                }

                return;
            }

            int[] map = Broadcast.Map(ValuesShape, LossShape);
            for (int v = 0; v < map.Length; v++)
            {
                coef[map[v]] += upstream[v] * MergedScalar;
            }

            return;
        }

        int[] lMap = Broadcast.Map(ValuesShape, LossShape);
        int[] sMap = Broadcast.Map(ValuesShape, WeightShape);
        for (int v = 0; v < lMap.Length; v++)
        {
            coef[lMap[v]] += upstream[v] * MergedWeights[sMap[v]];
        }
    }
}
