// The Keras test checklist (STYLE.md 3.5 item 2) as an abstract base run once per loss.
//
// Each loss supplies ONE hand-derived case of six samples (CaseYTrue, CaseYPred, CaseLosses: the per-sample losses
// derived by hand in the subclass, with the derivation in comments). The base reuses those six numbers under every
// reduction, weighting and mask, and reshapes them: the flat buffers of a per-sample shape (6,) are also those of a
// per-sample shape (2, 3) (the reduced/class axis is innermost), so the same six values serve the (N, T) cases.
// The expected reduced numbers below are the SPEC A.1/A.3/A.8 formulas applied by hand to those six values.
// Random inputs (fixed seeds, printed on failure) are only used for relations that need no oracle:
// Sum = N x SumOverBatchSize, batch-order invariance, smoothing 0 = plain, logits vs probabilities.

using System.Numerics.Tensors;

namespace SharpLoss.Tests.Spec;

/// <summary>Small assertion and tensor helpers shared by the spec tests.</summary>
internal static class SpecAssert
{
    public static void Near(double expected, double actual, double rtol, double atol, string context = "")
    {
        if (double.IsNaN(expected))
        {
            Assert.True(double.IsNaN(actual), $"{context}: expected NaN, actual {actual:R}");
            return;
        }

        double diff = Math.Abs(actual - expected);
        Assert.True(
            diff <= atol + (rtol * Math.Abs(expected)),
            $"{context}: expected {expected:R}, actual {actual:R}, |diff| {diff:R} > atol {atol} + rtol {rtol}·|expected|");
    }

    public static void Near(double[] expected, double[] actual, double rtol, double atol, string context = "")
    {
        Assert.True(expected.Length == actual.Length, $"{context}: expected {expected.Length} values, actual {actual.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            Near(expected[i], actual[i], rtol, atol, $"{context}[{i}]");
        }
    }

    /// <summary>Python tuple notation, as the library's messages print shapes: (), (3,), (2, 3).</summary>
    public static string Tuple(int[] shape) => "(" + string.Join(", ", shape) + (shape.Length == 1 ? ",)" : ")");

    public static int Size(int[] shape)
    {
        int n = 1;
        foreach (int d in shape)
        {
            n *= d;
        }

        return n;
    }

    public static double[] Values(Tensor<float> t)
    {
        var a = new float[t.FlattenedLength];
        t.FlattenTo(a);
        return Array.ConvertAll(a, x => (double)x);
    }

    public static double[] Values(Tensor<double> t)
    {
        var a = new double[t.FlattenedLength];
        t.FlattenTo(a);
        return a;
    }

    public static int[] ShapeOf<T>(Tensor<T> t) => t.Lengths.ToArray().Select(n => (int)n).ToArray();

    public static double[] ToDouble(float[] a) => Array.ConvertAll(a, x => (double)x);

    public static float[] Uniform(Random rng, int n, double lo, double hi)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = (float)(lo + ((hi - lo) * rng.NextDouble()));
        }

        return a;
    }

    /// <summary>Random rows of <paramref name="k"/> positive probabilities summing to 1 (up to float rounding).</summary>
    public static float[] ProbabilityRows(Random rng, int rows, int k)
    {
        var a = new float[rows * k];
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            var row = new double[k];
            for (int j = 0; j < k; j++)
            {
                row[j] = 0.05 + rng.NextDouble();
                s += row[j];
            }

            for (int j = 0; j < k; j++)
            {
                a[(r * k) + j] = (float)(row[j] / s);
            }
        }

        return a;
    }

    public static float[] OneHotRows(Random rng, int rows, int k, out int[] classes)
    {
        var a = new float[rows * k];
        classes = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            classes[r] = rng.Next(k);
            a[(r * k) + classes[r]] = 1f;
        }

        return a;
    }

    /// <summary>Softmax over the last axis (rows of k), in double, rounded to float.</summary>
    public static float[] SoftmaxRows(float[] logits, int k)
    {
        var p = new float[logits.Length];
        for (int r = 0; r < logits.Length / k; r++)
        {
            double m = double.NegativeInfinity;
            for (int j = 0; j < k; j++)
            {
                m = Math.Max(m, logits[(r * k) + j]);
            }

            double s = 0;
            for (int j = 0; j < k; j++)
            {
                s += Math.Exp(logits[(r * k) + j] - m);
            }

            for (int j = 0; j < k; j++)
            {
                p[(r * k) + j] = (float)(Math.Exp(logits[(r * k) + j] - m) / s);
            }
        }

        return p;
    }

    public static float[] Sigmoid(float[] logits) => Array.ConvertAll(logits, x => (float)(1.0 / (1.0 + Math.Exp(-x))));
}

