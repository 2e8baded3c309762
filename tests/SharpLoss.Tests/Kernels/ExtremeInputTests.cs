// Extreme inputs: saturated and out-of-range probabilities, ±1e4 logits, NaN, infinite errors, values at the kinks of
// max and clip. Each test runs on the vector path
// and on the scalar path (KernelSwitch.ForceScalar), with the cases repeated over 19 elements so that both the Vector256
// body and the scalar tail see every case. Every expected number states its provenance: SPEC.md (which quotes
// TensorFlow / Keras), or a hand derivation from the formulas of SPEC B.1 / B.3 / B.5 / D. Float32 numbers quoted to
// 8 significant digits are compared to 1e-6 absolute (half a unit of the quoted digits plus one float32 ulp).

using SharpLoss.Internals;
using SharpLoss.Tests.Properties;

namespace SharpLoss.Tests.Kernels;

public class ExtremeInputTests
{
    private const int N = 19;

    public static IEnumerable<object[]> Paths() => [[false], [true]];

    private static T On<T>(bool forceScalar, Func<T> run)
    {
        bool previous = KernelSwitch.ForceScalar;
        KernelSwitch.ForceScalar = forceScalar;
        try
        {
            return run();
        }
        finally
        {
            KernelSwitch.ForceScalar = previous;
        }
    }

    /// <summary>The pattern repeated to <see cref="N"/> entries.</summary>
    private static T[] Cycle<T>(T[] pattern) => Enumerable.Range(0, N).Select(i => pattern[i % pattern.Length]).ToArray();

    private static double[] ToDoubles(System.Numerics.Tensors.Tensor<float> t) => LossMatrix.ToArrays(t).Values;

    private static double[] ToDoubles(System.Numerics.Tensors.Tensor<double> t) => LossMatrix.ToArrays(t).Values;

