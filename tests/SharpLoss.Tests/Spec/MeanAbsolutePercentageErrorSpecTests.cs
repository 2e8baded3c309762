// MeanAbsolutePercentageError (SPEC B.8) through the LossSpec checklist (case data in RegressionSpec), plus the
// divisor max(|y|, ε) at y = 0 and the gradient's sign rule.

using System.Numerics.Tensors;

namespace SharpLoss.Tests.Spec;

public class MeanAbsolutePercentageErrorSpecTests : RegressionSpec<MeanAbsolutePercentageError>
{
    protected override MeanAbsolutePercentageError Create(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3) =>
        new(reduction, name, semantics);

    protected override MeanAbsolutePercentageError FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics) =>
        MeanAbsolutePercentageError.FromConfig(config, semantics);

    protected override string ExpectedClassName => "MeanAbsolutePercentageError";

    protected override string DefaultName => "mean_absolute_percentage_error";

    // SPEC B.8: 100·|(y − p)/max(|y|, ε)|, ε = 1e-7.
    protected override double Term(double y, double p) => 100 * Math.Abs((y - p) / Math.Max(Math.Abs(y), 1e-7));

    protected override Tensor<float> FunctionForm(LossInput<float> yTrue, LossInput<float> yPred) => Losses.MeanAbsolutePercentageError(yTrue, yPred);

    // Per sample the mean of the two terms (y, p from RegressionSpec's case):
    //   s0: y=[0,0],   p=[1,1]   → 100·1/ε = 1e9 each → 1e9     s1: y=[1,2],   p=[1,0] → (0 + 100·2/2)/2 = 50
    //   s2: y=[-1,1],  p=[1,-1]  → (200 + 200)/2 = 200           s3: y=[.5,.5], p=[0,0] → (100 + 100)/2 = 100
    //   s4: y=[3,0],   p=[0,0]   → (100 + 0)/2 = 50               s5: y=[2,2],   p=[2,2] → 0
    // (float32's ε is 1.0000000117e-7, so s0 is 1e9·(1 − 1.2e-8) there: within the checklist's 2e-6 relative.)
    protected override double[] CaseLosses => [1e9, 50, 200, 100, 50, 0];

    [Fact]
    public void ZeroTarget_DividesByEpsilon()
    {
        // SPEC B.8: y = 0 gives a divisor of 1e-7 (f32(1e-7) = 1.00000001168e-7 in float32), hence 100·|p|/ε.
        float[] y = [0, 0];
        float[] p = [0.5f, -2];
        double eps32 = (float)1e-7;
        SpecAssert.Near([100 * 0.5 / eps32, 100 * 2 / eps32], SpecAssert.Values(Losses.MeanAbsolutePercentageError(new LossInput<float>(y, 2, 1), new LossInput<float>(p, 2, 1))), 1e-7, 0, "float");
        SpecAssert.Near([100 * 0.5 / 1e-7, 100 * 2 / 1e-7], SpecAssert.Values(Losses.MeanAbsolutePercentageError(new LossInput<double>([0, 0], 2, 1), new LossInput<double>([0.5, -2], 2, 1))), 1e-15, 0, "double");
    }

    [Fact]
    public void Gradient_IsHundredTimesSignOverDivisor_ZeroWherePredictionIsExact()
    {
        // ∂/∂p of 100·|(y − p)/m| is 100·sign(p − y)/m with sign(0) = 0 (SPEC 0.8); sum reduction, so no 1/N.
        // y = [2, -4, 0, 1], p = [3, -5, 1, 1] (rows of one): m = [2, 4, ε, 1] → [50, -25, 100/ε, 0].
        var loss = new MeanAbsolutePercentageError(Reduction.Sum);
        (double value, Tensor<double> grad) = loss.ValueAndGradient(new LossInput<double>([2, -4, 0, 1], 4, 1), new LossInput<double>([3, -5, 1, 1], 4, 1));
        SpecAssert.Near(50 + 25 + (100 / 1e-7), value, 1e-15, 0, "value");
        SpecAssert.Near([50, -25, 100 / 1e-7, 0], SpecAssert.Values(grad), 1e-15, 0, "gradient");
    }
}
