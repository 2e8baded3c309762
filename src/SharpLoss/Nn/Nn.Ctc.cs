using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Internals;

namespace SharpLoss;

/// <content><c>tf.nn.ctc_loss</c> with dense labels.</content>
public static partial class Nn
{
    /// <summary>
    /// <c>tf.nn.ctc_loss</c> (v2) with dense labels: per sequence, the negative log-likelihood of its label under the CTC
    /// alignment model (see <see cref="SharpLoss.CTC"/> for the algorithm, the gradient and the impossible-alignment rule).
    /// </summary>
    /// <param name="labels">Class ids, shape (batch, max_label_length); row b's label is its first
    /// <paramref name="labelLength"/>[b] ids, each in [0, C). An id equal to <paramref name="blankIndex"/> inside that
    /// prefix is a label state that emits the blank class (TensorFlow's dense path with blank 0 does the same).</param>
    /// <param name="logits">Unnormalized log-probabilities, shape (T, batch, C) when <paramref name="logitsTimeMajor"/>
    /// (TensorFlow's default), else (batch, T, C).</param>
    /// <param name="labelLength">One length per row, each in [0, max_label_length]; not given: the count of ids other than
    /// <paramref name="blankIndex"/> (labels padded with the blank, Keras's convention).</param>
    /// <param name="logitLength">One number of frames per row, each in [0, T]; not given: T for every row. Frames beyond
    /// it are ignored and get a zero gradient.</param>
    /// <param name="logitsTimeMajor">Whether <paramref name="logits"/> is (T, batch, C); default true, as in TensorFlow.</param>
    /// <param name="blankIndex">The blank class, in [0, C); default 0, as in TensorFlow. Negative values count from C
    /// (−1 is the last class, the blank of <c>tf.compat.v1.nn.ctc_loss</c>).</param>
    /// <returns>The per-sequence losses, shape (batch): +∞ where no alignment produces the label.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, C), a length is out of its range, or
    /// <paramref name="blankIndex"/> is not a class.</exception>
    /// <exception cref="ArgumentException">A shape is wrong: labels of rank other than 2, logits of rank other than 3, or
    /// a batch size or length count that differs.</exception>
    public static Tensor<float> CtcLoss(LossInput<int> labels, LossInput<float> logits, LossInput<int> labelLength = default, LossInput<int> logitLength = default, bool logitsTimeMajor = true, int blankIndex = 0) =>
        Ctc(labels, default, LabelKind.Int32, logits, labelLength, logitLength, logitsTimeMajor, blankIndex, default, CallMode.Tensor);

    /// <inheritdoc cref="CtcLoss(LossInput{int}, LossInput{float}, LossInput{int}, LossInput{int}, bool, int)"/>
    public static Tensor<float> CtcLoss(LossInput<long> labels, LossInput<float> logits, LossInput<int> labelLength = default, LossInput<int> logitLength = default, bool logitsTimeMajor = true, int blankIndex = 0) =>
        Ctc(default, labels, LabelKind.Int64, logits, labelLength, logitLength, logitsTimeMajor, blankIndex, default, CallMode.Tensor);

    /// <inheritdoc cref="CtcLoss(LossInput{int}, LossInput{float}, LossInput{int}, LossInput{int}, bool, int)"/>
    public static Tensor<double> CtcLoss(LossInput<int> labels, LossInput<double> logits, LossInput<int> labelLength = default, LossInput<int> logitLength = default, bool logitsTimeMajor = true, int blankIndex = 0) =>
        Ctc(labels, default, LabelKind.Int32, logits, labelLength, logitLength, logitsTimeMajor, blankIndex, default, CallMode.Tensor);

    /// <inheritdoc cref="CtcLoss(LossInput{int}, LossInput{float}, LossInput{int}, LossInput{int}, bool, int)"/>
    public static Tensor<double> CtcLoss(LossInput<long> labels, LossInput<double> logits, LossInput<int> labelLength = default, LossInput<int> logitLength = default, bool logitsTimeMajor = true, int blankIndex = 0) =>
        Ctc(default, labels, LabelKind.Int64, logits, labelLength, logitLength, logitsTimeMajor, blankIndex, default, CallMode.Tensor);

