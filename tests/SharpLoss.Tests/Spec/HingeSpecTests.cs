// Hinge (SPEC B.13) through the LossSpec checklist with ±1 labels, plus Keras's batch-global label conversion (0/1
// labels become ±1 only when every label is 0 or 1), the tie rule of the gradient and the function form's rank rule.

using System.Numerics.Tensors;

namespace SharpLoss.Tests.Spec;

public class HingeSpecTests : RegressionSpec<Hinge>
{
    protected override Hinge Create(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3) =>
        new(reduction, name, semantics);

    protected override Hinge FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics) =>
        Hinge.FromConfig(config, semantics);

    protected override string ExpectedClassName => "Hinge";

    protected override string DefaultName => "hinge";

    protected override bool FunctionAlignsRanks => false;

    // SPEC B.13: max(1 − t·p, 0), with t = y for the inputs of the checklist (they always hold a label outside {0, 1},
    // or only 1s, for which 2y − 1 = y).
    protected override double Term(double y, double p) => Math.Max(1 - (y * p), 0);

    protected override Tensor<float> FunctionForm(LossInput<float> yTrue, LossInput<float> yPred) => Losses.Hinge(yTrue, yPred);

    // ±1 labels (no conversion: −1 is not 0 or 1), predictions on both sides of the margin and on it (s3).
    protected override float[] CaseYTrue => [1, -1, 1, 1, -1, -1, 1, -1, 1, 1, -1, 1];

    protected override float[] CaseYPred => [0.5f, 0.5f, 2, -1, -0.25f, 3, 1, -1, 0, 0, 0.75f, -0.5f];

    // Per sample the mean of the two terms max(1 − t·p, 0):
    //   s0: (0.5 + 1.5)/2 = 1           s1: (0 + 2)/2 = 1            s2: (0.75 + 4)/2 = 2.375
    //   s3: (0 + 0)/2 = 0 (both on the margin)                        s4: (1 + 1)/2 = 1
    //   s5: (1.75 + 1.5)/2 = 1.625
    protected override double[] CaseLosses => [1, 1, 2.375, 0, 1, 1.625];

    // t·p ≥ 1 everywhere: every term is 0.
    protected override float[] PerfectYTrue => [1, -1, 1, 1, -1, -1, 1, -1, 1, 1, -1, 1];

    protected override float[] PerfectYPred => [1, -1, 2, 1.5f, -3, -1, 1, -2, 10, 1, -1, 4];

    [Fact]
    public void BinaryLabels_AreConvertedToPlusMinusOne()
    {
        // keras losses_test.py HingeTest: y = [[0, 1], [0, 0]], p = [[0.6, 0.4], [0.4, 0.6]]: every label is 0 or 1, so
        // t = 2y − 1 = [[−1, 1], [−1, −1]]: s0 = (1.6 + 0.6)/2 = 1.1, s1 = (1.4 + 1.6)/2 = 1.5 (the published [1.1, 1.5]).
        float[,] y = { { 0, 1 }, { 0, 0 } };
        float[,] p = { { 0.6f, 0.4f }, { 0.4f, 0.6f } };
        SpecAssert.Near([1.1, 1.5], SpecAssert.Values(new Hinge(Reduction.None).Call(y, p)), Rtol, Atol, "converted");
        SpecAssert.Near([1.1, 1.5], SpecAssert.Values(Losses.Hinge(y, p, LossSemantics.TfKeras2)), Rtol, Atol, "converted, tf.keras 2 function");
    }

    [Fact]
    public void OneLabelOutsideZeroOne_KeepsEveryLabelAsItIs()
    {
        // SPEC B.13: the decision is batch-global. y = [[0, 1], [0, -1]]: −1 is not 0 or 1, so no label is converted and
        // the zeros stay 0: s0 = (max(1 − 0, 0) + max(1 − 0.4, 0))/2 = 0.8, s1 = (1 + 1.6)/2 = 1.3.
        float[,] y = { { 0, 1 }, { 0, -1 } };
        float[,] p = { { 0.6f, 0.4f }, { 0.4f, 0.6f } };
        SpecAssert.Near([0.8, 1.3], SpecAssert.Values(new Hinge(Reduction.None).Call(y, p)), Rtol, Atol, "not converted");

        // The same first sample alone is converted: (1.6 + 0.6)/2 = 1.1.
        SpecAssert.Near([1.1], SpecAssert.Values(new Hinge(Reduction.None).Call(new float[,] { { 0, 1 } }, new float[,] { { 0.6f, 0.4f } })), Rtol, Atol, "alone");
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(0.5f)]
    [InlineData(-0f)]
    public void OneOddLabelInALongBatch_DecidesTheConversionOfAll(float odd)
    {
        // 37 labels (vector blocks and a tail), all 0 except the odd one at the end (in the scalar tail) and at the start
        // (in the first vector). −0 counts as 0 (converted); NaN and 0.5 do not. p = 0.5 everywhere: a converted 0 gives
        // max(1 + 0.5, 0) = 1.5, an unconverted one max(1 − 0, 0) = 1.
        foreach (int at in new[] { 0, 36 })
        {
            var y = new float[37];
            y[at] = odd;
            var p = Enumerable.Repeat(0.5f, 37).ToArray();
            double[] values = SpecAssert.Values(Losses.Hinge(new LossInput<float>(y, 37, 1), new LossInput<float>(p, 37, 1)));
            double expected = odd == 0 ? 1.5 : 1;
            Assert.Equal(expected, values[at == 0 ? 1 : 0]);
        }
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 2)]
    [InlineData(true, 1)]
    [InlineData(true, 2)]
    public void OddLabelDeepInALargeBatch_UndoesTheConversionOfEveryValueAndGradient(bool squared, int threads)
    {
        // 100,003 labels of 0 or 1 (the conversion is tried in the same pass as the losses) and one 0.5 at 77,777, far past
        // the first vectors and in another chunk than most: no label is converted, so every value and gradient of the
        // converting pass must be replaced. Reference in double: e = max(1 − y·p, 0) (squared: its square), mean over all;
        // ∂/∂p = −y (squared: −2y·max(1 − y·p, 0)) where 1 − y·p ≥ 0, each divided by n.
        const int n = 100_003;
        var rng = new Random(5);
        float[] y = [.. Enumerable.Range(0, n).Select(_ => (float)rng.Next(2))], p = [.. Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 4) - 2))];
        y[77_777] = 0.5f;
        Loss loss = squared ? new SquaredHinge() { MaxDegreeOfParallelism = threads } : new Hinge() { MaxDegreeOfParallelism = threads };
        (float value, Tensor<float> grad) = loss.ValueAndGradient(new LossInput<float>(y, n, 1), new LossInput<float>(p, n, 1));
        double sum = 0;
        float[] g = [.. grad];
        for (int i = 0; i < n; i++)
        {
            double h = 1 - ((double)y[i] * p[i]);
            double m = Math.Max(h, 0);
            sum += squared ? m * m : m;
            double expected = h < 0 ? 0 : (squared ? -2 * y[i] * m : -y[i]) / n;
            Assert.True(Math.Abs(expected - g[i]) <= 1e-6 * Math.Abs(expected) + 1e-12, $"gradient at {i}: {g[i]}, expected {expected}");
        }

        Assert.Equal(sum / n, value, 1e-6 * (sum / n));

        // The gradient written over the predictions (which a second pass would read): the same bits.
        float[] aliased = (float[])p.Clone();
        float aliasedValue = loss.ValueAndGradientInto(new LossInput<float>(y, n, 1), new LossInput<float>(aliased, n, 1), aliased);
        Assert.Equal(BitConverter.SingleToInt32Bits(value), BitConverter.SingleToInt32Bits(aliasedValue));
        Assert.True(aliased.AsSpan().SequenceEqual(g), "the gradient over the predictions differs");

        // Without the odd label every label is converted (t = 2y − 1): the first pass stands.
        y[77_777] = 1;
        double converted = 0;
        for (int i = 0; i < n; i++)
        {
            double m = Math.Max(1 - (((2.0 * y[i]) - 1) * p[i]), 0);
            converted += squared ? m * m : m;
        }

        Assert.Equal(converted / n, loss.Compute(new LossInput<float>(y, n, 1), new LossInput<float>(p, n, 1)), 1e-6 * (converted / n));
    }

    [Fact]
    public void Gradient_IsMinusLabelUpToAndOnTheMargin_ZeroBeyond()
    {
        // ∂/∂p max(1 − t·p, 0) = −t where 1 − t·p ≥ 0 (TensorFlow's maximum passes the gradient to 1 − t·p on a tie,
        // SPEC 0.8), 0 where it is negative. t = [1, −1, 1, −1], p = [0.5, 1, 1, −2] (rows of one, sum reduction).
        (_, Tensor<double> grad) = new Hinge(Reduction.Sum).ValueAndGradient(new LossInput<double>([1, -1, 1, -1], 4, 1), new LossInput<double>([0.5, 1, 1, -2], 4, 1));
        Assert.Equal([-1.0, 1.0, -1.0, 0.0], SpecAssert.Values(grad));
    }
}
