// SparseCategoricalCrossentropy (SPEC B.5) through the LossSpec checklist, plus its own hand-derived cases:
// int/long/float labels, ignore_class (F#4), the TF backend's clip-before-renormalize, smoothing (SPEC 0.9).

using System.Numerics.Tensors;

namespace SharpLoss.Tests.Spec;

public class SparseCategoricalCrossentropySpecTests : CrossentropySpec<SparseCategoricalCrossentropy>
{
    private static readonly double Ln2 = Math.Log(2);
    private static readonly double Ln8 = Math.Log(8);
    private static readonly double Ln4Over3 = Math.Log(4.0 / 3.0);

    protected override SparseCategoricalCrossentropy Create(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3) =>
        new(reduction: reduction, name: name, semantics: semantics);

    protected override SparseCategoricalCrossentropy FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics) =>
        SparseCategoricalCrossentropy.FromConfig(config, semantics);

    protected override SparseCategoricalCrossentropy CreateCrossentropy(bool fromLogits, double labelSmoothing, Reduction? reduction = null) =>
        new(fromLogits, reduction: reduction, labelSmoothing: labelSmoothing);

    protected override string ExpectedClassName => "SparseCategoricalCrossentropy";

    protected override string DefaultName => "sparse_categorical_crossentropy";

    // One class id per sample (given as floats here), K = 3 classes on y_pred's last axis.
    protected override int[] YTrueShape(int[] perSample) => [.. perSample];

    protected override int[] YPredShape(int[] perSample) => [.. perSample, 3];

    protected override float[] CaseYTrue => [0, 1, 2, 0, 1, 1];

    protected override float[] CaseYPred =>
    [
        0.5f, 0.25f, 0.25f,
        0.125f, 0.125f, 0.75f,
        0.25f, 0.25f, 0.5f,
        0.75f, 0.125f, 0.125f,
        0.5f, 0.25f, 0.25f,
        0.25f, 0.625f, 0.125f,
    ];

    // TF backend (SPEC B.5): x = ln clip(p), L = ln Σ_j e^{x_j} - x_t = ln Σ p - ln p_t = -ln p_t (rows sum to 1):
    //   s0: p_0 = 0.5 → ln 2;  s1: p_1 = 0.125 → ln 8;  s2: p_2 = 0.5 → ln 2;  s3: p_0 = 0.75 → ln(4/3);
    //   s4: p_1 = 0.25 → ln 4;  s5: p_1 = 0.625 → ln(8/5).
    protected override double[] CaseLosses => [Ln2, Ln8, Ln2, Ln4Over3, Math.Log(4), Math.Log(8.0 / 5.0)];

    protected override float[] PerfectYTrue => [0, 1, 2, 0, 1, 2];

    protected override float[] PerfectYPred =>
    [
        1, 0, 0, 0, 1, 0, 0, 0, 1,
        1, 0, 0, 0, 1, 0, 0, 0, 1,
    ];

    // One-hot p: x = [ln(1 - 2^-23), ln 1e-7, ln 1e-7]; L = ln(1 + 2·1e-7/(1 - 2^-23)) ≈ 2e-7 exactly; in float32
    // 1 + 2e-7 rounds to 1 + 2^-22, so L = 2^-22 = 2.3841858e-7 (SPEC G: 2.3841855e-07 on TF). Bound 2.5e-7.
    protected override double PerfectBound => 2.5e-7;

    protected override IEnumerable<(int[] YTrue, int[] YPred)> MismatchedShapes =>
    [
        ([3], [2, 3]),
        ([2, 2], [2, 3]),
        ([4], [2, 3]),
        ([2], [2, 3, 4]),
    ];

    // Smoothing 0.3 (SPEC B.5 last bullet): 0.7·CE_hard + 0.3·CE_uniform. These rows sum to 1 and no clip is active, so
    // both terms are plain −ln p and the result is CCE's on the target [0.8, 0.1, 0.1]-style:
    //   s0: label 0, p=[0.5,0.25,0.25]: 0.8 ln 2 + 0.2 ln 4 = 1.2 ln 2
    //   s1: label 1, p=[0.125,0.125,0.75]: 0.9 ln 8 + 0.1 ln(4/3)
    protected override (float[] YTrue, float[] YPred, double LabelSmoothing, double[] Expected) SmoothingCase =>
        ([0, 1], [0.5f, 0.25f, 0.25f, 0.125f, 0.125f, 0.75f], 0.3, [1.2 * Ln2, (0.9 * Ln8) + (0.1 * Ln4Over3)]);

    protected override void RandomInputs(Random rng, int[] perSample, out float[] yTrue, out float[] yPred)
    {
        int rows = SpecAssert.Size(perSample);
        yTrue = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            yTrue[i] = rng.Next(3);
        }

        yPred = SpecAssert.ProbabilityRows(rng, rows, 3);
    }

    protected override float[] Activate(float[] logits) => SpecAssert.SoftmaxRows(logits, 3);

    protected override IEnumerable<SparseCategoricalCrossentropy> ConfigVariants() =>
    [
        new(fromLogits: true),
        new(ignoreClass: -1),
        new(ignoreClass: 255, axis: 1),
        new(labelSmoothing: 0.1),
        new(fromLogits: true, ignoreClass: 3, reduction: Reduction.Sum, name: "scce", semantics: LossSemantics.TfKeras2),
    ];

    [Fact]
    public void IntLongAndFloatLabels_GiveTheSameValues()
    {
        var loss = new SparseCategoricalCrossentropy(reduction: Reduction.None);
        var p = new LossInput<float>(CaseYPred, 6, 3);
        double[] f = SpecAssert.Values(loss.Call(CaseYTrue, p));
        double[] i = SpecAssert.Values(loss.Call(new[] { 0, 1, 2, 0, 1, 1 }, new LossInput<float>(CaseYPred, 6, 3)));
        double[] l = SpecAssert.Values(loss.Call(new long[] { 0, 1, 2, 0, 1, 1 }, new LossInput<float>(CaseYPred, 6, 3)));
        SpecAssert.Near(CaseLosses, i, Rtol, Atol, "int");
        Assert.Equal(i, f);
        Assert.Equal(i, l);
    }

    [Fact]
    public void LabelsWithTrailingAxisOfOne_AreSqueezed()
    {
        // SPEC B.5 step 1: y (6, 1) against p (6, 3) squeezes y to (6,).
        Tensor<float> t = new SparseCategoricalCrossentropy(reduction: Reduction.None).Call(
            new LossInput<int>(new[] { 0, 1, 2, 0, 1, 1 }, 6, 1), new LossInput<float>(CaseYPred, 6, 3));
        Assert.Equal([6], SpecAssert.ShapeOf(t));
        SpecAssert.Near(CaseLosses, SpecAssert.Values(t), Rtol, Atol, "(6, 1) labels");
    }

    [Fact]
    public void Probabilities_AreClippedBeforeTheImplicitRenormalization()
    {
        // SPEC B.5 step 3 (TF backend): x = ln clip(p) without renormalizing. p = [1, 1, 2] clips to three equal values
        // 1 - 2^-23, the softmax is uniform and L = ln 3 for any label. CCE renormalizes first: [0.25, 0.25, 0.5] → ln 2.
        float[,] p = { { 1, 1, 2 } };
        float scce = new SparseCategoricalCrossentropy().Compute(new[] { 2 }, p);
        float cce = new CategoricalCrossentropy().Compute(new float[,] { { 0, 0, 1 } }, p);
        SpecAssert.Near(Math.Log(3), scce, Rtol, Atol, "SCCE");
        SpecAssert.Near(Ln2, cce, Rtol, Atol, "CCE");
    }

    [Fact]
    public void LabelSmoothing_LogitsOrUnclippedNormalizedRows_EqualsCategoricalOnOneHotLabels()
    {
        // SPEC B.5 last bullet: from logits, and from probability rows that sum to 1 with no clip active (where clipping
        // before and after normalising agree), Keras 3.16's smoothing equals CategoricalCrossentropy with the same
        // smoothing on one-hot labels. SparseLabelSmoothingTests covers the rows where the two differ.
        var rng = new Random(61);
        float[] p = SpecAssert.ProbabilityRows(rng, 8, 3);
        float[] oneHot = SpecAssert.OneHotRows(rng, 8, 3, out int[] classes);
        foreach (bool logits in new[] { false, true })
        {
            float[] x = logits ? SpecAssert.Uniform(rng, 24, -3, 3) : p;
            double[] sparse = SpecAssert.Values(new SparseCategoricalCrossentropy(logits, reduction: Reduction.None, labelSmoothing: 0.2).Call(classes, new LossInput<float>(x, 8, 3)));
            double[] dense = SpecAssert.Values(new CategoricalCrossentropy(logits, 0.2, reduction: Reduction.None).Call(new LossInput<float>(oneHot, 8, 3), new LossInput<float>(x, 8, 3)));
            SpecAssert.Near(dense, sparse, 1e-5, 1e-6, $"seed 61, logits {logits}");
        }
    }

    // ---- ignore_class: labels [0, -1, 0] with p rows [0.5,0.25,0.25], [0.125,0.125,0.75], [0.75,0.125,0.125]:
    //      per-sample [ln 2, 0 (ignored), ln(4/3)]; the ignored entry is masked out of the mean (SPEC B.5 step 2, A.4).
    private static readonly float[] IgnoreP = [0.5f, 0.25f, 0.25f, 0.125f, 0.125f, 0.75f, 0.75f, 0.125f, 0.125f];
    private static readonly int[] IgnoreLabels = [0, -1, 0];

    [Theory]
    [InlineData(Reduction.None)]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.SumOverBatchSize)]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.MeanWithSampleWeight)]
    public void IgnoreClass_EachReduction_ExcludesIgnoredEntries(Reduction reduction)
    {
        // none: [ln 2, 0, ln(4/3)]; sum: ln 2 + ln(4/3); mean types: (ln 2 + ln(4/3)) / 2 valid entries.
        var loss = new SparseCategoricalCrossentropy(ignoreClass: -1, reduction: reduction);
        Tensor<float> t = loss.Call(IgnoreLabels, new LossInput<float>(IgnoreP, 3, 3));
        double sum = Ln2 + Ln4Over3;
        if (reduction == Reduction.None)
        {
            SpecAssert.Near([Ln2, 0, Ln4Over3], SpecAssert.Values(t), Rtol, Atol, "none");
            return;
        }

        SpecAssert.Near(reduction == Reduction.Sum ? sum : sum / 2, SpecAssert.Values(t)[0], Rtol, Atol, reduction.ToString());
    }

    [Fact]
    public void IgnoreClass_WithWeights_MeanTypesUseValidCountOrValidWeights()
    {
        // weights [1, 5, 3]: SOBS = Σ l·w·m / #valid = (ln 2 + 3 ln(4/3)) / 2;
        // mean_with_sample_weight = Σ l·w·m / Σ w·m = (ln 2 + 3 ln(4/3)) / (1 + 3).
        float[] w = [1, 5, 3];
        double num = Ln2 + (3 * Ln4Over3);
        SpecAssert.Near(num / 2, new SparseCategoricalCrossentropy(ignoreClass: -1).Compute(IgnoreLabels, new LossInput<float>(IgnoreP, 3, 3), w), Rtol, Atol, "SOBS");
        SpecAssert.Near(num / 4, new SparseCategoricalCrossentropy(ignoreClass: -1, reduction: Reduction.MeanWithSampleWeight).Compute(IgnoreLabels, new LossInput<float>(IgnoreP, 3, 3), w), Rtol, Atol, "MWSW");
    }

    [Fact]
    public void IgnoreClass_CombinedWithCallerMask_AndsTheMasks()
    {
        // SPEC A.1 step 4: effective mask = caller mask AND ignore mask: [T, T, F] & [T, F, T] = [T, F, F] → ln 2.
        float v = new SparseCategoricalCrossentropy(ignoreClass: -1).Compute(IgnoreLabels, new LossInput<float>(IgnoreP, 3, 3), mask: new[] { true, true, false });
        SpecAssert.Near(Ln2, v, Rtol, Atol, "and-ed masks");
    }

    [Fact]
    public void IgnoreClass_FloatLabels_ComparedInFloat()
    {
        // Float labels -1.0 equal ignore_class -1 (SPEC B.5 step 2 compares in p's dtype).
        float v = new SparseCategoricalCrossentropy(ignoreClass: -1).Compute(new float[] { 0, -1, 0 }, new LossInput<float>(IgnoreP, 3, 3));
        SpecAssert.Near((Ln2 + Ln4Over3) / 2, v, Rtol, Atol, "float labels");
    }

    [Fact]
    public void IgnoreClass_AllIgnored_Keras3ZeroTfKeras2NaN()
    {
        // SPEC F#4 / I.9 (tf-keras#734): every label ignored: Keras 3 gives 0, tf.keras 2 gives NaN (total/valid = inf).
        int[] labels = [-1, -1, -1];
        Assert.Equal(0f, new SparseCategoricalCrossentropy(ignoreClass: -1).Compute(labels, new LossInput<float>(IgnoreP, 3, 3)));
        Assert.Equal(0f, new SparseCategoricalCrossentropy(ignoreClass: -1, reduction: Reduction.MeanWithSampleWeight).Compute(labels, new LossInput<float>(IgnoreP, 3, 3)));
        Assert.True(float.IsNaN(new SparseCategoricalCrossentropy(ignoreClass: -1, semantics: LossSemantics.TfKeras2).Compute(labels, new LossInput<float>(IgnoreP, 3, 3))));
        double[] none = SpecAssert.Values(new SparseCategoricalCrossentropy(ignoreClass: -1, reduction: Reduction.None).Call(labels, new LossInput<float>(IgnoreP, 3, 3)));
        Assert.Equal([0.0, 0.0, 0.0], none);
    }

    [Fact]
    public void IgnoreClass_OutOfRangeIgnoredId_IsAccepted()
    {
        // ignore_class 255 (outside [0, 3)): those entries are not range-checked (SPEC 0.7 "other than ignore_class").
        float v = new SparseCategoricalCrossentropy(ignoreClass: 255).Compute(new[] { 0, 255, 0 }, new LossInput<float>(IgnoreP, 3, 3));
        SpecAssert.Near((Ln2 + Ln4Over3) / 2, v, Rtol, Atol, "ignore 255");
    }

    [Fact]
    public void FloatLabels_AreTruncatedTowardZeroAsTensorFlowCasts()
    {
        // SPEC B.5 step 3: y is cast to int64 (tf.cast truncates): 1.9 → 1, 0.5 → 0, -0.5 → 0. Same values as [1, 0, 0].
        var p = new LossInput<float>(CaseYPred.AsSpan(0, 9), 3, 3);
        float truncated = new SparseCategoricalCrossentropy().Compute(new float[] { 1.9f, 0.5f, -0.5f }, p);
        float exact = new SparseCategoricalCrossentropy().Compute(new[] { 1, 0, 0 }, new LossInput<float>(CaseYPred.AsSpan(0, 9), 3, 3));
        // rows: p=[0.5,0.25,0.25] label 1 → ln 4; p=[0.125,0.125,0.75] label 0 → ln 8; p=[0.25,0.25,0.5] label 0 → ln 4.
        SpecAssert.Near((Math.Log(4) + Ln8 + Math.Log(4)) / 3, exact, Rtol, Atol, "int labels");
        Assert.Equal(exact, truncated);
    }

    [Fact]
    public void AxisEqualToLastIndex_IsAccepted()
    {
        // SPEC B.5 step 3: axis must be -1 or rank - 1; axis = 1 on rank-2 y_pred is the last axis.
        float v = new SparseCategoricalCrossentropy(axis: 1).Compute(CaseYTrue, new LossInput<float>(CaseYPred, 6, 3));
        SpecAssert.Near(CaseLosses.Average(), v, Rtol, Atol, "axis 1");
    }
}
