using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary><c>tf.nn.sigmoid_cross_entropy_with_logits</c> as a loss object (see <see cref="Nn.SigmoidCrossEntropyWithLogits(LossInput{float}, LossInput{float})"/>).</summary>
[KerasLoss("sigmoid_cross_entropy_with_logits", "sigmoid_cross_entropy_with_logits", Module = "tf.nn")]
internal sealed class TfNnSigmoidCrossEntropyWithLogits : TfFunction
{
    /// <summary>Creates the function object.</summary>
    public TfNnSigmoidCrossEntropyWithLogits()
        : base(new ElementwiseOp(ElementwiseKind.SigmoidCrossEntropy, "sigmoid_cross_entropy_with_logits"), null)
    {
    }

    internal static TfNnSigmoidCrossEntropyWithLogits Instance { get; } = new();

    internal override (string Labels, string Predictions) ArgumentNames => ("labels", "logits");
}

/// <summary><c>tf.nn.weighted_cross_entropy_with_logits</c> with a scalar <c>pos_weight</c> as a loss object.</summary>
[KerasLoss("weighted_cross_entropy_with_logits", "weighted_cross_entropy_with_logits", Module = "tf.nn", Keys = "pos_weight")]
internal sealed class TfNnWeightedCrossEntropyWithLogits : TfFunction
{
    /// <summary>Creates the function object.</summary>
    /// <param name="posWeight">q, required (TensorFlow has no default): a call without it throws; NaN is rejected.</param>
    public TfNnWeightedCrossEntropyWithLogits(double? posWeight = null)
        : base(new ElementwiseOp(ElementwiseKind.WeightedCrossEntropy, "weighted_cross_entropy_with_logits", Check(posWeight)), null) => PosWeight = posWeight;

    /// <summary>q, or null when not given.</summary>
    public double? PosWeight { get; }

    internal override (string Labels, string Predictions) ArgumentNames => ("labels", "logits");

    private protected override ArgumentException? MissingArgument => PosWeight is null
        ? new ArgumentException("tf.nn.weighted_cross_entropy_with_logits needs its `pos_weight` argument (config key \"pos_weight\"). Received: none.", "posWeight")
        : null;

    // The op's parameter when pos_weight is missing is never used: a call reports the missing argument first.
    private static double Check(double? posWeight) => posWeight switch
    {
        null => 1,
        double q when double.IsNaN(q) => throw new ArgumentOutOfRangeException(nameof(posWeight), q, "Expected `pos_weight` to be a number. Received: NaN."),
        double q => q,
    };
}

/// <summary><c>tf.nn.softmax_cross_entropy_with_logits</c> (v2) as a loss object.</summary>
[KerasLoss("softmax_cross_entropy_with_logits", "softmax_cross_entropy_with_logits", Module = "tf.nn", Keys = "axis")]
internal sealed class TfNnSoftmaxCrossEntropyWithLogits : TfFunction
{
    /// <summary>Creates the function object.</summary>
    /// <param name="axis">The class axis.</param>
    public TfNnSoftmaxCrossEntropyWithLogits(int axis = -1)
        : base(new CategoricalCrossentropy(fromLogits: true, axis: axis, reduction: SharpLoss.Reduction.None), null) => Axis = axis;

    /// <summary>The class axis.</summary>
    public int Axis { get; }

    internal override (string Labels, string Predictions) ArgumentNames => ("labels", "logits");
}

/// <summary><c>tf.nn.sparse_softmax_cross_entropy_with_logits</c> as a loss object (class ids as yTrue).</summary>
[KerasLoss("sparse_softmax_cross_entropy_with_logits", "sparse_softmax_cross_entropy_with_logits", Module = "tf.nn")]
internal sealed class TfNnSparseSoftmaxCrossEntropyWithLogits : TfFunction
{
    /// <summary>Creates the function object.</summary>
    public TfNnSparseSoftmaxCrossEntropyWithLogits()
        : base(new SparseCategoricalCrossentropy(fromLogits: true, reduction: SharpLoss.Reduction.None) { StrictLabelRank = true }, null)
    {
    }

    internal static TfNnSparseSoftmaxCrossEntropyWithLogits Instance { get; } = new();

    internal override (string Labels, string Predictions) ArgumentNames => ("labels", "logits");
}

/// <summary><c>tf.nn.log_poisson_loss</c> as a loss object (yTrue: targets, yPred: log_input).</summary>
[KerasLoss("log_poisson_loss", "log_poisson_loss", Module = "tf.nn", Keys = "compute_full_loss")]
internal sealed class TfNnLogPoissonLoss : TfFunction
{
    /// <summary>Creates the function object.</summary>
    /// <param name="computeFullLoss">Whether to add Stirling's term.</param>
    public TfNnLogPoissonLoss(bool computeFullLoss = false)
        : base(new ElementwiseOp(computeFullLoss ? ElementwiseKind.LogPoissonFull : ElementwiseKind.LogPoisson, "log_poisson_loss", 0, "targets", "log_input"), null) =>
        ComputeFullLoss = computeFullLoss;

    /// <summary>Whether Stirling's term is added.</summary>
    public bool ComputeFullLoss { get; }

    internal override (string Labels, string Predictions) ArgumentNames => ("targets", "logInput");
}
