using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Internals;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <content><c>tf.compat.v1.losses.mean_pairwise_squared_error</c>.</content>
public static partial class CompatV1
{
    /// <summary>
    /// <c>tf.compat.v1.losses.mean_pairwise_squared_error</c>: per sample (the first axis), with d = p − l over the sample's
    /// elements and n its number of non-zero weights, 2·Σd²/max(n − 1, 0) − 2·(Σd)²/max(n(n − 1), 0) (a zero divisor gives 0),
    /// which is the mean over pairs of ((d_i − d_j)²) when every weight is non-zero; the result is Σ over the samples of
    /// that term times the sample's weights (summed over the weights' own non-batch entries), not divided by the batch size,
    /// and 0 when no element is present. It has no reduction argument.
    /// </summary>
    /// <remarks>n counts the non-zero weights of each sample, as TensorFlow computes it in graph mode; TensorFlow's eager
    /// mode counts all the elements of the batch instead when the weight is a non-zero scalar.</remarks>
    /// <param name="labels">Targets, the same shape as <paramref name="predictions"/>, with a batch dimension first (rank ≥ 1).</param>
    /// <param name="predictions">Predictions.</param>
    /// <param name="weights">Weights (scalar, or the labels' rank with dimensions 1 or equal); nothing means 1.</param>
    /// <returns>The loss, shape [1].</returns>
    /// <exception cref="ArgumentException">The shapes differ (the message gives both), the inputs are scalars, or the weights
    /// do not broadcast to the labels.</exception>
    public static Tensor<float> MeanPairwiseSquaredError(LossInput<float> labels, LossInput<float> predictions, LossInput<float> weights = default) =>
        TfV1MeanPairwiseSquaredError.Instance.Values(labels, predictions, weights);

    /// <inheritdoc cref="MeanPairwiseSquaredError(LossInput{float}, LossInput{float}, LossInput{float})"/>
    public static Tensor<double> MeanPairwiseSquaredError(LossInput<double> labels, LossInput<double> predictions, LossInput<double> weights = default) =>
        TfV1MeanPairwiseSquaredError.Instance.Values(labels, predictions, weights);

    /// <summary>Gradient of <see cref="MeanPairwiseSquaredError(LossInput{float}, LossInput{float}, LossInput{float})"/> with respect to the
    /// predictions: for element k of sample i, W_i·(4·d_k/max(n − 1, 0) − 4·Σd/max(n(n − 1), 0)) (terms with a zero divisor
    /// drop out), times the upstream gradient.</summary>
    /// <param name="labels">Targets.</param>
    /// <param name="predictions">Predictions.</param>
    /// <param name="weights">Weights; nothing means 1.</param>
    /// <param name="upstream">The upstream gradient (a number, or shape [1]), or nothing for 1.</param>
    /// <returns>∂/∂predictions, with their shape.</returns>
    /// <exception cref="ArgumentException">As for the value.</exception>
    public static Tensor<float> MeanPairwiseSquaredErrorGradient(LossInput<float> labels, LossInput<float> predictions, LossInput<float> weights = default, LossInput<float> upstream = default) =>
        TfV1MeanPairwiseSquaredError.Instance.Gradient(labels, predictions, upstream, weights);

    /// <inheritdoc cref="MeanPairwiseSquaredErrorGradient(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{float})"/>
    public static Tensor<double> MeanPairwiseSquaredErrorGradient(LossInput<double> labels, LossInput<double> predictions, LossInput<double> weights = default, LossInput<double> upstream = default) =>
        TfV1MeanPairwiseSquaredError.Instance.Gradient(labels, predictions, upstream, weights);
}

/// <summary>
/// <c>tf.compat.v1.losses.mean_pairwise_squared_error</c> as a loss object. Its per-sample term depends on the weights (the
/// count of non-zero ones), so it computes the whole call itself rather than through the weighting pipeline; the result is
/// always a number (a sum), so <see cref="Loss.Reduction"/> is <see cref="Reduction.Sum"/> and the config is empty.
/// </summary>
[KerasLoss("mean_pairwise_squared_error", "mean_pairwise_squared_error", Module = "tf.compat.v1.losses")]
internal sealed class TfV1MeanPairwiseSquaredError : TfFunction
{
    /// <summary>Creates the function object.</summary>
    public TfV1MeanPairwiseSquaredError()
        : base(new ElementwiseOp(ElementwiseKind.SquaredDifference, "mean_pairwise_squared_error", 0, "labels", "predictions"), CompatV1.Reduction.Sum)
    {
    }

    internal static TfV1MeanPairwiseSquaredError Instance { get; } = new();

    internal override (string Labels, string Predictions) ArgumentNames => ("labels", "predictions");

    private protected override bool RunsItself => true;

