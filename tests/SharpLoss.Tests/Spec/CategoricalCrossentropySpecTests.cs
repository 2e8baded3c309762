// CategoricalCrossentropy (SPEC B.3) through the LossSpec checklist, plus its own hand-derived cases
// (renormalization, single class, smoothing with axis ≠ -1: F#10).

using System.Numerics.Tensors;

namespace SharpLoss.Tests.Spec;

public class CategoricalCrossentropySpecTests : CrossentropySpec<CategoricalCrossentropy>
{
    private static readonly double Ln2 = Math.Log(2);
    private static readonly double Ln8 = Math.Log(8);

    protected override CategoricalCrossentropy Create(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3) =>
        new(reduction: reduction, name: name, semantics: semantics);

    protected override CategoricalCrossentropy FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics) =>
        CategoricalCrossentropy.FromConfig(config, semantics);

    protected override CategoricalCrossentropy CreateCrossentropy(bool fromLogits, double labelSmoothing, Reduction? reduction = null) =>
        new(fromLogits, labelSmoothing, reduction: reduction);

    protected override string ExpectedClassName => "CategoricalCrossentropy";

    protected override string DefaultName => "categorical_crossentropy";

    // K = 3 classes on the last axis.
    protected override int[] YTrueShape(int[] perSample) => [.. perSample, 3];

    protected override int[] YPredShape(int[] perSample) => [.. perSample, 3];

    protected override float[] CaseYTrue =>
    [
        1, 0, 0,
        0, 1, 0,
        0, 0, 1,
        1, 0, 0,
        0.5f, 0.5f, 0,
        0, 1, 0,
    ];

    protected override float[] CaseYPred =>
    [
        0.5f, 0.25f, 0.25f,
        0.125f, 0.125f, 0.75f,
        1, 1, 2,
        0.75f, 0.125f, 0.125f,
        0.5f, 0.25f, 0.25f,
        0.25f, 0.625f, 0.125f,
    ];

    // L = -Σ y·ln(p/Σp) (no clip active):
    //   s0: target p 0.5 → ln 2;  s1: target p 0.125 → ln 8;
    //   s2: p = [1, 1, 2] renormalized to [0.25, 0.25, 0.5] first (SPEC B.3), target 0.5 → ln 2;
    //   s3: target 0.75 → ln(4/3);  s4: soft y = [0.5, 0.5, 0]: 0.5 ln 2 + 0.5 ln 4 = 1.5 ln 2;
    //   s5: target 0.625 → ln(8/5).
    protected override double[] CaseLosses => [Ln2, Ln8, Ln2, Math.Log(4.0 / 3.0), 1.5 * Ln2, Math.Log(8.0 / 5.0)];

    protected override float[] PerfectYTrue =>
    [
        1, 0, 0, 0, 1, 0, 0, 0, 1,
        1, 0, 0, 0, 1, 0, 0, 0, 1,
    ];

    protected override float[] PerfectYPred => PerfectYTrue;

    // One-hot p: the target clips to 1 - 2^-23, giving -ln(1 - 2^-23) = 1.1920929e-7; the y = 0 terms are 0. Bound 1.2e-7.
    protected override double PerfectBound => 1.2e-7;

    protected override IEnumerable<(int[] YTrue, int[] YPred)> MismatchedShapes =>
    [
        ([2, 3], [2, 4]),
        ([2, 3], [3, 3]),
        ([3], [2, 3]),
        ([2, 2, 3], [2, 3]),
    ];

    // Smoothing 0.3 toward 1/K with K = 3 (SPEC B.3 step 4): y' = 0.7 y + 0.1.
    //   s0: y=[1,0,0] → [0.8,0.1,0.1], p=[0.5,0.25,0.25]: 0.8 ln 2 + 0.2 ln 4 = 1.2 ln 2
    //   s1: y=[0,1,0] → [0.1,0.8,0.1], p=[0.125,0.125,0.75]: 0.9 ln 8 + 0.1 ln(4/3)
    protected override (float[] YTrue, float[] YPred, double LabelSmoothing, double[] Expected) SmoothingCase =>
        ([1, 0, 0, 0, 1, 0], [0.5f, 0.25f, 0.25f, 0.125f, 0.125f, 0.75f], 0.3, [1.2 * Ln2, (0.9 * Ln8) + (0.1 * Math.Log(4.0 / 3.0))]);

    protected override void RandomInputs(Random rng, int[] perSample, out float[] yTrue, out float[] yPred)
    {
        int rows = SpecAssert.Size(perSample);
        yTrue = SpecAssert.OneHotRows(rng, rows, 3, out _);
        yPred = SpecAssert.ProbabilityRows(rng, rows, 3);
    }

    protected override float[] Activate(float[] logits) => SpecAssert.SoftmaxRows(logits, 3);

    protected override IEnumerable<CategoricalCrossentropy> ConfigVariants() =>
    [
        new(fromLogits: true),
        new(labelSmoothing: 0.1),
        new(axis: 1),
        new(fromLogits: true, labelSmoothing: 0.5, axis: 0, reduction: Reduction.None, name: "cce", semantics: LossSemantics.TfKeras2),
    ];

    [Fact]
    public void FromLogits_HandDerived_IsLogSoftmax()
    {
        // x = [0, ln 2, ln 5]: softmax = [1, 2, 5] / 8. Target 2 → ln(8/5); target 0 → ln 8.
        float[,] x = { { 0, (float)Ln2, (float)Math.Log(5) }, { 0, (float)Ln2, (float)Math.Log(5) } };
        float[,] y = { { 0, 0, 1 }, { 1, 0, 0 } };
        double[] per = SpecAssert.Values(new CategoricalCrossentropy(fromLogits: true, reduction: Reduction.None).Call(y, x));
        SpecAssert.Near([Math.Log(8.0 / 5.0), Ln8], per, 2e-6, 1e-6, "logits");
    }

    [Fact]
    public void LabelSmoothing_Axis0_TakesKFromYPredShapeAlongTheAxis()
    {
        // SPEC F#10 / B.3 step 4: K = y_pred.shape[axis] = 3 for axis 0 on (3, 2) (not the last dimension 2).
        // Columns: y=[1,0,0], p=[0.5,0.25,0.25] and y=[0,1,0], p=[0.25,0.5,0.25]; ls = 0.3 → y' = 0.7 y + 0.1:
        // each column 0.8 ln 2 + 0.1 ln 4 + 0.1 ln 4 = 1.2 ln 2. (K = 2 would give 0.85 ln 2 + 0.3 ln 4 = 1.45 ln 2.)
        float[,] y = { { 1, 0 }, { 0, 1 }, { 0, 0 } };
        float[,] p = { { 0.5f, 0.25f }, { 0.25f, 0.5f }, { 0.25f, 0.25f } };
        Tensor<float> t = new CategoricalCrossentropy(labelSmoothing: 0.3, axis: 0, reduction: Reduction.None).Call(y, p);
        Assert.Equal([2], SpecAssert.ShapeOf(t));
        SpecAssert.Near([1.2 * Ln2, 1.2 * Ln2], SpecAssert.Values(t), Rtol, Atol, "axis 0 smoothing");
    }

    [Fact]
    public void RowSummingToZero_GivesNaN()
    {
        // SPEC B.3 step 5: p' = p / Σp; a row summing to 0 gives 0/0 = NaN (the clip keeps NaN).
        float[,] y = { { 1, 0, 0 }, { 0, 1, 0 } };
        float[,] p = { { 0, 0, 0 }, { 0.25f, 0.5f, 0.25f } };
        double[] per = SpecAssert.Values(new CategoricalCrossentropy(reduction: Reduction.None).Call(y, p));
        Assert.True(double.IsNaN(per[0]), $"row of zeros gave {per[0]:R}");
        SpecAssert.Near(Ln2, per[1], Rtol, Atol, "normal row");
    }

    [Fact]
    public void SingleClass_IsAlmostZero()
    {
        // SPEC B.3 step 3: with K = 1, probabilities renormalize to 1 and clip to 1 - 2^-23: y·1.1920929e-7;
        // logits give log_softmax = 0 exactly.
        float[,] y = { { 1 }, { 1 } };
        double[] probs = SpecAssert.Values(new CategoricalCrossentropy(reduction: Reduction.None).Call(y, new float[,] { { 0.3f }, { 0.7f } }));
        Assert.All(probs, v => SpecAssert.Near(1.1920929e-7, v, 1e-3, 0, "K=1 probabilities"));
        double[] logits = SpecAssert.Values(new CategoricalCrossentropy(fromLogits: true, reduction: Reduction.None).Call(y, new float[,] { { 2f }, { -1f } }));
        Assert.Equal([0.0, 0.0], logits);
    }
}