    private static void Near(double[] expected, double[] actual, double atol, double rtol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            Assert.True(double.IsFinite(a), $"{what}[{i}]: expected the finite {e:R}, got {a:R}");
            Assert.True(Math.Abs(a - e) <= atol + (rtol * Math.Abs(e)), $"{what}[{i}]: expected {e:R}, got {a:R} (|diff| {Math.Abs(a - e):G3})");
        }
    }

    private static void AllZero(double[] gradient, string what)
    {
        for (int i = 0; i < gradient.Length; i++)
        {
            Assert.True(gradient[i] == 0, $"{what}[{i}]: expected a zero gradient (clip active), got {gradient[i]:R}");
        }
    }

    // ------------------------------------------------------------------ BCE on probabilities

    // (y, p) pairs whose probability is saturated or outside [0, 1]; every one is clipped (SPEC B.1: q = clip(p, ε, 1 − ε)).
    private static readonly float[] SatY = [0, 1, 0, 1, 0, 1, 1, 0];
    private static readonly float[] SatP = [1, 0, 1.5f, -0.5f, float.PositiveInfinity, float.NegativeInfinity, 5e-8f, 0.99999994f];

    private static (double[] Values, double[] Gradient) BceProbabilities(LossSemantics semantics, bool forceScalar, float[] y, float[] p)
    {
        int n = p.Length;
        var values = On(forceScalar, () => ToDoubles(new BinaryCrossentropy(reduction: Reduction.None, semantics: semantics).Call(new LossInput<float>(y, n, 1), new LossInput<float>(p, n, 1))));
        var (_, g) = On(forceScalar, () => new BinaryCrossentropy(reduction: Reduction.Sum, semantics: semantics).ValueAndGradient(new LossInput<float>(y, n, 1), new LossInput<float>(p, n, 1)));
        return (values, ToDoubles(g));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void BceProbabilities_Keras3SaturatedOrOutOfRange_GivesFloat32ClippedFiniteValues(bool forceScalar)
    {
        // SPEC section 0.4 and P (clip bounds in float32: lo = f32(1e-7), hi = 1 - 2^-23), B.1, F.1:
        // y = 0 with p clipped to hi gives -log(2^-23) = 15.942385; y = 1 with p clipped to lo gives -log(lo) = 16.118095.
        double[] expectedPattern = [15.942385, 16.118095, 15.942385, 16.118095, 15.942385, 16.118095, 16.118095, 15.942385];
        var (values, gradient) = BceProbabilities(LossSemantics.Keras3, forceScalar, Cycle(SatY), Cycle(SatP));
        Near(Cycle(expectedPattern), values, 1e-6, 0, "Keras 3 BCE per-sample loss");

        // SPEC 0.8: zero gradient where the clip is active (every p here lies outside [lo, hi]).
        AllZero(gradient, "Keras 3 BCE gradient");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void BceProbabilities_TfKeras2SaturatedOrOutOfRange_GivesDoubleEpsilonValues(bool forceScalar)
    {
        // SPEC B.1 (tf.keras 2 adds ε again inside the log) and F.1: y = 0, p = 1 gives 15.333239; y = 1, p = 0 gives 15.424949.
        double[] expectedPattern = [15.333239, 15.424949, 15.333239, 15.424949, 15.333239, 15.424949, 15.424949, 15.333239];
        var (values, gradient) = BceProbabilities(LossSemantics.TfKeras2, forceScalar, Cycle(SatY), Cycle(SatP));
        Near(Cycle(expectedPattern), values, 1e-6, 0, "tf.keras 2 BCE per-sample loss");
        AllZero(gradient, "tf.keras 2 BCE gradient");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void BceProbabilities_SaturatedDouble_GivesFloat64ClippedValues(bool forceScalar)
    {
        double[] y = Cycle(new double[] { 0, 1, 0, 1 });
        double[] p = Cycle(new double[] { 1, 0, 1 - 1e-9, -0.25 });

        // SPEC P: "In float64 both are 16.11809565" (-log(1e-7) = 16.118095650958, -log(1 - (1 - 1e-7)) = 16.118095651485).
        var k3 = On(forceScalar, () => ToDoubles(new BinaryCrossentropy(reduction: Reduction.None).Call(new LossInput<double>(y, N, 1), new LossInput<double>(p, N, 1))));
        Near(Cycle(new[] { 16.11809565, 16.11809565, 16.11809565, 16.11809565 }), k3, 1e-8, 0, "Keras 3 float64 BCE");

        // Hand derivation from SPEC B.1 (tf.keras 2): -log(2e-7) = 15.424948470398 and -log((1 - (1 - 1e-7)) + 1e-7) = 15.424948470662.
        var tfk = On(forceScalar, () => ToDoubles(new BinaryCrossentropy(reduction: Reduction.None, semantics: LossSemantics.TfKeras2).Call(new LossInput<double>(y, N, 1), new LossInput<double>(p, N, 1))));
        Near(Cycle(new[] { 15.4249484705, 15.4249484705, 15.4249484705, 15.4249484705 }), tfk, 1e-9, 0, "tf.keras 2 float64 BCE");

        var (_, g) = On(forceScalar, () => new BinaryCrossentropy(reduction: Reduction.Sum).ValueAndGradient(new LossInput<double>(y, N, 1), new LossInput<double>(p, N, 1)));
        AllZero(ToDoubles(g), "Keras 3 float64 BCE gradient");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void BceProbabilities_SeedExample_GivesKeras3AndTfKeras2Numbers(bool forceScalar)
    {
        // SPEC 0.2: BinaryCrossentropy()([0,0,1,1], [1,1,1,0]) = 11.522857 in tf.keras 2.x and 12.000716 in Keras 3.
        float[] y = [0, 0, 1, 1], p = [1, 1, 1, 0];
        float k3 = On(forceScalar, () => new BinaryCrossentropy().Compute(y, p));
        float tfk = On(forceScalar, () => new BinaryCrossentropy(semantics: LossSemantics.TfKeras2).Compute(y, p));
        Assert.True(Math.Abs(k3 - 12.000716) <= 1e-6, $"Keras 3: expected 12.000716, got {k3:R}");
        Assert.True(Math.Abs(tfk - 11.522857) <= 1e-6, $"tf.keras 2: expected 11.522857, got {tfk:R}");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void BceProbabilities_ExactlyAtTheClipBound_GradientPasses(bool forceScalar)
    {
        // TensorFlow's clip_by_value gradient zeroes only x < lo and x > hi (strict), so at p = lo or p = hi it passes
        // (SPEC 0.8 follows TF's autodiff). Hand derivation, Keras 3 (SPEC B.1): de/dp = (1 - y)/(1 - q) - y/q;
        // y = 1, p = lo = f32(1e-7): -1/1.00000001169e-7 = -9999999.88 (float32 -1e7); y = 0, p = hi = 1 - 2^-23: 2^23 = 8388608.
        float lo = 1e-7f, hi = 1f - 1.1920929e-7f;
        float[] y = Cycle(new float[] { 1, 0 }), p = Cycle(new[] { lo, hi });
        var (_, gradient) = BceProbabilities(LossSemantics.Keras3, forceScalar, y, p);
        Near(Cycle(new[] { -9999999.88, 8388608.0 }), gradient, 0, 1e-6, "Keras 3 BCE gradient at the clip bounds");
    }

    // ------------------------------------------------------------------ BCE / tf.nn on ±1e4 logits

    [Theory]
    [MemberData(nameof(Paths))]
    public void BceLogits_PlusMinus1e4_GivesExactFiniteValuesAndGradients(bool forceScalar)
    {
        // Hand derivation from the stable form max(x, 0) - x·y + log1p(exp(-|x|)) (SPEC B.1, D), exp(-1e4) = 0:
        // (y=0, x=1e4) -> 1e4; (y=1, x=1e4) -> 0; (y=1, x=-1e4) -> 1e4; (y=0, x=-1e4) -> 0.
        // Gradient σ(x) - y (SPEC B.1 docs of the library / TF autodiff): 1, 0, -1, 0.
        float[] y = Cycle(new float[] { 0, 1, 1, 0 }), x = Cycle(new float[] { 1e4f, 1e4f, -1e4f, -1e4f });
        double[] expected = Cycle(new double[] { 1e4, 0, 1e4, 0 }), expectedGrad = Cycle(new double[] { 1, 0, -1, 0 });

        var values = On(forceScalar, () => ToDoubles(new BinaryCrossentropy(fromLogits: true, reduction: Reduction.None).Call(new LossInput<float>(y, N, 1), new LossInput<float>(x, N, 1))));
        Near(expected, values, 0, 1e-7, "BCE(from_logits) per-sample loss");
        var (_, g) = On(forceScalar, () => new BinaryCrossentropy(fromLogits: true, reduction: Reduction.Sum).ValueAndGradient(new LossInput<float>(y, N, 1), new LossInput<float>(x, N, 1)));
        Near(expectedGrad, ToDoubles(g), 0, 1e-7, "BCE(from_logits) gradient");

        var nnValues = On(forceScalar, () => ToDoubles(Nn.SigmoidCrossEntropyWithLogits(y, x)));
        Near(expected, nnValues, 0, 1e-7, "sigmoid_cross_entropy_with_logits");
        Near(expectedGrad, On(forceScalar, () => ToDoubles(Nn.SigmoidCrossEntropyWithLogitsGradient(y, x))), 0, 1e-7, "sigmoid_cross_entropy_with_logits gradient");

        double[] yd = Array.ConvertAll(y, v => (double)v), xd = Array.ConvertAll(x, v => (double)v);
        Near(expected, On(forceScalar, () => ToDoubles(Nn.SigmoidCrossEntropyWithLogits(yd, xd))), 0, 1e-12, "sigmoid_cross_entropy_with_logits (double)");
        Near(expectedGrad, On(forceScalar, () => ToDoubles(Nn.SigmoidCrossEntropyWithLogitsGradient(yd, xd))), 0, 1e-12, "sigmoid_cross_entropy_with_logits gradient (double)");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void WeightedCrossEntropyWithLogits_PlusMinus1e4_GivesExactFiniteValuesAndGradients(bool forceScalar)
    {
        // Hand derivation, SPEC D with q = 1.5: q·z·softplus(-x) + (1 - z)·softplus(x) with softplus(1e4) = 1e4, softplus(-1e4) = 0:
        // (z=0, x=1e4) -> 1e4; (z=1, x=1e4) -> 0; (z=1, x=-1e4) -> 1.5e4; (z=0, x=-1e4) -> 0.
        // Gradient (1 - z) - (1 + (q - 1)z)·σ(-x): 1, 0, -1.5, 0.
        float[] z = Cycle(new float[] { 0, 1, 1, 0 }), x = Cycle(new float[] { 1e4f, 1e4f, -1e4f, -1e4f });
        var values = On(forceScalar, () => ToDoubles(Nn.WeightedCrossEntropyWithLogits(z, x, 1.5f)));
        Near(Cycle(new double[] { 1e4, 0, 1.5e4, 0 }), values, 0, 1e-7, "weighted_cross_entropy_with_logits");
        var gradient = On(forceScalar, () => ToDoubles(Nn.WeightedCrossEntropyWithLogitsGradient(z, x, 1.5f)));
        Near(Cycle(new double[] { 1, 0, -1.5, 0 }), gradient, 0, 1e-7, "weighted_cross_entropy_with_logits gradient");
    }

    // ------------------------------------------------------------------ categorical rows

    private const int K = 11; // > Vector256<float>.Count, so the vectorized row max / exp / sum run

    private static float[] Row(params (int Index, float Value)[] entries)
    {
        var r = new float[K];
        foreach (var (i, v) in entries)
        {
            r[i] = v;
        }

        return r;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void CategoricalCrossentropy_SaturatedProbabilityRows_AreFiniteWithZeroGradient(bool forceScalar)
    {
        // SPEC B.3: p' = p / Σp, q = clip(p', lo, hi), L = -Σ y·log q (float32 bounds, SPEC 0.4):
        // row 0: p = e0, y = e1 -> -log(lo) = 16.118095; row 1: p = e0, y = e0 -> -log(1 - 2^-23) = 1.1920929e-7
        // (SPEC B.3 step 3: "y·1.19e-7"); row 2: p = 4·e0 (renormalized to e0), y = e5 -> 16.118095.
        float[] p = [.. Row((0, 1)), .. Row((0, 1)), .. Row((0, 4))];
        float[] y = [.. Row((1, 1)), .. Row((0, 1)), .. Row((5, 1))];
        var values = On(forceScalar, () => ToDoubles(new CategoricalCrossentropy(reduction: Reduction.None).Call(new LossInput<float>(y, 3, K), new LossInput<float>(p, 3, K))));
        Near([16.118095, 1.1920929e-7, 16.118095], values, 1e-6, 0, "CCE saturated rows");
        Assert.True(Math.Abs(values[1] - 1.1920929e-7) <= 1e-13, $"CCE perfect saturated row: expected 1.1920929e-7, got {values[1]:R}");

        // Every p' is 0 or 1, outside [lo, hi]: the clip is active for every entry, so the gradient is zero (SPEC 0.8).
        var (_, g) = On(forceScalar, () => new CategoricalCrossentropy(reduction: Reduction.Sum).ValueAndGradient(new LossInput<float>(y, 3, K), new LossInput<float>(p, 3, K)));
        AllZero(ToDoubles(g), "CCE saturated-row gradient");

        // float64: -log(1e-7) = 16.11809565 (SPEC P) and -log(1 - 1e-7) = 1.00000005e-7 (hand derivation).
        double[] pd = Array.ConvertAll(p, v => (double)v), yd = Array.ConvertAll(y, v => (double)v);
        var valuesD = On(forceScalar, () => ToDoubles(new CategoricalCrossentropy(reduction: Reduction.None).Call(new LossInput<double>(yd, 3, K), new LossInput<double>(pd, 3, K))));
        Near([16.11809565095832, 1.00000005e-7, 16.11809565095832], valuesD, 1e-14, 0, "CCE saturated rows (double)");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void CategoricalCrossentropy_PlusMinus1e4Logits_GivesExactFiniteValuesAndGradients(bool forceScalar)
    {
        // Hand derivation, SPEC B.3 (logits): L = logsumexp(x) - Σ y·x with x = 1e4·e0 - 1e4·e1 (other logits 0):
        // logsumexp = 1e4 exactly (exp(-1e4) = exp(-2e4) = 0), so y = e1 gives 2e4 and y = e0 gives 0.
        // Gradient softmax(x) - y = e0 - y: row 0 -> e0 - e1, row 1 -> 0.
        float[] x = [.. Row((0, 1e4f), (1, -1e4f)), .. Row((0, 1e4f), (1, -1e4f))];
        float[] y = [.. Row((1, 1)), .. Row((0, 1))];
        var values = On(forceScalar, () => ToDoubles(new CategoricalCrossentropy(fromLogits: true, reduction: Reduction.None).Call(new LossInput<float>(y, 2, K), new LossInput<float>(x, 2, K))));
        Near([2e4, 0], values, 0, 1e-7, "CCE(from_logits) ±1e4");
        var (_, g) = On(forceScalar, () => new CategoricalCrossentropy(fromLogits: true, reduction: Reduction.Sum).ValueAndGradient(new LossInput<float>(y, 2, K), new LossInput<float>(x, 2, K)));
        double[] expectedGrad = new double[2 * K];
        expectedGrad[0] = 1;
        expectedGrad[1] = -1;
        Near(expectedGrad, ToDoubles(g), 1e-7, 0, "CCE(from_logits) ±1e4 gradient");

        var nn = On(forceScalar, () => ToDoubles(Nn.SoftmaxCrossEntropyWithLogits(new LossInput<float>(y, 2, K), new LossInput<float>(x, 2, K))));
        Near([2e4, 0], nn, 0, 1e-7, "softmax_cross_entropy_with_logits ±1e4");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void SparseCategoricalCrossentropy_SaturatedProbabilityRows_AreFiniteWithZeroGradient(bool forceScalar)
    {
        // SPEC B.5 (TF backend: x = log(clip(p)), then the sparse softmax CE) and G: a perfect float32 prediction
        // p = [1, 0, 0], label 0 costs 2.3841855e-07 on TensorFlow. Label 1 (p_t clipped to lo): -log(lo) + log(1 + 2·lo/hi)
        // = 16.118095 + 2.4e-7 (hand derivation; within the 1e-6 tolerance).
        float[] p = [1, 0, 0, 1, 0, 0];
        int[] labels = [0, 1];
        var scce = new SparseCategoricalCrossentropy(reduction: Reduction.None);
        var values = On(forceScalar, () => ToDoubles(scce.Call(new LossInput<int>(labels, 2), new LossInput<float>(p, 2, 3))));
        Assert.True(Math.Abs(values[0] - 2.3841855e-07) <= 1e-13, $"perfect prediction: expected 2.3841855e-07 (SPEC B.5, G), got {values[0]:R}");
        Assert.True(Math.Abs(values[1] - 16.118095) <= 1e-6, $"saturated wrong prediction: expected 16.118095, got {values[1]:R}");

        // Every p lies outside [lo, hi]: zero gradient (SPEC 0.8).
        var (_, g) = On(forceScalar, () => new SparseCategoricalCrossentropy(reduction: Reduction.Sum).ValueAndGradient(new LossInput<int>(labels, 2), new LossInput<float>(p, 2, 3)));
        AllZero(ToDoubles(g), "SCCE saturated-row gradient");

        // K = 11 (vectorized row): label 1 of p = e0 gives -log(lo) + log(1 + 10·lo/hi) = 16.118096 (hand derivation).
        float[] wide = Row((0, 1));
        var v11 = On(forceScalar, () => ToDoubles(scce.Call(new LossInput<int>(new[] { 1 }, 1), new LossInput<float>(wide, 1, K))));
        Assert.True(Math.Abs(v11[0] - 16.118096) <= 2e-6, $"K = 11 saturated row: expected 16.118096, got {v11[0]:R}");

        // float64: label 0 of p = [1, 0, 0] gives log(1 + 2·1e-7/(1 - 1e-7)) = 2.0000000e-7 (hand derivation).
        var vd = On(forceScalar, () => ToDoubles(scce.Call(new LossInput<int>(labels, 2), new LossInput<double>(new double[] { 1, 0, 0, 1, 0, 0 }, 2, 3))));
        Assert.True(Math.Abs(vd[0] - 2.0e-7) <= 1e-13, $"float64 perfect prediction: expected 2.0e-7, got {vd[0]:R}");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void SparseCategoricalCrossentropy_PlusMinus1e4Logits_GivesExactFiniteValuesAndGradients(bool forceScalar)
    {
        // Hand derivation, SPEC B.5 / D: logsumexp(x) - x_t with x = 1e4·e0 - 1e4·e1: label 1 -> 2e4, label 0 -> 0;
        // gradient softmax(x) - onehot(t) = e0 - e_t.
        float[] x = [.. Row((0, 1e4f), (1, -1e4f)), .. Row((0, 1e4f), (1, -1e4f))];
        int[] labels = [1, 0];
        var values = On(forceScalar, () => ToDoubles(new SparseCategoricalCrossentropy(fromLogits: true, reduction: Reduction.None).Call(new LossInput<int>(labels, 2), new LossInput<float>(x, 2, K))));
        Near([2e4, 0], values, 0, 1e-7, "SCCE(from_logits) ±1e4");
        var (_, g) = On(forceScalar, () => new SparseCategoricalCrossentropy(fromLogits: true, reduction: Reduction.Sum).ValueAndGradient(new LossInput<int>(labels, 2), new LossInput<float>(x, 2, K)));
        double[] expectedGrad = new double[2 * K];
        expectedGrad[0] = 1;
        expectedGrad[1] = -1;
        Near(expectedGrad, ToDoubles(g), 1e-7, 0, "SCCE(from_logits) ±1e4 gradient");
        var nn = On(forceScalar, () => ToDoubles(Nn.SparseSoftmaxCrossEntropyWithLogits(new LossInput<int>(labels, 2), new LossInput<float>(x, 2, K))));
        Near([2e4, 0], nn, 0, 1e-7, "sparse_softmax_cross_entropy_with_logits ±1e4");
        var nnGrad = On(forceScalar, () => ToDoubles(Nn.SparseSoftmaxCrossEntropyWithLogitsGradient(new LossInput<int>(labels, 2), new LossInput<float>(x, 2, K))));
        Near(expectedGrad, nnGrad, 1e-7, 0, "sparse_softmax_cross_entropy_with_logits ±1e4 gradient");
    }

    // ------------------------------------------------------------------ NaN in, NaN out (SPEC 0.7)

    public static IEnumerable<object[]> PointwiseNaNRows() =>
        from id in new[]
        {
            "bce_logits_k3", "bce_probs_k3", "bce_probs_tfk", "mse_k3", "mae_k3", "huber_k3", "mape_k3", "msle_k3", "logcosh_k3", "poisson_k3",
            "hinge_k3", "hinge_binary_k3", "squared_hinge_binary_k3", "kld_k3",
        }
        from scalar in new[] { false, true }
        select new object[] { id, scalar };

    [Theory]
    [MemberData(nameof(PointwiseNaNRows))]
    public void PointwiseLoss_NaNInput_GivesNaNThereAndFiniteElsewhere(string caseId, bool forceScalar)
    {
        // SPEC 0.7: data values are not validated; NaN in gives NaN out, as in TensorFlow (clip_by_value passes NaN).
        // NaN predictions at 3 (first vector) and 17 (scalar tail), a NaN label at 9 (second vector).
        LossCase c = LossMatrix.Cases[caseId];
        var rng = new Random(LossMatrix.Seed($"nan/{caseId}"));
        Sample s = LossMatrix.Generate(c, new ShapeCase([N, 1], [N, 1]), rng, smooth: true, float32: true);
        s.P[3] = double.NaN;
        s.P[17] = double.NaN;
        s.Y[9] = double.NaN;
        int[] nanAt = [3, 9, 17];
        var none = new WeightCase { Name = "none" };
        double[] values = On(forceScalar, () => LossMatrix.Call(c.Make(Reduction.None), s, none, float32: true).Values);
        var (value, gradient) = On(forceScalar, () => LossMatrix.ValueAndGradient(c.Make(Reduction.Sum), s, none, float32: true));
        Assert.True(double.IsNaN(value), $"{caseId}: the summed loss should be NaN, got {value:R}");
        for (int i = 0; i < N; i++)
        {
            bool nan = nanAt.Contains(i);
            Assert.True(double.IsNaN(values[i]) == nan, $"{caseId}: per-sample loss [{i}] = {values[i]:R} (NaN expected: {nan})");
            Assert.True(double.IsNaN(gradient[i]) == nan, $"{caseId}: gradient [{i}] = {gradient[i]:R} (NaN expected: {nan})");
            Assert.True(nan || double.IsFinite(gradient[i]), $"{caseId}: gradient [{i}] = {gradient[i]:R} should be finite");
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Huber_InfiniteAndHugeErrors_TakeTheLinearBranchWithClampedGradient(bool forceScalar)
    {
        // Hand derivation, SPEC B.11 with δ = 0.5 (½·δ² = 0.125) and y = 0: |e| = ∞ gives δ·∞ − 0.125 = ∞; |e| = 1e30 gives
        // float32(0.5 · f32(1e30)) − 0.125 = 0.5 · f32(1e30) (0.125 is far below one ulp); e = 0.25 gives ½·0.0625 = 0.03125.
        // Gradient clamp(e, −δ, δ): ±0.5 for the large errors, 0.25 for the small one. Shape (N, 1) and Reduction.None /
        // Reduction.Sum make each per-sample value and gradient the element's own.
        float[] pattern = [float.PositiveInfinity, float.NegativeInfinity, 1e30f, -1e30f, 0.25f];
        float[] p = Cycle(pattern), y = new float[N];
        double big = 0.5f * 1e30f;
        double[] expected = Cycle([double.PositiveInfinity, double.PositiveInfinity, big, big, 0.03125]);
        double[] expectedGrad = Cycle([0.5, -0.5, 0.5, -0.5, 0.25]);
        var values = On(forceScalar, () => ToDoubles(new Huber(0.5, Reduction.None).Call(new LossInput<float>(y, N, 1), new LossInput<float>(p, N, 1))));
        Assert.Equal(expected, values);
        var (value, g) = On(forceScalar, () => new Huber(0.5, Reduction.Sum).ValueAndGradient(new LossInput<float>(y, N, 1), new LossInput<float>(p, N, 1)));
        Assert.True(float.IsPositiveInfinity(value), $"sum: expected +inf, got {value:R}");
        Assert.Equal(expectedGrad, ToDoubles(g));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void LogCosh_InfiniteHugeAndZeroErrors_AreExactOrLinear(bool forceScalar)
    {
        // SPEC B.12 (log cosh x = |x| − ln 2 + log1p(e^(−2|x|))), y = 0: x = ±∞ gives +∞ (SharpLoss's |x| + log1p((e^(−2|x|) − 1)/2),
        // see the class remarks); ±1e30 gives f32(1e30) (ln 2 is far below one ulp); ±100 gives 100 − ln 2 (e^-200 = 0 in
        // float32); 0 gives exactly 0 in float32. Gradient tanh(x): ±1, ±1, ±1, 0.
        float[] pattern = [float.PositiveInfinity, float.NegativeInfinity, 1e30f, -1e30f, 100, -100, 0];
        float[] p = Cycle(pattern), y = new float[N];
        double[] expected = Cycle([double.PositiveInfinity, double.PositiveInfinity, 1e30f, 1e30f, 100 - Math.Log(2), 100 - Math.Log(2), 0]);
        var values = On(forceScalar, () => ToDoubles(new LogCosh(Reduction.None).Call(new LossInput<float>(y, N, 1), new LossInput<float>(p, N, 1))));
        for (int i = 0; i < N; i++)
        {
            Assert.True(values[i] == expected[i] || Math.Abs(values[i] - expected[i]) <= 4e-6, $"[{i}] x = {p[i]}: expected {expected[i]:R}, got {values[i]:R}");
        }

        var (_, g) = On(forceScalar, () => new LogCosh(Reduction.Sum).ValueAndGradient(new LossInput<float>(y, N, 1), new LossInput<float>(p, N, 1)));
        Assert.Equal(Cycle([1.0, -1, 1, -1, 1, -1, 0]), ToDoubles(g));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void KLDivergence_AtAndBeyondTheClipBounds_ClipsValuesAndGradients(bool forceScalar)
    {
        // SPEC B.16 with y = 0.5, ε = f32(1e-7): p = 1 and p = ε are inside the clip (gradient −y/p: −0.5 and −0.5/ε); p = 2
        // clips to 1 (value 0.5·log 0.5, gradient 0); p = 0 and p = −1 clip to ε (value 0.5·log(0.5/ε), gradient 0).
        // Shape (N, 1): each per-sample sum is the element's own term.
        double eps = (float)1e-7;
        float[] pattern = [1, (float)1e-7, 2, 0, -1];
        float[] p = Cycle(pattern), y = Enumerable.Repeat(0.5f, N).ToArray();
        double atOne = 0.5 * Math.Log(0.5), atEps = 0.5 * Math.Log(0.5 / eps);
        var values = On(forceScalar, () => ToDoubles(new KLDivergence(Reduction.None).Call(new LossInput<float>(y, N, 1), new LossInput<float>(p, N, 1))));
        Near(Cycle([atOne, atEps, atOne, atEps, atEps]), values, 1e-6, 1e-6, "KLD values");
        var (_, g) = On(forceScalar, () => new KLDivergence(Reduction.Sum).ValueAndGradient(new LossInput<float>(y, N, 1), new LossInput<float>(p, N, 1)));
        Near(Cycle([-0.5, -0.5 / eps, 0, 0, 0]), ToDoubles(g), 0, 1e-6, "KLD gradient");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void HingeAndMsle_AtTheirKinks_FollowTensorFlowsTieRules(bool forceScalar)
    {
        // TensorFlow's maximum(x, y) passes the gradient to x where x ≥ y (SPEC 0.8). Hinge: t = ±1 with p = t puts
        // 1 − t·p = 0 exactly: gradient −t (not 0). MSLE (y = 1): p = ε exactly passes the gradient 2(log(1 + ε) − ln 2)/(1 + ε),
        // p just below ε does not (0).
        float[] t = Cycle([1f, -1f]);
        var (_, hinge) = On(forceScalar, () => new Hinge(Reduction.Sum).ValueAndGradient(new LossInput<float>(t, N, 1), new LossInput<float>(t, N, 1)));
        Assert.Equal(Cycle([-1.0, 1.0]), ToDoubles(hinge));

        float eps = (float)1e-7;
        float[] p = Cycle([eps, MathF.BitDecrement(eps)]);
        var (_, msle) = On(forceScalar, () => new MeanSquaredLogarithmicError(Reduction.Sum).ValueAndGradient(new LossInput<float>(Enumerable.Repeat(1f, N).ToArray(), N, 1), new LossInput<float>(p, N, 1)));
        double atEps = 2 * (Math.Log(1 + (double)eps) - Math.Log(2)) / (1 + (double)eps);
        Near(Cycle([atEps, 0]), ToDoubles(msle), 1e-6, 0, "MSLE gradient");
    }

    public static IEnumerable<object[]> RowNaNRows() =>
        from id in new[] { "cce_logits_k3", "cce_probs_k3", "scce_logits_k3", "scce_probs_k3" }
        from scalar in new[] { false, true }
        select new object[] { id, scalar };

    [Theory]
    [MemberData(nameof(RowNaNRows))]
    public void RowLoss_NaNInput_GivesNaNForThatRowOnly(string caseId, bool forceScalar)
    {
        // SPEC 0.7: NaN in gives NaN out. A NaN in row 1 (of 3 rows of K = 11) makes that row's loss and the reduced value
        // NaN and its gradient NaN at the NaN position; the other rows stay finite.
        LossCase c = LossMatrix.Cases[caseId];
        var rng = new Random(LossMatrix.Seed($"nan-rows/{caseId}"));
        ShapeCase shape = c.Kind == LossKind.Scce ? ShapeCase.Sparse(3, K) : ShapeCase.Dense(3, K);
        Sample s = LossMatrix.Generate(c, shape, rng, smooth: true, float32: true);
        int nanIndex = K + 9;
        s.P[nanIndex] = double.NaN;
        var none = new WeightCase { Name = "none" };
        double[] values = On(forceScalar, () => LossMatrix.Call(c.Make(Reduction.None), s, none, float32: true).Values);
        var (value, gradient) = On(forceScalar, () => LossMatrix.ValueAndGradient(c.Make(Reduction.SumOverBatchSize), s, none, float32: true));
        Assert.True(double.IsNaN(value), $"{caseId}: the reduced loss should be NaN, got {value:R}");
        Assert.True(double.IsNaN(values[1]), $"{caseId}: row 1 loss should be NaN, got {values[1]:R}");
        Assert.True(double.IsFinite(values[0]) && double.IsFinite(values[2]), $"{caseId}: rows 0 and 2 should be finite, got {values[0]:R}, {values[2]:R}");
        Assert.True(double.IsNaN(gradient[nanIndex]), $"{caseId}: gradient at the NaN input should be NaN, got {gradient[nanIndex]:R}");
        for (int i = 0; i < 3 * K; i++)
        {
            Assert.True(i / K == 1 || double.IsFinite(gradient[i]), $"{caseId}: gradient [{i}] (row {i / K}) should be finite, got {gradient[i]:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void CategoricalCrossentropy_ProbabilityRowOfZeros_GivesNaN(bool forceScalar)
    {
        // SPEC B.3: probabilities are renormalized by Σp first; "A row summing to 0 gives NaN".
        float[] p = [.. Row((0, 0.5f), (1, 0.5f)), .. new float[K]];
        float[] y = [.. Row((0, 1)), .. Row((3, 1))];
        var values = On(forceScalar, () => ToDoubles(new CategoricalCrossentropy(reduction: Reduction.None).Call(new LossInput<float>(y, 2, K), new LossInput<float>(p, 2, K))));
        Assert.True(Math.Abs(values[0] - 0.6931472) <= 1e-6, $"row 0: expected -log(0.5) = 0.6931472 (hand derivation), got {values[0]:R}");
        Assert.True(double.IsNaN(values[1]), $"row of zeros: expected NaN (SPEC B.3), got {values[1]:R}");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void CategoricalCrossentropy_ProbabilitiesWithNaNOrInfinityUnderZeroLabels_GiveNaN(bool forceScalar)
    {
        // SPEC B.3: loss = −Σ y·log clip(p/Σp). Row 0 holds a NaN and row 1 a +∞ (+∞/+∞ = NaN after renormalizing), both
        // under labels that are all 0: 0·log NaN is NaN in IEEE arithmetic, as TensorFlow computes it, so the loss is NaN
        // even though no label selects the element. Row 2 is ordinary: −log(0.5) = 0.6931472 (hand derivation).
        int w = 2 * K;
        float[] p = new float[3 * w];
        float[] y = new float[3 * w];
        for (int j = 0; j < w; j++)
        {
            p[j] = p[w + j] = 1f / w;
        }

        p[5] = float.NaN;
        p[w + 9] = float.PositiveInfinity;
        p[(2 * w) + 1] = p[(2 * w) + 2] = 0.5f;
        y[(2 * w) + 1] = 1;
        var values = On(forceScalar, () => ToDoubles(new CategoricalCrossentropy(reduction: Reduction.None).Call(new LossInput<float>(y, 3, w), new LossInput<float>(p, 3, w))));
        Assert.True(double.IsNaN(values[0]), $"NaN probability under zero labels: expected NaN, got {values[0]:R}");
        Assert.True(double.IsNaN(values[1]), $"+inf probability under zero labels: expected NaN, got {values[1]:R}");
        Assert.True(Math.Abs(values[2] - 0.6931472) <= 1e-6, $"row 2: expected -log(0.5) = 0.6931472 (hand derivation), got {values[2]:R}");
    }
}
