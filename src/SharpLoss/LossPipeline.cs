using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Internals;
using SharpLoss.Kernels;

namespace SharpLoss;

/// <content>The template pipeline shared by every loss: shapes → labels and masks → weights → one kernel pass.</content>
public abstract partial class Loss
{
    /// <summary>Validates the shapes (already rank-aligned) and returns the kernel layout.</summary>
    private protected abstract Layout PlanShapes(Shape yTrue, Shape yPred);

    /// <summary>Runs the loss's kernel over a batch; returns Σ_s W_s · L_s.</summary>
    private protected abstract double Execute<T>(scoped ref Batch<T> batch)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>True for losses whose y_true holds class ids.</summary>
    private protected virtual bool IsSparse => false;

    /// <summary>The class id whose entries are masked out (sparse losses only).</summary>
    private protected virtual long? IgnoreClassId => null;

    /// <summary>True when the Keras 3 function form aligns ranks itself (the regression losses do).</summary>
    private protected virtual bool FunctionAlignsRanks => false;

    /// <summary>When set, the loss reduces as a <c>tf.compat.v1.losses</c> function with this reduction.</summary>
    internal ReduceKind? CompatV1Kind { get; init; }

    /// <summary>Adjusts the inputs before anything is checked (the TensorFlow functions' own squeezes).</summary>
    private protected virtual void PrepareInputs<T>(scoped ref CallArgs<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
    }

    /// <summary>True for a loss whose value depends on its weights beyond the weighting (compat.v1
    /// mean_pairwise_squared_error): <see cref="RunItself"/> then computes the whole call.</summary>
    private protected virtual bool RunsItself => false;

    /// <summary>The whole call for a loss whose <see cref="RunsItself"/> is true.</summary>
    private protected virtual T RunItself<T>(scoped ref CallArgs<T> a, out Tensor<T>? tensor)
        where T : unmanaged, IFloatingPointIeee754<T> => throw new NotSupportedException();

    /// <summary>Another loss's <see cref="PlanShapes"/> (a TensorFlow function object runs its op's kernel).</summary>
    internal Layout PlanShapesOf(Shape yTrue, Shape yPred) => PlanShapes(yTrue, yPred);

    /// <summary>Another loss's <see cref="Execute"/>.</summary>
    internal double ExecuteOf<T>(scoped ref Batch<T> batch)
        where T : unmanaged, IFloatingPointIeee754<T> => Execute(ref batch);

    /// <summary>Another loss's <see cref="IsSparse"/>.</summary>
    internal bool IsSparseOf => IsSparse;

    private protected WeightRule Rule => CompatV1Kind is not null ? WeightRule.CompatV1
        : Semantics == LossSemantics.TfKeras2 ? WeightRule.TfKeras2 : WeightRule.Keras3;

    private protected ReduceKind Kind => CompatV1Kind ?? Reduction switch
    {
        Reduction.None => ReduceKind.None,
        Reduction.Sum => ReduceKind.Sum,
        Reduction.MeanWithSampleWeight => ReduceKind.MeanWithSampleWeight,
        _ => ReduceKind.MeanOverElements,
    };

