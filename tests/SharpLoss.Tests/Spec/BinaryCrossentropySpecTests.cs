// BinaryCrossentropy (SPEC B.1) through the LossSpec checklist, plus its own hand-derived cases and the
// Keras 3 vs tf.keras 2 differences F#1 and F#7.

using System.Numerics.Tensors;

namespace SharpLoss.Tests.Spec;

public class BinaryCrossentropySpecTests : CrossentropySpec<BinaryCrossentropy>
{
    private static readonly double Ln2 = Math.Log(2);
    private static readonly double Ln4 = Math.Log(4);
    private static readonly double Ln4Over3 = Math.Log(4.0 / 3.0);

    protected override BinaryCrossentropy Create(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3) =>
        new(reduction: reduction, name: name, semantics: semantics);

    protected override BinaryCrossentropy FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics) =>
        BinaryCrossentropy.FromConfig(config, semantics);

    protected override BinaryCrossentropy CreateCrossentropy(bool fromLogits, double labelSmoothing, Reduction? reduction = null) =>
        new(fromLogits, labelSmoothing, reduction: reduction);

    protected override string ExpectedClassName => "BinaryCrossentropy";

    protected override string DefaultName => "binary_crossentropy";

    // Two elements per sample, averaged over the last axis.
    protected override int[] YTrueShape(int[] perSample) => [.. perSample, 2];

    protected override int[] YPredShape(int[] perSample) => [.. perSample, 2];

    protected override float[] CaseYTrue => [1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0.25f, 1];

    protected override float[] CaseYPred => [0.75f, 0.5f, 0.25f, 0.25f, 0.5f, 0.5f, 0.5f, 0.75f, 0.875f, 0.125f, 0.5f, 0.625f];

    // Element term e = -(y ln p + (1 - y) ln(1 - p)) (no clip is active), per sample the mean of its two elements:
    //   s0: y=[1,0],    p=[0.75,0.5]    → (ln(4/3) + ln 2) / 2
    //   s1: y=[0,1],    p=[0.25,0.25]   → (-ln 0.75 + -ln 0.25) / 2 = (ln(4/3) + ln 4) / 2
    //   s2: y=[1,1],    p=[0.5,0.5]     → ln 2
    //   s3: y=[0,0],    p=[0.5,0.75]    → (ln 2 + ln 4) / 2
    //   s4: y=[1,0],    p=[0.875,0.125] → (ln(8/7) + ln(8/7)) / 2 = ln(8/7)
    //   s5: y=[0.25,1], p=[0.5,0.625]   → (-(0.25 ln 0.5 + 0.75 ln 0.5) + -ln 0.625) / 2 = (ln 2 + ln(8/5)) / 2
    protected override double[] CaseLosses =>
    [
        (Ln4Over3 + Ln2) / 2,
        (Ln4Over3 + Ln4) / 2,
        Ln2,
        (Ln2 + Ln4) / 2,
        Math.Log(8.0 / 7.0),
        (Ln2 + Math.Log(8.0 / 5.0)) / 2,
    ];

    protected override float[] PerfectYTrue => [1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 1];

    protected override float[] PerfectYPred => PerfectYTrue;

    // p = y ∈ {0, 1}: q = clip(1) = 1 - 2^-23 gives -ln(1 - 2^-23) = 1.1920929e-7 for y = 1; q = clip(0) = 1e-7 gives
    // -ln(1 - 1e-7), and 1 - 1e-7 rounds in float32 to 1 - 2^-23, so also 1.1920929e-7 for y = 0. Bound: 1.2e-7.
    protected override double PerfectBound => 1.2e-7;

    protected override IEnumerable<(int[] YTrue, int[] YPred)> MismatchedShapes =>
    [
        ([2, 3], [2, 4]),
        ([3], [3, 2]),
        ([2, 2, 2], [2, 2]),
        ([4], [2, 2]),
    ];

    // Smoothing 0.2 moves labels toward 0.5: 1 → 0.9, 0 → 0.1 (SPEC B.1 step 2).
    //   s0: y=[1,0], p=[0.75,0.25]: both elements -(0.9 ln 0.75 + 0.1 ln 0.25) = 0.9 ln(4/3) + 0.1 ln 4
    //   s1: y=[0,1], p=[0.75,0.25]: both elements -(0.1 ln 0.75 + 0.9 ln 0.25) = 0.1 ln(4/3) + 0.9 ln 4
    protected override (float[] YTrue, float[] YPred, double LabelSmoothing, double[] Expected) SmoothingCase =>
        ([1, 0, 0, 1], [0.75f, 0.25f, 0.75f, 0.25f], 0.2, [(0.9 * Ln4Over3) + (0.1 * Ln4), (0.1 * Ln4Over3) + (0.9 * Ln4)]);

    protected override void RandomInputs(Random rng, int[] perSample, out float[] yTrue, out float[] yPred)
    {
        int n = SpecAssert.Size(YTrueShape(perSample));
        yTrue = new float[n];
        for (int i = 0; i < n; i++)
        {
            yTrue[i] = rng.Next(3) switch { 0 => 0f, 1 => 1f, _ => (float)rng.NextDouble() };
        }

        yPred = SpecAssert.Uniform(rng, n, 0.02, 0.98);
    }

    protected override float[] Activate(float[] logits) => SpecAssert.Sigmoid(logits);

    protected override IEnumerable<BinaryCrossentropy> ConfigVariants() =>
    [
        new(fromLogits: true),
        new(labelSmoothing: 0.1),
        new(axis: 0),
        new(fromLogits: true, labelSmoothing: 0.25, axis: -2, reduction: Reduction.Sum, name: "bce2", semantics: LossSemantics.TfKeras2),
    ];

    [Fact]
    public void SaturatedProbabilities_Keras3VsTfKeras2_MatchSpecF1()
    {
        // SPEC F#1 / K.2: y=[[1,0],[1,0]], p=[[1,1],[1,0]]. The only saturated term is y=0, p=1:
        // Keras 3 -ln(1 - (1 - 2^-23)) = 15.942385, mean over 4 elements ≈ 3.98559;
        // tf.keras 2 adds eps again: -ln(2^-23 + 1e-7) = 15.333239, mean ≈ 3.833 (published to 4 digits).
        float[,] y = { { 1, 0 }, { 1, 0 } };
        float[,] p = { { 1, 1 }, { 1, 0 } };
        float k3 = new BinaryCrossentropy().Compute(y, p);
        float tfk = new BinaryCrossentropy(semantics: LossSemantics.TfKeras2).Compute(y, p);
        SpecAssert.Near(3.98559, k3, 0, 1e-5, "Keras 3");
        SpecAssert.Near(15.942385 / 4, k3, 0, 1e-6, "Keras 3 hand");
        SpecAssert.Near(3.833, tfk, 0, 1.5e-3, "tf.keras 2 published");
        SpecAssert.Near(15.333239 / 4, tfk, 0, 1e-6, "tf.keras 2 hand");
    }

    [Fact]
    public void SaturatedFunctionForm_Keras3VsTfKeras2_AreTheFourClipValues()
    {
        // SPEC F#1 / section 0: K.binary_crossentropy([[0],[1]], [[1],[0]]): Keras 3 [15.942385, 16.118095]
        // (-ln(2^-23), -ln(f32(1e-7))), tf.keras 2 [15.333239, 15.424949] (-ln(2^-23 + 1e-7), -ln(f32(1e-7) + 1e-7)).
        float[,] y = { { 0 }, { 1 } };
        float[,] p = { { 1 }, { 0 } };
        SpecAssert.Near([15.942385, 16.118095], SpecAssert.Values(Losses.BinaryCrossentropy(y, p)), 1e-6, 0, "Keras 3");
        SpecAssert.Near([15.333239, 15.424949], SpecAssert.Values(Losses.BinaryCrossentropy(y, p, semantics: LossSemantics.TfKeras2)), 1e-6, 0, "tf.keras 2");
    }

    [Fact]
    public void FromLogits_HandDerived_IsStableSoftplusForm()
    {
        // e = max(x,0) - x·y + ln(1 + e^-|x|): x=0 → ln 2; x=ln 3, y=1 → ln(1 + 1/3) = ln(4/3);
        // x=-20, y=1 → 20 + ln(1 + e^-20) ≈ 20.000000002 (no clip at 16.118 on the logits path).
        float[,] y = { { 0, 1 }, { 1, 1 } };
        float[,] x = { { 0, (float)Math.Log(3) }, { -20, -20 } };
        double[] per = SpecAssert.Values(new BinaryCrossentropy(fromLogits: true, reduction: Reduction.None).Call(y, x));
        SpecAssert.Near([(Ln2 + Ln4Over3) / 2, 20.0], per, 2e-6, 0, "logits");
    }

    [Fact]
    public void Axis0_AveragesOverTheFirstAxis()
    {
        // axis=0 on (2, 3): per-sample shape (3,), column j averages rows 0 and 1:
        //   col0: y=[1,1], p=[0.5,0.75] → (ln 2 + ln(4/3)) / 2; col1: y=[0,1], p=[0.75,0.5] → (ln 4 + ln 2) / 2;
        //   col2: y=[1,0], p=[0.25,0.5] → (ln 4 + ln 2) / 2.
        float[,] y = { { 1, 0, 1 }, { 1, 1, 0 } };
        float[,] p = { { 0.5f, 0.75f, 0.25f }, { 0.75f, 0.5f, 0.5f } };
        Tensor<float> t = new BinaryCrossentropy(axis: 0, reduction: Reduction.None).Call(y, p);
        Assert.Equal([3], SpecAssert.ShapeOf(t));
        SpecAssert.Near([(Ln2 + Ln4Over3) / 2, (Ln4 + Ln2) / 2, (Ln4 + Ln2) / 2], SpecAssert.Values(t), Rtol, Atol, "axis 0");
    }

    [Fact]
    public void Rank1Inputs_PerSampleLossIsAScalar_ReturnedUnreducedByEveryReduction()
    {
        // SPEC A.2 / A.6: rank-1 y and p give a per-sample loss of shape (): the mean of
        // e = [ln 2, ln 2, ln 4, ln(4/3)] = (2 ln 2 + ln 4 + ln(4/3)) / 4, returned as is (Sum does not multiply by 4).
        float[] y = [0, 1, 0, 0];
        float[] p = [0.5f, 0.5f, 0.75f, 0.25f];
        double mean = ((2 * Ln2) + Ln4 + Ln4Over3) / 4;
        foreach (Reduction r in new[] { Reduction.None, Reduction.Sum, Reduction.SumOverBatchSize, Reduction.MeanWithSampleWeight })
        {
            Tensor<float> t = new BinaryCrossentropy(reduction: r).Call(y, p);
            Assert.Equal([1], SpecAssert.ShapeOf(t));
            SpecAssert.Near(mean, SpecAssert.Values(t)[0], Rtol, Atol, r.ToString());
        }
    }

    [Fact]
    public void Rank1Inputs_WithNWeights_Keras3MultipliesTfKeras2Throws()
    {
        // SPEC A.2 last bullet: scalar per-sample loss m with weights (4,) = [1, 2, 0, 3]: values m·w of shape (4,),
        // sum_over_batch_size = m·Σw/4 = 1.5 m. SPEC A.8 step 5: tf.keras squeezes the weight's last axis, which must be 1:
        // with N = 4 it raises.
        float[] y = [0, 1, 0, 0];
        float[] p = [0.5f, 0.5f, 0.75f, 0.25f];
        float[] w = [1, 2, 0, 3];
        double mean = ((2 * Ln2) + Ln4 + Ln4Over3) / 4;
        SpecAssert.Near(mean * 6 / 4, new BinaryCrossentropy().Compute(y, p, w), Rtol, Atol, "Keras 3");
        Assert.ThrowsAny<ArgumentException>(() => new BinaryCrossentropy(semantics: LossSemantics.TfKeras2).Compute(y, p, w));
    }

    [Fact]
    public void YTrueNVersusYPredNx1_Keras3ExpandsTfKeras2Squeezes()
    {
        // SPEC A.2 / F#7: y (3,) = [1, 0, 1], p (3, 1) = [[0.5], [0.5], [0.25]].
        // Keras 3 expands y to (3, 1): per-sample (3,) = [ln 2, ln 2, ln 4].
        // tf.keras 2 squeezes p to (3,): the per-sample loss is the scalar mean (2 ln 2 + ln 4) / 3.
        float[] y = [1, 0, 1];
        float[,] p = { { 0.5f }, { 0.5f }, { 0.25f } };
        Tensor<float> k3 = new BinaryCrossentropy(reduction: Reduction.None).Call(y, p);
        Assert.Equal([3], SpecAssert.ShapeOf(k3));
        SpecAssert.Near([Ln2, Ln2, Ln4], SpecAssert.Values(k3), Rtol, Atol, "Keras 3");
        Tensor<float> tfk = new BinaryCrossentropy(reduction: Reduction.None, semantics: LossSemantics.TfKeras2).Call(y, p);
        Assert.Equal([1], SpecAssert.ShapeOf(tfk));
        SpecAssert.Near(((2 * Ln2) + Ln4) / 3, SpecAssert.Values(tfk)[0], 1e-5, Atol, "tf.keras 2");
    }
}
