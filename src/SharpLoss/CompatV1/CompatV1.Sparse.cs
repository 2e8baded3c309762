using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Internals;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <content><c>tf.compat.v1.losses.sparse_softmax_cross_entropy</c>.</content>
public static partial class CompatV1
{
    /// <summary>
    /// <c>tf.compat.v1.losses.sparse_softmax_cross_entropy</c>: <c>tf.nn.sparse_softmax_cross_entropy_with_logits</c> per row
    /// (classes on the last axis), weighted and reduced. As in TensorFlow, labels with a trailing dimension of 1 and the
    /// logits' rank are squeezed (logits with two ranks more than the labels and a last dimension of 1 are squeezed
    /// instead), and weights with one rank more than the labels lose their last dimension.
    /// </summary>
    /// <param name="labels">Class ids in [0, K), of rank one less than <paramref name="logits"/> (or with a trailing 1).</param>
    /// <param name="logits">Logits, classes last.</param>
    /// <param name="weights">Weights (scalar, or the labels' rank with dimensions 1 or equal); nothing means 1.</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <returns>The loss: shape [1] when reduced, the labels' shape for <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentException">Ranks or shapes do not match (the message gives both), or the weights or the
    /// reduction are invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label lies outside [0, K).</exception>
    public static Tensor<float> SparseSoftmaxCrossEntropy(LossInput<int> labels, LossInput<float> logits, LossInput<float> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights) =>
        SparseV1(labels, default, LabelKind.Int32, logits, weights, reduction, default, CallMode.Tensor);

    /// <inheritdoc cref="SparseSoftmaxCrossEntropy(LossInput{int}, LossInput{float}, LossInput{float}, Reduction)"/>
    public static Tensor<float> SparseSoftmaxCrossEntropy(LossInput<long> labels, LossInput<float> logits, LossInput<float> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights) =>
        SparseV1(default, labels, LabelKind.Int64, logits, weights, reduction, default, CallMode.Tensor);

    /// <inheritdoc cref="SparseSoftmaxCrossEntropy(LossInput{int}, LossInput{float}, LossInput{float}, Reduction)"/>
    public static Tensor<double> SparseSoftmaxCrossEntropy(LossInput<int> labels, LossInput<double> logits, LossInput<double> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights) =>
        SparseV1(labels, default, LabelKind.Int32, logits, weights, reduction, default, CallMode.Tensor);

    /// <inheritdoc cref="SparseSoftmaxCrossEntropy(LossInput{int}, LossInput{float}, LossInput{float}, Reduction)"/>
    public static Tensor<double> SparseSoftmaxCrossEntropy(LossInput<long> labels, LossInput<double> logits, LossInput<double> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights) =>
        SparseV1(default, labels, LabelKind.Int64, logits, weights, reduction, default, CallMode.Tensor);

    /// <summary>Gradient of <see cref="SparseSoftmaxCrossEntropy(LossInput{int}, LossInput{float}, LossInput{float}, Reduction)"/> with
    /// respect to the logits: (softmax − onehot) per row, times the weights and the reduction's scale.</summary>
    /// <param name="labels">Class ids.</param>
    /// <param name="logits">Logits.</param>
    /// <param name="weights">Weights; nothing means 1.</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <param name="upstream">The upstream gradient (the result's shape), or nothing for 1.</param>
    /// <returns>∂/∂logits, with their shape.</returns>
    /// <exception cref="ArgumentException">As for the value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label lies outside [0, K).</exception>
    public static Tensor<float> SparseSoftmaxCrossEntropyGradient(LossInput<int> labels, LossInput<float> logits, LossInput<float> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<float> upstream = default) =>
        SparseV1(labels, default, LabelKind.Int32, logits, weights, reduction, upstream, CallMode.Backward);

    /// <inheritdoc cref="SparseSoftmaxCrossEntropyGradient(LossInput{int}, LossInput{float}, LossInput{float}, Reduction, LossInput{float})"/>
    public static Tensor<float> SparseSoftmaxCrossEntropyGradient(LossInput<long> labels, LossInput<float> logits, LossInput<float> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<float> upstream = default) =>
        SparseV1(default, labels, LabelKind.Int64, logits, weights, reduction, upstream, CallMode.Backward);

    /// <inheritdoc cref="SparseSoftmaxCrossEntropyGradient(LossInput{int}, LossInput{float}, LossInput{float}, Reduction, LossInput{float})"/>
    public static Tensor<double> SparseSoftmaxCrossEntropyGradient(LossInput<int> labels, LossInput<double> logits, LossInput<double> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<double> upstream = default) =>
        SparseV1(labels, default, LabelKind.Int32, logits, weights, reduction, upstream, CallMode.Backward);