    internal T Run<T>(scoped ref CallArgs<T> a, out Tensor<T>? tensor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        tensor = null;
        PrepareInputs(ref a);
        if (RunsItself)
        {
            return RunItself(ref a, out tensor);
        }

        Shape yShape = CheckLabels(a);
        Shape labelShape = yShape;
        Throw.IfUnusable(a.YPred, a.PredArg);
        Throw.IfUnusableOptional(a.SampleWeight, a.WeightArg);
        Throw.IfUnusableOptional(a.Mask, "mask");
        if (a.Mask.IsScalar)
        {
            Throw.Argument("mask", "Expected `mask` to be an array or tensor. Received: a scalar.");
        }

        if (Kind == ReduceKind.None && a.Mode is CallMode.Value or CallMode.ValueAndGradient)
        {
            throw new InvalidOperationException(
                $"Loss '{Name}' has reduction 'none': its result is a tensor, not a number. Use Call for the values and Backward for their vector-Jacobian product.");
        }

        Shape pShape = a.YPred.Shape;
        if (a.Wrapper || (FunctionAlignsRanks && Semantics == LossSemantics.Keras3))
        {
            if (Semantics == LossSemantics.Keras3)
            {
                ShapeRules.Keras3SqueezeOrExpand(ref yShape, ref pShape);
            }
            else
            {
                ShapeRules.TfKeras2SqueezeLabels(ref yShape, ref pShape);
            }
        }

        Layout layout;
        try
        {
            layout = PlanShapes(yShape, pShape);
        }
        catch (ArgumentException e) when (a.YTrueName is not null && e.ParamName is "yTrue" or "yPred")
        {
            throw Renamed(e, a.TrueArg, a.PredArg);
        }
        if (layout.Inner != 1)
        {
            ChunkRecorder.Current?.Refuse("the loss reduces an axis other than the last one");
        }

        int pCount = a.YPred.Data.Length;
        bool wantGrad = a.Mode is CallMode.ValueAndGradient or CallMode.Backward;
        if (wantGrad && a.Gradient.Length != pCount)
        {
            Throw.Argument("gradient", $"Expected a gradient buffer of {pCount} elements (the size of `{a.PredArg}`, shape {a.YPred.Shape}). Received: {a.Gradient.Length} elements.");
        }

        int samples = checked((int)layout.LossShape.Count);
        long[]? labelBuffer = null;
        bool[]? maskBuffer = null;
        T[]? yBuffer = null;
        T[]? coefBuffer = null;
        try
        {
            // Labels and the loss's own mask (ignore_class).
            ReadOnlySpan<long> labels = default;
            ReadOnlySpan<T> y = default;
            bool hasMask = false;
            ReadOnlySpan<bool> mask = default;
            Shape maskShape = default;
            if (IsSparse)
            {
                // One class id per sample, or a sequence of them (CTC): every id of y_true is converted and checked.
                int labelCount = checked((int)labelShape.Count);
                labelBuffer = SparseLabels.Rent(labelCount);
                if (IgnoreClassId is not null)
                {
                    maskBuffer = ArrayPool<bool>.Shared.Rent(Math.Max(1, samples));
                    hasMask = true;
                    mask = maskBuffer.AsSpan(0, samples);
                    maskShape = layout.LossShape;
                }

                SparseLabels.Convert(a, labelShape, layout.D, IgnoreClassId, labelBuffer.AsSpan(0, labelCount), hasMask ? maskBuffer.AsSpan(0, samples) : default);
                labels = labelBuffer.AsSpan(0, labelCount);
            }
            else if (layout.BroadcastYTrue)
            {
                yBuffer = new T[pCount];
                int[] map = Broadcast.Map(pShape, yShape);
                for (int i = 0; i < pCount; i++)
                {
                    yBuffer[i] = a.YTrue.Data[map[i]];
                }

                y = yBuffer;
            }
            else
            {
                y = a.YTrue.Data;
            }

            // The caller's mask (Keras's y_pred._keras_mask), combined with the loss's own.
            if (!a.Mask.IsAbsent)
            {
                if (hasMask)
                {
                    if (a.Mask.Shape != maskShape)
                    {
                        Throw.Argument("mask", $"Expected `mask` of shape {maskShape} (the per-sample losses). Received: shape {a.Mask.Shape}.");
                    }

                    Span<bool> m = maskBuffer.AsSpan(0, samples);
                    for (int i = 0; i < samples; i++)
                    {
                        m[i] &= a.Mask.Data[i];
                    }
                }
                else
                {
                    hasMask = true;
                    mask = a.Mask.Data;
                    maskShape = a.Mask.Shape;
                }
            }

            if (MasksNonPositiveLosses)
            {
                maskBuffer = ValueMask(a.YPred.Data, y, labels, layout, samples, hasMask ? mask : default, hasMask ? maskShape : layout.LossShape, maskBuffer);
                hasMask = true;
                mask = maskBuffer.AsSpan(0, samples);
                maskShape = layout.LossShape;
            }

            using WeightPlan<T> plan = WeightPlan<T>.Build(layout.LossShape, a.SampleWeight, mask, maskShape, hasMask, Rule, Kind, a.WeightArg);
            var b = new Batch<T>
            {
                Y = y,
                Labels = labels,
                P = a.YPred.Data,
                Outer = layout.Outer,
                D = layout.D,
                Inner = layout.Inner,
                Last = layout.Last,
                UniformWeight = plan.UniformWeight,
                Weight = plan.Weight,
                Weights = plan.Weights,
                GradScale = T.CreateTruncating(plan.Scale),
                Vectorize = !KernelSwitch.ForceScalar,
                MaxDegreeOfParallelism = MaxDegreeOfParallelism,
            };

            if (plan.ValuesShape.Count == 0 && samples > 0)
            {
                // The weights broadcast the losses to an empty shape: no value reads a sample, so the value is Σ over
                // nothing and the gradient 0 (a sample's NaN, e.g. the mean over an empty axis, reaches no value).
                b.Outer = 0;
                b.P = default;
                b.Y = default;
                b.Labels = default;
                a.Gradient.Clear();
            }

            switch (a.Mode)
            {
                case CallMode.Value:
                    return plan.IsScalarValue ? ScalarValue(ref b, plan) : Finish<T>(ExecuteWeighted(ref b, plan, samples), plan);

                case CallMode.ValueAndGradient:
                    b.Grad = a.Gradient;
                    return plan.IsScalarValue ? ScalarValue(ref b, plan) : Finish<T>(ExecuteWeighted(ref b, plan, samples), plan);

                case CallMode.Tensor:
                    if (!plan.Unreduced || plan.IsScalarValue)
                    {
                        T value = plan.IsScalarValue ? ScalarValue(ref b, plan) : Finish<T>(ExecuteWeighted(ref b, plan, samples), plan);
                        tensor = Tensor.Create(new[] { value }, [1]);
                        return value;
                    }

                    var perSample = new T[samples];
                    b.PerSample = perSample;
                    Execute(ref b);
                    var values = new T[checked((int)plan.ValuesShape.Count)];
                    plan.WriteValues(perSample, values);
                    tensor = Tensor.Create(values, plan.ValuesShape.TensorLengths());
                    return values.Length == 1 ? values[0] : T.Zero;

                default:
                    b.Grad = a.Gradient;
                    if (a.Upstream.IsAbsent)
                    {
                        // No upstream: the gradient of the sum of the returned values.
                        b.GradScale = plan.Unreduced ? T.One : b.GradScale;
                        return Finish<T>(ExecuteWeighted(ref b, plan, samples), plan);
                    }

                    Throw.IfUnusable(a.Upstream, "upstream", allowScalar: true);
                    if (plan.Unreduced)
                    {
                        if (!(a.Upstream.IsScalar && plan.ValuesShape.Count <= 1) && a.Upstream.Shape != plan.ValuesShape
                            && !(plan.ValuesShape.Rank == 0 && a.Upstream.Data.Length == 1))
                        {
                            Throw.Argument("upstream", $"Expected `upstream` with the shape of the loss values {plan.ValuesShape}. Received: shape {(a.Upstream.IsScalar ? "()" : a.Upstream.Shape.ToString())}.");
                        }

                        coefBuffer = ArrayPool<T>.Shared.Rent(Math.Max(1, samples));
                        Span<T> coef = coefBuffer.AsSpan(0, samples);
                        if (a.Upstream.IsScalar)
                        {
                            plan.UpstreamCoefficients([a.Upstream.Scalar], coef);
                        }
                        else
                        {
                            plan.UpstreamCoefficients(a.Upstream.Data, coef);
                        }

                        b.UniformWeight = false;
                        b.Weights = coef;
                        b.GradScale = T.One;
                        Execute(ref b);
                        return T.Zero;
                    }

                    if (!a.Upstream.IsScalar && a.Upstream.Data.Length != 1)
                    {
                        Throw.Argument("upstream", $"Expected a scalar `upstream` for reduction '{ReductionName(Reduction)}'. Received: shape {a.Upstream.Shape}.");
                    }

                    T u = a.Upstream.IsScalar ? a.Upstream.Scalar : a.Upstream.Data[0];
                    b.GradScale *= u;
                    return Finish<T>(ExecuteWeighted(ref b, plan, samples), plan);
            }
        }
        finally
        {
            if (labelBuffer is not null)
            {
                SparseLabels.Return(labelBuffer);
            }

            if (maskBuffer is not null)
            {
                ArrayPool<bool>.Shared.Return(maskBuffer);
            }

            if (coefBuffer is not null)
            {
                ArrayPool<T>.Shared.Return(coefBuffer);
            }
        }
    }

