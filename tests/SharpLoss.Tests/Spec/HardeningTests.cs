// One test (or theory) per defect that returned a wrong number or an unexpected exception: batches of one with a scalar
// weight, the gradient written over yPred, fractional class ids next to ignoreClass, broadcasts beyond an array,
// float overflow inside the sums, subnormal divisors, the gradient of CCE on near-zero probabilities, the bits of
// Keras 3's scalar values across entry points, and messages in .NET terms. Every expected number is derived by hand
// in the comment beside it.

using System.Numerics.Tensors;

namespace SharpLoss.Tests.Spec;

public class HardeningTests
{
    // ------------------------------------------------------------------ a batch of one with a scalar weight

    /// <summary>
    /// Keras 3 squeezes per-sample losses of shape (1,) against a weight of shape () (squeeze_or_expand_to_same_rank) and
    /// returns values of shape () unreduced (SPEC A.1 5.3-5.4, A.6). MSE of y = [[0, 1]], p = [[1, 1]]: the sample's loss
    /// is mean(1, 0) = 0.5; times the weight 0.5 gives 0.25 for every reduction (mean_with_sample_weight does not divide
    /// by Σw = 0.5). The gradient is 0.5 · ∂mean((y − p)²)/∂p = 0.5 · (p − y) = [0.5, 0].
    /// </summary>
    [Theory]
    [InlineData(Reduction.MeanWithSampleWeight)]
    [InlineData(Reduction.SumOverBatchSize)]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    public void BatchOfOne_ScalarWeight_ValueIsTheWeightedLossUnreduced(Reduction reduction)
    {
        var mse = new MeanSquaredError(reduction);
        Assert.Equal(0.25f, mse.Compute(new float[,] { { 0, 1 } }, new float[,] { { 1, 1 } }, sampleWeight: 0.5f));
        Assert.Equal(0.25, mse.Compute(new double[,] { { 0, 1 } }, new double[,] { { 1, 1 } }, sampleWeight: 0.5));
        (float v, Tensor<float> g) = mse.ValueAndGradient(new float[,] { { 0, 1 } }, new float[,] { { 1, 1 } }, sampleWeight: 0.5f);
        Assert.Equal(0.25f, v);
        Assert.Equal([0.5f, 0f], g.ToArray());
        Tensor<float> call = mse.Call(new float[,] { { 0, 1 } }, new float[,] { { 1, 1 } }, sampleWeight: 0.5f);
        Assert.Equal([0.25f], call.ToArray());
    }

    /// <summary>
    /// CategoricalCrossentropy from logits on one sample: y = [[0, 1]], x = [[0, 0]] gives ln 2 = 0.69314718; with the
    /// scalar weight 0.5 and mean_with_sample_weight the value is 0.5 · ln 2 = 0.34657359 (not ln 2). The gradient is
    /// 0.5 · (softmax − y) = 0.5 · [0.5, −0.5] = [0.25, −0.25].
    /// </summary>
    [Fact]
    public void BatchOfOne_ScalarWeight_CategoricalFromLogits()
    {
        var cce = new CategoricalCrossentropy(fromLogits: true, reduction: Reduction.MeanWithSampleWeight);
        (float v, Tensor<float> g) = cce.ValueAndGradient(new float[,] { { 0, 1 } }, new float[,] { { 0, 0 } }, sampleWeight: 0.5f);
        SpecAssert.Near(0.34657359, v, 1e-6, 0);
        SpecAssert.Near([0.25, -0.25], SpecAssert.Values(g), 1e-6, 0);
    }

    /// <summary>
    /// With a mask of shape (1,) and a scalar weight, Keras 3 squeezes the mask to () before multiplying it into the
    /// weight (apply_mask), so the value is again unreduced: SCCE from logits with ignoreClass 5 on one sample, label 1,
    /// x = [0, 0, 0]: loss ln 3 = 1.0986123, times 0.5 = 0.54930614 under mean_with_sample_weight.
    /// </summary>
    [Fact]
    public void BatchOfOne_ScalarWeightAndMask_ValueIsUnreduced()
    {
        var scce = new SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: 5, reduction: Reduction.MeanWithSampleWeight);
        SpecAssert.Near(0.54930614, scce.Compute(new[] { 1 }, new float[,] { { 0, 0, 0 } }, sampleWeight: 0.5f), 1e-6, 0);
        var mse = new MeanSquaredError(Reduction.MeanWithSampleWeight);

