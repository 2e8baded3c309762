using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Internals;

namespace SharpLoss;

/// <summary>
/// A loss whose <c>yTrue</c> holds class ids, one per sample or a label sequence per sample (CTC) (SparseCategoricalCrossentropy, its focal variant,
/// CategoricalGeneralizedCrossEntropy): every entry point of <see cref="Loss"/> also takes the ids as <see cref="int"/> or
/// <see cref="long"/>, which never pass through a float (floating-point ids are truncated toward zero, as TensorFlow casts
/// them). Ids outside [0, K), other than an ignored class, throw <see cref="ArgumentOutOfRangeException"/>.
/// </summary>
public abstract class ClassIdLoss : Loss
{
    private protected ClassIdLoss(string? name, Reduction? reduction, LossSemantics semantics)
        : base(name, reduction, semantics)
    {
    }

    private protected override bool IsSparse => true;

    // Class-id overloads: the same API with integer y_true.

    /// <inheritdoc cref="Loss.Compute(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    public float Compute(LossInput<int> yTrue, LossInput<float> yPred, LossInput<float> sampleWeight = default, LossInput<bool> mask = default)
    {
        var a = Sparse(yTrue, default, LabelKind.Int32, yPred, sampleWeight, mask, CallMode.Value);
        return Run(ref a, out _);
    }

    /// <inheritdoc cref="Loss.Compute(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    public float Compute(LossInput<long> yTrue, LossInput<float> yPred, LossInput<float> sampleWeight = default, LossInput<bool> mask = default)
    {
        var a = Sparse(default, yTrue, LabelKind.Int64, yPred, sampleWeight, mask, CallMode.Value);
        return Run(ref a, out _);
    }

    /// <inheritdoc cref="Loss.Compute(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    public double Compute(LossInput<int> yTrue, LossInput<double> yPred, LossInput<double> sampleWeight = default, LossInput<bool> mask = default)
    {
        var a = Sparse(yTrue, default, LabelKind.Int32, yPred, sampleWeight, mask, CallMode.Value);
        return Run(ref a, out _);
    }

    /// <inheritdoc cref="Loss.Compute(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    public double Compute(LossInput<long> yTrue, LossInput<double> yPred, LossInput<double> sampleWeight = default, LossInput<bool> mask = default)
    {
        var a = Sparse(default, yTrue, LabelKind.Int64, yPred, sampleWeight, mask, CallMode.Value);
        return Run(ref a, out _);
    }

    /// <inheritdoc cref="Loss.Call(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    public Tensor<float> Call(LossInput<int> yTrue, LossInput<float> yPred, LossInput<float> sampleWeight = default, LossInput<bool> mask = default)
    {
        var a = Sparse(yTrue, default, LabelKind.Int32, yPred, sampleWeight, mask, CallMode.Tensor);
        Run(ref a, out Tensor<float>? t);
        return t!;
    }

    /// <inheritdoc cref="Loss.Call(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    public Tensor<float> Call(LossInput<long> yTrue, LossInput<float> yPred, LossInput<float> sampleWeight = default, LossInput<bool> mask = default)
    {
        var a = Sparse(default, yTrue, LabelKind.Int64, yPred, sampleWeight, mask, CallMode.Tensor);
        Run(ref a, out Tensor<float>? t);
        return t!;
    }

    /// <inheritdoc cref="Loss.Call(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    public Tensor<double> Call(LossInput<int> yTrue, LossInput<double> yPred, LossInput<double> sampleWeight = default, LossInput<bool> mask = default)
    {
        var a = Sparse(yTrue, default, LabelKind.Int32, yPred, sampleWeight, mask, CallMode.Tensor);
        Run(ref a, out Tensor<double>? t);
        return t!;
    }

    /// <inheritdoc cref="Loss.Call(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    public Tensor<double> Call(LossInput<long> yTrue, LossInput<double> yPred, LossInput<double> sampleWeight = default, LossInput<bool> mask = default)
    {
        var a = Sparse(default, yTrue, LabelKind.Int64, yPred, sampleWeight, mask, CallMode.Tensor);
        Run(ref a, out Tensor<double>? t);
        return t!;
    }

