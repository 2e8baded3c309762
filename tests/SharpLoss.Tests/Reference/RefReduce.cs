// Independent test oracle: the weighting / masking / reduction pipelines (SPEC A.1, A.2, A.8, A.9), in double.
// Every function returns (values, shape, scalar): a reduced result is values = [s], shape = [], scalar = s;
// an unreduced result has scalar = null and values/shape of the (weighted) per-sample tensor.
// A scalar sample weight is weightShape = [] with weight = [w].

namespace SharpLoss.Tests.Reference;

public static class RefReduce
{
    /// <summary>TF <c>div_no_nan</c>: 0 when the denominator is 0 (whatever the numerator), else a / b.</summary>
    public static double DivideNoNan(double numerator, double denominator) => denominator == 0 ? 0.0 : numerator / denominator;

    public static double Sum(double[] values)
    {
        double s = 0;
        for (int i = 0; i < values.Length; i++)
        {
            s += values[i];
        }

        return s;
    }

    private static void CheckInputs(double[] losses, int[] lossShape, double[]? weight, int[]? weightShape, bool[]? mask)
    {
        RefShape.RequireLength(losses.Length, lossShape, nameof(losses));
        if ((weight is null) != (weightShape is null))
        {
            throw new ArgumentException("weight and weightShape must both be given or both be null.", nameof(weightShape));
        }

        if (weight is not null && weightShape is not null)
        {
            RefShape.RequireLength(weight.Length, weightShape, nameof(weight));
        }

        if (mask is not null && mask.Length != losses.Length)
        {
            throw new ArgumentException($"The mask has {mask.Length} entries; the losses have shape {RefShape.Format(lossShape)}.", nameof(mask));
        }
    }

    private static (double[] Values, int[] Shape, double? Scalar) Scalar(double s) => ([s], [], s);

    /// <summary>
    /// Keras 3 <c>reduce_weighted_values</c> (SPEC A.1 step 5). Mask merge: for "sum_over_batch_size"/"mean" the float
    /// mask is where(mask, div_no_nan(total, valid), 0), otherwise 0/1; with a weight,
    /// (mask, w) = squeeze_or_expand_to_same_rank(mask, w) and w = w·mask, else w = mask. Then
    /// (losses, w) = squeeze_or_expand_to_same_rank(losses, w), values = losses·w (NumPy broadcasting), and
    /// reduce_values: unchanged for "none" or a values shape of () or (0,); else Σ, or div_no_nan(Σ, #elements of
    /// values) for sum_over_batch_size/mean, or div_no_nan(Σ, Σw) for mean_with_sample_weight (Σ over the
    /// squeezed/expanded weight, not broadcast; #elements when there is no weight).
    /// </summary>
    public static (double[] Values, int[] Shape, double? Scalar) Keras3(
        double[] losses, int[] lossShape, double[]? weight, int[]? weightShape, bool[]? mask, string reduction)
    {
        if (reduction is not ("none" or "sum" or "sum_over_batch_size" or "mean" or "mean_with_sample_weight"))
        {
            throw new ArgumentException($"Invalid value for argument `reduction`. Received: reduction={reduction}", nameof(reduction));
        }

        CheckInputs(losses, lossShape, weight, weightShape, mask);
        double[]? w = weight is null ? null : (double[])weight.Clone();
        int[]? ws = weightShape is null ? null : (int[])weightShape.Clone();

        // 2. apply_mask
        if (mask is not null)
        {
            double onValue = 1.0;
            if (reduction is "sum_over_batch_size" or "mean")
            {
                double total = mask.Length;
                double valid = 0;
                for (int i = 0; i < mask.Length; i++)
                {
                    if (mask[i])
                    {
                        valid += 1;
                    }
                }

                onValue = DivideNoNan(total, valid);
            }

            var floatMask = new double[mask.Length];
            for (int i = 0; i < mask.Length; i++)
            {
                floatMask[i] = mask[i] ? onValue : 0.0;
            }

            int[] maskShape = (int[])lossShape.Clone();
            if (w is not null && ws is not null)
            {
                (maskShape, ws) = RefShape.SqueezeOrExpandToSameRank(maskShape, ws);
                (w, ws) = RefShape.Multiply(w, ws, floatMask, maskShape);
            }
            else
            {
                w = floatMask;
                ws = maskShape;
            }
        }

        // 3. weighting
        double[] values = (double[])losses.Clone();
        int[] valuesShape = (int[])lossShape.Clone();
        if (w is not null && ws is not null)
        {
            (valuesShape, ws) = RefShape.SqueezeOrExpandToSameRank(valuesShape, ws);
            (values, valuesShape) = RefShape.Multiply(values, valuesShape, w, ws);
        }

        // 4. reduce_values
        if (reduction == "none" || valuesShape.Length == 0 || (valuesShape.Length == 1 && valuesShape[0] == 0))
        {
            return (values, valuesShape, null);
        }

        double s = Sum(values);
        return reduction switch
        {
            "sum" => Scalar(s),
            "mean_with_sample_weight" when w is not null => Scalar(DivideNoNan(s, Sum(w))),
            _ => Scalar(DivideNoNan(s, RefShape.Size(valuesShape))),
        };
    }