        // MSE as above with mask [true]: 0.25.
        Assert.Equal(0.25f, mse.Compute(new float[,] { { 0, 1 } }, new float[,] { { 1, 1 } }, sampleWeight: 0.5f, mask: new[] { true }));
    }

    /// <summary>The Keras 3 rule touches batches of one only: two samples of loss 0.5 with the scalar weight 0.5 under
    /// mean_with_sample_weight give Σ(l·w) / Σ sample_weight = (0.25 + 0.25) / 0.5 = 1.0 (Keras divides by the scalar
    /// weight as given, SPEC A.1 5.4).</summary>
    [Fact]
    public void BatchOfTwo_ScalarWeight_MeanWithSampleWeightDividesByTheScalarWeight()
    {
        var mse = new MeanSquaredError(Reduction.MeanWithSampleWeight);

        // losses (2,) = [0.5, 0.5]; values = 0.5 · losses = [0.25, 0.25]; Σ = 0.5; Σ sample_weight = 0.5 (the scalar): 1.0.
        Assert.Equal(1.0f, mse.Compute(new float[,] { { 0, 1 }, { 0, 1 } }, new float[,] { { 1, 1 }, { 1, 1 } }, sampleWeight: 0.5f));
    }

    // ------------------------------------------------------------------ the gradient written over yPred

    /// <summary>
    /// SCCE on probabilities [0.5] (one class), id 0: the loss is log Σq − log q_0 = 0 and the gradient
    /// 1/Σq − 1/q_0 = 2 − 2 = 0, whether or not the gradient buffer is yPred's own.
    /// </summary>
    [Fact]
    public void SparseCategorical_GradientOverYPred_OneClass()
    {
        var p = new float[] { 0.5f };
        float v = new SparseCategoricalCrossentropy().ValueAndGradientInto(new[] { 0 }, new LossInput<float>(p, 1, 1), p);
        Assert.Equal(0f, v);
        Assert.Equal([0f], p);
    }

    public static TheoryData<string> AliasCases => new()
    {
        "bce", "bce-logits", "bce-ls", "cce", "cce-logits", "cce-ls", "cce-axis0", "scce", "scce-logits", "scce-ls", "scce-logits-ls", "scce-ignore",
        "mse", "mae", "huber", "mse-tfk2",
    };

    /// <summary>
    /// Every loss: the value and gradient written into yPred's own buffer are bit for bit those of a separate buffer,
    /// for shapes that take the paired softmax rows, the vector loops and the scalar tails, on one thread and on several.
    /// </summary>
    [Theory]
    [MemberData(nameof(AliasCases))]
    public void GradientOverYPred_BitIdenticalToSeparateBuffer(string id)
    {
        foreach ((int n, int k) in new[] { (2, 8), (3, 5), (7, 33), (1, 1), (70000, 2) })
        {
            var rng = new Random(n * 31 + k);
            (Loss loss, bool sparse) = Make(id);
            float[] p = new float[n * k];
            double[] pd = new double[n * k];
            bool logits = id.Contains("logits", StringComparison.Ordinal) || id.StartsWith("mse", StringComparison.Ordinal) || id is "mae" or "huber";
            for (int i = 0; i < p.Length; i++)
            {
                pd[i] = logits ? (rng.NextDouble() * 8) - 4 : rng.NextDouble();
                p[i] = (float)pd[i];
            }

            float[] yd = new float[sparse ? n : n * k];
            for (int i = 0; i < yd.Length; i++)
            {
                yd[i] = sparse ? rng.Next(k) : (float)rng.NextDouble();
            }

            int[] shape = [n, k];
            var yIn = sparse ? new LossInput<float>(yd, n) : new LossInput<float>(yd, shape);
            var weights = new float[id == "cce-axis0" ? k : n];
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = (float)rng.NextDouble();
            }

            var separate = new float[p.Length];
            float expected = loss.ValueAndGradientInto(yIn, new LossInput<float>(p, shape), separate, weights);
            float[] aliased = (float[])p.Clone();
            float actual = loss.ValueAndGradientInto(yIn, new LossInput<float>(aliased, shape), aliased, weights);
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual), $"{id} {n}x{k}: value {actual:R} over yPred, {expected:R} apart");
            Assert.True(separate.AsSpan().SequenceEqual(aliased), $"{id} {n}x{k}: gradients differ at {FirstDifference(separate, aliased)}");

            double[] sepD = new double[pd.Length];
            double expectedD = loss.ValueAndGradientInto(Widen(yd, sparse, n, shape), new LossInput<double>(pd, shape), sepD);
            double[] aliasedD = (double[])pd.Clone();
            double actualD = loss.ValueAndGradientInto(Widen(yd, sparse, n, shape), new LossInput<double>(aliasedD, shape), aliasedD);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expectedD), BitConverter.DoubleToInt64Bits(actualD));
            Assert.True(sepD.AsSpan().SequenceEqual(aliasedD), $"{id} {n}x{k} double: gradients differ at {FirstDifference(sepD, aliasedD)}");
        }
    }

    /// <summary>The 2 × 8 logits case: SCCE from logits over yPred's own buffer gives the separate-buffer value (3.3470 in
    /// the case that exposed the defect, where the paired rows read the logits after writing the gradient).</summary>
    [Fact]
    public void SparseCategoricalLogits_PairedRowsOverYPred_SameValue()
    {
        float[] x = [3, -1, 2, 0.5f, -2, 1, 0, 4, -3, 2, 1, 0, 0.25f, -1, 5, 2];
        var loss = new SparseCategoricalCrossentropy(fromLogits: true);
        var g = new float[16];
        float expected = loss.ValueAndGradientInto(new[] { 1, 6 }, new LossInput<float>(x, 2, 8), g);

        // Hand check of the separate-buffer value: row 0 has max 4; Σ exp(x − 4) over row 0, then −log softmax at id 1.
        double Ce(float[] row, int t)
        {
            double m = row.Max(), s = row.Sum(v => Math.Exp(v - m));
            return Math.Log(s) - (row[t] - m);
        }

        SpecAssert.Near((Ce(x[..8], 1) + Ce(x[8..], 6)) / 2, expected, 1e-6, 0);
        float actual = loss.ValueAndGradientInto(new[] { 1, 6 }, new LossInput<float>(x, 2, 8), x);
        Assert.Equal(expected, actual);
        Assert.Equal(g, x);
    }

    // ------------------------------------------------------------------ fractional ids and ignoreClass

    /// <summary>
    /// A float id 3.5 with ignoreClass 3 is compared with 3 in the prediction type (not equal: not ignored), then
    /// truncated: it scores as class 3. Rows p0 = [0.1, 0.2, 0.3, 0.4] (−ln 0.4 = 0.91629073) and p1 = [0.25] × 4 with id
    /// 1 (ln 4 = 1.38629436): mean 1.15129255 over both samples. A row with id 3.0 is ignored: only p1 counts, ln 4.
    /// </summary>
    [Fact]
    public void FractionalIdThatTruncatesToIgnoreClass_ScoresAsThatClass()
    {
        var loss = new SparseCategoricalCrossentropy(ignoreClass: 3);
        float[,] p = { { 0.1f, 0.2f, 0.3f, 0.4f }, { 0.25f, 0.25f, 0.25f, 0.25f } };
        SpecAssert.Near(1.15129255, loss.Compute(new[] { 3.5f, 1f }, p), 1e-6, 0);
        SpecAssert.Near(1.38629436, loss.Compute(new[] { 3f, 1f }, p), 1e-6, 0);
        SpecAssert.Near(1.151292546497023, loss.Compute(new[] { 3.5, 1.0 }, new double[,] { { 0.1, 0.2, 0.3, 0.4 }, { 0.25, 0.25, 0.25, 0.25 } }), 1e-12, 0);

        // The per-sample values: the fractional id's row is scored (0.91629073), not 0.
        SpecAssert.Near([0.91629073, 1.38629436], SpecAssert.Values(new SparseCategoricalCrossentropy(ignoreClass: 3, reduction: Reduction.None).Call(new[] { 3.5f, 1f }, p)), 1e-6, 0);
    }

    // ------------------------------------------------------------------ broadcasts beyond an array

    /// <summary>Losses of 50,000 samples and a weight of shape (50000, 1, 1) broadcast to (50000, 1, 50000): 2.5e9 values,
    /// more than an array holds. The error names the argument and gives both shapes.</summary>
    [Fact]
    public void WeightBroadcastBeyondAnArray_ThrowsArgumentExceptionWithBothShapes()
    {
        var y = new float[50000, 1];
        var w = new float[50000];
        var e = Assert.Throws<ArgumentException>(() => new MeanSquaredError().Compute(y, y, new LossInput<float>(w, 50000, 1, 1)));
        Assert.Equal("sampleWeight", e.ParamName);
        Assert.Contains("(50000, 1, 1)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(50000,)", e.Message, StringComparison.Ordinal);

        var m = new bool[50000];
        var em = Assert.Throws<ArgumentException>(() => new MeanSquaredError().Compute(y, y, mask: new LossInput<bool>(m, 50000, 1, 1)));
        Assert.Equal("mask", em.ParamName);
        Assert.Contains("(50000, 1, 1)", em.Message, StringComparison.Ordinal);

        // A weight and a mask that broadcast against each other beyond an array.
        var ew = Assert.Throws<ArgumentException>(() => new MeanSquaredError().Compute(y, y, new LossInput<float>(w, 50000, 1, 1), new LossInput<bool>(m, 50000)));
        Assert.Equal("sampleWeight", ew.ParamName);
    }

    /// <summary>An empty axis beside large ones: a tensor with a dimension beyond int, and per-sample losses of
    /// 65536 × 65536 (an empty class axis), are rejected naming the argument (not an OverflowException).</summary>
    [Fact]
    public void EmptyAxisBesideHugeOnes_ThrowsArgumentException()
    {
        long big = 3_000_000_000L;
        Tensor<float> huge = Tensor.Create(Array.Empty<float>(), [0, (nint)big]);
        var e = Assert.Throws<ArgumentException>(() => new MeanSquaredError().Compute(huge, huge));
        Assert.Equal("yTrue", e.ParamName);
        var e2 = Assert.Throws<ArgumentException>(() => new MeanSquaredError().Compute(new LossInput<float>([], 65536, 65536, 0), new LossInput<float>([], 65536, 65536, 0)));
        Assert.Equal("yPred", e2.ParamName);
        Assert.Contains("(65536, 65536)", e2.Message, StringComparison.Ordinal);
    }

    /// <summary>A rank-0 input to tf.nn's element-wise gradient: one element, so one gradient element,
    /// σ(0) − 1 = −0.5, returned as shape [1] (System.Numerics.Tensors has no rank-0 tensor).</summary>
    [Fact]
    public void RankZeroLogits_GradientHasOneElement()
    {
        Tensor<float> g = Nn.SigmoidCrossEntropyWithLogitsGradient(new LossInput<float>([1f]), new LossInput<float>([0f]));
        Assert.Equal([-0.5f], g.ToArray());
    }

    // ------------------------------------------------------------------ float overflow inside the sums

    /// <summary>
    /// MAE of y = 0 and p = 2.25e38 (float32: 2.2499999e38) over 64 elements: every element loss is that float, so the
    /// mean is that float too (the exact mean is finite; pairs of vectors summed in float overflow to ∞).
    /// </summary>
    [Fact]
    public void LargeLosses_MeanIsFinite()
    {
        foreach (int n in new[] { 8, 16, 64, 16 * 1024 * 5 })
        {
            var p = Enumerable.Repeat(2.25e38f, n).ToArray();
            var y = new float[n];
            Assert.Equal(2.25e38f, new MeanAbsoluteError().Compute(y, p));
            Assert.Equal(2.25e38f, new MeanAbsoluteError().ValueAndGradient(y, p).Value);
            Assert.Equal(2.25e38f, new MeanAbsoluteError().Compute(new LossInput<float>(y, n, 1), new LossInput<float>(p, n, 1)));

            // MSE: p = 1.5e19 squares to float32(p · p) in every element; the mean of equal values is that value.
            float q = 1.5e19f, sq = q * q;
            Assert.Equal(sq, new MeanSquaredError().Compute(y, Enumerable.Repeat(q, n).ToArray()));
            Assert.Equal(sq, new MeanSquaredError().Compute(new LossInput<float>(y, n / 8, 8), new LossInput<float>(Enumerable.Repeat(q, n).ToArray(), n / 8, 8)));
        }
    }

    /// <summary>
    /// Weighted MAE, losses [3e38, 3e38] with per-sample weights [1.5, 0.5] under mean_with_sample_weight:
    /// (4.5e38 + 1.5e38) / 2 = 3e38 exactly (the products overflow float32, their mean does not). The gradient is
    /// w / Σw · sign(p − y) = [0.75, 0.25].
    /// </summary>
    [Fact]
    public void WeightedLargeLosses_MeanIsFinite()
    {
        var loss = new MeanAbsoluteError(Reduction.MeanWithSampleWeight);
        float[,] y = { { 0 }, { 0 } }, p = { { 3e38f }, { 3e38f } };
        Assert.Equal(3e38f, loss.Compute(y, p, new float[] { 1.5f, 0.5f }));
        (float v, Tensor<float> g) = loss.ValueAndGradient(y, p, new float[] { 1.5f, 0.5f });
        Assert.Equal(3e38f, v);
        Assert.Equal([0.75f, 0.25f], g.ToArray());

        // Sixteen samples of the same kind: 8 × 4.5e38 + 8 × 1.5e38 over Σw = 16: 3e38.
        var y16 = new LossInput<float>(new float[16], 16, 1);
        var p16 = new LossInput<float>(Enumerable.Repeat(3e38f, 16).ToArray(), 16, 1);
        var w16 = Enumerable.Range(0, 16).Select(i => i % 2 == 0 ? 1.5f : 0.5f).ToArray();
        Assert.Equal(3e38f, loss.Compute(y16, p16, w16));
    }

    /// <summary>NaN wins over ∞ in a sum, as in TensorFlow: per-sample values [NaN, ∞] (MAE of p = [NaN, ∞]) sum to NaN, for
    /// every reduction and with losses on the vector paths too.</summary>
    [Fact]
    public void NaNAndInfinity_SumIsNaN()
    {
        foreach (int n in new[] { 2, 16, 64 })
        {
            var p = new float[n];
            p[0] = float.NaN;
            for (int i = 1; i < n; i++)
            {
                p[i] = float.PositiveInfinity;
            }

            foreach (Reduction r in new[] { Reduction.Sum, Reduction.SumOverBatchSize, Reduction.MeanWithSampleWeight })
            {
                Assert.True(float.IsNaN(new MeanAbsoluteError(r).Compute(new LossInput<float>(new float[n], n, 1), new LossInput<float>(p, n, 1))), $"{r} {n}");
                Assert.True(float.IsNaN(new MeanAbsoluteError(r).Compute(new float[n], p)), $"{r} {n} flat");
                Assert.True(float.IsNaN(new MeanAbsoluteError(r).Compute(new LossInput<float>(new float[n], n, 1), new LossInput<float>(p, n, 1), Enumerable.Repeat(2f, n).ToArray())), $"{r} {n} weighted");
            }
        }
    }

    /// <summary>
    /// A weight that broadcasts one sample's loss to several values: MAE of y = [[0]], p = [[∞]] (losses (1,) = [∞]) with
    /// weights (2,) = [0, 1] gives the values [∞·0, ∞·1] = [NaN, ∞] (Keras 3 multiplies with NumPy broadcasting), whose
    /// sum is NaN: not ∞ from the per-sample weight 0 + 1.
    /// </summary>
    [Fact]
    public void BroadcastWeights_InfiniteLossAndZeroWeight_SumIsNaN()
    {
        var mae = new MeanAbsoluteError(Reduction.Sum);
        float[,] y = { { 0 } }, p = { { float.PositiveInfinity } };
        Tensor<float> values = new MeanAbsoluteError(Reduction.None).Call(y, p, new float[] { 0, 1 });
        Assert.True(float.IsNaN(values[0]) && float.IsPositiveInfinity(values[1]), string.Join(", ", values.ToArray()));
        Assert.True(float.IsNaN(mae.Compute(y, p, new float[] { 0, 1 })));
        Assert.True(float.IsNaN(new MeanAbsoluteError().Compute(y, p, new float[] { 0, 1 })));
    }

    /// <summary>
    /// An ignored sample's loss is 0, but its weight still multiplies it: SCCE with ignoreClass 0, ids [0, 1] and weights
    /// [∞, 1] has the values [0·∞, l] = [NaN, l] (Keras merges the mask into the weight, ∞·0), so Sum is NaN as Call's
    /// values say.
    /// </summary>
    [Fact]
    public void IgnoredSample_InfiniteWeight_SumIsNaN()
    {
        var loss = new SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: 0, reduction: Reduction.Sum);
        float[,] x = { { 0, 0 }, { 0, 0 } };
        Tensor<float> values = new SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: 0, reduction: Reduction.None).Call(new[] { 0, 1 }, x, new[] { float.PositiveInfinity, 1f });
        Assert.True(float.IsNaN(values[0]), string.Join(", ", values.ToArray()));
        Assert.True(float.IsNaN(loss.Compute(new[] { 0, 1 }, x, new[] { float.PositiveInfinity, 1f })));
    }

    // ------------------------------------------------------------------ subnormal divisors

    /// <summary>
    /// tf.compat.v1 absolute difference, y = [0, 0], p = [1, 3], weights 1e-310 (subnormal), reduction Mean:
    /// Σ(l·w) / Σw = (1 + 3)·1e-310 / (2·1e-310) = 2 (the products are exact multiples of the subnormal step).
    /// 1/(2e-310) is not a finite double, so a multiplication by the reciprocal gives ∞.
    /// </summary>
    [Fact]
    public void SubnormalWeightSum_Divides()
    {
        Assert.Equal(2.0, CompatV1.AbsoluteDifference(new double[] { 0, 0 }, new double[] { 1, 3 }, 1e-310, CompatV1.Reduction.Mean)[0]);
        Assert.Equal(2.0, CompatV1.AbsoluteDifference(new double[] { 0, 0 }, new double[] { 1, 3 }, new double[] { 1e-310, 1e-310 }, CompatV1.Reduction.Mean)[0]);

        // Keras 3 mean_with_sample_weight: per-sample losses [1, 3], weights [1e-310, 1e-310]: 2; gradient w/Σw = [0.5, 0.5].
        var mae = new MeanAbsoluteError(Reduction.MeanWithSampleWeight);
        (double v, Tensor<double> g) = mae.ValueAndGradient(new double[,] { { 0 }, { 0 } }, new double[,] { { 1 }, { 3 } }, new double[] { 1e-310, 1e-310 });
        Assert.Equal(2.0, v);
        Assert.Equal([0.5, 0.5], g.ToArray());

        // float: weights 1e-40 (subnormal in float32), Σw = 2e-40, 1/Σw beyond float.MaxValue: the same 2 and [0.5, 0.5].
        (float vf, Tensor<float> gf) = mae.ValueAndGradient(new float[,] { { 0 }, { 0 } }, new float[,] { { 1 }, { 3 } }, new float[] { 1e-40f, 1e-40f });
        SpecAssert.Near(2.0, vf, 1e-6, 0);
        SpecAssert.Near([0.5, 0.5], SpecAssert.Values(gf), 1e-6, 0);
    }

    // ------------------------------------------------------------------ CCE on near-zero probabilities

    /// <summary>
    /// CCE on probabilities y = [[1, 0]], p = [[1.1754942e-38, 0]]: p/Σp = [1, 0] is clipped at both ends, so the gradient
    /// is 0 wherever the clip is active, [0, 0], from ValueAndGradient and Backward alike, for any upstream and weight (a
    /// coefficient over Σp ≈ 1.2e-38 overflows float32: 0 · ∞ must not appear).
    /// </summary>
    [Fact]
    public void CategoricalProbabilities_NearZeroSum_BackwardAgreesWithValueAndGradient()
    {
        float[,] y = { { 1, 0 } }, p = { { 1.1754942e-38f, 0 } };
        foreach (float u in new[] { 1f, 8f, 1000f })
        {
            foreach (float w in new[] { 1f, 5f, 1e4f })
            {
                var cce = new CategoricalCrossentropy(reduction: Reduction.Sum);
                Assert.Equal([0f, 0f], cce.ValueAndGradient(y, p, w).Gradient.ToArray());
                Assert.Equal([0f, 0f], cce.Backward(y, p, u, w).ToArray());
                Assert.Equal([0f, 0f], new CategoricalCrossentropy(reduction: Reduction.None).Backward(y, p, new[] { u }, w).ToArray());
            }
        }
    }

    /// <summary>
    /// tf.keras 2 BCE on probabilities near p = 1 with y = 1: TensorFlow's gradient is −y/(q + ε) + (1 − y)/(1 − q + ε)
    /// = −1/(0.99988294 + 1e-7) = −1.0001169 (double arithmetic on the float inputs), per element of a mean over 8, on the
    /// vector path as on the scalar one (a one-division form cancelled to −1.0002809).
    /// </summary>
    [Fact]
    public void TfKeras2BinaryProbabilities_GradientNearOne_MatchesTensorFlowsTerms()
    {
        const float p = 0.99988294f;
        double expected = -1.0 / ((double)p + 1e-7) / 8;
        var loss = new BinaryCrossentropy(semantics: LossSemantics.TfKeras2, reduction: Reduction.Sum);
        Tensor<float> g = loss.ValueAndGradient(new LossInput<float>(Enumerable.Repeat(1f, 8).ToArray(), 1, 8), new LossInput<float>(Enumerable.Repeat(p, 8).ToArray(), 1, 8)).Gradient;
        SpecAssert.Near(Enumerable.Repeat(expected, 8).ToArray(), SpecAssert.Values(g), 2e-6, 0);
    }

    // ------------------------------------------------------------------ the same bits from every entry point

    /// <summary>
    /// Huber (δ = 1) of y = [0, 0, 0], p = [0, 0, 1.7425471309349758] with the scalar weight 0.8235706132015076 in double:
    /// the per-sample loss has shape () and the value is returned unreduced, so Compute, Call, ValueAndGradient and
    /// Backward must agree bit for bit (per-sample loss (1.7425… − 0.5)/3 = 0.41418237697832527, times the weight).
    /// </summary>
    [Fact]
    public void ScalarPerSampleValue_EveryEntryPointSameBits()
    {
        var h = new Huber();
        double[] y = [0, 0, 0], p = [0, 0, 1.7425471309349758];
        const double w = 0.8235706132015076;
        double expected = ((1.7425471309349758 - 0.5) / 3) * w;
        SpecAssert.Near(expected, h.Compute(y, p, w), 1e-15, 0);
        long bits = BitConverter.DoubleToInt64Bits(h.Compute(y, p, w));
        Assert.Equal(bits, BitConverter.DoubleToInt64Bits(h.Call(y, p, w)[0]));
        (double v, Tensor<double> g) = h.ValueAndGradient(y, p, w);
        Assert.Equal(bits, BitConverter.DoubleToInt64Bits(v));
        var into = new double[3];
        Assert.Equal(bits, BitConverter.DoubleToInt64Bits(h.ValueAndGradientInto(y, p, into, w)));
        Assert.Equal(g.ToArray(), h.Backward(y, p, 1.0, w).ToArray());
        Assert.Equal(g.ToArray(), new Huber(reduction: Reduction.None).Backward(y, p, 1.0, w).ToArray());
        Assert.Equal(g.ToArray(), into);
    }

    // ------------------------------------------------------------------ messages in .NET terms

    /// <summary>One-hot labels given to SCCE: the message says to use CategoricalCrossentropy and gives both shapes.</summary>
    [Fact]
    public void SparseCategorical_OneHotLabels_SuggestsCategorical()
    {
        var e = Assert.Throws<ArgumentException>(() => new SparseCategoricalCrossentropy().Compute(new float[,] { { 0, 1, 0 } }, new float[,] { { 0.2f, 0.5f, 0.3f } }));
        Assert.Equal("yTrue", e.ParamName);
        Assert.Contains("CategoricalCrossentropy", e.Message, StringComparison.Ordinal);
        Assert.Contains("(1, 3)", e.Message, StringComparison.Ordinal);
    }

    /// <summary>An out-of-range id says where it is in the batch ([1, 2] of a (2, 3) label tensor), once.</summary>
    [Fact]
    public void SparseCategorical_OutOfRangeId_GivesItsPosition()
    {
        int[] labels = [0, 1, 2, 3, 1, 9];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SparseCategoricalCrossentropy().Compute(new LossInput<int>(labels, 2, 3), new LossInput<float>(new float[24], 2, 3, 4)));
        Assert.Equal("yTrue", e.ParamName);
        Assert.Contains("yTrue[1, 2] = 9", e.Message, StringComparison.Ordinal);
        Assert.Contains("[0, 4)", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Actual value", e.Message, StringComparison.Ordinal);

        // A float id: its own spelling, at its position.
        var ef = Assert.Throws<ArgumentOutOfRangeException>(() => new SparseCategoricalCrossentropy().Compute(new[] { 0f, 4.5f }, new float[2, 4]));
        Assert.Contains("yTrue[1] = 4.5", ef.Message, StringComparison.Ordinal);

        // tf.nn's names: labels.
        var en = Assert.Throws<ArgumentOutOfRangeException>(() => Nn.SparseSoftmaxCrossEntropyWithLogits(new[] { 7 }, new float[1, 4]));
        Assert.Equal("labels", en.ParamName);
        Assert.Contains("labels[0] = 7", en.Message, StringComparison.Ordinal);
    }

    /// <summary>Shape errors name yTrue and yPred, never Keras's target and output.</summary>
    [Fact]
    public void ShapeErrors_UseDotNetArgumentNames()
    {
        var errors = new List<ArgumentException>
        {
            Assert.ThrowsAny<ArgumentException>(() => new CategoricalCrossentropy().Compute(new float[2, 3], new float[2, 4])),
            Assert.ThrowsAny<ArgumentException>(() => new BinaryCrossentropy().Compute(new float[2, 3], new float[3, 2])),
            Assert.ThrowsAny<ArgumentException>(() => new SparseCategoricalCrossentropy().Compute(new int[2, 3, 4], new float[2, 4])),
            Assert.ThrowsAny<ArgumentException>(() => new SparseCategoricalCrossentropy().Compute(new int[3], new float[2, 4])),
            Assert.ThrowsAny<ArgumentException>(() => new CategoricalCrossentropy().Compute(new float[2, 3, 4], new float[2, 3])),
        };
        foreach (ArgumentException e in errors)
        {
            Assert.DoesNotContain("`target`", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("`output`", e.Message, StringComparison.Ordinal);
            Assert.True(e.Message.Contains("yTrue", StringComparison.Ordinal) || e.Message.Contains("yPred", StringComparison.Ordinal), e.Message);
        }
    }

    private static (Loss Loss, bool Sparse) Make(string id) => id switch
    {
        "bce" => (new BinaryCrossentropy(), false),
        "bce-logits" => (new BinaryCrossentropy(fromLogits: true), false),
        "bce-ls" => (new BinaryCrossentropy(labelSmoothing: 0.2), false),
        "cce" => (new CategoricalCrossentropy(), false),
        "cce-logits" => (new CategoricalCrossentropy(fromLogits: true), false),
        "cce-ls" => (new CategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.1), false),
        "cce-axis0" => (new CategoricalCrossentropy(fromLogits: true, axis: 0), false),
        "scce" => (new SparseCategoricalCrossentropy(), true),
        "scce-logits" => (new SparseCategoricalCrossentropy(fromLogits: true), true),
        "scce-ls" => (new SparseCategoricalCrossentropy(labelSmoothing: 0.1), true),
        "scce-logits-ls" => (new SparseCategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.1), true),
        "scce-ignore" => (new SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: 0), true),
        "mse" => (new MeanSquaredError(), false),
        "mae" => (new MeanAbsoluteError(), false),
        "huber" => (new Huber(0.5), false),
        "mse-tfk2" => (new MeanSquaredError(semantics: LossSemantics.TfKeras2), false),
        _ => throw new ArgumentException(id),
    };

    private static LossInput<double> Widen(float[] y, bool sparse, int n, int[] shape) =>
        sparse ? new LossInput<double>(Array.ConvertAll(y, v => (double)v), n) : new LossInput<double>(Array.ConvertAll(y, v => (double)v), shape);

    private static int FirstDifference<T>(T[] a, T[] b)
        where T : IEquatable<T>
    {
        for (int i = 0; i < a.Length; i++)
        {
            if (!a[i].Equals(b[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