    /// <inheritdoc cref="Loss.ValueAndGradient(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    public (float Value, Tensor<float> Gradient) ValueAndGradient(LossInput<int> yTrue, LossInput<float> yPred, LossInput<float> sampleWeight = default, LossInput<bool> mask = default)
    {
        var grad = new float[yPred.Kind == InputKind.Tensor ? yPred.Data.Length : 0];
        float v = ValueAndGradientInto(yTrue, yPred, grad, sampleWeight, mask);
        return (v, Tensor.Create(grad, yPred.Shape.TensorLengths()));
    }

    /// <inheritdoc cref="Loss.ValueAndGradient(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    public (float Value, Tensor<float> Gradient) ValueAndGradient(LossInput<long> yTrue, LossInput<float> yPred, LossInput<float> sampleWeight = default, LossInput<bool> mask = default)
    {
        var grad = new float[yPred.Kind == InputKind.Tensor ? yPred.Data.Length : 0];
        float v = ValueAndGradientInto(yTrue, yPred, grad, sampleWeight, mask);
        return (v, Tensor.Create(grad, yPred.Shape.TensorLengths()));
    }

    /// <inheritdoc cref="Loss.ValueAndGradient(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    public (double Value, Tensor<double> Gradient) ValueAndGradient(LossInput<int> yTrue, LossInput<double> yPred, LossInput<double> sampleWeight = default, LossInput<bool> mask = default)
    {
        var grad = new double[yPred.Kind == InputKind.Tensor ? yPred.Data.Length : 0];
        double v = ValueAndGradientInto(yTrue, yPred, grad, sampleWeight, mask);
        return (v, Tensor.Create(grad, yPred.Shape.TensorLengths()));
    }

    /// <inheritdoc cref="Loss.ValueAndGradient(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    public (double Value, Tensor<double> Gradient) ValueAndGradient(LossInput<long> yTrue, LossInput<double> yPred, LossInput<double> sampleWeight = default, LossInput<bool> mask = default)
    {
        var grad = new double[yPred.Kind == InputKind.Tensor ? yPred.Data.Length : 0];
        double v = ValueAndGradientInto(yTrue, yPred, grad, sampleWeight, mask);
        return (v, Tensor.Create(grad, yPred.Shape.TensorLengths()));
    }

    /// <inheritdoc cref="Loss.ValueAndGradientInto(LossInput{float}, LossInput{float}, Span{float}, LossInput{float}, LossInput{bool})"/>
    public float ValueAndGradientInto(LossInput<int> yTrue, LossInput<float> yPred, Span<float> gradient, LossInput<float> sampleWeight = default, LossInput<bool> mask = default)
    {
        var a = Sparse(yTrue, default, LabelKind.Int32, yPred, sampleWeight, mask, CallMode.ValueAndGradient);
        a.Gradient = gradient;
        return Run(ref a, out _);
    }

    /// <inheritdoc cref="Loss.ValueAndGradientInto(LossInput{float}, LossInput{float}, Span{float}, LossInput{float}, LossInput{bool})"/>
    public float ValueAndGradientInto(LossInput<long> yTrue, LossInput<float> yPred, Span<float> gradient, LossInput<float> sampleWeight = default, LossInput<bool> mask = default)
    {
        var a = Sparse(default, yTrue, LabelKind.Int64, yPred, sampleWeight, mask, CallMode.ValueAndGradient);
        a.Gradient = gradient;
        return Run(ref a, out _);
    }

    /// <inheritdoc cref="Loss.ValueAndGradientInto(LossInput{float}, LossInput{float}, Span{float}, LossInput{float}, LossInput{bool})"/>
    public double ValueAndGradientInto(LossInput<int> yTrue, LossInput<double> yPred, Span<double> gradient, LossInput<double> sampleWeight = default, LossInput<bool> mask = default)
    {
        var a = Sparse(yTrue, default, LabelKind.Int32, yPred, sampleWeight, mask, CallMode.ValueAndGradient);
        a.Gradient = gradient;
        return Run(ref a, out _);
    }

