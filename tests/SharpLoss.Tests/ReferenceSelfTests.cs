// Self-checks of the independent double-precision oracle in Reference/ against published numbers.
// Every number below is copied from the published cases (tests/SharpLoss.Tests/Data/keras-docstring-cases.json) (field `source` cited per test):
// `expected` is the published value (checked with the case's own tolerance), `reference_float32` the float32
// re-computation (checked to 1e-6 relative where the float32 clip bounds matter).

using SharpLoss.Tests.Reference;

namespace SharpLoss.Tests;

public class ReferenceSelfTests
{
    private const double Rel = 1e-6;

    private static void Close(double expected, double actual, double atol, double rtol = 0)
    {
        double diff = Math.Abs(actual - expected);
        Assert.True(
            diff <= atol + (rtol * Math.Abs(expected)),
            $"expected {expected:R}, actual {actual:R}, |diff| {diff:R} > atol {atol} + rtol {rtol}·|expected|");
    }

    private static void Close(double[] expected, double[] actual, double atol, double rtol = 0)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Close(expected[i], actual[i], atol, rtol);
        }
    }

    // ------------------------------------------------------------------ clip bounds (SPEC section 0)

    [Fact]
    public void ClipBounds_Float32_AreTensorFlowValues()
    {
        Assert.Equal(1.0 - Math.Pow(2, -23), RefLosses.ClipHigh(float32: true));
        Assert.Equal(1.00000001168e-7, RefLosses.ClipLow(float32: true), 1e-17);
        Close(15.942385, -Math.Log(1.0 - RefLosses.ClipHigh(true)), 1e-6);
        Close(16.118095, -Math.Log(RefLosses.ClipLow(true)), 1e-6);
        Close(16.11809565, -Math.Log(1.0 - RefLosses.ClipHigh(false)), 1e-8);
        Close(16.11809565, -Math.Log(RefLosses.ClipLow(false)), 1e-8);
    }

    // ------------------------------------------------------------------ BinaryCrossentropy

    [Fact]
    public void Bce_Logits_Rank1_IsScalarPerSample()
    {
        // source: keras-team/keras keras/src/losses/losses.py docstring BinaryCrossentropy ex1
        double[] y = [0, 1, 0, 0];
        double[] x = [-18.6, 0.51, 2.94, -12.8];
        var (values, shape) = RefLosses.BinaryCrossentropy(y, x, [4], fromLogits: true, labelSmoothing: 0, axis: -1, tfKeras2: false, float32: true);
        Assert.Empty(shape);
        var reduced = RefReduce.Keras3(values, shape, null, null, null, "sum_over_batch_size");
        Assert.Null(reduced.Scalar); // shape () is returned unchanged
        Assert.Empty(reduced.Shape);
        Close(0.8654, reduced.Values[0], 1e-4);
        Close(0.8654580116271973, reduced.Values[0], 0, Rel);
    }

    [Fact]
    public void Bce_Keras3_SaturatedProbabilities()
    {
        // source: keras-team/keras keras/src/losses/losses_test.py BinaryCrossentropyTest.test_unweighted saturated probs
        double[] y = [1, 0, 1, 0];
        double[] p = [1.0, 1.0, 1.0, 0.0];
        var (values, shape) = RefLosses.BinaryCrossentropy(y, p, [2, 2], false, 0, -1, tfKeras2: false, float32: true);
        double? loss = RefReduce.Keras3(values, shape, null, null, null, "sum_over_batch_size").Scalar;
        Assert.NotNull(loss);
        Close(3.985596179962158, loss.Value, 0, Rel);
        Close(3.98559, loss.Value, 1.5e-3);
    }

    [Fact]
    public void Bce_TfKeras2_SaturatedProbabilities_DoubleEpsilon()
    {
        // source: keras-team/tf-keras tf_keras/losses_test.py BinaryCrossentropyTest.test_unweighted saturated probs
        double[] y = [1, 0, 1, 0];
        double[] p = [1.0, 1.0, 1.0, 0.0];
        var (values, shape) = RefLosses.BinaryCrossentropy(y, p, [2, 2], false, 0, -1, tfKeras2: true, float32: true);
        double? loss = RefReduce.TfKeras2(values, shape, null, null, null, "auto").Scalar;
        Assert.NotNull(loss);
        Close(3.8333096504211426, loss.Value, 0, Rel);
        Close(3.833, loss.Value, 5e-4);
    }

    [Fact]
    public void Bce_TfKeras2_Function_AsymmetricSaturation()
    {
        // SPEC F.1 / B.1: K.binary_crossentropy([[0],[1]], [[1],[0]]) = [15.333239, 15.424949] (Keras 3: [15.942385, 16.118095]).
        double[] y = [0, 1];
        double[] p = [1, 0];
        var tfk = RefLosses.BinaryCrossentropy(y, p, [2, 1], false, 0, -1, tfKeras2: true, float32: true);
        Assert.Equal([2], tfk.Shape);
        Close([15.333239, 15.424949], tfk.Values, 1e-5);
        var k3 = RefLosses.BinaryCrossentropy(y, p, [2, 1], false, 0, -1, tfKeras2: false, float32: true);
        Close([15.942385, 16.118095], k3.Values, 1e-5);
    }

    // ------------------------------------------------------------------ CategoricalCrossentropy

    [Fact]
    public void Cce_Probabilities_Docstring()
    {
        // source: keras-team/keras keras/src/losses/losses.py docstring CategoricalCrossentropy
        double[] y = [0, 1, 0, 0, 0, 1];
        double[] p = [0.05, 0.95, 0.0, 0.1, 0.8, 0.1];
        var (values, shape) = RefLosses.CategoricalCrossentropy(y, p, [2, 3], false, 0, -1, float32: true);
        Assert.Equal([2], shape);
        double? loss = RefReduce.Keras3(values, shape, null, null, null, "sum_over_batch_size").Scalar;
        Assert.NotNull(loss);
        Close(1.1769392490386963, loss.Value, 0, Rel);
        Close(1.177, loss.Value, 1e-3);
    }

    [Fact]
    public void Cce_LogitsWithSmoothing_SampleWeighted()
    {
        // source: tensorflow/tensorflow tensorflow/python/ops/losses/losses_impl.py docstring softmax_cross_entropy
        //         'After' (Keras CCE from_logits, label_smoothing=0.2); expected 0.57618, atol 1e-4
        double[] y = [0, 1, 0, 0, 0, 1];
        double[] x = [0.05, 0.95, 0.0, 0.1, 0.8, 0.1];
        var (values, shape) = RefLosses.CategoricalCrossentropy(y, x, [2, 3], fromLogits: true, labelSmoothing: 0.2, axis: -1, float32: true);
        double? loss = RefReduce.Keras3(values, shape, [0.3, 0.7], [2], null, "sum_over_batch_size").Scalar;
        Assert.NotNull(loss);
        Close(0.57618, loss.Value, 1e-4);
        Close(0.5761805176734924, loss.Value, 0, Rel);
    }

    [Fact]
    public void CompatV1_SoftmaxCrossEntropy_SmoothedLabels()
    {
        // source: tensorflow/tensorflow tensorflow/python/ops/losses/losses_impl.py docstring softmax_cross_entropy label_smoothing=0.2
        const double ls = 0.2;
        double[] onehot = [0, 1, 0, 0, 0, 1];
        var smoothed = new double[onehot.Length];
        for (int i = 0; i < onehot.Length; i++)
        {
            smoothed[i] = (onehot[i] * (1 - ls)) + (ls / 3);
        }

        var (values, shape) = RefLosses.SoftmaxCrossEntropyWithLogits(smoothed, [0.05, 0.95, 0.0, 0.1, 0.8, 0.1], [2, 3], -1);
        double? loss = RefReduce.CompatV1(values, shape, [0.3, 0.7], [2], "weighted_sum_by_nonzero_weights").Scalar;
        Assert.NotNull(loss);
        Close(0.57618, loss.Value, 1e-4);
    }

    // ------------------------------------------------------------------ SparseCategoricalCrossentropy

    private static readonly double[] ScceProbabilities =
    [
        0.8999999761581421, 0.05000000074505806, 0.05000000074505806,
        0.5, 0.8899999856948853, 0.6000000238418579,
        0.05000000074505806, 0.009999999776482582, 0.9399999976158142,
    ];

    [Fact]
    public void Scce_Probabilities_Unweighted()
    {
        // source: keras-team/keras keras/src/losses/losses_test.py SparseCategoricalCrossentropyTest.test_unweighted
        var (values, shape) = RefLosses.SparseCategoricalCrossentropy([0, 1, 2], [3], ScceProbabilities, [3, 3], false, null, 0, true, out bool[]? mask);
        Assert.Null(mask);
        double? loss = RefReduce.Keras3(values, shape, null, null, mask, "sum_over_batch_size").Scalar;
        Assert.NotNull(loss);
        Close(0.3239, loss.Value, 1.5e-3);
        Close(0.32396814227104187, loss.Value, 0, Rel);
    }

    [Fact]
    public void Scce_IgnoreClass_ExcludedFromDenominator()
    {
        // source: keras-team/tf-keras tf_keras/losses_test.py SparseCategoricalCrossentropyTest.test_unweighted_ignore_class
        double[] p = [.. ScceProbabilities, 0.8500000238418579, 0.14000000059604645, 0.009999999776482582];
        var (values, shape) = RefLosses.SparseCategoricalCrossentropy([0, 1, 2, -1], [4], p, [4, 3], false, -1, 0, true, out bool[]? mask);
        Assert.NotNull(mask);
        Assert.Equal([true, true, true, false], mask);
        Assert.Equal(0.0, values[3]);

        double? k3 = RefReduce.Keras3(values, shape, null, null, mask, "sum_over_batch_size").Scalar;
        double? tfk = RefReduce.TfKeras2(values, shape, null, null, mask, "auto").Scalar;
        Assert.NotNull(k3);
        Assert.NotNull(tfk);
        Close(0.3239, k3.Value, 5e-4);
        Close(0.32396812985340756, k3.Value, 0, Rel);
        Close(0.32396812985340756, tfk.Value, 0, Rel);
    }

    [Fact]
    public void Scce_AllIgnored_Keras3Zero_TfKeras2NaN()
    {
        // SPEC A.4 / A.8 / I.9 (tf-keras#734)
        var (values, shape) = RefLosses.SparseCategoricalCrossentropy([-1, -1], [2], [0.2, 0.8, 0.6, 0.4], [2, 2], false, -1, 0, true, out bool[]? mask);
        Assert.Equal(0.0, RefReduce.Keras3(values, shape, null, null, mask, "sum_over_batch_size").Scalar);
        Assert.True(double.IsNaN(RefReduce.TfKeras2(values, shape, null, null, mask, "auto").Scalar!.Value));
    }

    [Fact]
    public void Scce_OutOfRangeLabel_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            RefLosses.SparseCategoricalCrossentropy([0, 3], [2], [1, 2, 3, 4, 5, 6], [2, 3], true, null, 0, true, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            RefLosses.SparseSoftmaxCrossEntropyWithLogits([-1], [1, 2, 3], [1, 3]));
    }

    [Fact]
    public void Scce_LabelSmoothing_FromLogits_EqualsCceOnSmoothedOneHot()
    {
        // SPEC B.5 (last bullet): from logits, (1 - ls)·CE_hard + ls·(logsumexp(x) - mean(x)) is CCE on the one-hot target
        // smoothed toward 1/K.
        double[] x = [8.0, 1.0, 1.0, 0.0, 9.0, 1.0, 2.0, 3.0, 5.0];
        double[] onehot = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        var sparse = RefLosses.SparseCategoricalCrossentropy([0, 1, 2], [3, 1], x, [3, 3], true, null, 0.1, true, out _);
        var dense = RefLosses.CategoricalCrossentropy(onehot, x, [3, 3], true, 0.1, -1, true);
        Assert.Equal([3], sparse.Shape);
        Close(dense.Values, sparse.Values, 1e-12, 1e-12);
    }

    [Fact]
    public void Scce_LabelSmoothing_SpecWorkedNumbers()
    {
        // source: SPEC B.5 last bullet (Keras 3.16, PR #23488), worked numbers in float64: labels [1, 2], ls 0.1.
        var probabilities = RefLosses.SparseCategoricalCrossentropy([1, 2], [2], [0.05, 0.95, 0, 0.1, 0.8, 0.1], [2, 3], false, null, 0.1, false, out _);
        var logits = RefLosses.SparseCategoricalCrossentropy([1, 2], [2], [1, 2, 3, 0.5, -1, 2], [2, 3], true, null, 0.1, false, out _);
        Close([0.6850014, 2.2332704], probabilities.Values, 1e-7, 1e-7);
        Close([1.4076060, 0.3913113], logits.Values, 1e-7, 1e-7);
    }

    // ------------------------------------------------------------------ MSE / MAE and the Keras 3 reduction

    private static readonly double[] RegressionTrue = [1, 9, 2, -5, -2, 6];
    private static readonly double[] RegressionPred = [4.0, 8.0, 12.0, 8.0, 1.0, 3.0];

    [Fact]
    public void Mse_SampleWeighted()
    {
        // source: keras-team/keras keras/src/losses/losses_test.py MeanSquaredErrorTest.test_sample_weighted
        var (values, shape) = RefLosses.MeanSquaredError(RegressionTrue, RegressionPred, [2, 3]);
        var result = RefReduce.Keras3(values, shape, [1.2, 3.4], [2, 1], null, "sum_over_batch_size");
        Assert.NotNull(result.Scalar);
        Close(127.96666666666665, result.Scalar.Value, 1.5e-3);

        // reduction none: the loss (2,) is expanded against the (2,1) weight, so the result is (2,1) (SPEC A.2).
        var none = RefReduce.Keras3(values, shape, [1.2, 3.4], [2, 1], null, "none");
        Assert.Equal([2, 1], none.Shape);
        Assert.Equal([2], RefReduce.TfKeras2(values, shape, [1.2, 3.4], [2, 1], null, "none").Shape);
    }

    [Fact]
    public void Mse_TimestepWeighted()
    {
        // source: keras-team/keras keras/src/losses/losses_test.py MeanSquaredErrorTest.test_timestep_weighted
        var (values, shape) = RefLosses.MeanSquaredError(RegressionTrue, RegressionPred, [2, 3, 1]);
        Assert.Equal([2, 3], shape);
        double? loss = RefReduce.Keras3(values, shape, [3, 6, 5, 0, 4, 2], [2, 3], null, "sum_over_batch_size").Scalar;
        Assert.NotNull(loss);
        Close(97.833336, loss.Value, 1.5e-3);
    }

    [Fact]
    public void Mse_MeanWithSampleWeight()
    {
        // source: keras-team/keras keras/src/losses/losses_test.py MeanSquaredErrorTest.test_mean_with_sample_weight_reduction
        var (values, shape) = RefLosses.MeanSquaredError(RegressionTrue, RegressionPred, [2, 3]);
        double? loss = RefReduce.Keras3(values, shape, [1.2, 3.4], [2, 1], null, "mean_with_sample_weight").Scalar;
        Assert.NotNull(loss);
        Close(55.637681159420296, loss.Value, 1.5e-3);
    }

    [Fact]
    public void Mae_SampleWeighted_And_MeanWithSampleWeight()
    {
        // source: keras-team/keras keras/src/losses/losses_test.py MeanAbsoluteErrorTest.test_sample_weighted / test_mean_with_sample_weight_reduction
        var (values, shape) = RefLosses.MeanAbsoluteError(RegressionTrue, RegressionPred, [2, 3]);
        Close(13.566666666666668, RefReduce.Keras3(values, shape, [1.2, 3.4], [2, 1], null, "sum_over_batch_size").Scalar!.Value, 1.5e-3);
        Close(5.898550724637682, RefReduce.Keras3(values, shape, [1.2, 3.4], [2, 1], null, "mean_with_sample_weight").Scalar!.Value, 1.5e-3);
    }

    private static readonly double[] HuberTrue = [1.0, 0.0, 1.0, 1.0, 0.0, 0.0];
    private static readonly double[] HuberPred = [0.9, 0.2, 0.2, 0.8, 0.4, 0.6];

    [Fact]
    public void Huber_KerasTests()
    {
        // source: keras-team/keras keras/src/losses/losses_test.py HuberLossTest.test_unweighted (expected from test's numpy huber)
        var (values, shape) = RefLosses.Huber(HuberTrue, HuberPred, [2, 3]);
        Close(0.1041666716337204, RefReduce.Keras3(values, shape, null, null, null, "sum_over_batch_size").Scalar!.Value, 0.0015);

        // source: ... HuberLossTest.test_sample_weighted
        Close(0.2276666760444641, RefReduce.Keras3(values, shape, [1.2, 3.4], [2, 1], null, "sum_over_batch_size").Scalar!.Value, 0.0015);

        // source: ... HuberLossTest.test_timestep_weighted
        var (steps, stepShape) = RefLosses.Huber(HuberTrue, HuberPred, [2, 3, 1]);
        Close(0.4025000035762787, RefReduce.Keras3(steps, stepShape, [3, 6, 5, 0, 4, 2], [2, 3, 1], null, "sum_over_batch_size").Scalar!.Value, 0.0015);

        // source: ... HuberLossTest.test_non_default_delta
        var (d08, d08Shape) = RefLosses.Huber(HuberTrue, HuberPred, [2, 3], delta: 0.8);
        Close(0.2395833432674408, RefReduce.Keras3(d08, d08Shape, [2.3], [], null, "sum_over_batch_size").Scalar!.Value, 0.0015);
    }

    [Fact]
    public void Huber_Docstring_AndV1FormAgrees()
    {
        // source: keras-team/tf-keras tf_keras/losses.py docstring Huber / Huber none
        var (values, _) = RefLosses.Huber([0, 1, 0, 0], [0.6, 0.4, 0.4, 0.6], [2, 2]);
        Close([0.18, 0.13], values, 1e-3);

        // SPEC C: the v1 form is the same function. Errors on both sides of δ = 0.7 (and on it).
        double[] l = [0, 1, -2, 0.5, 3], p = [0.7, 0.2, 1.5, 0.5, -1];
        double[] v1 = RefLosses.HuberV1(l, p, 0.7);
        var (k3, _) = RefLosses.Huber(l, [5, 1], p, [5, 1], 0.7);
        Close(k3, v1, 1e-15, 1e-15);
    }

    // ------------------------------------------------------------------ MAPE, MSLE, log-cosh, Poisson, hinge, KLD

    [Fact]
    public void MapeAndMsle_LossesTest_Unweighted()
    {
        // source: keras-team/keras keras/src/losses/losses_test.py MeanAbsolutePercentageErrorTest.test_no_reduction (sample
        // weight 2.3: [621.8518, 352.6666]) and MeanSquaredLogarithmicErrorTest.test_unweighted (1.437).
        double[] y = [1, 9, 2, -5, -2, 6], p = [4, 8, 12, 8, 1, 3];
        var (mape, _) = RefLosses.MeanAbsolutePercentageError(y, [2, 3], p, [2, 3], float32: true);
        Close([621.851806640625, 352.6666564941406], [mape[0] * 2.3, mape[1] * 2.3], 0, Rel);
        var (msle, shape) = RefLosses.MeanSquaredLogarithmicError(y, [2, 3], p, [2, 3], RefLosses.MsleEpsilon(float32: true, tfKeras2: false));
        Close(1.4370421171188354, RefReduce.Keras3(msle, shape, null, null, null, "sum_over_batch_size").Scalar!.Value, 0, Rel);
        Assert.Equal((double)(float)1e-7, RefLosses.MsleEpsilon(float32: false, tfKeras2: false));
        Assert.Equal(1e-7, RefLosses.MsleEpsilon(float32: false, tfKeras2: true));
    }

    [Fact]
    public void LogCoshPoissonAndKld_TfKerasDocstrings()
    {
        // source: keras-team/tf-keras tf_keras/losses.py docstrings LogCosh (0.108), Poisson (0.5), KLDivergence none
        // ([0.916, -3.08e-06]); reference_float32 0.1084451973438263, 0.4999999701976776, [0.916289210319519, -3.080907390540233e-06].
        double[] y = [0, 1, 0, 0];
        var (logCosh, ls) = RefLosses.LogCosh(y, [2, 2], [1, 1, 0, 0], [2, 2]);
        Close(0.1084451973438263, RefReduce.Keras3(logCosh, ls, null, null, null, "sum_over_batch_size").Scalar!.Value, 0, Rel);
        var (poisson, ps) = RefLosses.Poisson(y, [2, 2], [1, 1, 0, 0], [2, 2], float32: true);
        Close(0.4999999701976776, RefReduce.Keras3(poisson, ps, null, null, null, "sum_over_batch_size").Scalar!.Value, 0, Rel);
        var (kld, _) = RefLosses.KLDivergence(y, [2, 2], [0.6, 0.4, 0.4, 0.6], [2, 2], float32: true);
        Close([0.916289210319519, -3.080907390540233e-06], kld, 1e-12, Rel);
    }

    [Fact]
    public void HingeAndSquaredHinge_ConvertBinaryLabelsOnly()
    {
        // source: keras-team/keras keras/src/losses/losses_test.py HingeTest / SquaredHingeTest test_unweighted none:
        // [1.1, 1.5] and [1.46, 2.26] for y = [[0, 1], [0, 0]] (converted to ±1). With a −1 among the labels nothing is
        // converted (SPEC B.13): [[0, 1], [0, -1]] gives (1 + 0.6)/2 = 0.8 and (1 + 1.6)/2 = 1.3.
        double[] p = [0.6, 0.4, 0.4, 0.6];
        Close([1.1, 1.5], RefLosses.Hinge([0, 1, 0, 0], [2, 2], p, [2, 2], squared: false).Values, 1e-12);
        Close([1.46, 2.26], RefLosses.Hinge([0, 1, 0, 0], [2, 2], p, [2, 2], squared: true).Values, 1e-12);
        Close([0.8, 1.3], RefLosses.Hinge([0, 1, 0, -1], [2, 2], p, [2, 2], squared: false).Values, 1e-12);
    }

    [Fact]
    public void Mse_RankOneTrueAgainstColumnPred_IsExpanded()
    {
        // source: tensorflow/tensorflow tensorflow/python/ops/losses/losses_impl.py docstring mean_squared_error 'After' example
        var (values, shape) = RefLosses.MeanSquaredError([1.0, 2.0, 3.0], [3], [1.0, 3.0, 5.0], [3, 1]);
        Assert.Equal([3], shape);
        Close(0.66667, RefReduce.Keras3(values, shape, [1.0, 1.0, 0.25], [3], null, "sum_over_batch_size").Scalar!.Value, 1e-4);
    }

    [Fact]
    public void Keras3_Mask_CustomSquaredError()
    {
        // source: keras-team/keras keras/src/losses/loss_test.py LossTest.test_mask (custom loss (y_true-y_pred)**2)
        double[] losses = [0.81, 0.04, 0.49, 0.16]; // (y - p)^2 for y = [1,0,1,0], p = [0.1,0.2,0.3,0.4]
        var r = RefReduce.Keras3(losses, [4], null, null, [true, false, true, true], "sum_over_batch_size");
        Assert.NotNull(r.Scalar);
        Close(0.48666666666666664, r.Scalar.Value, 1e-6, 1e-6);

        // source: keras-team/keras keras/src/losses/loss_test.py LossTest.test_mask all masked
        var all = RefReduce.Keras3(losses, [4], null, null, [false, false, false, false], "sum_over_batch_size");
        Assert.Equal(0.0, all.Scalar);
        Assert.True(double.IsNaN(RefReduce.TfKeras2(losses, [4], null, null, [false, false, false, false], "auto").Scalar!.Value));

        // source: keras-team/keras keras/src/losses/loss_test.py LossTest.test_mask_and_sample_weight
        var both = RefReduce.Keras3(losses, [4], [0.4, 0.3, 0.2, 0.1], [4], [true, false, true, true], "sum_over_batch_size");
        Close(0.14600000000000002, both.Scalar!.Value, 1e-6, 1e-6);

        // source: keras-team/keras keras/src/losses/loss_test.py LossTest.test_sample_weight
        var weighted = RefReduce.Keras3(losses, [4], [0.4, 0.3, 0.2, 0.1], [4], null, "sum_over_batch_size");
        Close(0.11250000000000002, weighted.Scalar!.Value, 1e-6, 1e-6);
    }

    [Fact]
    public void Keras3_EdgeShapes_ReturnedUnchanged()
    {
        // SPEC A.6: () and (0,) are returned as-is for every reduction; (0, k) gives 0 through divide_no_nan.
        var scalar = RefReduce.Keras3([2.5], [], null, null, null, "sum");
        Assert.Null(scalar.Scalar);
        Assert.Equal([2.5], scalar.Values);
        var empty = RefReduce.Keras3([], [0], null, null, null, "sum");
        Assert.Null(empty.Scalar);
        Assert.Equal([0], empty.Shape);
        Assert.Equal(0.0, RefReduce.Keras3([], [0, 3], null, null, null, "sum_over_batch_size").Scalar);
        Assert.Equal(0.0, RefReduce.TfKeras2([], [0], null, null, null, "auto").Scalar);

        // Scalar per-sample loss with (N,) weights: product (N,), mean(loss·w) (SPEC A.2).
        Close(2.0 * 0.5, RefReduce.Keras3([2.0], [], [0.25, 0.75], [2], null, "sum_over_batch_size").Scalar!.Value, 1e-15);
        // tf.keras cannot squeeze a (N,) weight, N > 1, onto a scalar loss (SPEC A.8 step 5).
        Assert.Throws<ArgumentException>(() => RefReduce.TfKeras2([2.0], [], [0.25, 0.75], [2], null, "auto"));
    }

    [Fact]
    public void Keras3_MeanWithSampleWeight_PitfallIsTTimes()
    {
        // SPEC A.3 pitfall: (N,T) losses, (N,1) weights: denominator is Σ over the N weights.
        double[] losses = [1, 2, 3, 4, 5, 6];
        double mws = RefReduce.Keras3(losses, [2, 3], [1, 3], [2, 1], null, "mean_with_sample_weight").Scalar!.Value;
        Close(((1 * (1 + 2 + 3)) + (3 * (4 + 5 + 6))) / 4.0, mws, 1e-15);

        // (N,T) with (N,) weight: Keras 3 broadcasts against the columns when T == N, tf.keras expands to (N,1).
        double[] square = [1, 2, 3, 4];
        Assert.Equal([1 * 1, 2 * 3, 3 * 1, 4 * 3], RefReduce.Keras3(square, [2, 2], [1, 3], [2], null, "none").Values);
        Assert.Equal([1 * 1, 2 * 1, 3 * 3, 4 * 3], RefReduce.TfKeras2(square, [2, 2], [1, 3], [2], null, "none").Values);
    }

    // ------------------------------------------------------------------ tf.compat.v1

    [Fact]
    public void CompatV1_MeanSquaredError_Docstring()
    {
        // source: tensorflow/tensorflow tensorflow/python/ops/losses/losses_impl.py docstring mean_squared_error (default SUM_BY_NONZERO_WEIGHTS)
        double[] losses = [0, 1, 4]; // (p - l)^2 for l = [1,2,3], p = [1,3,5]
        double[] w = [0.0, 1.0, 0.25];
        Close(1.0, RefReduce.CompatV1(losses, [3], w, [3], "weighted_sum_by_nonzero_weights").Scalar!.Value, 1e-4);
        // source: ... docstring mean_squared_error SUM_OVER_BATCH_SIZE
        Close(0.66667, RefReduce.CompatV1(losses, [3], w, [3], "weighted_sum_over_batch_size").Scalar!.Value, 1e-4);
        Close(2.0 / 1.25, RefReduce.CompatV1(losses, [3], w, [3], "weighted_mean").Scalar!.Value, 1e-15);
        Assert.Equal(0.0, RefReduce.CompatV1(losses, [3], [0.0], [], "weighted_sum_by_nonzero_weights").Scalar);
    }

    [Fact]
    public void CompatV1_RestrictedBroadcasting()
    {
        // SPEC A.9: a (N,) weight with (N,C) losses is rejected; (N,1) is fine.
        double[] losses = [1, 2, 3, 4, 5, 6];
        Assert.Throws<ArgumentException>(() => RefReduce.CompatV1(losses, [2, 3], [1, 2], [2], "weighted_sum"));
        Assert.Throws<ArgumentException>(() => RefReduce.CompatV1(losses, [2, 3], [1, 2], [1, 2], "weighted_sum"));
        Assert.Equal(6.0 + (2 * 15.0), RefReduce.CompatV1(losses, [2, 3], [1, 2], [2, 1], "weighted_sum").Scalar);
    }

    // ------------------------------------------------------------------ tf.nn

    [Fact]
    public void Nn_SigmoidCrossEntropyWithLogits()
    {
        // source: tensorflow.org API docs tf.nn.sigmoid_cross_entropy_with_logits
        double[] result = RefLosses.SigmoidCrossEntropyWithLogits([0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.5], [1.0, -1.0, 0.0, 1.0, -1.0, 0.0, 0.0]);
        Close([1.3132617, 0.3132617, 0.6931472, 0.3132617, 1.3132617, 0.6931472, 0.6931472], result, 1e-6, 1e-6);
    }

    [Fact]
    public void Nn_WeightedCrossEntropyWithLogits()
    {
        // source: tensorflow nn_impl.py docstring tf.nn.weighted_cross_entropy_with_logits pos_weight=1.5 / 0.5
        double[] z = [1.0, 0.5, 0.0];
        double[] x = [1.5, -0.1, -10.0];
        double[] a = RefLosses.WeightedCrossEntropyWithLogits(z, x, [1.5]);
        Close([0.30211994, 0.88049585, 4.5776367e-05], a, 1e-3);
        Close(0.30211991, a[0], 0, 1e-6);
        Close(0.88049585, a[1], 0, 1e-6);
        Close(4.5398899e-05, a[2], 0, 1e-7); // exact value, not TF's float32 cancellation (SPEC D)
        double[] b = RefLosses.WeightedCrossEntropyWithLogits(z, x, [0.5]);
        Close([0.100706644, 0.508297503, 4.57763672e-05], b, 1e-3);

        // pos_weight = 1 is the sigmoid cross-entropy.
        Close(RefLosses.SigmoidCrossEntropyWithLogits(z, x), RefLosses.WeightedCrossEntropyWithLogits(z, x, [1.0]), 1e-15, 1e-12);
    }

    [Fact]
    public void Nn_SoftmaxCrossEntropyWithLogits()
    {
        // source: tensorflow.org API docs tf.nn.softmax_cross_entropy_with_logits
        var (values, shape) = RefLosses.SoftmaxCrossEntropyWithLogits([1.0, 0.0, 0.0, 0.0, 0.8, 0.2], [4.0, 2.0, 1.0, 0.0, 5.0, 1.0], [2, 3], -1);
        Assert.Equal([2], shape);
        Close([0.16984604, 0.82474494], values, 1e-6, 1e-6);

        // axis 0 = the same computation on the transposed input.
        var (t, tShape) = RefLosses.SoftmaxCrossEntropyWithLogits([1.0, 0.0, 0.0, 0.8, 0.0, 0.2], [4.0, 0.0, 2.0, 5.0, 1.0, 1.0], [3, 2], 0);
        Assert.Equal([2], tShape);
        Close(values, t, 1e-15, 1e-12);
    }

    [Fact]
    public void Nn_SparseSoftmaxCrossEntropyWithLogits()
    {
        // source: tensorflow.org API docs tf.nn.sparse_softmax_cross_entropy_with_logits
        double[] logits = [2.0, -5.0, 0.5, -0.1, 0.0, 0.0, 1.9, 1.4, -100.0, 100.0, -100.0, -100.0];
        var (values, shape) = RefLosses.SparseSoftmaxCrossEntropyWithLogits([0, 3, 1], logits, [3, 4]);
        Assert.Equal([3], shape);
        Close([0.29750752, 1.1448325, 0.0], values, 1e-3);
        Close([0.29750744, 1.1448326, 0.0], values, 1e-7, 1e-6);
    }

    // ------------------------------------------------------------------ shapes

    [Fact]
    public void Shapes_SqueezeOrExpandRules()
    {
        // Keras 3 (SPEC A.2)
        var a = RefShape.SqueezeOrExpandToSameRank([5], [5, 1]);
        Assert.Equal([5, 1], a.Shape1);
        Assert.Equal([5, 1], a.Shape2);
        var b = RefShape.SqueezeOrExpandToSameRank([5, 3, 1], [5, 3]);
        Assert.Equal([5, 3], b.Shape1);
        var c = RefShape.SqueezeOrExpandToSameRank([5, 3], [5]);
        Assert.Equal([5, 3], c.Shape1);
        Assert.Equal([5], c.Shape2);

        // tf.keras 2 (SPEC A.8)
        var d = RefShape.TfKeras2SqueezeOrExpandLabels([5], [5, 1]);
        Assert.Equal([5], d.YPred);
        var e = RefShape.TfKeras2SqueezeOrExpandLabels([5], [5, 3]);
        Assert.Equal([5], e.YTrue);
        Assert.Equal([5, 3], e.YPred);
        Assert.Equal([5, 1], RefShape.TfKeras2SqueezeOrExpandWeight([5, 3], [5]));
        Assert.Equal([5], RefShape.TfKeras2SqueezeOrExpandWeight([5], [5, 1]));
        Assert.Equal(Array.Empty<int>(), RefShape.TfKeras2SqueezeOrExpandWeight([5], []));
        Assert.Throws<ArgumentException>(() => RefShape.TfKeras2SqueezeOrExpandWeight([5], [5, 2]));

        Assert.Equal([4, 2, 3], RefShape.Broadcast([2, 1], [4, 1, 3]));
        Assert.Throws<ArgumentException>(() => RefShape.Broadcast([2, 3], [3, 2]));
    }

    // ------------------------------------------------------------------ finite differences

    [Fact]
    public void FiniteDifference_BceLogitsGradient_IsSigmoidMinusLabelOverN()
    {
        double[] y = [0, 1, 0, 1];
        double[] x = [-2.0, 0.5, 3.0, -12.0];
        double F(double[] v) => RefLosses.BinaryCrossentropy(y, v, [4], true, 0, -1, false, false).Values[0];
        double[] g = FiniteDifference.Gradient(F, x);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = ((1.0 / (1.0 + Math.Exp(-x[i]))) - y[i]) / x.Length;
            Close(expected, g[i], 1e-8);
        }
    }
}
