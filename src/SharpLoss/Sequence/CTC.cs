using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>Connectionist temporal classification loss (Keras 3 <c>CTC</c>; Keras 3 only).</summary>
/// <remarks>
/// <para>y_true holds the label sequences, shape (batch, max_label_length), as <see cref="int"/>, <see cref="long"/> or
/// floating-point ids (truncated toward zero, as Keras casts them); y_pred holds <b>logits</b> (not probabilities), shape
/// (batch, T, C). Class 0 is the blank, and also the padding: a row's label length is its count of non-zero ids, and
/// its first that-many ids are the label, so a 0 inside that prefix stays a label state that emits the blank class (as in
/// TensorFlow's dense <c>ctc_loss</c>: labels [1, 2, 0, 2] are scored as [1, 2, 0]). Every row has T frames. Ids outside
/// [0, C) throw <see cref="ArgumentOutOfRangeException"/>.</para>
/// <para>Per sample: the negative log-likelihood −log Σ_π Π_t softmax(x_t)[π_t] over the alignments π of T frames that
/// collapse (merge repeats, drop blanks) to the label, by the forward-backward algorithm in log space (log-sum-exp with
/// the largest term factored out, so logits of ±1e4 stay finite). The gradient comes from the same pass: ∂L/∂x[t, c] =
/// softmax(x_t)_c − Σ_{s: ext[s] = c} γ[t, s], γ the normalized occupancies of the extended label's states.</para>
/// <para>A label that no alignment of T frames produces (its length plus its adjacent repeats exceeds T) gives +∞ with a
/// zero gradient, as TensorFlow's CTC op does (its dense-label path floors log 0 at log 1e-307 and returns about 707 +
/// the path cost instead); a zero sample weight then gives NaN (∞ · 0), as in Keras.</para>
/// <para>Precision follows the element type: float32 for <see cref="float"/>, float64 for <see cref="double"/> (Keras's
/// TensorFlow backend computes float64 inputs in float32). The samples run on several cores with a result that does
/// not depend on their number (<see cref="Loss.MaxDegreeOfParallelism"/>).</para>
/// <para>Keras: <c>keras.losses.CTC</c> / <c>ctc</c> (3.0.2+); config keys name, reduction. tf.keras 2 has no CTC loss class
/// (only <c>backend.ctc_batch_cost</c>). <see cref="Nn.CtcLoss(LossInput{int}, LossInput{float}, LossInput{int}, LossInput{int}, bool, int)"/>
/// has TensorFlow's general form (label and logit lengths, time-major logits, any blank index).</para>
/// </remarks>
[KerasLoss("CTC", "ctc", Names = "ctc")]
public sealed class CTC : ClassIdLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction; default <see cref="Reduction.SumOverBatchSize"/>.</param>
    /// <param name="name">The name; default <c>"ctc"</c>.</param>
    /// <param name="semantics">Keras 3 (the only one that has this loss).</param>
    /// <exception cref="ArgumentException"><paramref name="semantics"/> is tf.keras 2, or <paramref name="reduction"/> is not valid.</exception>
    public CTC(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3)
        : base(name, reduction, semantics)
    {
        if (semantics == LossSemantics.TfKeras2)
        {
            Throw.Argument(nameof(semantics), "CTC exists only in Keras 3; tf.keras 2.x has no such loss class (SPEC B.23). Expected LossSemantics.Keras3. Received: LossSemantics.TfKeras2.");
        }
    }

    /// <summary>tf.nn.ctc_loss's blank class (Keras: 0).</summary>
    internal int BlankIndex { get; init; }

    /// <summary>tf.nn.ctc_loss's <c>logits_time_major</c>: logits of shape (T, batch, C).</summary>
    internal bool TimeMajor { get; init; }

    /// <summary>tf.nn.ctc_loss's <c>label_length</c>, or null: the count of ids other than the blank.</summary>
    internal int[]? LabelLengths { get; init; }

    /// <summary>tf.nn.ctc_loss's <c>logit_length</c>, or null: T for every row.</summary>
    internal int[]? LogitLengths { get; init; }

    /// <summary>Builds the loss from a Keras config.</summary>
    /// <param name="config">The config's keys and values.</param>
    /// <param name="semantics">The semantics (Keras 3).</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The config has an unknown key or an invalid value.</exception>
    public static CTC FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig<CTC>(config, semantics);

    private protected override Layout PlanShapes(Shape yTrue, Shape yPred)
    {
        if (yTrue.Rank != 2)
        {
            Throw.Argument("yTrue", $"Targets `yTrue` are expected to be a tensor of shape `(batch_size, max_length)` in integer format. Received: yTrue.shape={yTrue}.");
        }

        if (yPred.Rank != 3)
        {
            Throw.Argument("yPred", TimeMajor
                ? $"Logits `yPred` are expected to be a tensor of shape `(max_length, batch_size, num_classes)` (time-major). Received: yPred.shape={yPred}."
                : $"Logits `yPred` are expected to be a tensor of shape `(batch_size, max_length, num_classes)`. Received: yPred.shape={yPred}.");
        }

        int batch = TimeMajor ? yPred[1] : yPred[0];
        int time = TimeMajor ? yPred[0] : yPred[1];
        int classes = yPred[2];
        if (yTrue[0] != batch)
        {
            Throw.Argument("yTrue", $"Expected `yTrue` with one label row per sequence of `yPred`: {batch} rows. Received: yTrue.shape={yTrue}, yPred.shape={yPred}{(TimeMajor ? " (time-major)" : string.Empty)}.");
        }

        if (classes < 1 || BlankIndex >= classes || BlankIndex < 0)
        {
            Throw.Argument("yPred", $"Expected `yPred` with at least {Math.Max(1, BlankIndex + 1)} classes (the blank is class {BlankIndex}). Received: yPred.shape={yPred}.");
        }

        CheckLengths(LabelLengths, "labelLength", batch, yTrue[1], "the labels' second dimension", "labels", yTrue);
        CheckLengths(LogitLengths, "logitLength", batch, time, "the number of frames T", "logits", yPred);
        return new Layout { LossShape = Shape.Of(batch), Outer = batch, D = classes, Inner = 1, Last = classes };
    }

    private protected override unsafe double Execute<T>(scoped ref Batch<T> batch)
    {
        int b = batch.Outer, c = batch.D;
        if (b == 0)
        {
            return 0;
        }

        fixed (T* p = batch.P, g = batch.Grad, ps = batch.PerSample, w = batch.Weights)
        fixed (long* labels = batch.Labels)
        fixed (int* labelLengths = LabelLengths, logitLengths = LogitLengths)
        {
            var problem = new CtcProblem<T>
            {
                P = p,
                G = batch.Grad.IsEmpty ? null : g,
                PerSample = batch.PerSample.IsEmpty ? null : ps,
                Weights = batch.UniformWeight ? null : w,
                Weight = batch.Weight,
                GradScale = batch.GradScale,
                Batch = b,
                Time = batch.P.Length / b / Math.Max(1, c),
                Classes = c,
                TimeMajor = TimeMajor,
                Labels = labels,
                LabelStride = batch.Labels.Length / b,
                LabelLengths = labelLengths,
                LogitLengths = logitLengths,
                Blank = BlankIndex,
                MaxDegreeOfParallelism = batch.MaxDegreeOfParallelism,
                Vectorize = batch.Vectorize,
            };
            return CtcKernel.Run(problem);
        }
    }

    private static void CheckLengths(int[]? lengths, string argument, int batch, int max, string what, string bounding, Shape shape)
    {
        if (lengths is null)
        {
            return;
        }

        if (lengths.Length != batch)
        {
            Throw.Argument(argument, $"Expected `{argument}` with one entry per sequence: {batch} entries. Received: {lengths.Length} entries.");
        }

        for (int i = 0; i < lengths.Length; i++)
        {
            if (lengths[i] < 0 || lengths[i] > max)
            {
                Throw.OutOfRange(argument, lengths[i], $"Expected `{argument}` entries in [0, {max}], {what} ({bounding}.shape={shape}). Received: {argument}[{i}] = {lengths[i]}.");
            }
        }
    }
}