    /// <inheritdoc cref="Loss.ValueAndGradientInto(LossInput{float}, LossInput{float}, Span{float}, LossInput{float}, LossInput{bool})"/>
    public double ValueAndGradientInto(LossInput<long> yTrue, LossInput<double> yPred, Span<double> gradient, LossInput<double> sampleWeight = default, LossInput<bool> mask = default)
    {
        var a = Sparse(default, yTrue, LabelKind.Int64, yPred, sampleWeight, mask, CallMode.ValueAndGradient);
        a.Gradient = gradient;
        return Run(ref a, out _);
    }

    /// <inheritdoc cref="Loss.Backward(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    public Tensor<float> Backward(LossInput<int> yTrue, LossInput<float> yPred, LossInput<float> upstream, LossInput<float> sampleWeight = default, LossInput<bool> mask = default)
    {
        var grad = new float[yPred.Kind == InputKind.Tensor ? yPred.Data.Length : 0];
        var a = Sparse(yTrue, default, LabelKind.Int32, yPred, sampleWeight, mask, CallMode.Backward);
        a.Upstream = upstream;
        a.Gradient = grad;
        Run(ref a, out _);
        return Tensor.Create(grad, yPred.Shape.TensorLengths());
    }

    /// <inheritdoc cref="Loss.Backward(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    public Tensor<double> Backward(LossInput<int> yTrue, LossInput<double> yPred, LossInput<double> upstream, LossInput<double> sampleWeight = default, LossInput<bool> mask = default)
    {
        var grad = new double[yPred.Kind == InputKind.Tensor ? yPred.Data.Length : 0];
        var a = Sparse(yTrue, default, LabelKind.Int32, yPred, sampleWeight, mask, CallMode.Backward);
        a.Upstream = upstream;
        a.Gradient = grad;
        Run(ref a, out _);
        return Tensor.Create(grad, yPred.Shape.TensorLengths());
    }

    /// <inheritdoc cref="Loss.Backward(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    public Tensor<float> Backward(LossInput<long> yTrue, LossInput<float> yPred, LossInput<float> upstream, LossInput<float> sampleWeight = default, LossInput<bool> mask = default)
    {
        var grad = new float[yPred.Kind == InputKind.Tensor ? yPred.Data.Length : 0];
        var a = Sparse(default, yTrue, LabelKind.Int64, yPred, sampleWeight, mask, CallMode.Backward);
        a.Upstream = upstream;
        a.Gradient = grad;
        Run(ref a, out _);
        return Tensor.Create(grad, yPred.Shape.TensorLengths());
    }

    /// <inheritdoc cref="Loss.Backward(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    public Tensor<double> Backward(LossInput<long> yTrue, LossInput<double> yPred, LossInput<double> upstream, LossInput<double> sampleWeight = default, LossInput<bool> mask = default)
    {
        var grad = new double[yPred.Kind == InputKind.Tensor ? yPred.Data.Length : 0];
        var a = Sparse(default, yTrue, LabelKind.Int64, yPred, sampleWeight, mask, CallMode.Backward);
        a.Upstream = upstream;
        a.Gradient = grad;
        Run(ref a, out _);
        return Tensor.Create(grad, yPred.Shape.TensorLengths());
    }

    internal static CallArgs<T> Sparse<T>(LossInput<int> y32, LossInput<long> y64, LabelKind kind, LossInput<T> yPred, LossInput<T> sampleWeight, LossInput<bool> mask, CallMode mode)
        where T : unmanaged, IFloatingPointIeee754<T> => new()
        {
            YTrue32 = y32,
            YTrue64 = y64,
            LabelKind = kind,
            YPred = yPred,
            SampleWeight = sampleWeight,
            Mask = mask,
            Mode = mode,
            Wrapper = true,
        };
}
