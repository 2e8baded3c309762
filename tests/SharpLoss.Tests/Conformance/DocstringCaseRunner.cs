// Runs one keras-docstring-cases.json case through SharpLoss's public API, for float or double inputs.
// The mapping from the JSON fields to the API calls is the one of SPEC J plus the test brief:
//   * class cases: the Keras class built from ctor_args (Keras 3 spelling, reduction strings of A.3, "reduction": null =
//     Reduction.None, absent = the semantics' default: SumOverBatchSize under Keras 3, Auto under tf.keras 2), called
//     with sample_weight; Reduction.None → Call (a tensor), anything else → Compute (a number);
//   * "custom elementwise squared error" (keras loss_test.py, a custom Loss whose per-sample loss is (y - p)^2 per
//     element): MeanSquaredError on y_true/y_pred reshaped to (N, 1), so the mean over the last axis is the element itself,
//     with the case's mask passed as `mask` (Keras's y_pred._keras_mask);
//   * function forms, tf.nn and tf.compat.v1: the matching static method (v1 reduction strings of A.9);
//   * the Keras 3 `huber` and `log_cosh` function docstrings print 0.155 and 0.108, the means of the functions' per-sample
//     values ([0.18, 0.13] and [0.217, 0.0], the cases' own notes): their function-form results are averaged (in double,
//     rounded to the element type) before comparison.

using System.Numerics;
using System.Numerics.Tensors;

namespace SharpLoss.Tests.Conformance;

/// <summary>How class-id labels are handed to the sparse losses.</summary>
internal enum LabelVariant
{
    /// <summary>The loss takes floating-point labels only.</summary>
    Dense,

    /// <summary>Class ids as <see cref="int"/>.</summary>
    Int32,

    /// <summary>Class ids as <see cref="long"/>.</summary>
    Int64,

    /// <summary>Class ids as floating-point values of the input's precision (Keras casts labels to float first).</summary>
    Floating,
}

/// <summary>What SharpLoss returned: a number (shape ()) or a tensor of values.</summary>
/// <param name="Values">The values, row-major, widened to double (exact for float).</param>
/// <param name="Shape">The tensor's shape; empty for a reduced number returned by <c>Compute</c>.</param>
internal sealed record CaseResult(double[] Values, int[] Shape);

/// <summary>The precision-specific overloads of the public API, so that one generic runner serves float and double.</summary>
/// <typeparam name="T">float or double.</typeparam>
internal interface IPrecision<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract T Compute(Loss loss, LossInput<T> yTrue, LossInput<T> yPred, LossInput<T> sampleWeight, LossInput<bool> mask);

    static abstract T Compute(Loss loss, LossInput<int> yTrue, LossInput<T> yPred, LossInput<T> sampleWeight, LossInput<bool> mask);

    static abstract T Compute(Loss loss, LossInput<long> yTrue, LossInput<T> yPred, LossInput<T> sampleWeight, LossInput<bool> mask);

    static abstract Tensor<T> Call(Loss loss, LossInput<T> yTrue, LossInput<T> yPred, LossInput<T> sampleWeight, LossInput<bool> mask);

    static abstract Tensor<T> Call(Loss loss, LossInput<int> yTrue, LossInput<T> yPred, LossInput<T> sampleWeight, LossInput<bool> mask);

    static abstract Tensor<T> Call(Loss loss, LossInput<long> yTrue, LossInput<T> yPred, LossInput<T> sampleWeight, LossInput<bool> mask);

    static abstract T ValueAndGradient(Loss loss, LossInput<T> yTrue, LossInput<T> yPred, LossInput<T> sampleWeight, LossInput<bool> mask);

    static abstract T ValueAndGradient(Loss loss, LossInput<int> yTrue, LossInput<T> yPred, LossInput<T> sampleWeight, LossInput<bool> mask);

    static abstract T ValueAndGradient(Loss loss, LossInput<long> yTrue, LossInput<T> yPred, LossInput<T> sampleWeight, LossInput<bool> mask);

    static abstract Tensor<T> BinaryCrossentropyFunction(LossInput<T> yTrue, LossInput<T> yPred, bool fromLogits, double labelSmoothing, int axis, LossSemantics semantics);

    static abstract Tensor<T> HuberFunction(LossInput<T> yTrue, LossInput<T> yPred, double delta, LossSemantics semantics);

    static abstract Tensor<T> CosineSimilarityFunction(LossInput<T> yTrue, LossInput<T> yPred, int axis, LossSemantics semantics);
    static abstract Tensor<T> LogCoshFunction(LossInput<T> yTrue, LossInput<T> yPred, LossSemantics semantics);

    static abstract Tensor<T> BinaryFocalFunction(LossInput<T> yTrue, LossInput<T> yPred, bool applyClassBalancing, double alpha, double gamma, bool fromLogits, double labelSmoothing, int axis, LossSemantics semantics);

    static abstract Tensor<T> CategoricalFocalFunction(LossInput<T> yTrue, LossInput<T> yPred, double alpha, double gamma, bool fromLogits, double labelSmoothing, int axis, LossSemantics semantics);

    static abstract Tensor<T> SigmoidCrossEntropyWithLogits(LossInput<T> labels, LossInput<T> logits);

    static abstract Tensor<T> WeightedCrossEntropyWithLogits(LossInput<T> labels, LossInput<T> logits, LossInput<T> posWeight);

    static abstract Tensor<T> SoftmaxCrossEntropyWithLogits(LossInput<T> labels, LossInput<T> logits, int axis);

    static abstract Tensor<T> SparseSoftmaxCrossEntropyWithLogits(LossInput<int> labels, LossInput<T> logits);

    static abstract Tensor<T> SparseSoftmaxCrossEntropyWithLogits(LossInput<long> labels, LossInput<T> logits);

    static abstract Tensor<T> V1SoftmaxCrossEntropy(LossInput<T> onehotLabels, LossInput<T> logits, LossInput<T> weights, double labelSmoothing, CompatV1.Reduction reduction);

    static abstract Tensor<T> V1MeanSquaredError(LossInput<T> labels, LossInput<T> predictions, LossInput<T> weights, CompatV1.Reduction reduction);
}

