using TorchSharp;
using static TorchSharp.torch;

namespace SharpLoss.TorchSharp;

/// <summary>
/// A SharpLoss <see cref="SharpLoss.Loss"/> as a TorchSharp loss module: <see cref="forward(Tensor, Tensor)"/> returns a
/// <see cref="Tensor"/> attached to the autograd graph, whose backward is SharpLoss's analytic gradient with respect to
/// the prediction, so <c>loss.backward()</c> and any TorchSharp optimizer work. Create one with
/// <see cref="TorchLossExtensions.ToTorch(SharpLoss.Loss)"/>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Argument order.</b> Like the <c>torch.nn</c> losses, <c>forward</c> takes the prediction first and the target
/// second: <c>forward(yPred, yTrue)</c>, where SharpLoss's own methods take <c>(yTrue, yPred)</c>. The parameter names
/// are SharpLoss's, so named arguments (<c>forward(yPred: logits, yTrue: labels)</c>) read the same either way.
/// </para>
/// <para>
/// <b>Values.</b> The value is the SharpLoss loss's (Keras semantics, reduction and all), computed in the prediction's
/// element type: <c>float32</c> tensors in float, <c>float64</c> in double. A reduced loss is a 0-dimensional tensor;
/// with <see cref="Reduction.None"/> the result has the per-sample shape the SharpLoss loss returns.
/// </para>
/// <para>
/// <b>Tensors.</b> CPU tensors only. <c>yPred</c> and <c>sampleWeight</c> have <c>yPred</c>'s dtype (<c>float32</c> or
/// <c>float64</c>). <c>yTrue</c> has that dtype too, except for the class-id losses (<see cref="ClassIdLoss"/>:
/// SparseCategoricalCrossentropy, SparseCategoricalFocalCrossentropy, CategoricalGeneralizedCrossEntropy), which take
/// <c>int64</c> (or <c>int32</c>) class ids as TorchSharp's <c>cross_entropy</c> does. Contiguous tensors are read, and
/// the gradient written, in place without a copy; a non-contiguous tensor is copied to a contiguous one first.
/// Another device or dtype throws an <see cref="ArgumentException"/> naming the argument.
/// </para>
/// <para>
/// <b>Gradients.</b> Only <c>yPred</c> receives a gradient; <c>yTrue</c> and <c>sampleWeight</c> are treated as
/// constants (their gradient is left undefined). For a reduced loss, the forward pass computes the value and the
/// gradient together (<see cref="SharpLoss.Loss.ValueAndGradientInto(LossInput{float}, LossInput{float}, Span{float}, LossInput{float}, LossInput{bool})"/>)
/// when <c>yPred</c> requires a gradient and grad mode is on, and backward scales it by the upstream gradient; with
/// <see cref="Reduction.None"/>, backward runs <see cref="SharpLoss.Loss.BackwardInto(LossInput{float}, LossInput{float}, LossInput{float}, Span{float}, LossInput{float}, LossInput{bool})"/>
/// with the upstream tensor. Higher-order gradients are not available.
/// </para>
/// <para>
/// <b>Threads.</b> The module holds nothing but the immutable loss: concurrent <c>forward</c> calls are safe.
/// </para>
/// </remarks>
public sealed class TorchLoss : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>Wraps <paramref name="loss"/>; the module's name is the loss's <see cref="SharpLoss.Loss.Name"/>.</summary>
    /// <param name="loss">The SharpLoss loss to compute.</param>
    /// <exception cref="ArgumentNullException"><paramref name="loss"/> is null.</exception>
    public TorchLoss(Loss loss)
        : base((loss ?? throw new ArgumentNullException(nameof(loss))).Name)
    {
        Loss = loss;
    }

    /// <summary>The SharpLoss loss this module computes.</summary>
    public Loss Loss { get; }

    /// <summary>
    /// The loss of the prediction <paramref name="yPred"/> against the target <paramref name="yTrue"/> (torch order:
    /// prediction first), attached to the autograd graph when <paramref name="yPred"/> requires a gradient.
    /// </summary>
    /// <param name="yPred">The prediction (probabilities or logits, as the loss was configured): a <c>float32</c> or <c>float64</c> CPU tensor.</param>
    /// <param name="yTrue">The target: yPred's dtype, or <c>int64</c>/<c>int32</c> class ids for a <see cref="ClassIdLoss"/>.</param>
    /// <returns>A 0-dimensional tensor, or the per-sample losses for <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentNullException">A tensor is null.</exception>
    /// <exception cref="ArgumentException">A tensor is not on the CPU, has an unsupported dtype, or shapes do not match as the loss requires.</exception>
    public override Tensor forward(Tensor yPred, Tensor yTrue) => forward(yPred, yTrue, null);

    /// <summary>
    /// The loss of <paramref name="yPred"/> against <paramref name="yTrue"/> with Keras-style sample weights (torch
    /// order: prediction first).
    /// </summary>
    /// <param name="yPred">The prediction: a <c>float32</c> or <c>float64</c> CPU tensor.</param>
    /// <param name="yTrue">The target: yPred's dtype, or <c>int64</c>/<c>int32</c> class ids for a <see cref="ClassIdLoss"/>.</param>
    /// <param name="sampleWeight">
    /// Keras <c>sample_weight</c> (broadcast as the SharpLoss loss documents), of yPred's dtype, or null for none. Not
    /// torch's per-class <c>weight</c>.
    /// </param>
    /// <returns>A 0-dimensional tensor, or the per-sample losses for <see cref="Reduction.None"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="yPred"/> or <paramref name="yTrue"/> is null.</exception>
    /// <exception cref="ArgumentException">A tensor is not on the CPU, has an unsupported dtype, or shapes do not match as the loss requires.</exception>
    public Tensor forward(Tensor yPred, Tensor yTrue, Tensor? sampleWeight)
    {
        TensorMemory.CheckPrediction(yPred, nameof(yPred));
        TensorMemory.CheckTarget(yTrue, yPred, Loss, nameof(yTrue));
        if (sampleWeight is not null)
        {
            TensorMemory.CheckLike(sampleWeight, yPred, nameof(sampleWeight));
        }

        bool withGradient = torch.is_grad_enabled() && yPred.requires_grad;
        return LossFunction.apply(yPred, yTrue, sampleWeight!, new LossFunction.Invocation(Loss, withGradient));
    }
}
