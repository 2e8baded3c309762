// CategoricalGeneralizedCrossEntropy (SPEC B.22, E.1, B.23; part 0 items 7 and 8): hand-derived numbers, the published
// Keras cases, a plain double reference (never calling the library), finite differences, entry-point agreement,
// configs, names and bad inputs.

using System.Numerics.Tensors;
using SharpLoss.Internals;
using SharpLoss.Tests.Reference;

namespace SharpLoss.Tests.Spec;

public class GeneralizedCrossEntropyTests
{
    // ---------------------------------------------------------------- double reference (SPEC B.22)

    /// <summary>(1 − p_t^q)/q per row of K, in double.</summary>
    private static double[] RefPerSample(int[] ids, double[] p, int k, double q)
    {
        var l = new double[ids.Length];
        for (int s = 0; s < ids.Length; s++)
        {
            l[s] = (1 - Math.Pow(p[(s * k) + ids[s]], q)) / q;
        }

        return l;
    }

    private static (int[] Ids, double[] P) RandomRows(Random rng, int n, int k)
    {
        var ids = new int[n];
        var p = new double[n * k];
        for (int s = 0; s < n; s++)
        {
            ids[s] = rng.Next(k);
            for (int j = 0; j < k; j++)
            {
                p[(s * k) + j] = 0.02 + (rng.NextDouble() * 0.97);
            }
        }

        return (ids, p);
    }

    private static float[] F(double[] a) => Array.ConvertAll(a, x => (float)x);

    private static double[] D(float[] a) => Array.ConvertAll(a, x => (double)x);

    // ---------------------------------------------------------------- hand-derived numbers

    [Fact]
    public void HandDerived_ValuesAndGradients()
    {
        // q = 0.5. Row 0: t = 0, p_t = 0.25: √0.25 = 0.5, L = (1 − 0.5)/0.5 = 1; ∂L/∂p_t = −0.25^(−0.5) = −2.
        // Row 1: t = 1, p_t = 0.64: √0.64 = 0.8, L = 0.2/0.5 = 0.4; ∂L/∂p_t = −0.64^(−0.5) = −1/0.8 = −1.25.
        // Sum over batch size: (1 + 0.4)/2 = 0.7; gradient coefficient 1/2: [−1, 0], [0, −0.625].
        var loss = new CategoricalGeneralizedCrossEntropy();
        double[] p = [0.25, 0.75, 0.36, 0.64];
        (double v, Tensor<double> g) = loss.ValueAndGradient(new LossInput<int>([0, 1], [2]), new LossInput<double>(p, [2, 2]));
        SpecAssert.Near(0.7, v, 1e-15, 1e-15);
        SpecAssert.Near([-1, 0, 0, -0.625], SpecAssert.Values(g), 1e-15, 1e-15);
        SpecAssert.Near([1, 0.4], SpecAssert.Values(Losses.CategoricalGeneralizedCrossEntropy(new LossInput<long>([0, 1], [2]), new LossInput<double>(p, [2, 2]))), 1e-15, 1e-15);

        // float: the same, and a perfect prediction (p_t = 1: 1^q = 1) costs exactly 0; q = 0.25, p_t = 0.0625:
        // 0.0625^0.25 = 0.5, L = 0.5/0.25 = 2.
        Assert.Equal(0f, new CategoricalGeneralizedCrossEntropy(0.3).Compute(new LossInput<int>([1], [1]), new LossInput<float>([0f, 1f], [1, 2])));
        SpecAssert.Near(2, new CategoricalGeneralizedCrossEntropy(0.25).Compute(new LossInput<int>([0], [1]), new LossInput<float>([0.0625f, 0.9375f], [1, 2])), 1e-7, 1e-7);
    }

    [Fact]
    public void ZeroTargetProbability_LossIsOneOverQ_GradientKeepsTensorFlowsInfinity()
    {
        // p_t = 0: 0^q = 0, L = 1/q = 2 for q = 0.5. TensorFlow's gradient of pow is q·0^(q−1) = q·(+∞), so
        // ∂L/∂p_t = −∞; the other entries are −∞·onehot_j = −∞·0 = NaN.
        var loss = new CategoricalGeneralizedCrossEntropy(reduction: Reduction.Sum);
        (float v, Tensor<float> g) = loss.ValueAndGradient(new LossInput<int>([0], [1]), new LossInput<float>([0f, 1f], [1, 2]));
        Assert.Equal(2f, v);
        double[] grad = SpecAssert.Values(g);
        Assert.Equal(double.NegativeInfinity, grad[0]);
        Assert.True(double.IsNaN(grad[1]));
    }

