using SharpLoss.Internals;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>
/// What the dense cross-entropies share: <see cref="FromLogits"/>, <see cref="LabelSmoothing"/> and <see cref="Axis"/>,
/// validated once and written to the config as Keras's <c>from_logits</c>, <c>label_smoothing</c>, <c>axis</c>.
/// </summary>
public abstract class CrossentropyLoss : Loss
{
    private protected CrossentropyLoss(bool fromLogits, double labelSmoothing, int axis, Reduction? reduction, string? name, LossSemantics semantics, string defaultName)
        : base(name, reduction, semantics, defaultName)
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

    /// <summary>The config keys of the dense cross-entropies, in Keras's order.</summary>
    internal static readonly string[] ConfigKeys = ["name", "reduction", "from_logits", "label_smoothing", "axis"];

    /// <summary>Reads the shared keys and builds a loss with them.</summary>
    internal static TLoss Read<TLoss>(ConfigReader r, Func<bool, double, int, Reduction?, string?, LossSemantics, TLoss> create)
        where TLoss : CrossentropyLoss
    {
        TLoss loss = create(r.Bool("from_logits", false), r.Double("label_smoothing", 0), r.Int("axis", -1), r.Reduction(), r.Name(), r.Semantics);
        r.Done(ConfigKeys);
        return loss;
    }

    private protected override void WriteConfig(ConfigWriter writer)
    {
        writer.Add("from_logits", FromLogits);
        writer.Add("label_smoothing", LabelSmoothing);
        writer.Add("axis", Axis);
    }
}