/// <summary>
/// The Keras checklist for one loss: config round trip, all-correct → ~0, unweighted, scalar / per-sample / zero
/// weights, every <see cref="Reduction"/>, masks, SPEC A.6 edge cases, the Keras 3 vs tf.keras 2 differences of SPEC F
/// that concern weights and masks (#4, #5, #6, #17), shape errors, Sum = N × SumOverBatchSize and batch-order invariance.
/// </summary>
/// <typeparam name="TLoss">The loss class.</typeparam>
public abstract class LossSpec<TLoss>
    where TLoss : Loss
{
    /// <summary>float32 tolerance for hand-derived numbers (inputs are dyadic, so exact in float32).</summary>
    protected const double Rtol = 2e-6;

    /// <summary>Absolute floor for float32 comparisons.</summary>
    protected const double Atol = 1e-6;

    /// <summary>Per-sample weights used with the hand-derived case (dyadic: exact in float32). One of them is 0.</summary>
    protected static readonly float[] Weights6 = [1f, 0.5f, 2f, 0f, 1.5f, 3f];

    /// <summary>A Keras mask over the six per-sample losses: two entries masked.</summary>
    protected static readonly bool[] Mask6 = [true, false, true, true, false, true];

    protected static readonly int[] Six = [6];

    private static readonly Reduction[] Keras3Reductions =
        [Reduction.None, Reduction.Sum, Reduction.SumOverBatchSize, Reduction.Mean, Reduction.MeanWithSampleWeight];

    // ------------------------------------------------------------------ supplied by each loss

    /// <summary>A default instance (apart from reduction, name and semantics).</summary>
    protected abstract TLoss Create(Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3);

    /// <summary>The class's static FromConfig.</summary>
    protected abstract TLoss FromConfig(IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics);

    protected abstract string ExpectedClassName { get; }

    protected abstract string DefaultName { get; }

    /// <summary>y_true's shape for a given per-sample loss shape.</summary>
    protected abstract int[] YTrueShape(int[] perSample);

    /// <summary>y_pred's shape for a given per-sample loss shape.</summary>
    protected abstract int[] YPredShape(int[] perSample);

    /// <summary>y_true of the six-sample hand-derived case (per-sample shape (6,)).</summary>
    protected abstract float[] CaseYTrue { get; }

    /// <summary>y_pred of the six-sample hand-derived case.</summary>
    protected abstract float[] CaseYPred { get; }

    /// <summary>The six hand-derived per-sample losses of the case.</summary>
    protected abstract double[] CaseLosses { get; }

    /// <summary>Perfect predictions for per-sample shape (6,).</summary>
    protected abstract float[] PerfectYTrue { get; }

    /// <summary>Perfect predictions for per-sample shape (6,).</summary>
    protected abstract float[] PerfectYPred { get; }

    /// <summary>Hand-derived upper bound of every per-sample loss of a perfect prediction (float32 clip floor).</summary>
    protected abstract double PerfectBound { get; }

    /// <summary>Valid random inputs for a per-sample shape.</summary>
    protected abstract void RandomInputs(Random rng, int[] perSample, out float[] yTrue, out float[] yPred);

    /// <summary>(y_true, y_pred) shape pairs the loss must reject.</summary>
    protected abstract IEnumerable<(int[] YTrue, int[] YPred)> MismatchedShapes { get; }

    /// <summary>Loss-specific instances whose config must round-trip (from_logits, label_smoothing, ...).</summary>
    protected virtual IEnumerable<TLoss> ConfigVariants() => [];

    // ------------------------------------------------------------------ helpers

    protected int YBlock => SpecAssert.Size(YTrueShape([1]));

    protected int PBlock => SpecAssert.Size(YPredShape([1]));

    protected float Compute(Loss loss, int[] perSample, float[] yTrue, float[] yPred, LossInput<float> sampleWeight = default, LossInput<bool> mask = default) =>
        loss.Compute(new LossInput<float>(yTrue, YTrueShape(perSample)), new LossInput<float>(yPred, YPredShape(perSample)), sampleWeight, mask);

    protected Tensor<float> Call(Loss loss, int[] perSample, float[] yTrue, float[] yPred, LossInput<float> sampleWeight = default, LossInput<bool> mask = default) =>
        loss.Call(new LossInput<float>(yTrue, YTrueShape(perSample)), new LossInput<float>(yPred, YPredShape(perSample)), sampleWeight, mask);

    protected float CaseCompute(Loss loss, int[] perSample, LossInput<float> sampleWeight = default, LossInput<bool> mask = default) =>
        Compute(loss, perSample, CaseYTrue, CaseYPred, sampleWeight, mask);

    protected Tensor<float> CaseCall(Loss loss, int[] perSample, LossInput<float> sampleWeight = default, LossInput<bool> mask = default) =>
        Call(loss, perSample, CaseYTrue, CaseYPred, sampleWeight, mask);

    /// <summary>The first <paramref name="samples"/> samples of the case (y, p, losses).</summary>
    protected (float[] Y, float[] P, double[] L) CaseHead(int samples) =>
        (CaseYTrue[..(samples * YBlock)], CaseYPred[..(samples * PBlock)], CaseLosses[..samples]);

    private static double Dot(double[] a, float[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }

    private static double MaskedSum(double[] l, float[]? w, bool[] m)
    {
        double s = 0;
        for (int i = 0; i < l.Length; i++)
        {
            s += m[i] ? l[i] * (w?[i] ?? 1f) : 0;
        }

        return s;
    }

    private IEnumerable<TLoss> AllConfigVariants()
    {
        yield return Create();
        yield return Create(name: "my loss \"quoted\"");
        foreach (Reduction r in Keras3Reductions)
        {
            yield return Create(r);
        }

        yield return Create(semantics: LossSemantics.TfKeras2);
        foreach (Reduction r in new[] { Reduction.None, Reduction.Sum, Reduction.SumOverBatchSize, Reduction.Auto })
        {
            yield return Create(r, "tfk_name", LossSemantics.TfKeras2);
        }

        foreach (TLoss loss in ConfigVariants())
        {
            yield return loss;
        }
    }

    // ------------------------------------------------------------------ the case itself

    [Fact]
    public void HandDerivedCase_ReductionNone_GivesTheHandDerivedPerSampleLosses()
    {
        Tensor<float> t = CaseCall(Create(Reduction.None), Six);
        Assert.Equal(Six, SpecAssert.ShapeOf(t));
        SpecAssert.Near(CaseLosses, SpecAssert.Values(t), Rtol, Atol, "per-sample");
    }

    [Fact]
    public void HandDerivedCase_PerSampleShapeNT_KeepsTheNTShape()
    {
        // The same buffers read as per-sample shape (2, 3): the values are unchanged, the shape is (2, 3).
        Tensor<float> t = CaseCall(Create(Reduction.None), [2, 3]);
        Assert.Equal([2, 3], SpecAssert.ShapeOf(t));
        SpecAssert.Near(CaseLosses, SpecAssert.Values(t), Rtol, Atol, "per-sample (2, 3)");
    }

    [Fact]
    public void HandDerivedCase_Float64Inputs_ComputeInDoublePrecision()
    {
        // SPEC 0.4: double inputs compute in float64. The case's inputs are dyadic, so the hand-derived values are
        // reproduced to ~1e-12 (a float32 computation would be off by ~1e-7).
        Loss loss = Create(Reduction.None);
        Tensor<double> t = loss.Call(
            new LossInput<double>(SpecAssert.ToDouble(CaseYTrue), YTrueShape(Six)),
            new LossInput<double>(SpecAssert.ToDouble(CaseYPred), YPredShape(Six)));
        SpecAssert.Near(CaseLosses, SpecAssert.Values(t), 1e-12, 1e-13, "float64 per-sample");
        double mean = Create().Compute(
            new LossInput<double>(SpecAssert.ToDouble(CaseYTrue), YTrueShape(Six)),
            new LossInput<double>(SpecAssert.ToDouble(CaseYPred), YPredShape(Six)));
        SpecAssert.Near(CaseLosses.Average(), mean, 1e-12, 1e-13, "float64 mean");
    }

    // ------------------------------------------------------------------ config

    [Fact]
    public void Config_GetConfigThenFromConfig_ReproducesTheConfig()
    {
        foreach (TLoss loss in AllConfigVariants())
        {
            OrderedDictionary<string, object?> config = loss.GetConfig();
            TLoss back = FromConfig(config, loss.Semantics);
            OrderedDictionary<string, object?> again = back.GetConfig();
            string context = loss.ToString();
            Assert.True(config.Keys.SequenceEqual(again.Keys), $"{context}: keys {string.Join(",", again.Keys)}");
            Assert.True(config.Values.SequenceEqual(again.Values), $"{context}: values {back}");
            Assert.Equal(loss.Semantics, back.Semantics);
            Assert.Equal(loss.Reduction, back.Reduction);
            Assert.Equal(loss.Name, back.Name);
        }
    }

    [Fact]
    public void Config_ToJsonThenLossesFromJson_GivesTheSameJson()
    {
        foreach (TLoss loss in AllConfigVariants())
        {
            string json = loss.ToJson();
            Loss back = Losses.FromJson(json);
            Assert.IsType<TLoss>(back);
            Assert.Equal(json, back.ToJson());
            Assert.Equal(loss.Semantics, back.Semantics);
            Assert.Equal(loss.Reduction, back.Reduction);
        }
    }

    [Fact]
    public void Defaults_Keras3AndTfKeras2_HaveTheirDefaultReductionAndName()
    {
        // SPEC F#3: Keras 3 defaults to "sum_over_batch_size", tf.keras 2 to "auto".
        TLoss k3 = Create();
        TLoss tfk = Create(semantics: LossSemantics.TfKeras2);
        Assert.Equal(Reduction.SumOverBatchSize, k3.Reduction);
        Assert.Equal(Reduction.Auto, tfk.Reduction);
        Assert.Equal(DefaultName, k3.Name);
        Assert.Equal(DefaultName, tfk.Name);
        Assert.Equal(ExpectedClassName, k3.ClassName);
    }

    // ------------------------------------------------------------------ all-correct, unweighted, weights

    [Fact]
    public void AllCorrect_PerfectPredictions_LossWithinHandDerivedBound()
    {
        float mean = Compute(Create(), Six, PerfectYTrue, PerfectYPred);
        Assert.InRange(mean, 0f, (float)PerfectBound);
        double[] per = SpecAssert.Values(Call(Create(Reduction.None), Six, PerfectYTrue, PerfectYPred));
        Assert.Equal(6, per.Length);
        Assert.All(per, v => Assert.InRange(v, 0.0, PerfectBound));
    }

    [Fact]
    public void Unweighted_DefaultReduction_IsTheMeanOfThePerSampleLosses()
    {
        // SPEC A.3: sum_over_batch_size = Σ l / #elements.
        SpecAssert.Near(CaseLosses.Average(), CaseCompute(Create(), Six), Rtol, Atol, "unweighted");
        SpecAssert.Near(CaseLosses.Average(), CaseCompute(Create(), [2, 3]), Rtol, Atol, "unweighted (2, 3)");
    }

    [Fact]
    public void ScalarWeight_SumOverBatchSize_ScalesTheMean()
    {
        // values = l · 2.5, divided by the 6 elements.
        SpecAssert.Near(2.5 * CaseLosses.Average(), CaseCompute(Create(), Six, 2.5f), Rtol, Atol, "scalar weight");
    }

    [Fact]
    public void ScalarWeight_MeanWithSampleWeight_DividesByTheScalarNotByN()
    {
        // SPEC A.1 step 5.4: divide_no_nan(Σ l·w, Σ sample_weight) with sample_weight of shape (): Σ l·2.5 / 2.5 = Σ l.
        SpecAssert.Near(CaseLosses.Sum(), CaseCompute(Create(Reduction.MeanWithSampleWeight), Six, 2.5f), Rtol, Atol, "mwsw scalar");
    }

    [Fact]
    public void PerSampleWeight_SumOverBatchSize_IsWeightedSumOverN()
    {
        // Σ l_i w_i / 6 (the zero-weight sample still counts in N: SPEC A.3, I.1).
        double expected = Dot(CaseLosses, Weights6) / 6;
        SpecAssert.Near(expected, CaseCompute(Create(), Six, Weights6), Rtol, Atol, "per-sample weight");
    }

    [Fact]
    public void ZeroWeight_OneSample_StillCountsInTheDenominator()
    {
        // Only sample 0 weighted: l_0 · 1 / 6, not l_0.
        float[] w = [1f, 0f, 0f, 0f, 0f, 0f];
        SpecAssert.Near(CaseLosses[0] / 6, CaseCompute(Create(), Six, w), Rtol, Atol, "SOBS");
        SpecAssert.Near(CaseLosses[0], CaseCompute(Create(Reduction.MeanWithSampleWeight), Six, w), Rtol, Atol, "MWSW");
    }

    [Theory]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.SumOverBatchSize)]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.MeanWithSampleWeight)]
    public void AllWeightsZero_AnyReduction_IsZero(Reduction reduction)
    {
        // SPEC A.6: divide_no_nan gives 0 for sum_over_batch_size and mean_with_sample_weight; the sum is 0.
        Assert.Equal(0f, CaseCompute(Create(reduction), Six, new float[6]));
        Assert.Equal(0f, CaseCompute(Create(reduction), Six, 0f));
    }

    // ------------------------------------------------------------------ every reduction

    [Theory]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.SumOverBatchSize)]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.MeanWithSampleWeight)]
    public void Reduction_Unweighted_MatchesHandDerivedFormula(Reduction reduction)
    {
        // Sum: Σ l. Mean types: Σ l / 6 (mean_with_sample_weight falls back to the element count without weights).
        double expected = reduction == Reduction.Sum ? CaseLosses.Sum() : CaseLosses.Sum() / 6;
        SpecAssert.Near(expected, CaseCompute(Create(reduction), Six), Rtol, Atol, reduction.ToString());
        Tensor<float> t = CaseCall(Create(reduction), Six);
        Assert.Equal([1], SpecAssert.ShapeOf(t));
        SpecAssert.Near(expected, SpecAssert.Values(t)[0], Rtol, Atol, reduction + " Call");
    }

    [Theory]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.SumOverBatchSize)]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.MeanWithSampleWeight)]
    public void Reduction_PerSampleWeights_MatchesHandDerivedFormula(Reduction reduction)
    {
        // SPEC A.3 table: Σ l·w; Σ l·w / 6; Σ l·w / Σ w (Σ w = 8).
        double num = Dot(CaseLosses, Weights6);
        double expected = reduction switch
        {
            Reduction.Sum => num,
            Reduction.MeanWithSampleWeight => num / 8.0,
            _ => num / 6,
        };
        SpecAssert.Near(expected, CaseCompute(Create(reduction), Six, Weights6), Rtol, Atol, reduction.ToString());
    }

    [Fact]
    public void ReductionNone_PerSampleWeights_ReturnsWeightedValuesInKerasShape()
    {
        Tensor<float> t = CaseCall(Create(Reduction.None), Six, Weights6);
        Assert.Equal(Six, SpecAssert.ShapeOf(t));
        double[] expected = CaseLosses.Select((l, i) => l * Weights6[i]).ToArray();
        SpecAssert.Near(expected, SpecAssert.Values(t), Rtol, Atol, "none weighted");
    }

    [Fact]
    public void ReductionNone_ComputeAndValueAndGradient_ThrowInvalidOperation()
    {
        Loss loss = Create(Reduction.None);
        Assert.Throws<InvalidOperationException>(() => CaseCompute(loss, Six));
        Assert.Throws<InvalidOperationException>(() => loss.ValueAndGradient(
            new LossInput<float>(CaseYTrue, YTrueShape(Six)), new LossInput<float>(CaseYPred, YPredShape(Six))));
    }

    [Fact]
    public void TfKeras2_AutoAndSumOverBatchSize_AreTheUnweightedMean()
    {
        // SPEC A.8: AUTO maps to SUM_OVER_BATCH_SIZE = Σ l·w / #elements.
        foreach (Reduction r in new[] { Reduction.Auto, Reduction.SumOverBatchSize })
        {
            TLoss loss = Create(r, semantics: LossSemantics.TfKeras2);
            SpecAssert.Near(CaseLosses.Average(), CaseCompute(loss, Six), 1e-5, Atol, r + " unweighted");
            SpecAssert.Near(Dot(CaseLosses, Weights6) / 6, CaseCompute(loss, Six, Weights6), 1e-5, Atol, r + " weighted");
        }
    }

    // ------------------------------------------------------------------ masks (Keras's y_pred._keras_mask)

    [Theory]
    [InlineData(Reduction.None)]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.SumOverBatchSize)]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.MeanWithSampleWeight)]
    public void Mask_Unweighted_EachReduction_MatchesSpecA3(Reduction reduction)
    {
        // SPEC A.3 "with mask" column: none → l·m; sum → Σ valid; mean types → Σ valid / #valid (4 valid).
        double sum = MaskedSum(CaseLosses, null, Mask6);
        if (reduction == Reduction.None)
        {
            Tensor<float> t = CaseCall(Create(reduction), Six, mask: Mask6);
            Assert.Equal(Six, SpecAssert.ShapeOf(t));
            SpecAssert.Near(CaseLosses.Select((l, i) => Mask6[i] ? l : 0).ToArray(), SpecAssert.Values(t), Rtol, Atol, "none masked");
            return;
        }

        double expected = reduction == Reduction.Sum ? sum : sum / 4;
        SpecAssert.Near(expected, CaseCompute(Create(reduction), Six, mask: Mask6), Rtol, Atol, reduction.ToString());
    }

    [Theory]
    [InlineData(Reduction.None)]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.SumOverBatchSize)]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.MeanWithSampleWeight)]
    public void Mask_WithWeights_EachReduction_MatchesSpecA3(Reduction reduction)
    {
        // SPEC A.1 step 5.2: mean types turn the mask into total/valid = 6/4, so Σ l·w·m·(6/4) / 6 = Σ l·w·m / 4;
        // mean_with_sample_weight: Σ l·w·m / Σ w·m with Σ w·m = 1 + 2 + 0 + 3 = 6; sum: Σ l·w·m; none: l·w·m.
        double sum = MaskedSum(CaseLosses, Weights6, Mask6);
        if (reduction == Reduction.None)
        {
            Tensor<float> t = CaseCall(Create(reduction), Six, Weights6, Mask6);
            Assert.Equal(Six, SpecAssert.ShapeOf(t));
            double[] expectedValues = CaseLosses.Select((l, i) => Mask6[i] ? l * Weights6[i] : 0).ToArray();
            SpecAssert.Near(expectedValues, SpecAssert.Values(t), Rtol, Atol, "none masked weighted");
            return;
        }

        double expected = reduction switch
        {
            Reduction.Sum => sum,
            Reduction.MeanWithSampleWeight => sum / 6.0,
            _ => sum / 4,
        };
        SpecAssert.Near(expected, CaseCompute(Create(reduction), Six, Weights6, Mask6), Rtol, Atol, reduction.ToString());
    }

    [Fact]
    public void Mask_WithNx1Weights_Keras3_ExpandsTheMaskAndTheLosses()
    {
        // SPEC A.1 step 5.2-5.3: squeeze_or_expand(mask (6,), w (6, 1)) expands the mask to (6, 1); then
        // squeeze_or_expand(losses (6,), w (6, 1)) expands the losses: values (6, 1) = l·w·m (reduction none),
        // sum_over_batch_size = Σ l·w·m · (6/4) / 6 = Σ l·w·m / 4.
        var w = new LossInput<float>(Weights6, 6, 1);
        Tensor<float> t = CaseCall(Create(Reduction.None), Six, w, Mask6);
        Assert.Equal([6, 1], SpecAssert.ShapeOf(t));
        SpecAssert.Near(CaseLosses.Select((l, i) => Mask6[i] ? l * Weights6[i] : 0).ToArray(), SpecAssert.Values(t), Rtol, Atol, "none");
        double sum = MaskedSum(CaseLosses, Weights6, Mask6);
        SpecAssert.Near(sum / 4, CaseCompute(Create(), Six, new LossInput<float>(Weights6, 6, 1), Mask6), Rtol, Atol, "SOBS");
    }

    [Fact]
    public void Mask_WithWeights_TfKeras2Auto_IsWeightedSumOverValidCount()
    {
        // SPEC A.8 steps 4-5: weight·mask·(total/valid), Σ / #elements = Σ l·w·m / 4.
        SpecAssert.Near(MaskedSum(CaseLosses, Weights6, Mask6) / 4, CaseCompute(Create(semantics: LossSemantics.TfKeras2), Six, Weights6, Mask6), 1e-5, Atol, "tfk");
    }

    [Theory]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.SumOverBatchSize)]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.MeanWithSampleWeight)]
    public void Mask_AllMasked_Keras3_IsZero(Reduction reduction)
    {
        // SPEC A.4 / F#4: all entries masked gives 0 in Keras 3 (divide_no_nan of total/valid).
        Assert.Equal(0f, CaseCompute(Create(reduction), Six, mask: new bool[6]));
    }

    [Fact]
    public void Mask_AllMasked_TfKeras2_IsNaNForMeanAndZeroForSum()
    {
        // SPEC A.8 step 4 / F#4: tf.keras multiplies the mask by total/valid with a plain division: 0·inf = NaN.
        // Only AUTO/SUM_OVER_BATCH_SIZE apply that factor, so SUM stays 0.
        Assert.True(float.IsNaN(CaseCompute(Create(Reduction.Auto, semantics: LossSemantics.TfKeras2), Six, mask: new bool[6])));
        Assert.True(float.IsNaN(CaseCompute(Create(Reduction.SumOverBatchSize, semantics: LossSemantics.TfKeras2), Six, mask: new bool[6])));
        Assert.Equal(0f, CaseCompute(Create(Reduction.Sum, semantics: LossSemantics.TfKeras2), Six, mask: new bool[6]));
    }

    [Fact]
    public void Mask_TfKeras2_Auto_IsTheMeanOverValidEntries()
    {
        // SPEC A.8 step 4: mask·total/valid, then Σ / #elements = Σ valid / #valid.
        SpecAssert.Near(MaskedSum(CaseLosses, null, Mask6) / 4, CaseCompute(Create(semantics: LossSemantics.TfKeras2), Six, mask: Mask6), 1e-5, Atol, "tfk mask");
    }

    // ------------------------------------------------------------------ SPEC A.6 edge cases and F differences

    [Theory]
    [InlineData(Reduction.None)]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.SumOverBatchSize)]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.MeanWithSampleWeight)]
    public void EmptyBatch_Keras3_CallReturnsTheEmptyTensor(Reduction reduction)
    {
        // SPEC A.6 / F#17: values of shape (0,) are returned unchanged for every reduction, including sum.
        Tensor<float> t = Call(Create(reduction), [0], [], []);
        Assert.Equal([0], SpecAssert.ShapeOf(t));
        Assert.Equal(0, t.FlattenedLength);
    }

    [Fact]
    public void EmptyBatch_Keras3_ComputeReturnsZero()
    {
        // Compute returns a number; the library documents 0 for Keras's empty tensor (Loss.Compute remarks).
        Assert.Equal(0f, Compute(Create(), [0], [], []));
        Assert.Equal(0f, Compute(Create(Reduction.Sum), [0], [], []));
    }

    [Theory]
    [InlineData(Reduction.Auto)]
    [InlineData(Reduction.SumOverBatchSize)]
    [InlineData(Reduction.Sum)]
    public void EmptyBatch_TfKeras2_IsZero(Reduction reduction)
    {
        // SPEC F#17 / A.10: tf.keras returns 0 (div_no_nan) for an empty batch.
        Tensor<float> t = Call(Create(reduction, semantics: LossSemantics.TfKeras2), [0], [], []);
        Assert.Equal([1], SpecAssert.ShapeOf(t));
        Assert.Equal(0.0, SpecAssert.Values(t)[0]);
    }

    [Theory]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.SumOverBatchSize)]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.MeanWithSampleWeight)]
    public void EmptyBatchOfTimesteps_ZeroByK_IsZero(Reduction reduction)
    {
        // SPEC A.6: per-sample shape (0, k): sum 0, count 0, divide_no_nan → 0 (not NaN, not an empty tensor).
        Tensor<float> t = Call(Create(reduction), [0, 3], [], []);
        Assert.Equal([1], SpecAssert.ShapeOf(t));
        Assert.Equal(0.0, SpecAssert.Values(t)[0]);
        Assert.Equal(0f, Compute(Create(reduction), [0, 3], [], []));
    }

    [Fact]
    public void EmptyBatchOfTimesteps_ReductionNone_KeepsShapeZeroByK()
    {
        Tensor<float> t = Call(Create(Reduction.None), [0, 3], [], []);
        Assert.Equal([0, 3], SpecAssert.ShapeOf(t));
    }

    [Fact]
    public void MeanWithSampleWeight_NTLossesAndNx1Weights_IsTTimesTheWeightedMean()
    {
        // SPEC A.3 pitfall: losses (2, 3) = [[l0, l1, l2], [l3, l4, l5]], weights (2, 1) = [[2], [0.5]].
        // values broadcast to (2, 3); the denominator is Σ over the (2, 1) weights = 2.5, not over 6 broadcast weights.
        // Result = (2(l0+l1+l2) + 0.5(l3+l4+l5)) / 2.5 = 3 × the true weighted mean (denominator 7.5).
        double[] l = CaseLosses;
        double num = (2 * (l[0] + l[1] + l[2])) + (0.5 * (l[3] + l[4] + l[5]));
        var w = new LossInput<float>([2f, 0.5f], 2, 1);
        SpecAssert.Near(num / 2.5, CaseCompute(Create(Reduction.MeanWithSampleWeight), [2, 3], w), Rtol, Atol, "pitfall");
        SpecAssert.Near(3 * (num / 7.5), CaseCompute(Create(Reduction.MeanWithSampleWeight), [2, 3], new LossInput<float>([2f, 0.5f], 2, 1)), Rtol, Atol, "T x true mean");

        // With the weights given per element (2, 3) the denominator is Σ of all six: the true weighted mean.
        var full = new LossInput<float>([2f, 2f, 2f, 0.5f, 0.5f, 0.5f], 2, 3);
        SpecAssert.Near(num / 7.5, CaseCompute(Create(Reduction.MeanWithSampleWeight), [2, 3], full), Rtol, Atol, "per-element weights");

        // sum_over_batch_size divides by the 6 broadcast elements.
        SpecAssert.Near(num / 6, CaseCompute(Create(), [2, 3], new LossInput<float>([2f, 0.5f], 2, 1)), Rtol, Atol, "SOBS (2, 1)");
    }

    [Fact]
    public void NTLossWithNWeight_TEqualsN_Keras3WeightsColumnsTfKeras2WeightsRows()
    {
        // SPEC A.2 / F#5: losses (2, 2) = [[l0, l1], [l2, l3]], weights (2,) = [2, 0.5].
        // Keras 3 does not expand: (2, 2)·(2,) broadcasts over the last axis, weighting columns:
        //   Σ = 2 l0 + 0.5 l1 + 2 l2 + 0.5 l3.
        // tf.keras 2 expands the weight to (2, 1), weighting rows: Σ = 2 l0 + 2 l1 + 0.5 l2 + 0.5 l3.
        (float[] y, float[] p, double[] l) = CaseHead(4);
        float[] w = [2f, 0.5f];
        double keras3 = (2 * l[0]) + (0.5 * l[1]) + (2 * l[2]) + (0.5 * l[3]);
        double tfKeras2 = (2 * l[0]) + (2 * l[1]) + (0.5 * l[2]) + (0.5 * l[3]);
        SpecAssert.Near(keras3, Compute(Create(Reduction.Sum), [2, 2], y, p, w), Rtol, Atol, "Keras 3 columns");
        SpecAssert.Near(tfKeras2, Compute(Create(Reduction.Sum, semantics: LossSemantics.TfKeras2), [2, 2], y, p, w), Rtol, Atol, "tf.keras 2 rows");
    }

    [Fact]
    public void NTLossWithNWeight_TNotN_Keras3ThrowsTfKeras2ExpandsTheWeight()
    {
        // SPEC A.2 / F#5: losses (2, 3) with weights (2,): Keras 3 cannot broadcast (3 vs 2) and errors;
        // tf.keras 2 expands to (2, 1): Σ = 2(l0+l1+l2) + 0.5(l3+l4+l5), divided by 6 elements.
        float[] w = [2f, 0.5f];
        var e = Assert.ThrowsAny<ArgumentException>(() => CaseCompute(Create(), [2, 3], w));
        Assert.Contains("(2,)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 3)", e.Message, StringComparison.Ordinal);
        double[] l = CaseLosses;
        double expected = ((2 * (l[0] + l[1] + l[2])) + (0.5 * (l[3] + l[4] + l[5]))) / 6;
        SpecAssert.Near(expected, CaseCompute(Create(semantics: LossSemantics.TfKeras2), [2, 3], w), 1e-5, Atol, "tf.keras 2");
    }

    [Fact]
    public void NLossWithNx1Weight_ReductionNone_Keras3GivesNx1TfKeras2GivesN()
    {
        // SPEC A.2 / F#6: Keras 3 expands the (6,) losses to (6, 1); tf.keras 2 squeezes the (6, 1) weight to (6,).
        double[] expected = CaseLosses.Select((l, i) => l * Weights6[i]).ToArray();
        Tensor<float> k3 = CaseCall(Create(Reduction.None), Six, new LossInput<float>(Weights6, 6, 1));
        Assert.Equal([6, 1], SpecAssert.ShapeOf(k3));
        SpecAssert.Near(expected, SpecAssert.Values(k3), Rtol, Atol, "Keras 3 values");
        Tensor<float> tfk = CaseCall(Create(Reduction.None, semantics: LossSemantics.TfKeras2), Six, new LossInput<float>(Weights6, 6, 1));
        Assert.Equal(Six, SpecAssert.ShapeOf(tfk));
        SpecAssert.Near(expected, SpecAssert.Values(tfk), 1e-5, Atol, "tf.keras 2 values");
    }

    [Fact]
    public void WeightsThatCannotBroadcast_Throw_WithBothShapes()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => CaseCompute(Create(), Six, new float[4]));
        Assert.Equal("sampleWeight", e.ParamName);
        Assert.Contains("(4,)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(6,)", e.Message, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ shape errors

    [Fact]
    public void ShapeMismatch_EveryListedPair_ThrowsArgumentExceptionWithBothShapes()
    {
        foreach ((int[] ys, int[] ps) in MismatchedShapes)
        {
            var y = new float[SpecAssert.Size(ys)];
            var p = new float[SpecAssert.Size(ps)];
            Array.Fill(p, 0.5f);
            Loss loss = Create();
            var e = Assert.ThrowsAny<ArgumentException>(() => loss.Compute(new LossInput<float>(y, ys), new LossInput<float>(p, ps)));
            string context = $"yTrue {SpecAssert.Tuple(ys)} vs yPred {SpecAssert.Tuple(ps)}: {e.Message}";
            Assert.True(e.Message.Contains(SpecAssert.Tuple(ys), StringComparison.Ordinal), context);
            Assert.True(e.Message.Contains(SpecAssert.Tuple(ps), StringComparison.Ordinal), context);
            Assert.False(string.IsNullOrEmpty(e.ParamName), context);
        }
    }

    // ------------------------------------------------------------------ properties (fixed seeds)

    [Theory]
    [InlineData(11, new[] { 7 })]
    [InlineData(12, new[] { 3, 4 })]
    [InlineData(13, new[] { 1 })]
    public void Sum_EqualsNTimesSumOverBatchSize(int seed, int[] perSample)
    {
        var rng = new Random(seed);
        RandomInputs(rng, perSample, out float[] y, out float[] p);
        float[] w = SpecAssert.Uniform(rng, SpecAssert.Size(perSample), 0, 2);
        int n = SpecAssert.Size(perSample);
        foreach (bool weighted in new[] { false, true })
        {
            float sum = weighted ? Compute(Create(Reduction.Sum), perSample, y, p, new LossInput<float>(w, perSample)) : Compute(Create(Reduction.Sum), perSample, y, p);
            float sobs = weighted ? Compute(Create(), perSample, y, p, new LossInput<float>(w, perSample)) : Compute(Create(), perSample, y, p);
            SpecAssert.Near(sum, n * (double)sobs, 1e-6, 1e-7, $"seed {seed}, weighted {weighted}");
        }
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void BatchOrder_PermutedSamples_SameMeanAndPermutedValues(int seed)
    {
        const int n = 9;
        var rng = new Random(seed);
        RandomInputs(rng, [n], out float[] y, out float[] p);
        int[] perm = Enumerable.Range(0, n).ToArray();
        rng.Shuffle(perm);
        var y2 = new float[y.Length];
        var p2 = new float[p.Length];
        for (int i = 0; i < n; i++)
        {
            Array.Copy(y, perm[i] * YBlock, y2, i * YBlock, YBlock);
            Array.Copy(p, perm[i] * PBlock, p2, i * PBlock, PBlock);
        }

        float a = Compute(Create(), [n], y, p);
        float b = Compute(Create(), [n], y2, p2);
        SpecAssert.Near(a, b, 1e-6, 1e-7, $"seed {seed}, permutation {string.Join(",", perm)}");

        double[] va = SpecAssert.Values(Call(Create(Reduction.None), [n], y, p));
        double[] vb = SpecAssert.Values(Call(Create(Reduction.None), [n], y2, p2));
        for (int i = 0; i < n; i++)
        {
            Assert.True(va[perm[i]] == vb[i], $"seed {seed}: sample {perm[i]} gave {va[perm[i]]:R} in order and {vb[i]:R} permuted");
        }
    }
}

/// <summary>
/// The checklist items of the cross-entropies: label smoothing (smoothing 0 equals the plain loss, a hand-derived
/// smoothed case) and from_logits equivalence (logits x vs probabilities sigmoid(x)/softmax(x), away from the clip).
/// </summary>
/// <typeparam name="TLoss">The loss class.</typeparam>
public abstract class CrossentropySpec<TLoss> : LossSpec<TLoss>
    where TLoss : Loss
{
    /// <summary>An instance with the given from_logits and label smoothing.</summary>
    protected abstract TLoss CreateCrossentropy(bool fromLogits, double labelSmoothing, Reduction? reduction = null);

    /// <summary>sigmoid (binary) or softmax over the class axis of the logits, in double, rounded to float.</summary>
    protected abstract float[] Activate(float[] logits);

    /// <summary>A hand-derived smoothed case for per-sample shape (n,).</summary>
    protected abstract (float[] YTrue, float[] YPred, double LabelSmoothing, double[] Expected) SmoothingCase { get; }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    public void LabelSmoothing_Zero_EqualsThePlainLoss(int seed)
    {
        var rng = new Random(seed);
        int[] ps = [5];
        RandomInputs(rng, ps, out float[] y, out float[] p);
        double[] plain = SpecAssert.Values(Call(Create(Reduction.None), ps, y, p));
        double[] zero = SpecAssert.Values(Call(CreateCrossentropy(false, 0.0, Reduction.None), ps, y, p));
        Assert.True(plain.SequenceEqual(zero), $"seed {seed}: [{string.Join(", ", plain)}] vs [{string.Join(", ", zero)}]");
    }

    [Fact]
    public void LabelSmoothing_HandDerivedCase_MatchesPerSample()
    {
        (float[] y, float[] p, double ls, double[] expected) = SmoothingCase;
        int[] ps = [expected.Length];
        Tensor<float> t = Call(CreateCrossentropy(false, ls, Reduction.None), ps, y, p);
        SpecAssert.Near(expected, SpecAssert.Values(t), Rtol, Atol, $"label_smoothing {ls}");
        SpecAssert.Near(expected.Average(), Compute(CreateCrossentropy(false, ls), ps, y, p), Rtol, Atol, "mean");
    }

    [Fact]
    public void LabelSmoothing_NonZero_ChangesTheLoss()
    {
        (float[] y, float[] p, double ls, _) = SmoothingCase;
        int[] ps = [y.Length / YBlock];
        double[] plain = SpecAssert.Values(Call(Create(Reduction.None), ps, y, p));
        double[] smoothed = SpecAssert.Values(Call(CreateCrossentropy(false, ls, Reduction.None), ps, y, p));
        for (int i = 0; i < plain.Length; i++)
        {
            Assert.True(Math.Abs(plain[i] - smoothed[i]) > 1e-3, $"sample {i}: plain {plain[i]:R}, smoothed {smoothed[i]:R}");
        }
    }

    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    public void FromLogits_LogitsAndTheirProbabilities_Agree(int seed)
    {
        // Logits in [-4, 4] keep the probabilities in (0.01, 0.99): far from the clip at 1e-7, so
        // L(x, from_logits) = L(activate(x)) up to float32 rounding.
        var rng = new Random(seed);
        int[] ps = [4, 3];
        RandomInputs(rng, ps, out float[] y, out float[] unused);
        float[] x = SpecAssert.Uniform(rng, unused.Length, -4, 4);
        float[] p = Activate(x);
        double[] fromLogits = SpecAssert.Values(Call(CreateCrossentropy(true, 0, Reduction.None), ps, y, x));
        double[] fromProbabilities = SpecAssert.Values(Call(CreateCrossentropy(false, 0, Reduction.None), ps, y, p));
        SpecAssert.Near(fromProbabilities, fromLogits, 2e-5, 2e-6, $"seed {seed}");
        SpecAssert.Near(Compute(CreateCrossentropy(false, 0), ps, y, p), Compute(CreateCrossentropy(true, 0), ps, y, x), 2e-5, 2e-6, $"seed {seed} mean");
    }

    [Fact]
    public void FromLogits_WithLabelSmoothing_AgreesWithProbabilities()
    {
        var rng = new Random(51);
        int[] ps = [6];
        RandomInputs(rng, ps, out float[] y, out float[] unused);
        float[] x = SpecAssert.Uniform(rng, unused.Length, -3, 3);
        double a = Compute(CreateCrossentropy(true, 0.2), ps, y, x);
        double b = Compute(CreateCrossentropy(false, 0.2), ps, y, Activate(x));
        SpecAssert.Near(b, a, 2e-5, 2e-6, "seed 51");
    }
}

/// <summary>
/// The checklist items of the losses that reduce an element term over the last axis (SPEC B.6-B.9, B.11-B.17): y_true
/// broadcasting to y_pred, the Keras 3 rank alignment of (N,) against (N, 1) (F#7), and the function form.
/// </summary>
/// <typeparam name="TLoss">The loss class.</typeparam>
public abstract class RegressionSpec<TLoss> : LossSpec<TLoss>
    where TLoss : Loss
{
    /// <summary>The hand formula of one element: (y - p)² or |y - p|.</summary>
    protected abstract double Term(double y, double p);

    /// <summary>The Keras function form (unreduced per-sample losses).</summary>
    protected abstract Tensor<float> FunctionForm(LossInput<float> yTrue, LossInput<float> yPred);

    /// <summary>
    /// Whether the Keras 3 function aligns ranks itself (the regression functions do, SPEC B intro); hinge, squared_hinge,
    /// poisson and kl_divergence leave it to the class's LossFunctionWrapper.
    /// </summary>
    protected virtual bool FunctionAlignsRanks => true;

    /// <summary>Whether the per-sample loss sums the terms over the last axis (kl_divergence, SPEC B.16) instead of averaging them.</summary>
    protected virtual bool SumsOverAxis => false;

    /// <summary>The per-sample loss of a row of terms: their mean, or their sum (<see cref="SumsOverAxis"/>).</summary>
    protected double Aggregate(params double[] terms) => SumsOverAxis ? terms.Sum() : terms.Average();

    /// <summary>The six per-sample losses of the case from <see cref="Term"/> (two elements per sample), in double.</summary>
    protected double[] CaseLossesFromTerms() =>
        [.. Enumerable.Range(0, 6).Select(i => Aggregate(Term(CaseYTrue[2 * i], CaseYPred[2 * i]), Term(CaseYTrue[(2 * i) + 1], CaseYPred[(2 * i) + 1])))];

    protected override int[] YTrueShape(int[] perSample) => [.. perSample, 2];

    protected override int[] YPredShape(int[] perSample) => [.. perSample, 2];

    protected override float[] CaseYTrue => [0, 0, 1, 2, -1, 1, 0.5f, 0.5f, 3, 0, 2, 2];

    protected override float[] CaseYPred => [1, 1, 1, 0, 1, -1, 0, 0, 0, 0, 2, 2];

    protected override float[] PerfectYTrue => [0.5f, -1, 2, 3, 0, 0, -7.25f, 1e3f, 0.1f, 0.2f, -0.3f, 4];

    protected override float[] PerfectYPred => PerfectYTrue;

    // y = p: every term is exactly 0.
    protected override double PerfectBound => 0;

    protected override IEnumerable<(int[] YTrue, int[] YPred)> MismatchedShapes =>
    [
        ([2, 3], [2, 4]),
        ([3, 2], [2, 3]),
        ([2, 3], [3]),
        ([4], [2, 2]),
    ];

    protected override void RandomInputs(Random rng, int[] perSample, out float[] yTrue, out float[] yPred)
    {
        int n = SpecAssert.Size(YTrueShape(perSample));
        yTrue = SpecAssert.Uniform(rng, n, -2, 2);
        yPred = SpecAssert.Uniform(rng, n, -2, 2);
    }

    [Fact]
    public void YTrueNVersusYPredNx1_Keras3ExpandsTfKeras2Squeezes()
    {
        // SPEC A.2 / F#7: y (3,) = [1, 2, 3], p (3, 1) = [[1], [1], [1]].
        // Keras 3 expands y to (3, 1): per-sample (3,) = [t(1,1), t(2,1), t(3,1)].
        // tf.keras 2 (tensors) squeezes p to (3,): one scalar per-sample loss, the mean of the three terms.
        float[] y = [1, 2, 3];
        float[,] p = { { 1 }, { 1 }, { 1 } };
        double[] terms = [Term(1, 1), Term(2, 1), Term(3, 1)];
        Tensor<float> k3 = Create(Reduction.None).Call(y, p);
        Assert.Equal([3], SpecAssert.ShapeOf(k3));
        SpecAssert.Near(terms, SpecAssert.Values(k3), Rtol, Atol, "Keras 3 none");
        SpecAssert.Near(terms.Average(), Create().Compute(y, p), Rtol, Atol, "Keras 3 mean");
        Tensor<float> tfk = Create(Reduction.None, semantics: LossSemantics.TfKeras2).Call(y, p);
        Assert.Equal([1], SpecAssert.ShapeOf(tfk));
        SpecAssert.Near(Aggregate(terms), SpecAssert.Values(tfk)[0], Rtol, Atol, "tf.keras 2 scalar");
    }

    [Fact]
    public void YTrueNx1AgainstYPredNxD_BroadcastsOverTheLastAxis()
    {
        // y (2, 1) = [[1], [2]] against p (2, 3) = [[1, 2, 3], [2, 2, 2]]: (y - p) broadcasts NumPy-style.
        // s0 = aggregate of t(1,1), t(1,2), t(1,3); s1 = aggregate of three t(2,2) (0 for the regression losses).
        float[,] y = { { 1 }, { 2 } };
        float[,] p = { { 1, 2, 3 }, { 2, 2, 2 } };
        Tensor<float> t = Create(Reduction.None).Call(y, p);
        Assert.Equal([2], SpecAssert.ShapeOf(t));
        SpecAssert.Near([Aggregate(Term(1, 1), Term(1, 2), Term(1, 3)), Aggregate(Term(2, 2), Term(2, 2), Term(2, 2))], SpecAssert.Values(t), Rtol, Atol, "broadcast");
    }

    [Fact]
    public void FunctionForm_IsUnreducedAndAlignsRanksUnderKeras3AsKerasFunctionDoes()
    {
        // SPEC B intro: the function returns the per-sample loss; the regression functions apply
        // squeeze_or_expand_to_same_rank themselves, so (3,) vs (3, 1) gives (3,). The others do not: y_true (3,) does not
        // broadcast to y_pred's (3, 1) (Keras's function would broadcast both to (3, 3)), and SharpLoss rejects it.
        float[] y = [1, 2, 3];
        float[,] p = { { 1 }, { 1 }, { 1 } };
        if (FunctionAlignsRanks)
        {
            Tensor<float> t = FunctionForm(y, p);
            Assert.Equal([3], SpecAssert.ShapeOf(t));
            SpecAssert.Near([Term(1, 1), Term(2, 1), Term(3, 1)], SpecAssert.Values(t), Rtol, Atol, "function");
        }
        else
        {
            var e = Assert.ThrowsAny<ArgumentException>(() => FunctionForm(y, p));
            Assert.Contains("(3,)", e.Message, StringComparison.Ordinal);
            Assert.Contains("(3, 1)", e.Message, StringComparison.Ordinal);
            Tensor<float> t = FunctionForm(new LossInput<float>(y, 3, 1), p);
            SpecAssert.Near([Term(1, 1), Term(2, 1), Term(3, 1)], SpecAssert.Values(t), Rtol, Atol, "function, same ranks");
        }

        Tensor<float> c = FunctionForm(new LossInput<float>(CaseYTrue, 6, 2), new LossInput<float>(CaseYPred, 6, 2));
        SpecAssert.Near(CaseLosses, SpecAssert.Values(c), Rtol, Atol, "function case");
    }
}
