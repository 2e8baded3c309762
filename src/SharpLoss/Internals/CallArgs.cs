using System.Numerics;

namespace SharpLoss.Internals;

/// <summary>How y_true was given.</summary>
internal enum LabelKind
{
    Values,
    Int32,
    Int64,
}

/// <summary>What a call computes.</summary>
internal enum CallMode
{
    /// <summary>The reduced value.</summary>
    Value,

    /// <summary>The reduced value and its gradient.</summary>
    ValueAndGradient,

    /// <summary>The Keras <c>__call__</c> result as a tensor.</summary>
    Tensor,

    /// <summary>A vector-Jacobian product with an upstream gradient.</summary>
    Backward,
}

/// <summary>The arguments of one loss call, gathered so the pipeline has one signature.</summary>
internal ref struct CallArgs<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public LossInput<T> YTrue;
    public LossInput<int> YTrue32;
    public LossInput<long> YTrue64;
    public LabelKind LabelKind;
    public LossInput<T> YPred;
    public LossInput<T> SampleWeight;
    public LossInput<bool> Mask;
    public LossInput<T> Upstream;
    public Span<T> Gradient;
    public CallMode Mode;

    /// <summary>False for the Keras function forms, which skip the wrapper's rank alignment.</summary>
    public bool Wrapper;

    /// <summary>The caller's names of the arguments, for messages (<c>labels</c>/<c>logits</c>/<c>weights</c> in the facades).</summary>
    public string? YTrueName;
    public string? YPredName;
    public string? WeightName;

    public readonly string TrueArg => YTrueName ?? "yTrue";

    public readonly string PredArg => YPredName ?? "yPred";

    public readonly string WeightArg => WeightName ?? "sampleWeight";
}
