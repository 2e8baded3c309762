using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Internals;

namespace SharpLoss;

/// <summary>Function form of the Circle loss.</summary>
public static partial class Losses
{
    /// <summary><c>keras.losses.circle</c> (Keras 3 only): the unreduced per-sample Circle loss of each embedding against
    /// a reference set, the batch itself by default (see <see cref="SharpLoss.Circle"/>).</summary>
    /// <param name="yTrue">One label per embedding, shape (N,) or (N, 1), compared as integers.</param>
    /// <param name="yPred">L2-normalized embeddings, shape (N, D).</param>
    /// <param name="refLabels">The reference labels, shape (M,); not given: <paramref name="yTrue"/>.</param>
    /// <param name="refEmbeddings">The L2-normalized reference embeddings, shape (M, D); not given: <paramref name="yPred"/>.</param>
    /// <param name="removeDiagonal">Whether the pairs (i, i) are left out of the positives; default true.</param>
    /// <param name="gamma">γ; default 80.</param>
    /// <param name="margin">m; default 0.4.</param>
    /// <returns>The per-sample losses, shape (N): 0 for a row without a positive or a negative reference (Keras masks
    /// those rows out of a reduction).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> or <paramref name="margin"/> is not finite.</exception>
    /// <exception cref="ArgumentException">A shape is wrong, or the reference set's sizes disagree.</exception>
    public static Tensor<float> Circle(LossInput<float> yTrue, LossInput<float> yPred, LossInput<float> refLabels = default, LossInput<float> refEmbeddings = default, bool removeDiagonal = true, double gamma = 80.0, double margin = 0.4) =>
        CircleValues(yTrue, yPred, refLabels, refEmbeddings, removeDiagonal, gamma, margin);

    /// <inheritdoc cref="Circle(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{float}, bool, double, double)"/>
    public static Tensor<double> Circle(LossInput<double> yTrue, LossInput<double> yPred, LossInput<double> refLabels = default, LossInput<double> refEmbeddings = default, bool removeDiagonal = true, double gamma = 80.0, double margin = 0.4) =>
        CircleValues(yTrue, yPred, refLabels, refEmbeddings, removeDiagonal, gamma, margin);

    private static Tensor<T> CircleValues<T>(LossInput<T> yTrue, LossInput<T> yPred, LossInput<T> refLabels, LossInput<T> refEmbeddings, bool removeDiagonal, double gamma, double margin)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var loss = SharpLoss.Circle.WithReferences(gamma, margin, removeDiagonal, refLabels, refEmbeddings);
        var a = new CallArgs<T> { YTrue = yTrue, YPred = yPred, Mode = CallMode.Tensor, Wrapper = false };
        loss.Run(ref a, out Tensor<T>? t);
        return t!;
    }
}
