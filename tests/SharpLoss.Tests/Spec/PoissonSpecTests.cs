// Poisson (SPEC B.17) through the LossSpec checklist with count/rate data, plus the unclipped log, the gradient and the
// function form's rank rule (Keras's poisson does not align ranks).

using System.Numerics.Tensors;

namespace SharpLoss.Tests.Spec;

public class PoissonSpecTests : RegressionSpec<Poisson>
{
    protected override Poisson Create(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3) =>
        new(reduction, name, semantics);

    protected override Poisson FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics) =>
        Poisson.FromConfig(config, semantics);

    protected override string ExpectedClassName => "Poisson";

    protected override string DefaultName => "poisson";

    protected override bool FunctionAlignsRanks => false;

    // SPEC B.17: p − y·log(p + ε), ε = 1e-7.
    protected override double Term(double y, double p) => p - (y * Math.Log(p + 1e-7));

    protected override Tensor<float> FunctionForm(LossInput<float> yTrue, LossInput<float> yPred) => Losses.Poisson(yTrue, yPred);

    // Counts and positive rates (the regression case's negative values would take the log of a negative number).
    protected override float[] CaseYTrue => [0, 0, 1, 2, 4, 1, 0, 3, 2, 2, 1, 0];

    protected override float[] CaseYPred => [1, 0.5f, 1, 2, 2, 0.25f, 0, 1, 2, 4, 1, 2];

    // Per sample the mean of the two terms, ignoring ε (below 1e-6 here):
    //   s0: (1 − 0 + 0.5 − 0)/2 = 0.75                  s1: (1 − log 1 + 2 − 2 log 2)/2 = 1.5 − ln 2
    //   s2: (2 − 4 ln 2 + 0.25 − log 0.25)/2            s3: (0 − 0·log ε + 1 − 3 log 1)/2 = 0.5
    //   s4: (2 − 2 ln 2 + 4 − 2 ln 4)/2 = 3 − 3 ln 2     s5: (1 − 0 + 2 − 0)/2 = 1.5
    protected override double[] CaseLosses => CaseLossesFromTerms();

    // y = p = 0: 0 − 0·log ε = 0 exactly (the only zero of p − y·log p for counts).
    protected override float[] PerfectYTrue => new float[12];

    protected override float[] PerfectYPred => new float[12];

    protected override void RandomInputs(Random rng, int[] perSample, out float[] yTrue, out float[] yPred)
    {
        int n = SpecAssert.Size(YTrueShape(perSample));
        yTrue = Array.ConvertAll(SpecAssert.Uniform(rng, n, 0, 5), MathF.Floor);
        yPred = SpecAssert.Uniform(rng, n, 0.05, 4);
    }

    [Fact]
    public void CaseLosses_AgreeWithTheirClosedForms()
    {
        double ln2 = Math.Log(2);
        double[] closed = [0.75, 1.5 - ln2, (2.25 - (4 * ln2) + Math.Log(4)) / 2, 0.5, 3 - (3 * ln2), 1.5];
        SpecAssert.Near(closed, CaseLosses, 0, 1e-6, "closed forms");
    }

    [Fact]
    public void NoClipping_ZeroRateGivesLogOfEpsilon_NegativeRateGivesNaN()
    {
        // SPEC B.17: no clipping. y = 1, p = 0 → 0 − log(1e-7) = 16.118; p = −1 → NaN; y = 0, p = −ε → 0·(−∞) = NaN.
        double[] got = SpecAssert.Values(Losses.Poisson(new LossInput<double>([1, 1, 0], 3, 1), new LossInput<double>([0, -1, -1e-7], 3, 1)));
        SpecAssert.Near(-Math.Log(1e-7), got[0], 1e-15, 0, "p = 0");
        Assert.True(double.IsNaN(got[1]), $"p = −1 gave {got[1]}");
        Assert.True(double.IsNaN(got[2]), $"p = −ε gave {got[2]}");
    }

    [Fact]
    public void Gradient_IsOneMinusYOverRate()
    {
        // ∂/∂p (p − y·log(p + ε)) = 1 − y/(p + ε); sum reduction over rows of one.
        double[] y = [0, 3, 2], p = [1, 1.5, 4];
        (_, Tensor<double> grad) = new Poisson(Reduction.Sum).ValueAndGradient(new LossInput<double>(y, 3, 1), new LossInput<double>(p, 3, 1));
        SpecAssert.Near([1, 1 - (3 / (1.5 + 1e-7)), 1 - (2 / (4 + 1e-7))], SpecAssert.Values(grad), 1e-15, 0, "gradient");
    }
}
