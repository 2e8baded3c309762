// KLDivergence (SPEC B.16) through the LossSpec checklist with distribution data: the per-sample loss is the SUM of the
// terms over the last axis. Plus the clip of both arguments to [ε, 1], the negative contribution of zero labels, the
// gradient rule at the clip bounds and the function form's rank rule.

using System.Numerics.Tensors;

namespace SharpLoss.Tests.Spec;

public class KLDivergenceSpecTests : RegressionSpec<KLDivergence>
{
    protected override KLDivergence Create(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3) =>
        new(reduction, name, semantics);

    protected override KLDivergence FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics) =>
        KLDivergence.FromConfig(config, semantics);

    protected override string ExpectedClassName => "KLDivergence";

    protected override string DefaultName => "kl_divergence";

    protected override bool FunctionAlignsRanks => false;

    protected override bool SumsOverAxis => true;

    // SPEC B.16: y' = clip(y, ε, 1), p' = clip(p, ε, 1), y'·log(y'/p'), ε = 1e-7.
    protected override double Term(double y, double p)
    {
        double yc = Math.Clamp(y, 1e-7, 1), pc = Math.Clamp(p, 1e-7, 1);
        return yc * Math.Log(yc / pc);
    }

    protected override Tensor<float> FunctionForm(LossInput<float> yTrue, LossInput<float> yPred) => Losses.KLDivergence(yTrue, yPred);

    protected override float[] CaseYTrue => [0.5f, 0.5f, 1, 0, 0.25f, 0.75f, 0, 1, 0.75f, 0.25f, 1, 2];

    protected override float[] CaseYPred => [0.5f, 0.5f, 0.5f, 0.5f, 0.75f, 0.25f, 0.5f, 0.5f, 0, 1, 1, 3];

    // Per sample the SUM of the two terms:
    //   s0: 0 + 0 = 0                                        s1: ln 2 + ε·log(2ε)
    //   s2: ¼·log(⅓) + ¾·log 3 = ½·ln 3                      s3: ε·log(2ε) + ln 2
    //   s4: ¾·log(¾/ε) + ¼·log(¼) (p = 0 clipped to ε)        s5: 0 + 0 (y = 2 and p = 3 both clip to 1)
    protected override double[] CaseLosses => CaseLossesFromTerms();

    protected override void RandomInputs(Random rng, int[] perSample, out float[] yTrue, out float[] yPred)
    {
        int n = SpecAssert.Size(YTrueShape(perSample));
        yTrue = SpecAssert.Uniform(rng, n, 0, 1);
        yPred = SpecAssert.Uniform(rng, n, 0, 1);
    }

    [Fact]
    public void CaseLosses_AgreeWithTheirClosedForms()
    {
        double ln2 = Math.Log(2), eps = 1e-7, zeroLabel = eps * Math.Log(2 * eps);
        double[] closed = [0, ln2 + zeroLabel, 0.5 * Math.Log(3), zeroLabel + ln2, (0.75 * Math.Log(0.75 / eps)) + (0.25 * Math.Log(0.25)), 0];
        SpecAssert.Near(closed, CaseLosses, 1e-14, 1e-15, "closed forms");
    }

    [Fact]
    public void TfKerasDocstring_ZeroLabelsGiveASmallNegativeLoss()
    {
        // tf.keras KLDivergence docstring: y = [[0, 1], [0, 0]], p = [[0.6, 0.4], [0.4, 0.6]], reduction none →
        // [0.916, -3.08e-06]: s0 = ε·log(ε/0.6) + log(1/0.4) = 0.9162891, s1 = ε·(log(ε/0.4) + log(ε/0.6)) = -3.0809e-6.
        double eps = 1e-7;
        double[] expected = [(eps * Math.Log(eps / 0.6)) + Math.Log(2.5), eps * (Math.Log(eps / 0.4) + Math.Log(eps / 0.6))];
        SpecAssert.Near(expected, SpecAssert.Values(new KLDivergence(Reduction.None).Call(new double[,] { { 0, 1 }, { 0, 0 } }, new double[,] { { 0.6, 0.4 }, { 0.4, 0.6 } })), 1e-14, 0, "double");
        Assert.True(expected[1] < 0);
    }

    [Fact]
    public void Gradient_IsMinusRatioInsideTheClip_ZeroOutside_PassingAtTheBounds()
    {
        // ∂/∂p y'·log(y'/p') = −y'/p' where ε ≤ p ≤ 1 (TensorFlow's clip_by_value = minimum then maximum passes the gradient
        // at both bounds), 0 elsewhere. y = 0.5, p = [0.25, 1, 1.5, 1e-7, 0, -1] (rows of one, sum reduction).
        (_, Tensor<double> grad) = new KLDivergence(Reduction.Sum).ValueAndGradient(
            new LossInput<double>([0.5, 0.5, 0.5, 0.5, 0.5, 0.5], 6, 1), new LossInput<double>([0.25, 1, 1.5, 1e-7, 0, -1], 6, 1));
        SpecAssert.Near([-2, -0.5, 0, -0.5 / 1e-7, 0, 0], SpecAssert.Values(grad), 1e-15, 0, "gradient");
    }

    [Fact]
    public void EmptyLastAxis_SumsToZero_WhereMeanLossesGiveNaN()
    {
        // Keras: reduce_sum over an empty axis is 0 (mean_squared_error's reduce_mean is 0/0 = NaN). y, p of shape (2, 0):
        // per-sample [0, 0], their mean 0, and an empty gradient.
        var y = new LossInput<float>([], 2, 0);
        var p = new LossInput<float>([], 2, 0);
        Assert.Equal([0.0, 0.0], SpecAssert.Values(new KLDivergence(Reduction.None).Call(y, p)));
        Assert.Equal(0f, new KLDivergence().Compute(y, p));
        (float value, Tensor<float> grad) = new KLDivergence(Reduction.Sum).ValueAndGradient(y, p);
        Assert.Equal(0f, value);
        Assert.Equal(0, grad.FlattenedLength);
        Assert.True(float.IsNaN(new MeanSquaredError().Compute(y, p)));
    }

    [Fact]
    public void SumOverTheAxis_GradientIsNotDividedByTheAxisLength()
    {
        // One sample of 4 classes: the per-sample loss is Σ y'·log(y'/p'), so ∂/∂p_k = −y'_k/p'_k (no 1/4), and the
        // default reduction divides by the one sample. y = [0.1, 0.2, 0.3, 0.4], p = [0.4, 0.3, 0.2, 0.1].
        double[] y = [0.1, 0.2, 0.3, 0.4], p = [0.4, 0.3, 0.2, 0.1];
        (double value, Tensor<double> grad) = new KLDivergence().ValueAndGradient(new LossInput<double>(y, 1, 4), new LossInput<double>(p, 1, 4));
        SpecAssert.Near(Enumerable.Range(0, 4).Sum(k => y[k] * Math.Log(y[k] / p[k])), value, 1e-15, 0, "value");
        SpecAssert.Near(Enumerable.Range(0, 4).Select(k => -y[k] / p[k]).ToArray(), SpecAssert.Values(grad), 1e-15, 0, "gradient");
    }
}