    [Fact]
    public void NaNOrInfinityInTheRow_GivesNaN_AsTheOneHotProductDoes()
    {
        // p_t = Σ onehot·p: 0·NaN = NaN and 0·∞ = NaN off the target, so the row's loss and gradient are NaN; the other
        // row is untouched.
        var loss = new CategoricalGeneralizedCrossEntropy(reduction: Reduction.None);
        foreach (double bad in new[] { double.NaN, double.PositiveInfinity })
        {
            double[] per = SpecAssert.Values(loss.Call(new LossInput<int>([0, 0], [2]), new LossInput<double>([0.25, bad, 0.25, 0.5], [2, 2])));
            Assert.True(double.IsNaN(per[0]));
            SpecAssert.Near(1, per[1], 1e-15, 1e-15);
            Tensor<double> g = loss.Backward(new LossInput<int>([0, 0], [2]), new LossInput<double>([0.25, bad, 0.25, 0.5], [2, 2]), new LossInput<double>([1.0, 1.0], [2]));
            double[] grad = SpecAssert.Values(g);
            Assert.True(double.IsNaN(grad[0]) && double.IsNaN(grad[1]));
            Assert.Equal([-2.0, 0.0], grad[2..]);
        }

        // NaN at the target itself.
        Assert.True(float.IsNaN(new CategoricalGeneralizedCrossEntropy().Compute(new LossInput<int>([1], [1]), new LossInput<float>([0.5f, float.NaN], [1, 2]))));
    }

    // ---------------------------------------------------------------- published cases (keras losses_test.py)

    [Theory]
    [InlineData(0.5, 0.3598597219915209)]
    [InlineData(0.8, 0.3383281560559337)]
    public void PublishedKerasCases(double q, double expected)
    {
        int[] ids = [0, 1, 0, 1];
        double[] p = [0.7, 0.3, 0.2, 0.8, 0.6, 0.4, 0.4, 0.6];
        var loss = new CategoricalGeneralizedCrossEntropy(q);
        SpecAssert.Near(expected, loss.Compute(new LossInput<int>(ids, [4]), new LossInput<float>(F(p), [4, 2])), 0, 1e-6);
        SpecAssert.Near(expected, loss.Compute(new LossInput<long>([0, 1, 0, 1], [4]), new LossInput<double>(p, [4, 2])), 1e-14, 1e-14);
        SpecAssert.Near(expected, RefPerSample(ids, p, 2, q).Average(), 1e-14, 1e-14, "reference");
    }

    // ---------------------------------------------------------------- random rows against the reference

    public static TheoryData<int> Classes => [1, 7, 8, 33, 1000];

    [Theory]
    [MemberData(nameof(Classes))]
    public void RandomRows_FloatAndDouble_MatchTheDoubleReference(int k)
    {
        var rng = new Random(5000 + k);
        int n = 6;
        foreach (double q in new[] { 0.5, 0.1, 0.9 })
        {
            (int[] ids, double[] p) = RandomRows(rng, n, k);
            int[] shape = [n, k];
            double[] per = RefPerSample(ids, p, k, q);
            var none = new CategoricalGeneralizedCrossEntropy(q, Reduction.None);
            SpecAssert.Near(per, SpecAssert.Values(none.Call(new LossInput<int>(ids, [n]), new LossInput<double>(p, shape))), 1e-12, 1e-12, $"k={k} q={q} double");
            SpecAssert.Near(RefPerSample(ids, D(F(p)), k, q), SpecAssert.Values(none.Call(new LossInput<long>(Array.ConvertAll(ids, i => (long)i), [n]), new LossInput<float>(F(p), shape))), 1e-5, 1e-6, $"k={k} q={q} float");

            // Weights and a mask, Keras 3 reduction (RefReduce: the SPEC A.1 formulas).
            var w = new double[n];
            var mask = new bool[n];
            for (int s = 0; s < n; s++)
            {
                w[s] = rng.NextDouble() * 2;
                mask[s] = s % 3 != 1;
            }

            foreach ((Reduction r, string name) in new[] { (Reduction.SumOverBatchSize, "sum_over_batch_size"), (Reduction.Sum, "sum"), (Reduction.MeanWithSampleWeight, "mean_with_sample_weight") })
            {
                double expected = RefReduce.Keras3(per, [n], w, [n], mask, name).Scalar!.Value;
                var loss = new CategoricalGeneralizedCrossEntropy(q, r);
                SpecAssert.Near(expected, loss.Compute(new LossInput<int>(ids, [n]), new LossInput<double>(p, shape), new LossInput<double>(w, [n]), new LossInput<bool>(mask, [n])), 1e-12, 1e-12, $"k={k} {name} double");
                SpecAssert.Near(expected, loss.Compute(new LossInput<int>(ids, [n]), new LossInput<float>(F(p), shape), new LossInput<float>(F(w), [n]), new LossInput<bool>(mask, [n])), 1e-5, 1e-6, $"k={k} {name} float");
            }
        }
    }

