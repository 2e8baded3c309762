using System.Numerics.Tensors;
using TorchSharp;
using static SharpLoss.TorchSharp.TensorMemory;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace SharpLoss.TorchSharp;

/// <summary>
/// The autograd node of <see cref="TorchLoss"/>. Arguments of <c>apply</c>: yPred, yTrue, sampleWeight (or null), and an
/// <see cref="Invocation"/> (not a tensor, so not an input of the graph).
/// </summary>
/// <remarks>
/// A reduced loss computes its value and gradient in one pass in forward, the gradient written straight into a new
/// tensor that is saved for backward, which scales it by the upstream (scalar) gradient. With
/// <see cref="Reduction.None"/>, forward computes the per-sample losses and saves the inputs; backward hands the upstream
/// tensor to SharpLoss's Backward. Only yPred gets a gradient.
/// </remarks>
internal sealed class LossFunction : autograd.SingleTensorFunction<LossFunction>
{
    /// <summary>The loss, and whether forward must prepare a gradient (yPred requires one and grad mode is on).</summary>
    internal sealed record Invocation(Loss Loss, bool WithGradient);

    public override string Name => "SharpLossBackward";

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var call = (Invocation)vars[3];
        Tensor yPred = Contiguous((Tensor)vars[0]);
        Tensor yTrue = Contiguous((Tensor)vars[1]);
        Tensor? sampleWeight = vars[2] is Tensor w ? Contiguous(w) : null;
        bool isFloat = yPred.dtype == ScalarType.Float32;
        ctx.save_data(nameof(Invocation), call);

        if (call.Loss.Reduction == Reduction.None)
        {
            if (call.WithGradient)
            {
                ctx.save_for_backward([yPred, yTrue, sampleWeight!]);
            }

            return PerSample(call.Loss, yTrue, yPred, sampleWeight, isFloat);
        }

        Tensor? gradient = call.WithGradient ? empty_like(yPred) : null;
        Tensor value = isFloat
            ? tensor(ValueFloat(call.Loss, yTrue, yPred, sampleWeight, gradient))
            : tensor(ValueDouble(call.Loss, yTrue, yPred, sampleWeight, gradient));
        if (gradient is not null)
        {
            ctx.save_for_backward([gradient]);
        }

        return value;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        var call = (Invocation)ctx.get_data(nameof(Invocation));
        if (!call.WithGradient)
        {
            // The node exists because yTrue or sampleWeight requires a gradient; none flows to them.
            return [null!, null!, null!, null!];
        }

        List<Tensor> saved = ctx.get_saved_variables();
        if (call.Loss.Reduction != Reduction.None)
        {
            return [saved[0].mul(grad_output), null!, null!, null!];
        }

        Tensor yPred = saved[0], yTrue = saved[1];
        Tensor? sampleWeight = saved[2];
        Tensor upstream = Contiguous(grad_output);
        Tensor gradient = empty_like(yPred);
        if (yPred.dtype == ScalarType.Float32)
        {
            BackwardFloat(call.Loss, yTrue, yPred, upstream, sampleWeight, gradient);
        }
        else
        {
            BackwardDouble(call.Loss, yTrue, yPred, upstream, sampleWeight, gradient);
        }

