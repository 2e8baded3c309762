// LogCosh (SPEC B.12) through the LossSpec checklist (case data in RegressionSpec), plus Keras's float32 log 2 in float64,
// the linear asymptote, infinite errors and the tanh gradient.

using System.Numerics.Tensors;

namespace SharpLoss.Tests.Spec;

public class LogCoshSpecTests : RegressionSpec<LogCosh>
{
    /// <summary>ln 2 − f32(ln 2) = −1.9046543e-9: Keras computes ops.log(2.0) in float32 and subtracts it in every precision.</summary>
    private static readonly double Delta = Math.Log(2) - (double)0.6931472f;

    protected override LogCosh Create(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3) =>
        new(reduction, name, semantics);

    protected override LogCosh FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics) =>
        LogCosh.FromConfig(config, semantics);

    protected override string ExpectedClassName => "LogCosh";

    protected override string DefaultName => "log_cosh";

    // SPEC B.12: log(cosh(p − y)), computed as |x| + log(1 + e^(−2|x|)) − ln 2 (exact in double for these x), plus Keras's
    // float32-log-2 offset δ (negligible against the float tolerances, visible in the float64 check).
    protected override double Term(double y, double p)
    {
        double a = Math.Abs(p - y);
        return a + Math.Log(1 + Math.Exp(-2 * a)) - Math.Log(2) + Delta;
    }

    protected override Tensor<float> FunctionForm(LossInput<float> yTrue, LossInput<float> yPred) => Losses.LogCosh(yTrue, yPred);

    // Per sample the mean of the two terms (y, p from RegressionSpec's case), |x| = |p − y|:
    //   s0: |x|=[1,1] → log cosh 1 = 0.4337808           s1: |x|=[0,2] → (0 + log cosh 2)/2 = 0.6624592
    //   s2: |x|=[2,2] → log cosh 2 = 1.3250027 ...       s3: |x|=[½,½] → log cosh ½ = 0.1201145
    //   s4: |x|=[3,0] → (log cosh 3)/2 = 1.1548222 ...   s5: 0
    // (each plus δ, from Term).
    protected override double[] CaseLosses => CaseLossesFromTerms();

    [Fact]
    public void CaseLosses_AgreeWithPrintedValues()
    {
        // log cosh 1 = 0.43378083, log cosh 2 = 1.32500275, log cosh ½ = 0.12011450, log cosh 3 = 2.30933 (to 5 digits).
        SpecAssert.Near([0.43378083, 1.32500275 / 2, 1.32500275, 0.12011450, 2.30933 / 2, 0], CaseLosses, 0, 1e-5, "printed");
    }

    [Fact]
    public void PerfectDoublePrediction_GivesKerasFloat32LogTwoOffset()
    {
        // Keras in float64: 0 + softplus(0) − f32(ln 2) = ln 2 − 0.693147182464599609375 = −1.9046543e-9 per element.
        double d = new LogCosh().Compute(new double[,] { { 1, -2 } }, new double[,] { { 1, -2 } });
        Assert.Equal(Delta, d, 1e-18);
        Assert.Equal(0f, new LogCosh().Compute(new float[,] { { 1, -2 } }, new float[,] { { 1, -2 } }));
    }

    [Fact]
    public void LargeErrors_AreLinear_AndInfiniteErrorsInfinite()
    {
        // |x| large: log cosh x = |x| − ln 2 + log1p(e^(−2|x|)) → |x| − ln 2. x = ±∞ gives +∞ (SharpLoss's form; Keras's
        // x + softplus(−2x) gives NaN at −∞, documented on the class).
        float[] p = [100, -100, 1e30f, float.PositiveInfinity, float.NegativeInfinity, float.NaN];
        double[] got = SpecAssert.Values(Losses.LogCosh(new LossInput<float>(new float[6], 6, 1), new LossInput<float>(p, 6, 1)));
        SpecAssert.Near([100 - Math.Log(2), 100 - Math.Log(2), 1e30], got[..3], 1e-7, 0, "linear");
        Assert.Equal(double.PositiveInfinity, got[3]);
        Assert.Equal(double.PositiveInfinity, got[4]);
        Assert.True(double.IsNaN(got[5]));
    }

    [Fact]
    public void Gradient_IsTanhOfTheError()
    {
        // ∂/∂p log cosh(p − y) = tanh(p − y); sum reduction over rows of one.
        double[] x = [0, 1e-5, -0.3, 2, -25];
        (_, Tensor<double> grad) = new LogCosh(Reduction.Sum).ValueAndGradient(new LossInput<double>(new double[5], 5, 1), new LossInput<double>(x, 5, 1));
        SpecAssert.Near(x.Select(Math.Tanh).ToArray(), SpecAssert.Values(grad), 1e-12, 1e-15, "tanh");
    }
}