    [Fact]
    public void HigherRankAndFloatIds_AndTrailingOneAxis()
    {
        // (2, 3) samples of K = 4; float ids truncate toward zero (2.7 → 2), as Keras's cast to int does; an (N, 1) id
        // tensor reads as (N,) (Keras would broadcast it to (N, N)).
        var rng = new Random(6000);
        (int[] ids, double[] p) = RandomRows(rng, 6, 4);
        double[] per = RefPerSample(ids, p, 4, 0.5);
        var none = new CategoricalGeneralizedCrossEntropy(reduction: Reduction.None);
        Tensor<double> t = none.Call(new LossInput<int>(ids, [2, 3]), new LossInput<double>(p, [2, 3, 4]));
        Assert.Equal([2, 3], SpecAssert.ShapeOf(t));
        SpecAssert.Near(per, SpecAssert.Values(t), 1e-12, 1e-12);
        double[] floatIds = Array.ConvertAll(ids, i => i + 0.7);
        SpecAssert.Near(per, SpecAssert.Values(none.Call(new LossInput<double>(floatIds, [6]), new LossInput<double>(p, [6, 4]))), 1e-12, 1e-12, "float ids");
        SpecAssert.Near(per, SpecAssert.Values(none.Call(new LossInput<int>(ids, [6, 1]), new LossInput<double>(p, [6, 4]))), 1e-12, 1e-12, "(N, 1) ids");
    }

    [Fact]
    public void QNearZeroAndNearOne_TendToCrossEntropyAndOneMinusP()
    {
        // (1 − p^q)/q = (1 − e^(q·ln p))/q → −ln p as q → 0 (error ≈ q·ln²p/2), and → 1 − p as q → 1.
        var rng = new Random(7000);
        (int[] ids, double[] p) = RandomRows(rng, 5, 7);
        foreach (double q in new[] { 1e-6, 1e-3, 1 - 1e-3, 1 - 1e-9 })
        {
            double[] got = SpecAssert.Values(Losses.CategoricalGeneralizedCrossEntropy(new LossInput<int>(ids, [5]), new LossInput<double>(p, [5, 7]), q));
            SpecAssert.Near(RefPerSample(ids, p, 7, q), got, 1e-9, 1e-12, $"q={q}");
            for (int s = 0; s < 5; s++)
            {
                double pt = p[(s * 7) + ids[s]];
                double limit = q < 0.5 ? -Math.Log(pt) : 1 - pt;
                SpecAssert.Near(limit, got[s], 0, q < 0.5 ? 20 * q : 20 * (1 - q), $"q={q} limit");
            }
        }
    }

