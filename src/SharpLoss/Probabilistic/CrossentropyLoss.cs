using SharpLoss.Internals;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>
/// What the dense cross-entropies share: <see cref="FromLogits"/>, <see cref="LabelSmoothing"/> and <see cref="Axis"/>
/// (Keras's <c>from_logits</c>, <c>label_smoothing</c>, <c>axis</c>), validated once.
/// </summary>
public abstract class CrossentropyLoss : Loss
{
    private protected CrossentropyLoss(bool fromLogits, double labelSmoothing, int axis, Reduction? reduction, string? name, LossSemantics semantics)
        : base(name, reduction, semantics)
    {
        FromLogits = fromLogits;
        LabelSmoothing = Throw.LabelSmoothing(labelSmoothing);
        Axis = axis;
    }

    /// <summary>Whether <c>yPred</c> holds logits instead of probabilities.</summary>
    public bool FromLogits { get; }

    /// <summary>The label smoothing factor, in [0, 1].</summary>
    public double LabelSmoothing { get; }

    /// <summary>The axis the loss reduces over (the class axis for categorical losses).</summary>
    public int Axis { get; }
}