/// <summary>The float overloads.</summary>
internal readonly struct Single32 : IPrecision<float>
{
    public static float Compute(Loss loss, LossInput<float> yTrue, LossInput<float> yPred, LossInput<float> sampleWeight, LossInput<bool> mask) => loss.Compute(yTrue, yPred, sampleWeight, mask);

    public static float Compute(Loss loss, LossInput<int> yTrue, LossInput<float> yPred, LossInput<float> sampleWeight, LossInput<bool> mask) => loss is CategoricalGeneralizedCrossEntropy g ? g.Compute(yTrue, yPred, sampleWeight, mask) : ((SparseCategoricalCrossentropy)loss).Compute(yTrue, yPred, sampleWeight, mask);

    public static float Compute(Loss loss, LossInput<long> yTrue, LossInput<float> yPred, LossInput<float> sampleWeight, LossInput<bool> mask) => loss is CategoricalGeneralizedCrossEntropy g ? g.Compute(yTrue, yPred, sampleWeight, mask) : ((SparseCategoricalCrossentropy)loss).Compute(yTrue, yPred, sampleWeight, mask);

    public static Tensor<float> Call(Loss loss, LossInput<float> yTrue, LossInput<float> yPred, LossInput<float> sampleWeight, LossInput<bool> mask) => loss.Call(yTrue, yPred, sampleWeight, mask);

    public static Tensor<float> Call(Loss loss, LossInput<int> yTrue, LossInput<float> yPred, LossInput<float> sampleWeight, LossInput<bool> mask) => loss is CategoricalGeneralizedCrossEntropy g ? g.Call(yTrue, yPred, sampleWeight, mask) : ((SparseCategoricalCrossentropy)loss).Call(yTrue, yPred, sampleWeight, mask);

    public static Tensor<float> Call(Loss loss, LossInput<long> yTrue, LossInput<float> yPred, LossInput<float> sampleWeight, LossInput<bool> mask) => loss is CategoricalGeneralizedCrossEntropy g ? g.Call(yTrue, yPred, sampleWeight, mask) : ((SparseCategoricalCrossentropy)loss).Call(yTrue, yPred, sampleWeight, mask);

    public static float ValueAndGradient(Loss loss, LossInput<float> yTrue, LossInput<float> yPred, LossInput<float> sampleWeight, LossInput<bool> mask) => loss.ValueAndGradient(yTrue, yPred, sampleWeight, mask).Value;

    public static float ValueAndGradient(Loss loss, LossInput<int> yTrue, LossInput<float> yPred, LossInput<float> sampleWeight, LossInput<bool> mask) => loss is CategoricalGeneralizedCrossEntropy g ? g.ValueAndGradient(yTrue, yPred, sampleWeight, mask).Value : ((SparseCategoricalCrossentropy)loss).ValueAndGradient(yTrue, yPred, sampleWeight, mask).Value;

    public static float ValueAndGradient(Loss loss, LossInput<long> yTrue, LossInput<float> yPred, LossInput<float> sampleWeight, LossInput<bool> mask) => loss is CategoricalGeneralizedCrossEntropy g ? g.ValueAndGradient(yTrue, yPred, sampleWeight, mask).Value : ((SparseCategoricalCrossentropy)loss).ValueAndGradient(yTrue, yPred, sampleWeight, mask).Value;

    public static Tensor<float> BinaryCrossentropyFunction(LossInput<float> yTrue, LossInput<float> yPred, bool fromLogits, double labelSmoothing, int axis, LossSemantics semantics) =>
        Losses.BinaryCrossentropy(yTrue, yPred, fromLogits, labelSmoothing, axis, semantics);

    public static Tensor<float> HuberFunction(LossInput<float> yTrue, LossInput<float> yPred, double delta, LossSemantics semantics) =>
        Losses.Huber(yTrue, yPred, delta, semantics);

    public static Tensor<float> CosineSimilarityFunction(LossInput<float> yTrue, LossInput<float> yPred, int axis, LossSemantics semantics) =>
        Losses.CosineSimilarity(yTrue, yPred, axis, semantics);
    public static Tensor<float> LogCoshFunction(LossInput<float> yTrue, LossInput<float> yPred, LossSemantics semantics) =>
        Losses.LogCosh(yTrue, yPred, semantics);

    public static Tensor<float> BinaryFocalFunction(LossInput<float> yTrue, LossInput<float> yPred, bool applyClassBalancing, double alpha, double gamma, bool fromLogits, double labelSmoothing, int axis, LossSemantics semantics) =>
        Losses.BinaryFocalCrossentropy(yTrue, yPred, applyClassBalancing, alpha, gamma, fromLogits, labelSmoothing, axis, semantics);

    public static Tensor<float> CategoricalFocalFunction(LossInput<float> yTrue, LossInput<float> yPred, double alpha, double gamma, bool fromLogits, double labelSmoothing, int axis, LossSemantics semantics) =>
        Losses.CategoricalFocalCrossentropy(yTrue, yPred, alpha, gamma, fromLogits, labelSmoothing, axis, semantics);

    public static Tensor<float> SigmoidCrossEntropyWithLogits(LossInput<float> labels, LossInput<float> logits) => Nn.SigmoidCrossEntropyWithLogits(labels, logits);

    public static Tensor<float> WeightedCrossEntropyWithLogits(LossInput<float> labels, LossInput<float> logits, LossInput<float> posWeight) => Nn.WeightedCrossEntropyWithLogits(labels, logits, posWeight);

    public static Tensor<float> SoftmaxCrossEntropyWithLogits(LossInput<float> labels, LossInput<float> logits, int axis) => Nn.SoftmaxCrossEntropyWithLogits(labels, logits, axis);

    public static Tensor<float> SparseSoftmaxCrossEntropyWithLogits(LossInput<int> labels, LossInput<float> logits) => Nn.SparseSoftmaxCrossEntropyWithLogits(labels, logits);

    public static Tensor<float> SparseSoftmaxCrossEntropyWithLogits(LossInput<long> labels, LossInput<float> logits) => Nn.SparseSoftmaxCrossEntropyWithLogits(labels, logits);

    public static Tensor<float> V1SoftmaxCrossEntropy(LossInput<float> onehotLabels, LossInput<float> logits, LossInput<float> weights, double labelSmoothing, CompatV1.Reduction reduction) =>
        CompatV1.SoftmaxCrossEntropy(onehotLabels, logits, weights, labelSmoothing, reduction);

    public static Tensor<float> V1MeanSquaredError(LossInput<float> labels, LossInput<float> predictions, LossInput<float> weights, CompatV1.Reduction reduction) =>
        CompatV1.MeanSquaredError(labels, predictions, weights, reduction);
}