    // ---------------------------------------------------------------- gradients

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(33)]
    public void Gradient_Double_MatchesCentralFiniteDifferences(int k)
    {
        var rng = new Random(8000 + k);
        int n = 3;
        (int[] ids, double[] p) = RandomRows(rng, n, k);
        double[] w = [0.5, 1.5, 2];
        foreach (double q in new[] { 0.5, 0.05, 0.95 })
        {
            var loss = new CategoricalGeneralizedCrossEntropy(q);
            (double _, Tensor<double> g) = loss.ValueAndGradient(new LossInput<int>(ids, [n]), new LossInput<double>(p, [n, k]), new LossInput<double>(w, [n]));
            double[] fd = FiniteDifference.Gradient(x => RefPerSample(ids, x, k, q).Select((l, s) => l * w[s]).Sum() / n, p);
            SpecAssert.Near(fd, SpecAssert.Values(g), 1e-6, 1e-8, $"k={k} q={q}");
        }
    }

    // ---------------------------------------------------------------- entry points, threads

    [Theory]
    [MemberData(nameof(Classes))]
    public void EntryPoints_AgreeBitForBit_IncludingAliasedGradient(int k)
    {
        var rng = new Random(9000 + k);
        int n = 5;
        (int[] ids, double[] pd) = RandomRows(rng, n, k);
        float[] p = F(pd);
        int[] shape = [n, k];
        var loss = new CategoricalGeneralizedCrossEntropy(0.7);
        var yt = new LossInput<int>(ids, [n]);
        var pt = new LossInput<float>(p, shape);

        float compute = loss.Compute(yt, pt);
        (float value, Tensor<float> grad) = loss.ValueAndGradient(yt, pt);
        float[] g = new float[p.Length];
        float into = loss.ValueAndGradientInto(yt, pt, g);
        float call = (float)SpecAssert.Values(loss.Call(yt, pt)).Single();
        Tensor<float> back = loss.Backward(yt, pt, 1f);
        Assert.Equal(compute, value);
        Assert.Equal(compute, into);
        Assert.Equal(compute, call);
        Assert.Equal(SpecAssert.Values(grad), D(g));
        Assert.Equal(SpecAssert.Values(grad), SpecAssert.Values(back));

        // The gradient buffer is yPred's own memory: p_t is read before the row is written.
        float[] alias = (float[])p.Clone();
        float aliased = loss.ValueAndGradientInto(yt, new LossInput<float>(alias, shape), alias);
        Assert.Equal(compute, aliased);
        Assert.Equal(D(g), D(alias));

        // long ids: the same numbers.
        var y64 = new LossInput<long>(Array.ConvertAll(ids, i => (long)i), [n]);
        Assert.Equal(compute, loss.Compute(y64, pt));
        Assert.Equal(D(g), SpecAssert.Values(loss.ValueAndGradient(y64, pt).Gradient));

        // Sum = Σ of the unreduced values (accumulated in double, rounded once).
        float sum = new CategoricalGeneralizedCrossEntropy(0.7, Reduction.Sum).Compute(yt, pt);
        double[] values = SpecAssert.Values(new CategoricalGeneralizedCrossEntropy(0.7, Reduction.None).Call(yt, pt));
        Assert.Equal((float)values.Sum(), sum);

        // Scalar kernels (no Vector256): the same values.
        KernelSwitch.ForceScalar = true;
        try
        {
            Assert.Equal(compute, loss.Compute(yt, pt));
            Assert.Equal(D(g), SpecAssert.Values(loss.ValueAndGradient(yt, pt).Gradient));
        }
        finally
        {
            KernelSwitch.ForceScalar = false;
        }
    }

    [Fact]
    public void ManyRows_OneThreadAndMany_AreBitIdentical()
    {
        var rng = new Random(10000);
        int n = 20000, k = 9;
        (int[] ids, double[] pd) = RandomRows(rng, n, k);
        float[] p = F(pd);
        var one = new CategoricalGeneralizedCrossEntropy() { MaxDegreeOfParallelism = 1 };
        var many = new CategoricalGeneralizedCrossEntropy();
        (float v1, Tensor<float> g1) = one.ValueAndGradient(new LossInput<int>(ids, [n]), new LossInput<float>(p, [n, k]));
        (float v2, Tensor<float> g2) = many.ValueAndGradient(new LossInput<int>(ids, [n]), new LossInput<float>(p, [n, k]));
        Assert.Equal(v1, v2);
        Assert.Equal(SpecAssert.Values(g1), SpecAssert.Values(g2));
    }

    // ---------------------------------------------------------------- bad inputs

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    [InlineData(double.PositiveInfinity)]
    public void QOutsideTheOpenUnitInterval_IsRejectedAtConstruction(double q)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new CategoricalGeneralizedCrossEntropy(q));
        Assert.Equal("q", e.ParamName);
        Assert.Contains("(0, 1)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CategoricalGeneralizedCrossEntropy(new LossInput<int>([0], [1]), new LossInput<float>([1f], [1, 1]), q));
    }

    [Fact]
    public void BadIdsAndShapes_ThrowArgumentExceptionsNamingTheArgument()
    {
        var loss = new CategoricalGeneralizedCrossEntropy();
        float[] pd = [0.5f, 0.5f, 0.2f, 0.8f];
        foreach (int bad in new[] { -1, 2 })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => loss.Compute(new LossInput<int>([0, bad], [2]), new LossInput<float>(pd, [2, 2])));
            Assert.Equal("yTrue", e.ParamName);
            Assert.Contains(bad.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => loss.Compute(new LossInput<long>([0, 5], [2]), new LossInput<float>(pd, [2, 2])));
        Assert.Throws<ArgumentOutOfRangeException>(() => loss.Compute(new LossInput<float>([0f, 2.5f], [2]), new LossInput<float>(pd, [2, 2])));

        var shape = Assert.Throws<ArgumentException>(() => loss.Compute(new LossInput<int>([0, 1, 0], [3]), new LossInput<float>(pd, [2, 2])));
        Assert.Equal("yTrue", shape.ParamName);
        Assert.Contains("(3,)", shape.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 2)", shape.Message, StringComparison.Ordinal);
        var onehot = Assert.Throws<ArgumentException>(() => loss.Compute(new LossInput<float>([1f, 0f, 0f, 1f], [2, 2]), new LossInput<float>(pd, [2, 2])));
        Assert.Equal("yTrue", onehot.ParamName);
        var scalarPred = Assert.ThrowsAny<ArgumentException>(() => loss.Compute(new LossInput<int>([0], [1]), (LossInput<float>)0.5f));
        Assert.Equal("yPred", scalarPred.ParamName);
    }

    [Fact]
    public void TfKeras2_HasNoSuchLoss()
    {
        var e = Assert.Throws<ArgumentException>(() => new CategoricalGeneralizedCrossEntropy(semantics: LossSemantics.TfKeras2));
        Assert.Equal("semantics", e.ParamName);
        Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson("{\"class_name\": \"CategoricalGeneralizedCrossEntropy\", \"config\": {\"reduction\": \"auto\", \"name\": \"g\", \"q\": 0.5}}"));
    }

    // ---------------------------------------------------------------- config and names

    [Fact]
    public void Config_RoundTripsThroughJson()
    {
        Assert.Equal(
            "{\"module\": \"keras.losses\", \"class_name\": \"CategoricalGeneralizedCrossEntropy\", \"config\": {\"name\": \"categorical_generalized_cross_entropy\", \"reduction\": \"sum_over_batch_size\", \"q\": 0.5}, \"registered_name\": null}",
            new CategoricalGeneralizedCrossEntropy().ToJson());
        foreach (var l in new[] { new CategoricalGeneralizedCrossEntropy(), new CategoricalGeneralizedCrossEntropy(0.3, Reduction.Sum, "gce") })
        {
            var back = Assert.IsType<CategoricalGeneralizedCrossEntropy>(Losses.FromJson(l.ToJson()));
            Assert.Equal(l.Q, back.Q);
            Assert.Equal(l.Name, back.Name);
            Assert.Equal(l.Reduction, back.Reduction);
            Assert.Equal(l.ToJson(), back.ToJson());
        }

        var fromConfig = CategoricalGeneralizedCrossEntropy.FromConfig([new("q", 0.25)]);
        Assert.Equal(0.25, fromConfig.Q);
        Assert.ThrowsAny<ArgumentException>(() => CategoricalGeneralizedCrossEntropy.FromConfig([new("q", 1.0)]));
        Assert.ThrowsAny<ArgumentException>(() => CategoricalGeneralizedCrossEntropy.FromConfig([new("from_logits", true)]));
    }

    [Theory]
    [InlineData("CategoricalGeneralizedCrossEntropy")]
    [InlineData("categorical_generalized_cross_entropy")]
    public void Get_DoesNotResolveIt_AndSaysHowToBuildIt(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => Losses.Get(name));
        Assert.Contains("get does not resolve CategoricalGeneralizedCrossEntropy", e.Message, StringComparison.Ordinal);
        Assert.Contains("construct it", e.Message, StringComparison.Ordinal);
        Assert.Contains("\"module\": \"keras.losses\"", e.Message, StringComparison.Ordinal);
    }
}