    private static T Finish<T>(double weightedSum, scoped in WeightPlan<T> plan)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (plan.AllMaskedNaN)
        {
            return T.NaN;
        }

        if (plan.Unreduced)
        {
            // Keras 3 returns values of shape () unreduced (their single value) and (0,) as an empty tensor (0 here).
            return plan.ValuesShape.Count == 0 ? T.Zero : T.CreateTruncating(weightedSum);
        }

        // A division, not a multiplication by the reciprocal: a divisor below 1/double.MaxValue (a subnormal weight sum)
        // has no finite reciprocal.
        return plan.Divisor == 0 ? T.Zero : T.CreateTruncating(weightedSum / plan.Divisor);
    }

    /// <summary>
    /// Σ_s W_s · L_s from the kernel; when the weights broadcast the losses to more values and that sum is not finite, Σ
    /// over the values of l·w instead (an infinite loss read by a zero weight makes a NaN value, which W_s, a sum of
    /// weights, hides).
    /// </summary>
    private double ExecuteWeighted<T>(scoped ref Batch<T> b, scoped in WeightPlan<T> plan, int samples)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!plan.Broadcasts || !b.PerSample.IsEmpty)
        {
            return Execute(ref b);
        }

        T[] losses = ArrayPool<T>.Shared.Rent(Math.Max(1, samples));
        try
        {
            scoped Batch<T> withLoss = b;
            withLoss.PerSample = losses.AsSpan(0, samples);
            double sum = Execute(ref withLoss);
            return double.IsFinite(sum) ? sum : plan.ValuesSum(losses.AsSpan(0, samples));
        }
        finally
        {
            ArrayPool<T>.Shared.Return(losses);
        }
    }

    /// <summary>
    /// Keras 3's values of shape () (one sample with a scalar weight, or a scalar per-sample loss): the value is the
    /// sample's loss in T times its weight in T, exactly as <see cref="Call(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    /// returns it, so that every entry point gives the same bits.
    /// </summary>
    private T ScalarValue<T>(scoped ref Batch<T> b, scoped in WeightPlan<T> plan)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> single = stackalloc T[1];
        scoped Batch<T> withLoss = b;
        withLoss.PerSample = single;
        Execute(ref withLoss);
        Span<T> value = stackalloc T[1];
        plan.WriteValues(single, value);
        return value[0];
    }

    private static Shape CheckLabels<T>(scoped in CallArgs<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (a.LabelKind)
        {
            case LabelKind.Int32:
                Throw.IfUnusable(a.YTrue32, a.TrueArg);
                return a.YTrue32.Shape;
            case LabelKind.Int64:
                Throw.IfUnusable(a.YTrue64, a.TrueArg);
                return a.YTrue64.Shape;
            default:
                Throw.IfUnusable(a.YTrue, a.TrueArg);
                return a.YTrue.Shape;
        }
    }

    /// <summary>The same error in the words of a facade whose arguments are called, e.g., labels and logits.</summary>
    private static ArgumentException Renamed(ArgumentException e, string trueArg, string predArg)
    {
        string message = e.Message;
        int suffix = message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        if (suffix >= 0)
        {
            message = message[..suffix];
        }

        message = message.Replace("yTrue", trueArg, StringComparison.Ordinal).Replace("yPred", predArg, StringComparison.Ordinal);
        string name = e.ParamName == "yTrue" ? trueArg : predArg;
        return e is ArgumentOutOfRangeException r ? new ArgumentOutOfRangeException(name, r.ActualValue, message) : new ArgumentException(message, name, e);
    }

    /// <summary>Requires identical shapes (no broadcasting), with both shapes in the message.</summary>
    private protected static void RequireSameShape(in Shape yTrue, in Shape yPred, string lossName)
    {
        if (yTrue.Rank != yPred.Rank)
        {
            Throw.Argument("yTrue", $"Expected `yTrue` and `yPred` of the same rank for {lossName}. Received: yTrue.shape={yTrue}, yPred.shape={yPred}.");
        }

        if (yTrue != yPred)
        {
            Throw.Argument("yTrue", $"Expected `yTrue` and `yPred` of the same shape for {lossName}. Received: yTrue.shape={yTrue}, yPred.shape={yPred}.");
        }
    }

    /// <summary>Resolves an axis against a rank, throwing a clear error when it is out of range.</summary>
    private protected static int ResolveAxis(int axis, in Shape shape, string lossName)
    {
        int a = shape.ResolveAxis(axis);
        if (a < 0)
        {
            Throw.Argument("axis", $"Expected `axis` in [-{shape.Rank}, {shape.Rank}) for {lossName} on yPred of shape {shape}. Received: axis={axis}.");
        }

        return a;
    }
}