/// <summary>The double overloads.</summary>
internal readonly struct Double64 : IPrecision<double>
{
    public static double Compute(Loss loss, LossInput<double> yTrue, LossInput<double> yPred, LossInput<double> sampleWeight, LossInput<bool> mask) => loss.Compute(yTrue, yPred, sampleWeight, mask);

    public static double Compute(Loss loss, LossInput<int> yTrue, LossInput<double> yPred, LossInput<double> sampleWeight, LossInput<bool> mask) => loss is CategoricalGeneralizedCrossEntropy g ? g.Compute(yTrue, yPred, sampleWeight, mask) : ((SparseCategoricalCrossentropy)loss).Compute(yTrue, yPred, sampleWeight, mask);

    public static double Compute(Loss loss, LossInput<long> yTrue, LossInput<double> yPred, LossInput<double> sampleWeight, LossInput<bool> mask) => loss is CategoricalGeneralizedCrossEntropy g ? g.Compute(yTrue, yPred, sampleWeight, mask) : ((SparseCategoricalCrossentropy)loss).Compute(yTrue, yPred, sampleWeight, mask);

    public static Tensor<double> Call(Loss loss, LossInput<double> yTrue, LossInput<double> yPred, LossInput<double> sampleWeight, LossInput<bool> mask) => loss.Call(yTrue, yPred, sampleWeight, mask);

    public static Tensor<double> Call(Loss loss, LossInput<int> yTrue, LossInput<double> yPred, LossInput<double> sampleWeight, LossInput<bool> mask) => loss is CategoricalGeneralizedCrossEntropy g ? g.Call(yTrue, yPred, sampleWeight, mask) : ((SparseCategoricalCrossentropy)loss).Call(yTrue, yPred, sampleWeight, mask);

    public static Tensor<double> Call(Loss loss, LossInput<long> yTrue, LossInput<double> yPred, LossInput<double> sampleWeight, LossInput<bool> mask) => loss is CategoricalGeneralizedCrossEntropy g ? g.Call(yTrue, yPred, sampleWeight, mask) : ((SparseCategoricalCrossentropy)loss).Call(yTrue, yPred, sampleWeight, mask);

    public static double ValueAndGradient(Loss loss, LossInput<double> yTrue, LossInput<double> yPred, LossInput<double> sampleWeight, LossInput<bool> mask) => loss.ValueAndGradient(yTrue, yPred, sampleWeight, mask).Value;

    public static double ValueAndGradient(Loss loss, LossInput<int> yTrue, LossInput<double> yPred, LossInput<double> sampleWeight, LossInput<bool> mask) => loss is CategoricalGeneralizedCrossEntropy g ? g.ValueAndGradient(yTrue, yPred, sampleWeight, mask).Value : ((SparseCategoricalCrossentropy)loss).ValueAndGradient(yTrue, yPred, sampleWeight, mask).Value;

    public static double ValueAndGradient(Loss loss, LossInput<long> yTrue, LossInput<double> yPred, LossInput<double> sampleWeight, LossInput<bool> mask) => loss is CategoricalGeneralizedCrossEntropy g ? g.ValueAndGradient(yTrue, yPred, sampleWeight, mask).Value : ((SparseCategoricalCrossentropy)loss).ValueAndGradient(yTrue, yPred, sampleWeight, mask).Value;

    public static Tensor<double> BinaryCrossentropyFunction(LossInput<double> yTrue, LossInput<double> yPred, bool fromLogits, double labelSmoothing, int axis, LossSemantics semantics) =>
        Losses.BinaryCrossentropy(yTrue, yPred, fromLogits, labelSmoothing, axis, semantics);

    public static Tensor<double> HuberFunction(LossInput<double> yTrue, LossInput<double> yPred, double delta, LossSemantics semantics) =>
        Losses.Huber(yTrue, yPred, delta, semantics);

    public static Tensor<double> CosineSimilarityFunction(LossInput<double> yTrue, LossInput<double> yPred, int axis, LossSemantics semantics) =>
        Losses.CosineSimilarity(yTrue, yPred, axis, semantics);
    public static Tensor<double> LogCoshFunction(LossInput<double> yTrue, LossInput<double> yPred, LossSemantics semantics) =>
        Losses.LogCosh(yTrue, yPred, semantics);

    public static Tensor<double> BinaryFocalFunction(LossInput<double> yTrue, LossInput<double> yPred, bool applyClassBalancing, double alpha, double gamma, bool fromLogits, double labelSmoothing, int axis, LossSemantics semantics) =>
        Losses.BinaryFocalCrossentropy(yTrue, yPred, applyClassBalancing, alpha, gamma, fromLogits, labelSmoothing, axis, semantics);

    public static Tensor<double> CategoricalFocalFunction(LossInput<double> yTrue, LossInput<double> yPred, double alpha, double gamma, bool fromLogits, double labelSmoothing, int axis, LossSemantics semantics) =>
        Losses.CategoricalFocalCrossentropy(yTrue, yPred, alpha, gamma, fromLogits, labelSmoothing, axis, semantics);

    public static Tensor<double> SigmoidCrossEntropyWithLogits(LossInput<double> labels, LossInput<double> logits) => Nn.SigmoidCrossEntropyWithLogits(labels, logits);

    public static Tensor<double> WeightedCrossEntropyWithLogits(LossInput<double> labels, LossInput<double> logits, LossInput<double> posWeight) => Nn.WeightedCrossEntropyWithLogits(labels, logits, posWeight);

    public static Tensor<double> SoftmaxCrossEntropyWithLogits(LossInput<double> labels, LossInput<double> logits, int axis) => Nn.SoftmaxCrossEntropyWithLogits(labels, logits, axis);

    public static Tensor<double> SparseSoftmaxCrossEntropyWithLogits(LossInput<int> labels, LossInput<double> logits) => Nn.SparseSoftmaxCrossEntropyWithLogits(labels, logits);

    public static Tensor<double> SparseSoftmaxCrossEntropyWithLogits(LossInput<long> labels, LossInput<double> logits) => Nn.SparseSoftmaxCrossEntropyWithLogits(labels, logits);

    public static Tensor<double> V1SoftmaxCrossEntropy(LossInput<double> onehotLabels, LossInput<double> logits, LossInput<double> weights, double labelSmoothing, CompatV1.Reduction reduction) =>
        CompatV1.SoftmaxCrossEntropy(onehotLabels, logits, weights, labelSmoothing, reduction);

    public static Tensor<double> V1MeanSquaredError(LossInput<double> labels, LossInput<double> predictions, LossInput<double> weights, CompatV1.Reduction reduction) =>
        CompatV1.MeanSquaredError(labels, predictions, weights, reduction);
}