    /// <summary>Vector-Jacobian product of <see cref="CtcLoss(LossInput{int}, LossInput{float}, LossInput{int}, LossInput{int}, bool, int)"/>:
    /// upstream[b] · (softmax(x[t]) − Σ γ[t, s] over the states s emitting each class), zero for frames beyond a row's
    /// length and for rows whose loss is +∞.</summary>
    /// <param name="labels">Class ids, shape (batch, max_label_length).</param>
    /// <param name="logits">The logits, (T, batch, C) or (batch, T, C).</param>
    /// <param name="labelLength">One length per row, or not given (the count of ids other than the blank).</param>
    /// <param name="logitLength">One number of frames per row, or not given (T).</param>
    /// <param name="upstream">One upstream gradient per row (shape (batch)), or nothing for all ones.</param>
    /// <param name="logitsTimeMajor">Whether <paramref name="logits"/> is (T, batch, C); default true.</param>
    /// <param name="blankIndex">The blank class; default 0.</param>
    /// <returns>∂/∂logits, with <paramref name="logits"/>'s shape.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An id, a length or the blank index is out of range.</exception>
    /// <exception cref="ArgumentException">A shape is wrong.</exception>
    public static Tensor<float> CtcLossGradient(LossInput<int> labels, LossInput<float> logits, LossInput<int> labelLength = default, LossInput<int> logitLength = default, LossInput<float> upstream = default, bool logitsTimeMajor = true, int blankIndex = 0) =>
        Ctc(labels, default, LabelKind.Int32, logits, labelLength, logitLength, logitsTimeMajor, blankIndex, upstream, CallMode.Backward);

    /// <inheritdoc cref="CtcLossGradient(LossInput{int}, LossInput{float}, LossInput{int}, LossInput{int}, LossInput{float}, bool, int)"/>
    public static Tensor<float> CtcLossGradient(LossInput<long> labels, LossInput<float> logits, LossInput<int> labelLength = default, LossInput<int> logitLength = default, LossInput<float> upstream = default, bool logitsTimeMajor = true, int blankIndex = 0) =>
        Ctc(default, labels, LabelKind.Int64, logits, labelLength, logitLength, logitsTimeMajor, blankIndex, upstream, CallMode.Backward);

    /// <inheritdoc cref="CtcLossGradient(LossInput{int}, LossInput{float}, LossInput{int}, LossInput{int}, LossInput{float}, bool, int)"/>
    public static Tensor<double> CtcLossGradient(LossInput<int> labels, LossInput<double> logits, LossInput<int> labelLength = default, LossInput<int> logitLength = default, LossInput<double> upstream = default, bool logitsTimeMajor = true, int blankIndex = 0) =>
        Ctc(labels, default, LabelKind.Int32, logits, labelLength, logitLength, logitsTimeMajor, blankIndex, upstream, CallMode.Backward);

    /// <inheritdoc cref="CtcLossGradient(LossInput{int}, LossInput{float}, LossInput{int}, LossInput{int}, LossInput{float}, bool, int)"/>
    public static Tensor<double> CtcLossGradient(LossInput<long> labels, LossInput<double> logits, LossInput<int> labelLength = default, LossInput<int> logitLength = default, LossInput<double> upstream = default, bool logitsTimeMajor = true, int blankIndex = 0) =>
        Ctc(default, labels, LabelKind.Int64, logits, labelLength, logitLength, logitsTimeMajor, blankIndex, upstream, CallMode.Backward);

    private static Tensor<T> Ctc<T>(
        LossInput<int> y32, LossInput<long> y64, LabelKind kind, LossInput<T> logits, LossInput<int> labelLength, LossInput<int> logitLength, bool timeMajor, int blankIndex, LossInput<T> upstream, CallMode mode)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Throw.IfUnusable(logits, "logits");
        int classes = logits.Shape.Rank == 3 ? logits.Shape[2] : 0;
        int blank = blankIndex < 0 ? blankIndex + classes : blankIndex;
        if (logits.Shape.Rank == 3 && (blank < 0 || blank >= classes))
        {
            Throw.OutOfRange(nameof(blankIndex), blankIndex, $"Expected `blankIndex` in [-{classes}, {classes}) (logits have {classes} classes). Received: blankIndex={blankIndex}.");
        }

        var loss = new SharpLoss.CTC(Reduction.None)
        {
            BlankIndex = Math.Max(0, blank),
            TimeMajor = timeMajor,
            LabelLengths = Lengths(labelLength, nameof(labelLength)),
            LogitLengths = Lengths(logitLength, nameof(logitLength)),
        };
        var a = ClassIdLoss.Sparse(y32, y64, kind, logits, default, default, mode);
        a.Wrapper = false;
        a.YTrueName = "labels";
        a.YPredName = "logits";
        a.Upstream = upstream;
        if (mode == CallMode.Tensor)
        {
            loss.Run(ref a, out Tensor<T>? t);
            return t!;
        }

        var grad = new T[logits.Data.Length];
        a.Gradient = grad;
        loss.Run(ref a, out _);
        return Tensor.Create(grad, logits.Shape.TensorLengths());
    }

    private static int[]? Lengths(LossInput<int> lengths, string argument)
    {
        if (lengths.IsAbsent)
        {
            return null;
        }

        Throw.IfUnusable(lengths, argument, allowScalar: false);
        if (lengths.Shape.Rank != 1)
        {
            Throw.Argument(argument, $"Expected `{argument}` of shape (batch_size,). Received: shape {lengths.Shape}.");
        }

        return lengths.Data.ToArray();
    }
}