    /// <inheritdoc cref="SparseSoftmaxCrossEntropyGradient(LossInput{int}, LossInput{float}, LossInput{float}, Reduction, LossInput{float})"/>
    public static Tensor<double> SparseSoftmaxCrossEntropyGradient(LossInput<long> labels, LossInput<double> logits, LossInput<double> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<double> upstream = default) =>
        SparseV1(default, labels, LabelKind.Int64, logits, weights, reduction, upstream, CallMode.Backward);

    private static Tensor<T> SparseV1<T>(LossInput<int> y32, LossInput<long> y64, LabelKind kind, LossInput<T> logits, LossInput<T> weights, Reduction reduction, LossInput<T> upstream, CallMode mode)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var fn = new TfV1SparseSoftmaxCrossEntropy(reduction);
        Throw.IfUnusable(logits, "logits");
        var a = ClassIdLoss.Sparse(y32, y64, kind, logits, weights, default, mode);
        a.Wrapper = false;
        a.YTrueName = "labels";
        a.YPredName = "logits";
        a.WeightName = "weights";
        a.Upstream = upstream;
        if (mode == CallMode.Tensor)
        {
            fn.Run(ref a, out Tensor<T>? t);
            return t!;
        }

        var grad = new T[logits.Data.Length];
        a.Gradient = grad;
        fn.Run(ref a, out _);
        return Tensor.Create(grad, logits.Shape.TensorLengths());
    }
}

/// <summary><c>tf.compat.v1.losses.sparse_softmax_cross_entropy</c> as a loss object (class ids as yTrue).</summary>
[KerasLoss("sparse_softmax_cross_entropy", "sparse_softmax_cross_entropy", Module = "tf.compat.v1.losses", Keys = "reduction")]
internal sealed class TfV1SparseSoftmaxCrossEntropy : TfFunction
{
    /// <summary>Creates the function object.</summary>
    /// <param name="reduction">The v1 reduction.</param>
    public TfV1SparseSoftmaxCrossEntropy(CompatV1.Reduction reduction = CompatV1.Reduction.SumByNonzeroWeights)
        : base(new SparseCategoricalCrossentropy(fromLogits: true, reduction: SharpLoss.Reduction.None) { StrictLabelRank = true }, reduction)
    {
    }

    internal override (string Labels, string Predictions) ArgumentNames => ("labels", "logits");

    /// <summary>TensorFlow's <c>_remove_squeezable_dimensions(labels, logits, weights, expected_rank_diff=1)</c>.</summary>
    private protected override void PrepareInputs<T>(scoped ref CallArgs<T> a)
    {
        Shape labels = a.LabelKind switch
        {
            LabelKind.Int32 => a.YTrue32.Shape,
            LabelKind.Int64 => a.YTrue64.Shape,
            _ => a.YTrue.Shape,
        };
        bool labelsTensor = a.LabelKind switch
        {
            LabelKind.Int32 => a.YTrue32.Kind == InputKind.Tensor,
            LabelKind.Int64 => a.YTrue64.Kind == InputKind.Tensor,
            _ => a.YTrue.Kind == InputKind.Tensor,
        };
        if (!labelsTensor || a.YPred.Kind != InputKind.Tensor)
        {
            return;
        }

        Shape logits = a.YPred.Shape;
        if (logits.Rank - labels.Rank == 2 && logits.Last == 1)
        {
            a.YPred = new LossInput<T>(a.YPred.Data, logits.DropLast().ToArray());
        }
        else if (logits.Rank == labels.Rank && labels.Rank > 0 && labels.Last == 1)
        {
            labels = labels.DropLast();
            int[] squeezed = labels.ToArray();
            switch (a.LabelKind)
            {
                case LabelKind.Int32:
                    a.YTrue32 = new LossInput<int>(a.YTrue32.Data, squeezed);
                    break;
                case LabelKind.Int64:
                    a.YTrue64 = new LossInput<long>(a.YTrue64.Data, squeezed);
                    break;
                default:
                    a.YTrue = new LossInput<T>(a.YTrue.Data, squeezed);
                    break;
            }
        }

        if (a.SampleWeight.Kind == InputKind.Tensor && a.SampleWeight.Shape.Rank == labels.Rank + 1)
        {
            Shape w = a.SampleWeight.Shape;
            if (w.Last != 1)
            {
                Throw.Argument(a.WeightArg, $"Can not squeeze the last dimension of `{a.WeightArg}` (one rank more than the labels): expected a dimension of 1. Received: {a.WeightArg}.shape={w}, labels.shape={labels}.");
            }

            a.SampleWeight = new LossInput<T>(a.SampleWeight.Data, w.DropLast().ToArray());
        }
    }
}
