// Huber (SPEC B.11) through the LossSpec checklist (case data in RegressionSpec), plus the checks that concern δ:
// its config round trip (and a Keras <= 3.15 config without it), δ = 0, a non-default δ, and the rejection of a
// NaN, negative or infinite δ (SPEC 0.7).

using System.Numerics.Tensors;

namespace SharpLoss.Tests.Spec;

public class HuberSpecTests : RegressionSpec<Huber>
{
    protected override Huber Create(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3) =>
        new(reduction: reduction, name: name, semantics: semantics);

    protected override Huber FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics) =>
        Huber.FromConfig(config, semantics);

    protected override string ExpectedClassName => "Huber";

    protected override string DefaultName => "huber_loss";

    // SPEC B.11 with δ = 1: a = |p − y|; ½·a² where a ≤ 1, a − ½ elsewhere.
    protected override double Term(double y, double p)
    {
        double a = Math.Abs(p - y);
        return a <= 1 ? 0.5 * a * a : a - 0.5;
    }

    protected override Tensor<float> FunctionForm(LossInput<float> yTrue, LossInput<float> yPred) => Losses.Huber(yTrue, yPred);

    protected override IEnumerable<Huber> ConfigVariants() =>
    [
        new Huber(0.8), new Huber(0), new Huber(2.5, Reduction.Sum, "h", LossSemantics.TfKeras2), new Huber(1e-7, Reduction.None),
    ];

    // Per sample the mean of the two terms (y, p from RegressionSpec's case), a = |p − y|, δ = 1:
    //   s0: a=[1, 1]     → (½ + ½)/2 = 0.5          s1: a=[0, 2]   → (0 + 1.5)/2 = 0.75
    //   s2: a=[2, 2]     → (1.5 + 1.5)/2 = 1.5      s3: a=[½, ½]   → (⅛ + ⅛)/2 = 0.125
    //   s4: a=[3, 0]     → (2.5 + 0)/2 = 1.25       s5: a=[0, 0]   → 0
    // (a = 1 in s0 is on the boundary: both branches give ½ there.)
    protected override double[] CaseLosses => [0.5, 0.75, 1.5, 0.125, 1.25, 0];

    // ------------------------------------------------------------------ δ

    [Fact]
    public void Delta_DefaultIsOne_AndIsReadBack()
    {
        Assert.Equal(1.0, new Huber().Delta);
        Assert.Equal(0.8, new Huber(0.8).Delta);
        Assert.Equal(0.0, new Huber(0).Delta);
    }

    [Fact]
    public void Delta_NonDefault_HandDerivedPerSampleLosses()
    {
        // δ = 0.5 on the case (a as in CaseLosses): ½·a² where a ≤ ½, ½·a − ⅛ elsewhere.
        //   s0: a=[1, 1] → (⅜ + ⅜)/2 = 0.375      s1: a=[0, 2] → (0 + ⅞)/2 = 0.4375
        //   s2: a=[2, 2] → ⅞ = 0.875               s3: a=[½, ½] → ⅛ = 0.125 (boundary)
        //   s4: a=[3, 0] → (1⅜ + 0)/2 = 0.6875     s5: 0
        double[] expected = [0.375, 0.4375, 0.875, 0.125, 0.6875, 0];
        Tensor<float> t = CaseCall(new Huber(0.5, Reduction.None), Six);
        SpecAssert.Near(expected, SpecAssert.Values(t), Rtol, Atol, "δ = 0.5 per-sample");
        SpecAssert.Near(expected.Average(), CaseCompute(new Huber(0.5), Six), Rtol, Atol, "δ = 0.5 mean");
        Tensor<float> f = Losses.Huber(new LossInput<float>(CaseYTrue, 6, 2), new LossInput<float>(CaseYPred, 6, 2), delta: 0.5);
        SpecAssert.Near(expected, SpecAssert.Values(f), Rtol, Atol, "δ = 0.5 function form");
        Tensor<double> d = Losses.Huber(new LossInput<double>(SpecAssert.ToDouble(CaseYTrue), 6, 2), new LossInput<double>(SpecAssert.ToDouble(CaseYPred), 6, 2), delta: 0.5);
        SpecAssert.Near(expected, SpecAssert.Values(d), 1e-15, 0, "δ = 0.5 function form, double");
    }

    [Fact]
    public void Delta_Zero_GivesZeroLossAndZeroGradient()
    {
        // SPEC B.11: delta is not validated by Keras and δ = 0 gives 0 (every term is 0·a − 0 or ½·0²).
        var loss = new Huber(0, Reduction.Sum);
        Assert.Equal(0f, CaseCompute(loss, Six));
        (float value, Tensor<float> grad) = loss.ValueAndGradient(new LossInput<float>(CaseYTrue, 6, 2), new LossInput<float>(CaseYPred, 6, 2));
        Assert.Equal(0f, value);
        Assert.All(SpecAssert.Values(grad), g => Assert.Equal(0.0, g));
    }

    [Fact]
    public void Gradient_IsTheErrorClampedToDelta()
    {
        // ∂/∂p of the per-element term is clamp(p − y, −δ, δ); Reduction.Sum over per-sample shape (1,) with one element
        // per sample (shape (4, 1)) gives exactly that per element. δ = 1, p − y = [0.5, -0.75, 3, -2] → [0.5, -0.75, 1, -1].
        var loss = new Huber(1, Reduction.Sum);
        float[,] y = { { 0 }, { 1 }, { -1 }, { 2 } };
        float[,] p = { { 0.5f }, { 0.25f }, { 2 }, { 0 } };
        (float value, Tensor<float> grad) = loss.ValueAndGradient(y, p);

        // Value: ½·0.25 + ½·0.5625 + (3 − ½) + (2 − ½) = 0.125 + 0.28125 + 2.5 + 1.5 = 4.40625.
        Assert.Equal(4.40625f, value);
        Assert.Equal([0.5, -0.75, 1, -1], SpecAssert.Values(grad));
    }

    [Fact]
    public void Delta_FromConfig_RoundTripsAndDefaultsToOneWhenMissing()
    {
        // SPEC B.11 / F#14: Keras 3 master keeps delta in the config; Keras <= 3.15 configs have no delta key (reloading as
        // δ = 1); tf.keras 2 configs have it.
        Huber k3 = Huber.FromConfig(new Huber(2.5).GetConfig());
        Assert.Equal(2.5, k3.Delta);
        Huber old = Huber.FromConfig([new("name", "huber_loss"), new("reduction", "sum_over_batch_size")]);
        Assert.Equal(1.0, old.Delta);
        Assert.Equal(LossSemantics.Keras3, old.Semantics);
        Huber tfk = Assert.IsType<Huber>(Losses.FromJson("{\"class_name\": \"Huber\", \"config\": {\"reduction\": \"auto\", \"name\": \"huber_loss\", \"delta\": 0.8}}"));
        Assert.Equal(0.8, tfk.Delta);
        Assert.Equal(LossSemantics.TfKeras2, tfk.Semantics);

        // An integer literal (json.dumps(2) = "2") is accepted where a float is expected, and written back as 2.0.
        Huber integral = Assert.IsType<Huber>(Losses.FromJson("{\"module\": \"keras.losses\", \"class_name\": \"Huber\", \"config\": {\"delta\": 2}, \"registered_name\": null}"));
        Assert.Equal(2.0, integral.Delta);
        Assert.Contains("\"delta\": 2.0", integral.ToJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(-1.0, "-1.0")]
    [InlineData(-1e-300, "-1e-300")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void Delta_NaNNegativeOrInfinite_ThrowsArgumentOutOfRangeNamingDelta(double delta, string printed)
    {
        // SPEC 0.7: a negative or NaN delta is rejected at construction; an infinite one too (a δ that can never be
        // exceeded is MeanSquaredError / 2, not a Huber loss).
        void Check(Action construct, string what)
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(construct);
            Assert.True(e.ParamName == "delta", $"{what}: ParamName {e.ParamName}");
            Assert.True(e.Message.Contains("finite number >= 0", StringComparison.Ordinal), $"{what}: {e.Message}");
            Assert.True(e.Message.Contains($"delta={printed}", StringComparison.Ordinal), $"{what}: {e.Message}");
        }

        Check(() => _ = new Huber(delta), "constructor");
        Check(() => _ = Losses.Huber(new float[] { 0 }, new float[] { 1 }, delta), "function form");
        Check(() => _ = CompatV1.HuberLoss(new float[] { 0 }, new float[] { 1 }, delta: delta), "compat.v1");
        Check(() => _ = CompatV1.HuberLossGradient(new double[] { 0 }, new double[] { 1 }, delta: delta), "compat.v1 gradient");
        Check(() => _ = Huber.FromConfig([new("delta", delta)]), "FromConfig");
    }

    [Fact]
    public void Delta_NotANumberInConfig_ThrowsNamingTheKey()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson("{\"module\": \"keras.losses\", \"class_name\": \"Huber\", \"config\": {\"delta\": \"1\"}, \"registered_name\": null}"));
        Assert.Contains("delta", e.Message, StringComparison.Ordinal);
        Assert.Contains("'1'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Float32_MatchesKerasEvaluationOrderBitForBit()
    {
        // Keras evaluates where(a <= δ, 0.5 * square(e), δ * a − 0.5 * square(δ)) in float32 with δ = f32(0.8). The same
        // expression written out here with float arithmetic (each operation rounded to float32, no fused multiply-add)
        // is the expected value per element; the loss on shape (n, 1) returns the element itself.
        const float delta = 0.8f;
        float[] y = [1, 0, 1, 1, 0, 0, 0.3f, -2.7f];
        float[] p = [0.9f, 0.2f, 0.2f, 0.8f, 0.4f, 0.6f, 1.9f, 0.1f];
        var expected = new double[y.Length];
        for (int i = 0; i < y.Length; i++)
        {
            float e = p[i] - y[i];
            float a = Math.Abs(e);
            float half = 0.5f;
            float sq = e * e;
            float lin = delta * a;
            float c = half * (delta * delta);
            expected[i] = a <= delta ? half * sq : lin - c;
        }

        Tensor<float> t = new Huber(0.8, Reduction.None).Call(new LossInput<float>(y, y.Length, 1), new LossInput<float>(p, p.Length, 1));
        Assert.Equal(expected, SpecAssert.Values(t));
    }

    // ------------------------------------------------------------------ tf.compat.v1.losses.huber_loss (SPEC C, A.9)

    [Theory]
    [InlineData(CompatV1.Reduction.SumByNonzeroWeights, 0.375)]
    [InlineData(CompatV1.Reduction.Sum, 1.125)]
    [InlineData(CompatV1.Reduction.SumOverBatchSize, 0.28125)]
    [InlineData(CompatV1.Reduction.Mean, 1.125 / 3.5)]
    public void CompatV1HuberLoss_HandDerivedValue(CompatV1.Reduction reduction, double expected)
    {
        // labels [[0, 1], [2, -1]], predictions [[0.5, 3], [2, 1.5]], δ = 1: a = |p − l| = [0.5, 2, 0, 2.5],
        // q = min(a, δ) = [0.5, 1, 0, 1], 0.5·q² + δ·(a − q) = [0.125, 1.5, 0, 2.0].
        // weights [[1, 0], [2, 0.5]]: weighted [0.125, 0, 0, 1.0], Σ = 1.125; 3 non-zero weights, 4 elements, Σw = 3.5.
        float[,] labels = { { 0, 1 }, { 2, -1 } };
        float[,] predictions = { { 0.5f, 3 }, { 2, 1.5f } };
        float[,] weights = { { 1, 0 }, { 2, 0.5f } };
        Tensor<float> t = CompatV1.HuberLoss(labels, predictions, weights, reduction: reduction);
        Assert.Equal([1], SpecAssert.ShapeOf(t));
        SpecAssert.Near(expected, t[0], Rtol, Atol, $"float {reduction}");
        Tensor<double> d = CompatV1.HuberLoss(
            new LossInput<double>([0, 1, 2, -1], 2, 2), new LossInput<double>([0.5, 3, 2, 1.5], 2, 2), new LossInput<double>([1, 0, 2, 0.5], 2, 2), reduction: reduction);
        SpecAssert.Near(expected, d[0], 1e-15, 0, $"double {reduction}");
    }

    [Fact]
    public void CompatV1HuberLoss_NonDefaultDeltaNoneAndGradient_HandDerived()
    {
        // Same inputs, δ = 0.5: q = [0.5, 0.5, 0, 0.5], terms [0.125, 0.125 + 0.75, 0, 0.125 + 1.0] = [0.125, 0.875, 0, 1.125];
        // weighted [0.125, 0, 0, 0.5625], Σ = 0.6875, over 3 non-zero weights = 0.6875 / 3.
        float[,] labels = { { 0, 1 }, { 2, -1 } };
        float[,] predictions = { { 0.5f, 3 }, { 2, 1.5f } };
        float[,] weights = { { 1, 0 }, { 2, 0.5f } };
        SpecAssert.Near(0.6875 / 3, CompatV1.HuberLoss(labels, predictions, weights, 0.5)[0], Rtol, Atol, "δ = 0.5");
        Tensor<float> none = CompatV1.HuberLoss(labels, predictions, weights, 0.5, CompatV1.Reduction.None);
        Assert.Equal([2, 2], SpecAssert.ShapeOf(none));
        Assert.Equal([0.125, 0, 0, 0.5625], SpecAssert.Values(none));

        // Gradient (default reduction, δ = 1): clamp(p − l, −1, 1) · w / 3 = [0.5·1, 1·0, 0·2, 1·0.5] / 3.
        Tensor<float> g = CompatV1.HuberLossGradient(labels, predictions, weights);
        SpecAssert.Near([0.5 / 3, 0, 0, 0.5 / 3], SpecAssert.Values(g), Rtol, Atol, "gradient");

        // Unweighted, δ = 0 (TensorFlow leaves δ unchecked; 0 gives 0 everywhere).
        Assert.Equal(0f, CompatV1.HuberLoss(labels, predictions, delta: 0)[0]);
    }
}