/// <summary>Turns a <see cref="DocstringCase"/> into SharpLoss calls.</summary>
internal static class DocstringCaseRunner
{
    /// <summary>Which entry point of a class case to use.</summary>
    private enum ClassOp
    {
        /// <summary><c>Compute</c> for a reduced loss, <c>Call</c> for <see cref="Reduction.None"/>.</summary>
        Published,

        /// <summary><c>Compute</c> (the number).</summary>
        Compute,

        /// <summary>The value of <c>ValueAndGradient</c>.</summary>
        ValueAndGradient,
    }

    /// <summary>Runs the case the way its published number was produced.</summary>
    /// <param name="c">The case (must be applicable).</param>
    /// <param name="semantics">Keras3 or TfKeras2 for Keras cases; null for tf.nn and tf.compat.v1.</param>
    /// <param name="isDouble">double inputs (float64) instead of float (float32).</param>
    /// <param name="labels">How class ids are passed (sparse losses); <see cref="LabelVariant.Dense"/> otherwise.</param>
    public static CaseResult Run(DocstringCase c, LossSemantics? semantics, bool isDouble, LabelVariant labels) =>
        isDouble ? Run<double, Double64>(c, semantics, labels) : Run<float, Single32>(c, semantics, labels);

    /// <summary><c>Compute</c>'s number (or, with <paramref name="viaValueAndGradient"/>, <c>ValueAndGradient</c>'s value) for a
    /// class case, widened to double (exact, and injective for non-NaN floats, so bitwise comparisons survive).</summary>
    public static double ClassValue(DocstringCase c, LossSemantics semantics, bool isDouble, LabelVariant labels, bool viaValueAndGradient)
    {
        ClassOp op = viaValueAndGradient ? ClassOp.ValueAndGradient : ClassOp.Compute;
        return isDouble ? RunClassScalar<double, Double64>(c, semantics, labels, op) : RunClassScalar<float, Single32>(c, semantics, labels, op);
    }

