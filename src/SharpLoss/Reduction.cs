namespace SharpLoss;

/// <summary>
/// How a loss turns its weighted per-sample values into the number it returns, as in Keras.
/// </summary>
/// <remarks>
/// <para>With per-sample losses <c>l</c>, effective weights <c>w</c> (the sample weight merged with any
/// mask, broadcast NumPy-style against <c>l</c>) and <c>v = l·w</c>:</para>
/// <list type="table">
/// <listheader><term>Reduction</term><description>Result</description></listheader>
/// <item><term><see cref="None"/></term><description><c>v</c>, unreduced.</description></item>
/// <item><term><see cref="Sum"/></term><description><c>Σv</c>.</description></item>
/// <item><term><see cref="SumOverBatchSize"/> (Keras 3 default)</term><description><c>Σv / size(v)</c>: the mean
/// over all elements of <c>v</c>, not the batch size and not <c>Σw</c>; zero weights still count. A mask
/// (for example <c>ignore_class</c>) is turned into weights <c>total/valid</c> so the result is the mean over the
/// valid entries.</description></item>
/// <item><term><see cref="Mean"/></term><description>Identical to <see cref="SumOverBatchSize"/> (Keras 3.7+ alias).</description></item>
/// <item><term><see cref="MeanWithSampleWeight"/></term><description><c>Σv / Σw</c> over the weight tensor as
/// aligned to the losses (before broadcasting), Keras 3.7+.</description></item>
/// <item><term><see cref="Auto"/></term><description>tf.keras 2.x only: the same as <see cref="SumOverBatchSize"/>.</description></item>
/// </list>
/// <para>Every division is "no NaN": a zero divisor gives 0. Under Keras 3, a weighted value tensor of
/// shape <c>()</c> or <c>(0,)</c> is returned unreduced whatever the reduction. Under tf.keras 2.x an
/// all-masked batch gives NaN for <see cref="Auto"/> and <see cref="SumOverBatchSize"/>.</para>
/// </remarks>
public enum Reduction
{
    /// <summary>No reduction: the weighted per-sample losses (<c>"none"</c>).</summary>
    None = 0,

    /// <summary>Sum of the weighted losses (<c>"sum"</c>).</summary>
    Sum = 1,

    /// <summary>Mean over all elements of the weighted losses (<c>"sum_over_batch_size"</c>, the Keras 3 default).</summary>
    SumOverBatchSize = 2,

    /// <summary>Alias of <see cref="SumOverBatchSize"/> (<c>"mean"</c>, Keras 3.7+).</summary>
    Mean = 3,

    /// <summary>Sum of the weighted losses divided by the sum of the weights (<c>"mean_with_sample_weight"</c>, Keras 3.7+).</summary>
    MeanWithSampleWeight = 4,

    /// <summary>tf.keras 2.x <c>"auto"</c>: <see cref="SumOverBatchSize"/> (the tf.keras 2.x default; rejected under Keras 3).</summary>
    Auto = 5,
}

/// <summary>Which TensorFlow/Keras generation a loss reproduces, chosen per loss instance.</summary>
public enum LossSemantics
{
    /// <summary>Keras 3 with the TensorFlow backend (the default).</summary>
    Keras3 = 0,

    /// <summary>
    /// tf.keras 2.x (the <c>tf_keras</c> package): BCE's second epsilon inside the log, the <c>"auto"</c>
    /// reduction, squeezing instead of expanding mismatched ranks, NaN for all-masked batches.
    /// </summary>
    TfKeras2 = 1,
}
