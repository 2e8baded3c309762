// MeanSquaredLogarithmicError (SPEC B.9) through the LossSpec checklist (case data in RegressionSpec), plus the clamp of
// negative values to ε, its gradient rule, and the ε each semantics converts for double inputs.

using System.Numerics.Tensors;

namespace SharpLoss.Tests.Spec;

public class MeanSquaredLogarithmicErrorSpecTests : RegressionSpec<MeanSquaredLogarithmicError>
{
    /// <summary>Keras 3's ε for double inputs: the float32 1e-7 promoted (SPEC B.9).</summary>
    private const double Keras3Epsilon = (double)1e-7f;

    protected override MeanSquaredLogarithmicError Create(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3) =>
        new(reduction, name, semantics);

    protected override MeanSquaredLogarithmicError FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics) =>
        MeanSquaredLogarithmicError.FromConfig(config, semantics);

    protected override string ExpectedClassName => "MeanSquaredLogarithmicError";

    protected override string DefaultName => "mean_squared_logarithmic_error";

    // SPEC B.9: (log(max(p, ε) + 1) − log(max(y, ε) + 1))², with Keras 3's ε.
    protected override double Term(double y, double p) => Square(Math.Log(Math.Max(p, Keras3Epsilon) + 1) - Math.Log(Math.Max(y, Keras3Epsilon) + 1));

    protected override Tensor<float> FunctionForm(LossInput<float> yTrue, LossInput<float> yPred) => Losses.MeanSquaredLogarithmicError(yTrue, yPred);

    // Per sample the mean of the two terms (y, p from RegressionSpec's case), with L(v) = log(max(v, ε) + 1):
    //   s0: y=[0,0],   p=[1,1]   → (ln 2 − L(0))² twice        s1: y=[1,2],  p=[1,0] → (0 + (L(0) − ln 3)²)/2
    //   s2: y=[-1,1],  p=[1,-1]  → (ln 2 − L(0))² twice         s3: y=[.5,.5], p=[0,0] → (L(0) − ln 1.5)² twice
    //   s4: y=[3,0],   p=[0,0]   → ((L(0) − ln 4)² + 0)/2       s5: 0
    // with L(0) = log(1 + ε) ≈ 1e-7 (negative values clamp to ε as 0 does).
    protected override double[] CaseLosses => CaseLossesFromTerms();

    private static double Square(double v) => v * v;

    [Fact]
    public void CaseLosses_AgreeWithTheirClosedForms()
    {
        // The oracle above against the derivation's closed forms (L(0) = ln(1 + ε)), to double precision.
        double l0 = Math.Log(1 + Keras3Epsilon);
        double[] closed =
        [
            Square(Math.Log(2) - l0), Square(l0 - Math.Log(3)) / 2, Square(Math.Log(2) - l0), Square(l0 - Math.Log(1.5)),
            Square(l0 - Math.Log(4)) / 2, 0,
        ];
        SpecAssert.Near(closed, CaseLosses, 1e-14, 0, "closed forms");
    }

    [Fact]
    public void Gradient_ZeroBelowEpsilon_PassesAtEpsilonAndAbove()
    {
        // ∂/∂p = 2(L(p) − L(y))/(max(p, ε) + 1) where p ≥ ε (TensorFlow's maximum passes the gradient to p on a tie),
        // 0 where p < ε. y = 1, p = [−1, ε, 3] (rows of one), sum reduction, tf.keras 2 (ε = 1e-7 in double).
        var loss = new MeanSquaredLogarithmicError(Reduction.Sum, semantics: LossSemantics.TfKeras2);
        (_, Tensor<double> grad) = loss.ValueAndGradient(new LossInput<double>([1, 1, 1], 3, 1), new LossInput<double>([-1, 1e-7, 3], 3, 1));
        double atEps = 2 * (Math.Log(1 + 1e-7) - Math.Log(2)) / (1 + 1e-7);
        double at3 = 2 * (Math.Log(4) - Math.Log(2)) / 4;
        SpecAssert.Near([0, atEps, at3], SpecAssert.Values(grad), 1e-14, 0, "gradient");
    }

    [Fact]
    public void DoubleInputs_Keras3PromotesTheFloat32Epsilon_TfKeras2ConvertsTheDouble()
    {
        // SPEC B.9: Keras 3 creates ε as a float32 tensor and lets type promotion widen it (1.0000000116860974e-7);
        // tf.keras 2 converts the Python float 1e-7 to float64. y = −1 (clamped to ε), p = 1:
        // (ln 2 − ln(1 + ε))², which the two ε values separate in the 15th digit.
        // The two results are 2·ln 2·1.17e-15 = 1.6e-15 apart, far beyond the 2e-16 (4 ulps) each is checked to.
        double keras3 = Losses.MeanSquaredLogarithmicError(new LossInput<double>([-1], 1, 1), new LossInput<double>([1], 1, 1))[0];
        double tfKeras2 = Losses.MeanSquaredLogarithmicError(new LossInput<double>([-1], 1, 1), new LossInput<double>([1], 1, 1), LossSemantics.TfKeras2)[0];
        Assert.Equal(Square(Math.Log(2) - Math.Log(1 + Keras3Epsilon)), keras3, 2e-16);
        Assert.Equal(Square(Math.Log(2) - Math.Log(1 + 1e-7)), tfKeras2, 2e-16);
        Assert.InRange(tfKeras2 - keras3, 1.4e-15, 1.8e-15);
    }
}