    /// <summary>The reduction a class case's loss is built with (SPEC J mapping).</summary>
    public static Reduction ReductionOf(DocstringCase c, LossSemantics semantics) => c.Options.KerasReduction(semantics);

    /// <summary>The label variants a case runs with: int and long class ids for the sparse losses, plus float labels for
    /// the Keras class (Keras 3 casts labels to the loss dtype before the loss sees them, SPEC A.1).</summary>
    public static IReadOnlyList<LabelVariant> LabelVariants(DocstringCase c) => c.Loss switch
    {
        "SparseCategoricalCrossentropy" or "CategoricalGeneralizedCrossEntropy" => [LabelVariant.Int32, LabelVariant.Int64, LabelVariant.Floating],
        "sparse_softmax_cross_entropy_with_logits" => [LabelVariant.Int32, LabelVariant.Int64],
        _ => [LabelVariant.Dense],
    };

    /// <summary>Builds the Keras class of a class case.</summary>
    public static Loss CreateLoss(DocstringCase c, LossSemantics semantics)
    {
        CaseOptions o = c.Options;
        Reduction reduction = o.KerasReduction(semantics);
        return c.Loss switch
        {
            "BinaryCrossentropy" => new BinaryCrossentropy(o.FromLogits, o.LabelSmoothing, o.Axis, reduction, semantics: semantics),
            "CategoricalCrossentropy" => new CategoricalCrossentropy(o.FromLogits, o.LabelSmoothing, o.Axis, reduction, semantics: semantics),
            "SparseCategoricalCrossentropy" => new SparseCategoricalCrossentropy(o.FromLogits, o.IgnoreClass, reduction, o.Axis, semantics: semantics),
            "MeanSquaredError" or "custom elementwise squared error" => new MeanSquaredError(reduction, semantics: semantics),
            "MeanAbsoluteError" => new MeanAbsoluteError(reduction, semantics: semantics),
            "Huber" => new Huber(o.Delta, reduction, semantics: semantics),
            "CosineSimilarity" => new CosineSimilarity(o.Axis, reduction, semantics: semantics),
            "CategoricalHinge" => new CategoricalHinge(reduction, semantics: semantics),
            "Dice" => new Dice(reduction, axis: o.Axes, semantics: semantics),
            "Tversky" => new Tversky(o.Alpha ?? 0.5, o.Beta, reduction, axis: o.Axes, semantics: semantics),
            "BinaryFocalCrossentropy" => new BinaryFocalCrossentropy(o.ApplyClassBalancing, o.Alpha ?? 0.25, o.Gamma, o.FromLogits, o.LabelSmoothing, o.Axis, reduction, semantics: semantics),
            "CategoricalFocalCrossentropy" => new CategoricalFocalCrossentropy(o.Alpha ?? 0.25, o.Gamma, o.FromLogits, o.LabelSmoothing, o.Axis, reduction, semantics: semantics),
            "CategoricalGeneralizedCrossEntropy" => new CategoricalGeneralizedCrossEntropy(o.Q, reduction, semantics: semantics),
            "MeanAbsolutePercentageError" => new MeanAbsolutePercentageError(reduction, semantics: semantics),
            "MeanSquaredLogarithmicError" => new MeanSquaredLogarithmicError(reduction, semantics: semantics),
            "LogCosh" => new LogCosh(reduction, semantics: semantics),
            "Poisson" => new Poisson(reduction, semantics: semantics),
            "Hinge" => new Hinge(reduction, semantics: semantics),
            "SquaredHinge" => new SquaredHinge(reduction, semantics: semantics),
            "KLDivergence" => new KLDivergence(reduction, semantics: semantics),
            _ => throw new InvalidOperationException($"{c}: not a class case."),
        };
    }

