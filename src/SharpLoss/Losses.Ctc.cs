using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Internals;

namespace SharpLoss;

/// <summary>Function form of the CTC loss.</summary>
public static partial class Losses
{
    /// <summary><c>keras.losses.ctc</c> (Keras 3 only): the unreduced per-sequence CTC loss, blank 0, label length the
    /// count of non-zero ids, T frames for every row (see <see cref="SharpLoss.CTC"/>).</summary>
    /// <param name="yTrue">Label ids, shape (batch, max_label_length), padded with 0.</param>
    /// <param name="yPred">Logits, shape (batch, T, C).</param>
    /// <returns>The per-sequence losses, shape (batch).</returns>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, C).</exception>
    /// <exception cref="ArgumentException">A shape is wrong.</exception>
    public static Tensor<float> Ctc(LossInput<int> yTrue, LossInput<float> yPred) => Ctc(yTrue, default, LabelKind.Int32, yPred);

    /// <inheritdoc cref="Ctc(LossInput{int}, LossInput{float})"/>
    public static Tensor<float> Ctc(LossInput<long> yTrue, LossInput<float> yPred) => Ctc(default, yTrue, LabelKind.Int64, yPred);

    /// <inheritdoc cref="Ctc(LossInput{int}, LossInput{float})"/>
    public static Tensor<double> Ctc(LossInput<int> yTrue, LossInput<double> yPred) => Ctc(yTrue, default, LabelKind.Int32, yPred);

    /// <inheritdoc cref="Ctc(LossInput{int}, LossInput{float})"/>
    public static Tensor<double> Ctc(LossInput<long> yTrue, LossInput<double> yPred) => Ctc(default, yTrue, LabelKind.Int64, yPred);

    private static Tensor<T> Ctc<T>(LossInput<int> y32, LossInput<long> y64, LabelKind kind, LossInput<T> yPred)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = ClassIdLoss.Sparse(y32, y64, kind, yPred, default, default, CallMode.Tensor);
        a.Wrapper = false;
        new SharpLoss.CTC(Reduction.None).Run(ref a, out Tensor<T>? t);
        return t!;
    }
}