    private protected override T RunItself<T>(scoped ref CallArgs<T> a, out Tensor<T>? tensor)
    {
        tensor = null;
        Throw.IfUnusable(a.YTrue, a.TrueArg);
        Throw.IfUnusable(a.YPred, a.PredArg);
        Throw.IfUnusableOptional(a.SampleWeight, a.WeightArg);
        if (!a.Mask.IsAbsent)
        {
            Throw.Argument("mask", "mean_pairwise_squared_error takes no mask. Received: a mask.");
        }

        Shape shape = a.YPred.Shape;
        if (a.YTrue.Shape != shape)
        {
            Throw.Argument(a.TrueArg, $"Expected `{a.TrueArg}` and `{a.PredArg}` of the same shape for mean_pairwise_squared_error. Received: {a.TrueArg}.shape={a.YTrue.Shape}, {a.PredArg}.shape={shape}.");
        }

        if (shape.Rank == 0)
        {
            Throw.Argument(a.PredArg, $"mean_pairwise_squared_error needs a batch dimension: expected `{a.PredArg}` of rank ≥ 1. Received: shape ().");
        }

        bool wantGrad = a.Mode is CallMode.ValueAndGradient or CallMode.Backward;
        if (wantGrad && a.Gradient.Length != a.YPred.Data.Length)
        {
            Throw.Argument("gradient", $"Expected a gradient buffer of {a.YPred.Data.Length} elements (the size of `{a.PredArg}`, shape {shape}). Received: {a.Gradient.Length} elements.");
        }

        // The weights: a scalar, or the labels' rank with every dimension 1 or equal (assert_broadcastable).
        LossInput<T> w = a.SampleWeight;
        bool scalarWeight = w.IsAbsent || w.IsScalar || (w.Shape.Rank == 0 && w.Data.Length == 1);
        T scalar = w.IsAbsent ? T.One : w.IsScalar ? w.Scalar : scalarWeight ? w.Data[0] : T.Zero;
        if (!scalarWeight)
        {
            bool ok = w.Shape.Rank == shape.Rank;
            for (int d = 0; ok && d < shape.Rank; d++)
            {
                ok = w.Shape[d] == 1 || w.Shape[d] == shape[d];
            }

            if (!ok)
            {
                Throw.Argument(a.WeightArg, $"weights can not be broadcast to values. values.rank={shape.Rank}. weights.rank={w.Shape.Rank}. values.shape={shape}. weights.shape={w.Shape}.");
            }
        }

        T u = T.One;
        if (a.Mode == CallMode.Backward && !a.Upstream.IsAbsent)
        {
            Throw.IfUnusable(a.Upstream, "upstream", allowScalar: true);
            if (!a.Upstream.IsScalar && a.Upstream.Data.Length != 1)
            {
                Throw.Argument("upstream", $"Expected a scalar `upstream` (mean_pairwise_squared_error returns a number). Received: shape {a.Upstream.Shape}.");
            }

            u = a.Upstream.IsScalar ? a.Upstream.Scalar : a.Upstream.Data[0];
        }

        int batch = shape[0];
        int per = batch == 0 ? 0 : a.YPred.Data.Length / batch;
        int[]? wMap = scalarWeight ? null : Broadcast.Map(shape, w.Shape);
        int wPer = scalarWeight ? 1 : w.Shape[0] == 0 ? 0 : (int)(w.Shape.Count / w.Shape[0]);
        ReadOnlySpan<T> p = a.YPred.Data, l = a.YTrue.Data;
        double total = 0;
        long present = 0;
        for (int i = 0; i < batch; i++)
        {
            // n: the sample's non-zero weights broadcast to its elements; W: Σ of the weights over their own entries.
            long n = 0;
            double weightSum;
            if (scalarWeight)
            {
                n = scalar != T.Zero ? per : 0;
                weightSum = double.CreateTruncating(scalar);
            }
            else
            {
                for (int k = 0; k < per; k++)
                {
                    n += w.Data[wMap![(i * per) + k]] != T.Zero ? 1 : 0;
                }

                weightSum = 0;
                int row = w.Shape[0] == 1 ? 0 : i;
                for (int j = 0; j < wPer; j++)
                {
                    weightSum += double.CreateTruncating(w.Data[(row * wPer) + j]);
                }
            }

            present += n;
            double s1 = 0, s2 = 0;
            for (int k = 0; k < per; k++)
            {
                double d = double.CreateTruncating(p[(i * per) + k] - l[(i * per) + k]);
                s1 += d;
                s2 += d * d;
            }

            double a1 = Math.Max(n - 1, 0), a2 = Math.Max(n * (n - 1), 0);
            double term = (a1 == 0 ? 0 : 2 * s2 / a1) - (a2 == 0 ? 0 : 2 * s1 * s1 / a2);
            total += term * weightSum;
            if (wantGrad)
            {
                double c = double.CreateTruncating(u) * weightSum;
                for (int k = 0; k < per; k++)
                {
                    double d = double.CreateTruncating(p[(i * per) + k] - l[(i * per) + k]);
                    double g = (a1 == 0 ? 0 : 4 * d / a1) - (a2 == 0 ? 0 : 4 * s1 / a2);
                    a.Gradient[(i * per) + k] = T.CreateTruncating(c * g);
                }
            }
        }

        if (present == 0)
        {
            total = 0;
            a.Gradient.Clear();
        }

        T value = T.CreateTruncating(total);
        if (a.Mode == CallMode.Tensor)
        {
            tensor = Tensor.Create(new[] { value }, [1]);
        }

        return value;
    }
}