    private static CaseResult Run<T, TP>(DocstringCase c, LossSemantics? semantics, LabelVariant labels)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TP : IPrecision<T>
    {
        CaseOptions o = c.Options;
        T[] yTrue = Cast<T>(c.YTrue.Data);
        T[] yPred = Cast<T>(c.YPred.Data);
        switch (c.Family)
        {
            case CaseFamily.KerasClass:
                return RunClass<T, TP>(c, semantics ?? throw new ArgumentNullException(nameof(semantics)), labels, ClassOp.Published);

            case CaseFamily.KerasFunction when c.Loss is "huber" or "log_cosh":
                {
                    LossSemantics s = semantics ?? throw new ArgumentNullException(nameof(semantics));
                    CaseResult perSample = FromTensor(c.Loss == "huber"
                        ? TP.HuberFunction(In(yTrue, c.YTrue.Shape), In(yPred, c.YPred.Shape), o.Delta, s)
                        : TP.LogCoshFunction(In(yTrue, c.YTrue.Shape), In(yPred, c.YPred.Shape), s));
                    return c.ExpectsScalar ? Scalar(T.CreateChecked(perSample.Values.Average())) : perSample;
                }

            case CaseFamily.KerasFunction when c.Loss == "binary_focal_crossentropy":
                return FromTensor(TP.BinaryFocalFunction(In(yTrue, c.YTrue.Shape), In(yPred, c.YPred.Shape), o.ApplyClassBalancing, o.Alpha ?? 0.25, o.Gamma,
                    o.FromLogits, o.LabelSmoothing, o.Axis, semantics ?? throw new ArgumentNullException(nameof(semantics))));

            case CaseFamily.KerasFunction when c.Loss == "categorical_focal_crossentropy":
                return FromTensor(TP.CategoricalFocalFunction(In(yTrue, c.YTrue.Shape), In(yPred, c.YPred.Shape), o.Alpha ?? 0.25, o.Gamma,
                    o.FromLogits, o.LabelSmoothing, o.Axis, semantics ?? throw new ArgumentNullException(nameof(semantics))));

            case CaseFamily.KerasFunction when c.Loss == "cosine_similarity":
                return FromTensor(TP.CosineSimilarityFunction(
                    In(yTrue, c.YTrue.Shape), In(yPred, c.YPred.Shape), o.Axis, semantics ?? throw new ArgumentNullException(nameof(semantics))));

            case CaseFamily.KerasFunction:
                // binary_crossentropy and tf.keras backend.binary_crossentropy: the unreduced function form. For the
                // backend case (shape (N, 1)), the mean over the last axis of size 1 is the elementwise value itself.
                return FromTensor(TP.BinaryCrossentropyFunction(
                    In(yTrue, c.YTrue.Shape), In(yPred, c.YPred.Shape), o.FromLogits, o.LabelSmoothing, o.Axis,
                    semantics ?? throw new ArgumentNullException(nameof(semantics))));

            case CaseFamily.TfNn:
                return FromTensor(c.Loss switch
                {
                    "sigmoid_cross_entropy_with_logits" => TP.SigmoidCrossEntropyWithLogits(In(yTrue, c.YTrue.Shape), In(yPred, c.YPred.Shape)),
                    "weighted_cross_entropy_with_logits" => TP.WeightedCrossEntropyWithLogits(
                        In(yTrue, c.YTrue.Shape), In(yPred, c.YPred.Shape), LossInput.FromScalar(T.CreateChecked(o.PosWeight ?? throw new InvalidDataException($"{c}: pos_weight is required.")))),
                    "softmax_cross_entropy_with_logits" => TP.SoftmaxCrossEntropyWithLogits(In(yTrue, c.YTrue.Shape), In(yPred, c.YPred.Shape), o.Axis),
                    "sparse_softmax_cross_entropy_with_logits" => labels switch
                    {
                        LabelVariant.Int32 => TP.SparseSoftmaxCrossEntropyWithLogits(new LossInput<int>(c.YTrue.ToInt32(), c.YTrue.Shape), In(yPred, c.YPred.Shape)),
                        LabelVariant.Int64 => TP.SparseSoftmaxCrossEntropyWithLogits(new LossInput<long>(c.YTrue.ToInt64(), c.YTrue.Shape), In(yPred, c.YPred.Shape)),
                        _ => throw new ArgumentOutOfRangeException(nameof(labels), labels, "tf.nn sparse labels are int32 or int64."),
                    },
                    _ => throw new InvalidOperationException($"{c}: unknown tf.nn function."),
                });

            case CaseFamily.CompatV1:
                return FromTensor(c.Loss switch
                {
                    "softmax_cross_entropy" => TP.V1SoftmaxCrossEntropy(
                        In(yTrue, c.YTrue.Shape), In(yPred, c.YPred.Shape), Weight<T>(c.SampleWeight), o.LabelSmoothing, o.V1Reduction()),
                    "mean_squared_error" => TP.V1MeanSquaredError(
                        In(yTrue, c.YTrue.Shape), In(yPred, c.YPred.Shape), Weight<T>(c.SampleWeight), o.V1Reduction()),
                    _ => throw new InvalidOperationException($"{c}: unknown tf.compat.v1 function."),
                }, reducedToScalar: o.V1Reduction() != CompatV1.Reduction.None);

            default:
                throw new InvalidOperationException($"{c}: {c.NotApplicableReason}.");
        }
    }

