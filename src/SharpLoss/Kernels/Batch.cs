using System.Numerics;

namespace SharpLoss.Kernels;

/// <summary>
/// One kernel pass: inputs laid out as [Outer, D, Inner] around the reduced (or class) axis, the per-sample
/// weights, and the outputs wanted. Samples are indexed s = o·Inner + i; there are Outer·Inner of them.
/// </summary>
internal ref struct Batch<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Dense labels with the layout of <see cref="P"/> (empty for sparse losses).</summary>
    public ReadOnlySpan<T> Y;

    /// <summary>Sparse class ids, one per sample, already validated (or the ignore class).</summary>
    public ReadOnlySpan<long> Labels;

    /// <summary>Predictions (probabilities or logits).</summary>
    public ReadOnlySpan<T> P;

    public int Outer;
    public int D;
    public int Inner;

    /// <summary>y_pred's last dimension (<see cref="Internals.Layout.Last"/>).</summary>
    public int Last;

    /// <summary>When true every sample has weight <see cref="Weight"/>; otherwise <see cref="Weights"/>[s].</summary>
    public bool UniformWeight;
    public T Weight;
    public ReadOnlySpan<T> Weights;

    /// <summary>The gradient of sample s is scaled by W_s · GradScale.</summary>
    public T GradScale;

    /// <summary>Per-sample loss output (Outer·Inner entries), or empty when not wanted.</summary>
    public Span<T> PerSample;

    /// <summary>Gradient output with the layout of <see cref="P"/>, or empty when not wanted.</summary>
    public Span<T> Grad;

    /// <summary>Whether the Vector256 paths may be used.</summary>
    public bool Vectorize;

    /// <summary>The most cores a pass may use (≤ 0: all).</summary>
    public int MaxDegreeOfParallelism;

    public readonly int Samples => Outer * Inner;

    public readonly T WeightOf(int s) => UniformWeight ? Weight : Weights[s];
}