    /// <summary>
    /// tf.keras 2 <c>Loss.__call__</c> after the per-sample losses (SPEC A.8 steps 4-5). "auto" means
    /// "sum_over_batch_size". apply_valid_mask: the 0/1 mask is multiplied by total/valid (plain division, so an
    /// all-masked batch gives 0·inf = NaN) for auto/sum_over_batch_size; apply_mask: the weight is squeezed/expanded
    /// against the mask (TFK rule) and multiplied by it, or the mask becomes the weight. compute_weighted_loss: no
    /// weight means 1.0; the weight is squeezed/expanded against the losses (TFK rule), multiplied with broadcasting;
    /// none returns it, sum returns Σ, sum_over_batch_size returns div_no_nan(Σ, #elements). No special case for
    /// shapes () or (0,).
    /// </summary>
    public static (double[] Values, int[] Shape, double? Scalar) TfKeras2(
        double[] losses, int[] lossShape, double[]? weight, int[]? weightShape, bool[]? mask, string reduction)
    {
        if (reduction is not ("none" or "sum" or "sum_over_batch_size" or "auto"))
        {
            throw new ArgumentException(
                $"Invalid Reduction Key: {reduction}. Expected keys are \"('auto', 'none', 'sum', 'sum_over_batch_size')\"", nameof(reduction));
        }

        CheckInputs(losses, lossShape, weight, weightShape, mask);
        string r = reduction == "auto" ? "sum_over_batch_size" : reduction;
        double[]? w = weight is null ? null : (double[])weight.Clone();
        int[]? ws = weightShape is null ? null : (int[])weightShape.Clone();

        if (mask is not null)
        {
            var m = new double[mask.Length];
            for (int i = 0; i < mask.Length; i++)
            {
                m[i] = mask[i] ? 1.0 : 0.0;
            }

            if (r == "sum_over_batch_size")
            {
                double total = mask.Length;
                double valid = Sum(m);
                double factor = total / valid; // plain division: inf (or NaN) when nothing is valid
                for (int i = 0; i < m.Length; i++)
                {
                    m[i] *= factor;
                }
            }

            int[] maskShape = (int[])lossShape.Clone();
            if (w is not null && ws is not null)
            {
                ws = RefShape.TfKeras2SqueezeOrExpandWeight(maskShape, ws);
                (w, ws) = RefShape.Multiply(w, ws, m, maskShape);
            }
            else
            {
                w = m;
                ws = maskShape;
            }
        }

        w ??= [1.0];
        ws ??= [];
        ws = RefShape.TfKeras2SqueezeOrExpandWeight(lossShape, ws);
        var (values, valuesShape) = RefShape.Multiply(losses, lossShape, w, ws);
        if (r == "none")
        {
            return (values, valuesShape, null);
        }

        double s = Sum(values);
        return r == "sum" ? Scalar(s) : Scalar(DivideNoNan(s, RefShape.Size(valuesShape)));
    }

    /// <summary>
    /// <c>tf.compat.v1.losses.compute_weighted_loss</c> (SPEC A.9), in double (TF computes in float32). The weight
    /// (null = 1.0) must be a scalar or have the losses' rank with every dimension 1 or equal (else ArgumentException).
    /// none: l·w (the losses' shape); weighted_sum: Σ(l·w); weighted_mean: Σ(l·w)/Σ(w broadcast to l);
    /// weighted_sum_over_batch_size: Σ(l·w)/#elements of l; weighted_sum_by_nonzero_weights: Σ(l·w)/#non-zero entries
    /// of w broadcast to l. All divisions are div_no_nan.
    /// </summary>
    public static (double[] Values, int[] Shape, double? Scalar) CompatV1(
        double[] losses, int[] lossShape, double[]? weight, int[]? weightShape, string reduction)
    {
        if (reduction is not ("none" or "weighted_sum" or "weighted_mean" or "weighted_sum_over_batch_size" or "weighted_sum_by_nonzero_weights"))
        {
            throw new ArgumentException($"Invalid Reduction Key {reduction}.", nameof(reduction));
        }

        CheckInputs(losses, lossShape, weight, weightShape, null);
        double[] w = weight is null ? [1.0] : (double[])weight.Clone();
        int[] ws = weightShape is null ? [] : (int[])weightShape.Clone();

        // assert_broadcastable: scalar, or same rank with each dimension 1 or equal.
        if (ws.Length != 0)
        {
            if (ws.Length != lossShape.Length)
            {
                throw new ArgumentException(
                    $"weights can not be broadcast to values. values.rank={lossShape.Length}. weights.rank={ws.Length}. " +
                    $"values.shape={RefShape.Format(lossShape)}. weights.shape={RefShape.Format(ws)}.",
                    nameof(weightShape));
            }

            for (int d = 0; d < ws.Length; d++)
            {
                if (ws[d] != 1 && ws[d] != lossShape[d])
                {
                    throw new ArgumentException(
                        $"weights can not be broadcast to values. values.shape={RefShape.Format(lossShape)}. weights.shape={RefShape.Format(ws)}.",
                        nameof(weightShape));
                }
            }
        }

        double[] wb = RefShape.BroadcastTo(w, ws, lossShape);
        var weighted = new double[losses.Length];
        for (int i = 0; i < losses.Length; i++)
        {
            weighted[i] = losses[i] * wb[i];
        }

        if (reduction == "none")
        {
            return (weighted, (int[])lossShape.Clone(), null);
        }

        double s = Sum(weighted);
        switch (reduction)
        {
            case "weighted_sum":
                return Scalar(s);
            case "weighted_mean":
                return Scalar(DivideNoNan(s, Sum(wb)));
            case "weighted_sum_over_batch_size":
                return Scalar(DivideNoNan(s, losses.Length));
            default:
                double present = 0;
                for (int i = 0; i < wb.Length; i++)
                {
                    if (wb[i] != 0.0)
                    {
                        present += 1;
                    }
                }

                return Scalar(DivideNoNan(s, present));
        }
    }
}
