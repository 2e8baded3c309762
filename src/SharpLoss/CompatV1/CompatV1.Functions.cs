using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary><c>tf.compat.v1.losses.mean_squared_error</c> as a loss object (see <see cref="CompatV1.MeanSquaredError(LossInput{float}, LossInput{float}, LossInput{float}, CompatV1.Reduction)"/>).</summary>
[KerasLoss("mean_squared_error", "mean_squared_error", Module = "tf.compat.v1.losses", Keys = "reduction")]
internal sealed class TfV1MeanSquaredError : TfFunction
{
    /// <summary>Creates the function object.</summary>
    /// <param name="reduction">The v1 reduction.</param>
    public TfV1MeanSquaredError(CompatV1.Reduction reduction = CompatV1.Reduction.SumByNonzeroWeights)
        : base(new ElementwiseOp(ElementwiseKind.SquaredDifference, "mean_squared_error", 0, "labels", "predictions"), reduction)
    {
    }

    internal override (string Labels, string Predictions) ArgumentNames => ("labels", "predictions");
}

/// <summary><c>tf.compat.v1.losses.absolute_difference</c> as a loss object.</summary>
[KerasLoss("absolute_difference", "absolute_difference", Module = "tf.compat.v1.losses", Keys = "reduction")]
internal sealed class TfV1AbsoluteDifference : TfFunction
{
    /// <summary>Creates the function object.</summary>
    /// <param name="reduction">The v1 reduction.</param>
    public TfV1AbsoluteDifference(CompatV1.Reduction reduction = CompatV1.Reduction.SumByNonzeroWeights)
        : base(new ElementwiseOp(ElementwiseKind.AbsoluteDifference, "absolute_difference", 0, "labels", "predictions"), reduction)
    {
    }

    internal override (string Labels, string Predictions) ArgumentNames => ("labels", "predictions");
}

/// <summary><c>tf.compat.v1.losses.huber_loss</c> as a loss object.</summary>
[KerasLoss("huber_loss", "huber_loss", Module = "tf.compat.v1.losses", Keys = "delta reduction")]
internal sealed class TfV1HuberLoss : TfFunction
{
    /// <summary>Creates the function object.</summary>
    /// <param name="delta">δ, finite and ≥ 0.</param>
    /// <param name="reduction">The v1 reduction.</param>
    public TfV1HuberLoss(double delta = 1.0, CompatV1.Reduction reduction = CompatV1.Reduction.SumByNonzeroWeights)
        : base(new ElementwiseOp(ElementwiseKind.Huber, "huber_loss", Internals.Throw.Delta(delta), "labels", "predictions"), reduction) => Delta = delta;

    /// <summary>δ.</summary>
    public double Delta { get; }

    internal override (string Labels, string Predictions) ArgumentNames => ("labels", "predictions");
}

/// <summary><c>tf.compat.v1.losses.softmax_cross_entropy</c> as a loss object.</summary>
[KerasLoss("softmax_cross_entropy", "softmax_cross_entropy", Module = "tf.compat.v1.losses", Keys = "label_smoothing reduction")]
internal sealed class TfV1SoftmaxCrossEntropy : TfFunction
{
    /// <summary>Creates the function object.</summary>
    /// <param name="labelSmoothing">In [0, 1], toward 1/K.</param>
    /// <param name="reduction">The v1 reduction.</param>
    public TfV1SoftmaxCrossEntropy(double labelSmoothing = 0, CompatV1.Reduction reduction = CompatV1.Reduction.SumByNonzeroWeights)
        : base(new CategoricalCrossentropy(fromLogits: true, labelSmoothing: labelSmoothing, reduction: SharpLoss.Reduction.None), reduction) =>
        LabelSmoothing = labelSmoothing;

    /// <summary>The label smoothing.</summary>
    public double LabelSmoothing { get; }

    internal override (string Labels, string Predictions) ArgumentNames => ("onehotLabels", "logits");
}
