namespace SharpLoss.Internals;

/// <summary>
/// The rank-alignment rules of Keras, in one place.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Rule</term><description>Ranks r1, r2 and action (data layout never changes)</description></listheader>
/// <item><term>Keras 3 <c>squeeze_or_expand_to_same_rank(x1, x2)</c></term><description>r1 = r2 + 1 and x1's last
/// dimension is 1: expand x2 to (…, 1) when r2 = 1, else squeeze x1's last axis; symmetrically for r2 = r1 + 1;
/// otherwise nothing (NumPy broadcasting follows). Used for (y_true, y_pred), (mask, weight) and (losses, weight).</description></item>
/// <item><term>tf.keras 2 <c>remove_squeezable_dimensions(y_true, y_pred)</c></term><description>skipped when
/// rank(y_pred) − rank(y_true) = 1 and y_pred's last dimension is not 1 (sparse labels); otherwise a rank
/// difference of one is removed by squeezing the larger tensor's trailing 1.</description></item>
/// <item><term>tf.keras 2 weight rule</term><description>a scalar weight is kept; rank(w) − rank(l) = 1 squeezes w's
/// last axis (which must be 1); rank(l) − rank(w) = 1 expands w to (…, 1).</description></item>
/// </list>
/// </remarks>
internal static class ShapeRules
{
    /// <summary>Keras 3 <c>squeeze_or_expand_to_same_rank</c> (with <c>expand_rank_1=True</c>).</summary>
    public static void Keras3SqueezeOrExpand(ref Shape x1, ref Shape x2)
    {
        int r1 = x1.Rank, r2 = x2.Rank;
        if (r1 == r2 + 1 && x1.Last == 1)
        {
            if (r2 == 1)
            {
                x2 = x2.Append(1);
            }
            else
            {
                x1 = x1.DropLast();
            }
        }
        else if (r2 == r1 + 1 && x2.Last == 1)
        {
            if (r1 == 1)
            {
                x1 = x1.Append(1);
            }
            else
            {
                x2 = x2.DropLast();
            }
        }
    }

    /// <summary>tf.keras 2 squeeze of (y_true, y_pred) as its <c>LossFunctionWrapper</c> does for tensors.</summary>
    public static void TfKeras2SqueezeLabels(ref Shape yTrue, ref Shape yPred)
    {
        int diff = yPred.Rank - yTrue.Rank;
        if (diff == 1 && yPred.Last != 1)
        {
            return;
        }

        if (diff == 1 && yPred.Last == 1)
        {
            yPred = yPred.DropLast();
        }
        else if (diff == -1 && yTrue.Last == 1)
        {
            yTrue = yTrue.DropLast();
        }
    }

    /// <summary>tf.keras 2 <c>squeeze_or_expand_dimensions(losses, None, sample_weight)</c>.</summary>
    public static void TfKeras2AlignWeight(in Shape losses, ref Shape weight, string weightArg)
    {
        if (weight.Rank == 0)
        {
            return;
        }

        if (weight.Rank - losses.Rank == 1)
        {
            if (weight.Last != 1)
            {
                throw new ArgumentException(
                    $"Cannot squeeze the last axis of `{weightArg}`: expected a dimension of 1 (tf.keras 2 drops it to match " +
                    $"the per-sample losses of shape {losses}). Received: {weightArg} of shape {weight}.", weightArg);
            }

            weight = weight.DropLast();
        }
        else if (losses.Rank - weight.Rank == 1)
        {
            weight = weight.Append(1);
        }
    }
}
