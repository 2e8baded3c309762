// SquaredHinge (SPEC B.14) through the LossSpec checklist with the Hinge case data, plus the label conversion and the
// gradient.

using System.Numerics.Tensors;

namespace SharpLoss.Tests.Spec;

public class SquaredHingeSpecTests : RegressionSpec<SquaredHinge>
{
    protected override SquaredHinge Create(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3) =>
        new(reduction, name, semantics);

    protected override SquaredHinge FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics) =>
        SquaredHinge.FromConfig(config, semantics);

    protected override string ExpectedClassName => "SquaredHinge";

    protected override string DefaultName => "squared_hinge";

    protected override bool FunctionAlignsRanks => false;

    // SPEC B.14: max(1 − t·p, 0)², t = y for the checklist's inputs (see HingeSpecTests).
    protected override double Term(double y, double p) => Math.Pow(Math.Max(1 - (y * p), 0), 2);

    protected override Tensor<float> FunctionForm(LossInput<float> yTrue, LossInput<float> yPred) => Losses.SquaredHinge(yTrue, yPred);

    protected override float[] CaseYTrue => [1, -1, 1, 1, -1, -1, 1, -1, 1, 1, -1, 1];

    protected override float[] CaseYPred => [0.5f, 0.5f, 2, -1, -0.25f, 3, 1, -1, 0, 0, 0.75f, -0.5f];

    // The hinge terms of HingeSpecTests squared, then averaged per sample:
    //   s0: (0.25 + 2.25)/2 = 1.25      s1: (0 + 4)/2 = 2           s2: (0.5625 + 16)/2 = 8.28125
    //   s3: 0                            s4: (1 + 1)/2 = 1           s5: (3.0625 + 2.25)/2 = 2.65625
    protected override double[] CaseLosses => [1.25, 2, 8.28125, 0, 1, 2.65625];

    protected override float[] PerfectYTrue => [1, -1, 1, 1, -1, -1, 1, -1, 1, 1, -1, 1];

    protected override float[] PerfectYPred => [1, -1, 2, 1.5f, -3, -1, 1, -2, 10, 1, -1, 4];

    [Fact]
    public void BinaryLabels_AreConvertedToPlusMinusOne()
    {
        // keras losses_test.py SquaredHingeTest: y = [[0, 1], [0, 0]] → t = [[−1, 1], [−1, −1]], p = [[0.6, 0.4], [0.4, 0.6]]:
        // s0 = (1.6² + 0.6²)/2 = 1.46, s1 = (1.4² + 1.6²)/2 = 2.26 (the published [1.46, 2.26]).
        float[,] y = { { 0, 1 }, { 0, 0 } };
        float[,] p = { { 0.6f, 0.4f }, { 0.4f, 0.6f } };
        SpecAssert.Near([1.46, 2.26], SpecAssert.Values(new SquaredHinge(Reduction.None).Call(y, p)), Rtol, Atol, "converted");

        // With a −1 among the labels nothing is converted: s0 = (1 + 0.36)/2 = 0.68, s1 = (1 + 1.6²)/2 = 1.78.
        SpecAssert.Near([0.68, 1.78], SpecAssert.Values(new SquaredHinge(Reduction.None).Call(new float[,] { { 0, 1 }, { 0, -1 } }, p)), Rtol, Atol, "not converted");
    }

    [Fact]
    public void Gradient_IsMinusTwoLabelTimesTheHinge()
    {
        // ∂/∂p max(1 − t·p, 0)² = −2t·max(1 − t·p, 0). t = [1, −1, 1], p = [0.5, 0.25, 3] (rows of one, sum reduction):
        // [−2·0.5, 2·1.25, 0] = [−1, 2.5, 0].
        (_, Tensor<double> grad) = new SquaredHinge(Reduction.Sum).ValueAndGradient(new LossInput<double>([1, -1, 1], 3, 1), new LossInput<double>([0.5, 0.25, 3], 3, 1));
        Assert.Equal([-1.0, 2.5, 0.0], SpecAssert.Values(grad).Select(g => g + 0.0));
    }
}
