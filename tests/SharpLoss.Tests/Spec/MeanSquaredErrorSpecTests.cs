// MeanSquaredError (SPEC B.6) through the LossSpec checklist (case data in RegressionSpec).

using System.Numerics.Tensors;

namespace SharpLoss.Tests.Spec;

public class MeanSquaredErrorSpecTests : RegressionSpec<MeanSquaredError>
{
    protected override MeanSquaredError Create(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3) =>
        new(reduction, name, semantics);

    protected override MeanSquaredError FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics) =>
        MeanSquaredError.FromConfig(config, semantics);

    protected override string ExpectedClassName => "MeanSquaredError";

    protected override string DefaultName => "mean_squared_error";

    protected override double Term(double y, double p) => (y - p) * (y - p);

    protected override Tensor<float> FunctionForm(LossInput<float> yTrue, LossInput<float> yPred) => Losses.MeanSquaredError(yTrue, yPred);

    // Per sample the mean of the two (y - p)² terms (y, p from RegressionSpec's case):
    //   s0: y=[0,0],   p=[1,1]   → (1 + 1)/2 = 1      s1: y=[1,2],   p=[1,0] → (0 + 4)/2 = 2
    //   s2: y=[-1,1],  p=[1,-1]  → (4 + 4)/2 = 4      s3: y=[.5,.5], p=[0,0] → (.25 + .25)/2 = 0.25
    //   s4: y=[3,0],   p=[0,0]   → (9 + 0)/2 = 4.5    s5: y=[2,2],   p=[2,2] → 0
    protected override double[] CaseLosses => [1, 2, 4, 0.25, 4.5, 0];
}
