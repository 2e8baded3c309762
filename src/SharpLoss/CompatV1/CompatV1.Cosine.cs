using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <content><c>tf.compat.v1.losses.cosine_distance</c>.</content>
public static partial class CompatV1
{
    /// <summary>
    /// <c>tf.compat.v1.losses.cosine_distance</c>: 1 − Σ_axis(p·l), keeping <paramref name="axis"/> as a dimension of 1,
    /// weighted and reduced. The inputs are assumed unit-normalized, as in TensorFlow (nothing is normalized here).
    /// </summary>
    /// <param name="labels">Targets, the same shape as <paramref name="predictions"/>.</param>
    /// <param name="predictions">Predictions.</param>
    /// <param name="axis">The axis summed over: required (TensorFlow: "You must specify argument `axis`").</param>
    /// <param name="weights">Weights (scalar, or the losses' rank with dimensions 1 or equal); nothing means 1.</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <param name="dim">The deprecated name of <paramref name="axis"/>; giving both is an error.</param>
    /// <returns>The loss: shape [1] when reduced; for <see cref="Reduction.None"/> the predictions' shape with
    /// <paramref name="axis"/> of size 1.</returns>
    /// <exception cref="ArgumentException">Neither or both of <paramref name="axis"/> and <paramref name="dim"/> are given; the axis
    /// is out of range; the shapes differ (the message gives both); the weights or the reduction are invalid.</exception>
    public static Tensor<float> CosineDistance(LossInput<float> labels, LossInput<float> predictions, int? axis = null, LossInput<float> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights, int? dim = null) =>
        new TfV1CosineDistance(axis, reduction, dim).Values(labels, predictions, weights);

    /// <inheritdoc cref="CosineDistance(LossInput{float}, LossInput{float}, int?, LossInput{float}, Reduction, int?)"/>
    public static Tensor<double> CosineDistance(LossInput<double> labels, LossInput<double> predictions, int? axis = null, LossInput<double> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights, int? dim = null) =>
        new TfV1CosineDistance(axis, reduction, dim).Values(labels, predictions, weights);

    /// <summary>Gradient of <see cref="CosineDistance(LossInput{float}, LossInput{float}, int?, LossInput{float}, Reduction, int?)"/>
    /// with respect to the predictions: −l, times the weights and the reduction's scale.</summary>
    /// <param name="labels">Targets.</param>
    /// <param name="predictions">Predictions.</param>
    /// <param name="axis">The axis summed over (required).</param>
    /// <param name="weights">Weights; nothing means 1.</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <param name="upstream">The upstream gradient (the result's shape), or nothing for 1.</param>
    /// <param name="dim">The deprecated name of <paramref name="axis"/>.</param>
    /// <returns>∂/∂predictions, with their shape.</returns>
    /// <exception cref="ArgumentException">As for the value.</exception>
    public static Tensor<float> CosineDistanceGradient(LossInput<float> labels, LossInput<float> predictions, int? axis = null, LossInput<float> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<float> upstream = default, int? dim = null) =>
        new TfV1CosineDistance(axis, reduction, dim).Gradient(labels, predictions, upstream, weights);

    /// <inheritdoc cref="CosineDistanceGradient(LossInput{float}, LossInput{float}, int?, LossInput{float}, Reduction, LossInput{float}, int?)"/>
    public static Tensor<double> CosineDistanceGradient(LossInput<double> labels, LossInput<double> predictions, int? axis = null, LossInput<double> weights = default, Reduction reduction = Reduction.SumByNonzeroWeights, LossInput<double> upstream = default, int? dim = null) =>
        new TfV1CosineDistance(axis, reduction, dim).Gradient(labels, predictions, upstream, weights);
}

/// <summary><c>tf.compat.v1.losses.cosine_distance</c> as a loss object; <c>axis</c> is required.</summary>
[KerasLoss("cosine_distance", "cosine_distance", Module = "tf.compat.v1.losses", Keys = "axis reduction dim?")]
internal sealed class TfV1CosineDistance : TfFunction
{
    /// <summary>Creates the function object.</summary>
    /// <param name="axis">The axis summed over (required, or given as <paramref name="dim"/>).</param>
    /// <param name="reduction">The v1 reduction.</param>
    /// <param name="dim">The deprecated name of <paramref name="axis"/>.</param>
    public TfV1CosineDistance(int? axis = null, CompatV1.Reduction reduction = CompatV1.Reduction.SumByNonzeroWeights, int? dim = null)
        : base(new Op(Resolve(axis, dim) ?? -1), reduction) => Axis = Resolve(axis, dim);

    /// <summary>The axis.</summary>
    public int? Axis { get; }

    /// <summary>Always null: a <c>dim</c> given at construction is the <see cref="Axis"/>.</summary>
    public int? Dim { get; }

    internal override (string Labels, string Predictions) ArgumentNames => ("labels", "predictions");

    private protected override ArgumentException? MissingArgument => Axis is null
        ? new ArgumentException("tf.compat.v1.losses.cosine_distance: You must specify argument `axis` (config key \"axis\"). Received: none.", "axis")
        : null;

    // A missing axis is reported when the function is called, as TensorFlow does (the op's axis is then never used).
    private static int? Resolve(int? axis, int? dim)
    {
        if (axis is not null && dim is not null)
        {
            throw new ArgumentException($"Cannot specify both 'axis' and 'dim'. Received: axis={axis}, dim={dim}.", nameof(dim));
        }

        return axis ?? dim;
    }

    /// <summary>The per-row term 1 − Σ p·l over the axis (kept as a dimension of 1).</summary>
    private sealed class Op(int axis) : Loss(null, SharpLoss.Reduction.None, LossSemantics.Keras3, "cosine_distance")
    {
        public override string ClassName => "cosine_distance";

        private protected override void WriteConfig(ConfigWriter writer)
        {
        }

        private protected override Layout PlanShapes(Shape yTrue, Shape yPred)
        {
            RequireSameShape(yTrue, yPred, "cosine_distance");
            int a = ResolveAxis(axis, yPred, "cosine_distance");
            Layout layout = Layout.AroundAxis(yPred, a);
            int[] kept = yPred.ToArray();
            kept[a] = 1;
            layout.LossShape = new Shape(kept);
            return layout;
        }

        private protected override double Execute<T>(scoped ref Batch<T> batch) => RowDriver.Run(default(Kernel<T>), ref batch);
    }

    /// <summary>Loss 1 − Σ_k l_k·p_k; gradient −coef·l_k.</summary>
    private readonly struct Kernel<T> : IRowKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public bool Pairs => false;

        public T Row(ReadOnlySpan<T> y, ReadOnlySpan<T> p, Span<T> grad, T coef, Span<T> scratch, bool vectorize)
        {
            T s = T.Zero;
            for (int k = 0; k < p.Length; k++)
            {
                s += y[k] * p[k];
            }

            for (int k = 0; k < grad.Length; k++)
            {
                grad[k] = -(coef * y[k]);
            }

            return T.One - s;
        }

        public void RowPair(in RowArgs<T> first, in RowArgs<T> second, Span<T> scratch, out T loss0, out T loss1) => throw new NotSupportedException();
    }
}