    private static double RunClassScalar<T, TP>(DocstringCase c, LossSemantics semantics, LabelVariant labels, ClassOp op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TP : IPrecision<T>
    {
        CaseResult r = RunClass<T, TP>(c, semantics, labels, op);
        return r.Values.Length == 1 && r.Shape.Length == 0
            ? r.Values[0]
            : throw new InvalidOperationException($"{c}: expected a number, got a tensor of shape {NdArray.FormatShape(r.Shape)}.");
    }

    private static CaseResult RunClass<T, TP>(DocstringCase c, LossSemantics semantics, LabelVariant labels, ClassOp op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TP : IPrecision<T>
    {
        Loss loss = CreateLoss(c, semantics);
        int[] yShape = c.YTrue.Shape;
        int[] pShape = c.YPred.Shape;
        if (c.Loss == "custom elementwise squared error")
        {
            // (N,) → (N, 1): MSE's mean over a last axis of size 1 is the elementwise (y - p)^2 of the custom loss.
            yShape = [.. yShape, 1];
            pShape = [.. pShape, 1];
        }

        T[] yPred = Cast<T>(c.YPred.Data);
        bool[]? mask = c.Mask?.ToBoolean();
        int[] maskShape = c.Mask?.Shape ?? [];
        bool published = op == ClassOp.Published;
        bool useCall = published && loss.Reduction == Reduction.None;

        if (c.HasClassIdLabels && labels is LabelVariant.Int32 or LabelVariant.Int64)
        {
            if (labels == LabelVariant.Int32)
            {
                int[] ids = c.YTrue.ToInt32();
                return useCall
                    ? FromTensor(TP.Call(loss, new LossInput<int>(ids, yShape), In(yPred, pShape), Weight<T>(c.SampleWeight), Mask(mask, maskShape)))
                    : Scalar(op == ClassOp.ValueAndGradient
                        ? TP.ValueAndGradient(loss, new LossInput<int>(ids, yShape), In(yPred, pShape), Weight<T>(c.SampleWeight), Mask(mask, maskShape))
                        : TP.Compute(loss, new LossInput<int>(ids, yShape), In(yPred, pShape), Weight<T>(c.SampleWeight), Mask(mask, maskShape)));
            }

            long[] ids64 = c.YTrue.ToInt64();
            return useCall
                ? FromTensor(TP.Call(loss, new LossInput<long>(ids64, yShape), In(yPred, pShape), Weight<T>(c.SampleWeight), Mask(mask, maskShape)))
                : Scalar(op == ClassOp.ValueAndGradient
                    ? TP.ValueAndGradient(loss, new LossInput<long>(ids64, yShape), In(yPred, pShape), Weight<T>(c.SampleWeight), Mask(mask, maskShape))
                    : TP.Compute(loss, new LossInput<long>(ids64, yShape), In(yPred, pShape), Weight<T>(c.SampleWeight), Mask(mask, maskShape)));
        }

        if (c.HasClassIdLabels && labels != LabelVariant.Floating)
        {
            throw new ArgumentOutOfRangeException(nameof(labels), labels, $"{c}: the sparse class runs with Int32, Int64 or Floating labels.");
        }

        T[] yTrue = Cast<T>(c.YTrue.Data);
        return useCall
            ? FromTensor(TP.Call(loss, In(yTrue, yShape), In(yPred, pShape), Weight<T>(c.SampleWeight), Mask(mask, maskShape)))
            : Scalar(op == ClassOp.ValueAndGradient
                ? TP.ValueAndGradient(loss, In(yTrue, yShape), In(yPred, pShape), Weight<T>(c.SampleWeight), Mask(mask, maskShape))
                : TP.Compute(loss, In(yTrue, yShape), In(yPred, pShape), Weight<T>(c.SampleWeight), Mask(mask, maskShape)));
    }

    private static LossInput<T> In<T>(T[] data, int[] shape) => new(data, shape);

    /// <summary>SPEC J: sample_weight null = absent, a number = a scalar weight, a list = a tensor of its nested shape.</summary>
    private static LossInput<T> Weight<T>(NdArray? w)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (w is null)
        {
            return default;
        }

        if (w.IsScalar)
        {
            return LossInput.FromScalar(T.CreateChecked(w.Data[0]));
        }

        return new LossInput<T>(Cast<T>(w.Data), w.Shape);
    }

    private static LossInput<bool> Mask(bool[]? mask, int[] shape) => mask is null ? default : new LossInput<bool>(mask, shape);

    private static T[] Cast<T>(double[] data)
        where T : unmanaged, IFloatingPointIeee754<T> => Array.ConvertAll(data, T.CreateChecked);

    private static CaseResult Scalar<T>(T value)
        where T : unmanaged, IFloatingPointIeee754<T> => new([double.CreateChecked(value)], []);

    /// <summary>A tensor result; a reduced tf.compat.v1 result (shape [1]) becomes a number.</summary>
    private static CaseResult FromTensor<T>(Tensor<T> t, bool reducedToScalar = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var flat = new T[checked((int)t.FlattenedLength)];
        t.FlattenTo(flat);
        int[] shape = Array.ConvertAll(t.Lengths.ToArray(), n => checked((int)n));
        if (reducedToScalar)
        {
            return shape.SequenceEqual([1])
                ? new CaseResult([double.CreateChecked(flat[0])], [])
                : throw new InvalidOperationException($"A reduced tf.compat.v1 loss should come back with shape [1]. Received: {NdArray.FormatShape(shape)}.");
        }

        return new CaseResult(Array.ConvertAll(flat, double.CreateChecked), shape);
    }
}