        return [gradient, null!, null!, null!];
    }

    private static Tensor PerSample(Loss loss, Tensor yTrue, Tensor yPred, Tensor? sampleWeight, bool isFloat)
    {
        if (isFloat)
        {
            Tensor<float> losses = CallFloat(loss, yTrue, yPred, sampleWeight);
            Tensor result = empty(Shape(losses.Lengths), ScalarType.Float32);
            losses.FlattenTo(Write<float>(result));
            return result;
        }
        else
        {
            Tensor<double> losses = CallDouble(loss, yTrue, yPred, sampleWeight);
            Tensor result = empty(Shape(losses.Lengths), ScalarType.Float64);
            losses.FlattenTo(Write<double>(result));
            return result;
        }
    }

    // float32: one method per SharpLoss entry point, with float targets or int64/int32 class ids.

    private static float ValueFloat(Loss loss, Tensor yTrue, Tensor yPred, Tensor? sampleWeight, Tensor? gradient)
    {
        var p = new LossInput<float>(Read<float>(yPred), Shape(yPred));
        LossInput<float> sw = sampleWeight is null ? default : new(Read<float>(sampleWeight), Shape(sampleWeight));
        if (loss is ClassIdLoss ids)
        {
            if (yTrue.dtype == ScalarType.Int64)
            {
                var y = new LossInput<long>(Read<long>(yTrue), Shape(yTrue));
                return gradient is null ? ids.Compute(y, p, sw) : ids.ValueAndGradientInto(y, p, Write<float>(gradient), sw);
            }
            else
            {
                var y = new LossInput<int>(Read<int>(yTrue), Shape(yTrue));
                return gradient is null ? ids.Compute(y, p, sw) : ids.ValueAndGradientInto(y, p, Write<float>(gradient), sw);
            }
        }

        var t = new LossInput<float>(Read<float>(yTrue), Shape(yTrue));
        return gradient is null ? loss.Compute(t, p, sw) : loss.ValueAndGradientInto(t, p, Write<float>(gradient), sw);
    }

    private static Tensor<float> CallFloat(Loss loss, Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        var p = new LossInput<float>(Read<float>(yPred), Shape(yPred));
        LossInput<float> sw = sampleWeight is null ? default : new(Read<float>(sampleWeight), Shape(sampleWeight));
        if (loss is ClassIdLoss ids)
        {
            return yTrue.dtype == ScalarType.Int64
                ? ids.Call(new LossInput<long>(Read<long>(yTrue), Shape(yTrue)), p, sw)
                : ids.Call(new LossInput<int>(Read<int>(yTrue), Shape(yTrue)), p, sw);
        }

        return loss.Call(new LossInput<float>(Read<float>(yTrue), Shape(yTrue)), p, sw);
    }

    private static void BackwardFloat(Loss loss, Tensor yTrue, Tensor yPred, Tensor upstream, Tensor? sampleWeight, Tensor gradient)
    {
        var p = new LossInput<float>(Read<float>(yPred), Shape(yPred));
        var up = new LossInput<float>(Read<float>(upstream), Shape(upstream));
        LossInput<float> sw = sampleWeight is null ? default : new(Read<float>(sampleWeight), Shape(sampleWeight));
        if (loss is ClassIdLoss ids)
        {
            Tensor<float> g = yTrue.dtype == ScalarType.Int64
                ? ids.Backward(new LossInput<long>(Read<long>(yTrue), Shape(yTrue)), p, up, sw)
                : ids.Backward(new LossInput<int>(Read<int>(yTrue), Shape(yTrue)), p, up, sw);
            g.FlattenTo(Write<float>(gradient));
            return;
        }

        loss.BackwardInto(new LossInput<float>(Read<float>(yTrue), Shape(yTrue)), p, up, Write<float>(gradient), sw);
    }

    // float64: the same, in double.

    private static double ValueDouble(Loss loss, Tensor yTrue, Tensor yPred, Tensor? sampleWeight, Tensor? gradient)
    {
        var p = new LossInput<double>(Read<double>(yPred), Shape(yPred));
        LossInput<double> sw = sampleWeight is null ? default : new(Read<double>(sampleWeight), Shape(sampleWeight));
        if (loss is ClassIdLoss ids)
        {
            if (yTrue.dtype == ScalarType.Int64)
            {
                var y = new LossInput<long>(Read<long>(yTrue), Shape(yTrue));
                return gradient is null ? ids.Compute(y, p, sw) : ids.ValueAndGradientInto(y, p, Write<double>(gradient), sw);
            }
            else
            {
                var y = new LossInput<int>(Read<int>(yTrue), Shape(yTrue));
                return gradient is null ? ids.Compute(y, p, sw) : ids.ValueAndGradientInto(y, p, Write<double>(gradient), sw);
            }
        }

        var t = new LossInput<double>(Read<double>(yTrue), Shape(yTrue));
        return gradient is null ? loss.Compute(t, p, sw) : loss.ValueAndGradientInto(t, p, Write<double>(gradient), sw);
    }

    private static Tensor<double> CallDouble(Loss loss, Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        var p = new LossInput<double>(Read<double>(yPred), Shape(yPred));
        LossInput<double> sw = sampleWeight is null ? default : new(Read<double>(sampleWeight), Shape(sampleWeight));
        if (loss is ClassIdLoss ids)
        {
            return yTrue.dtype == ScalarType.Int64
                ? ids.Call(new LossInput<long>(Read<long>(yTrue), Shape(yTrue)), p, sw)
                : ids.Call(new LossInput<int>(Read<int>(yTrue), Shape(yTrue)), p, sw);
        }

        return loss.Call(new LossInput<double>(Read<double>(yTrue), Shape(yTrue)), p, sw);
    }

    private static void BackwardDouble(Loss loss, Tensor yTrue, Tensor yPred, Tensor upstream, Tensor? sampleWeight, Tensor gradient)
    {
        var p = new LossInput<double>(Read<double>(yPred), Shape(yPred));
        var up = new LossInput<double>(Read<double>(upstream), Shape(upstream));
        LossInput<double> sw = sampleWeight is null ? default : new(Read<double>(sampleWeight), Shape(sampleWeight));
        if (loss is ClassIdLoss ids)
        {
            Tensor<double> g = yTrue.dtype == ScalarType.Int64
                ? ids.Backward(new LossInput<long>(Read<long>(yTrue), Shape(yTrue)), p, up, sw)
                : ids.Backward(new LossInput<int>(Read<int>(yTrue), Shape(yTrue)), p, up, sw);
            g.FlattenTo(Write<double>(gradient));
            return;
        }

        loss.BackwardInto(new LossInput<double>(Read<double>(yTrue), Shape(yTrue)), p, up, Write<double>(gradient), sw);
    }
}
