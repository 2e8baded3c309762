using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>
/// A <c>tf.nn</c> or <c>tf.compat.v1.losses</c> function as a <see cref="Loss"/>: the function's arguments other than the
/// tensors are fixed at construction and form its config (declared once by the class's <see cref="KerasLossAttribute"/>);
/// <c>yTrue</c> and <c>yPred</c> are the labels (targets) and the predictions (logits, log input), and <c>sampleWeight</c>
/// the v1 <c>weights</c>. The static facades (<see cref="Nn"/>, <see cref="CompatV1"/>) run these same objects.
/// </summary>
/// <remarks>
/// A <c>tf.nn</c> function returns unreduced values: its <see cref="Loss.Reduction"/> is <see cref="Reduction.None"/> (use
/// <c>Call</c> and <c>Backward</c>). A v1 function reduces with its <see cref="V1Reduction"/> (default
/// <see cref="CompatV1.Reduction.SumByNonzeroWeights"/>) and v1's weight broadcasting; its <see cref="Loss.Reduction"/> is
/// <see cref="Reduction.None"/> for the v1 reduction <c>none</c> and <see cref="Reduction.Sum"/> otherwise (the v1
/// reduction is in the config).
/// </remarks>
internal abstract class TfFunction : Loss
{
    private readonly Loss _op;

    /// <summary>Wraps the op that computes the function's element or row terms.</summary>
    /// <param name="op">The op: its shapes and kernel are this function's.</param>
    /// <param name="v1Reduction">The v1 reduction, or null for a tf.nn function (unreduced).</param>
    private protected TfFunction(Loss op, CompatV1.Reduction? v1Reduction)
        : base(null, v1Reduction is null or CompatV1.Reduction.None ? Reduction.None : Reduction.Sum, LossSemantics.Keras3)
    {
        _op = op;
        if (v1Reduction is { } r)
        {
            V1Reduction = r;
            CompatV1Kind = CompatV1.Kind(r);
        }
    }

    /// <summary>The v1 reduction (v1 functions).</summary>
    public CompatV1.Reduction V1Reduction { get; } = CompatV1.Reduction.SumByNonzeroWeights;

    /// <summary>The TensorFlow module: <c>"tf.nn"</c> or <c>"tf.compat.v1.losses"</c>.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Function classes are rooted with their members by Catalog's LossDefinition.Of<TLoss>().")]
    public string Module => LossDefinition.Of(GetType()).Module!;

    /// <summary>The labels' and predictions' argument names in the static facade, for messages.</summary>
    internal abstract (string Labels, string Predictions) ArgumentNames { get; }

    private protected override bool IsSparse => _op.IsSparseOf;

    /// <summary>
    /// The error for a required argument left out, or null. TensorFlow reports a missing argument when the function is
    /// called; so does the loss object, which can therefore be created, listed and configured without it.
    /// </summary>
    private protected virtual ArgumentException? MissingArgument => null;

    private protected override Layout PlanShapes(Shape yTrue, Shape yPred) =>
        MissingArgument is { } missing ? throw missing : _op.PlanShapesOf(yTrue, yPred);

    private protected override double Execute<T>(scoped ref Batch<T> batch) => _op.ExecuteOf(ref batch);

    /// <summary>Runs the function as its static facade does: the facade's argument names in messages, v1 weights as weights.</summary>
    internal Tensor<T> Values<T>(LossInput<T> labels, LossInput<T> predictions, LossInput<T> weights = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = new CallArgs<T>
        {
            YTrue = labels,
            YPred = predictions,
            SampleWeight = weights,
            Mode = CallMode.Tensor,
            Wrapper = false,
            YTrueName = ArgumentNames.Labels,
            YPredName = ArgumentNames.Predictions,
            WeightName = "weights",
        };
        Run(ref a, out Tensor<T>? t);
        return t!;
    }

    /// <summary>The facade's vector-Jacobian product with respect to the predictions.</summary>
    internal Tensor<T> Gradient<T>(LossInput<T> labels, LossInput<T> predictions, LossInput<T> upstream, LossInput<T> weights = default)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Nn.Gradient(this, labels, predictions, upstream, weights, ArgumentNames.Labels, ArgumentNames.Predictions);
}
