// MeanAbsoluteError (SPEC B.7) through the LossSpec checklist (case data in RegressionSpec).

using System.Numerics.Tensors;

namespace SharpLoss.Tests.Spec;

public class MeanAbsoluteErrorSpecTests : RegressionSpec<MeanAbsoluteError>
{
    protected override MeanAbsoluteError Create(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3) =>
        new(reduction, name, semantics);

    protected override MeanAbsoluteError FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics) =>
        MeanAbsoluteError.FromConfig(config, semantics);

    protected override string ExpectedClassName => "MeanAbsoluteError";

    protected override string DefaultName => "mean_absolute_error";

    protected override double Term(double y, double p) => Math.Abs(y - p);

    protected override Tensor<float> FunctionForm(LossInput<float> yTrue, LossInput<float> yPred) => Losses.MeanAbsoluteError(yTrue, yPred);

    // Per sample the mean of the two |y - p| terms (y, p from RegressionSpec's case):
    //   s0: y=[0,0],   p=[1,1]   → (1 + 1)/2 = 1      s1: y=[1,2],   p=[1,0] → (0 + 2)/2 = 1
    //   s2: y=[-1,1],  p=[1,-1]  → (2 + 2)/2 = 2      s3: y=[.5,.5], p=[0,0] → (.5 + .5)/2 = 0.5
    //   s4: y=[3,0],   p=[0,0]   → (3 + 0)/2 = 1.5    s5: y=[2,2],   p=[2,2] → 0
    protected override double[] CaseLosses => [1, 1, 2, 0.5, 1.5, 0];
}
