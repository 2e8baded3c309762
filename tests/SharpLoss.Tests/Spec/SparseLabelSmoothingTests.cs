// SparseCategoricalCrossentropy's label_smoothing as Keras 3.16 defines it (SPEC B.5 last bullet, SPEC 0.9):
//   L = (1 − ls)·CE_hard + ls·CE_uniform, never through a smoothed one-hot target;
//   logits:        CE_hard = logsumexp(x) − x_t,            CE_uniform = logsumexp(x) − mean(x);
//   probabilities: CE_hard = log Σ_j clip(p_j) − log clip(p_t) (clip, then log-softmax: TensorFlow's sparse path),
//                  CE_uniform = −(1/K)·Σ_j log clip(p_j / Σ_k p_k) (normalise, then clip).
// Published numbers, an independent double-precision reference of that formula written below (plain scalar code, no
// library call), central finite differences for the gradients, the gradient over yPred's own buffer, ignore_class,
// and the relations ls = 0 (bit for bit the unsmoothed loss) and ls = 1 (CCE with full smoothing).

using System.Numerics.Tensors;
using SharpLoss.Tests.Reference;

namespace SharpLoss.Tests.Spec;

public class SparseLabelSmoothingTests
{
    public static TheoryData<int> ClassCounts => new() { 1, 2, 7, 8, 33 };

    // ---------------------------------------------------------------- published numbers

    [Fact]
    public void Probabilities_ClipOrderExample_MatchesKeras316Float32()
    {
        // Provenance: Keras 3.16 as released, float32: SparseCategoricalCrossentropy(label_smoothing=0.1,
        // reduction=None)([1, 0], [[0.1, 0.5, 0], [0.2, 0.2, 0.2]]) = [0.7671621, 1.0986123]. The former smoothed-one-hot
        // formula gave 0.7501346 for the first row (both terms clipped before normalising).
        // By hand (SPEC B.5): row 0 has Σp = 0.6. CE_hard = ln(0.6 + 1e-7) − ln 0.5 = 0.1823217;
        // CE_uniform = −(ln(1/6) + ln(5/6) + ln 1e-7)/3 = 6.0307256; 0.9·0.1823217 + 0.1·6.0307256 = 0.7671621.
        // Row 1 is uniform: both terms are ln 3 = 1.0986123.
        float[] p = [0.1f, 0.5f, 0f, 0.2f, 0.2f, 0.2f];
        int[] labels = [1, 0];
        var loss = new SparseCategoricalCrossentropy(reduction: Reduction.None, labelSmoothing: 0.1);
        double[] values = SpecAssert.Values(loss.Call(labels, new LossInput<float>(p, 2, 3)));
        SpecAssert.Near([0.7671621, 1.0986123], values, 1e-6, 1e-7, "Keras 3.16 float32");
        Assert.True(Math.Abs(values[0] - 0.7501346) > 1e-2, $"row 0 gives {values[0]:R}, the smoothed-one-hot value");

        // The same input in double gives the same numbers to the published digits.
        double[] pd = [.. p.Select(v => (double)v)];
        double[] valuesD = SpecAssert.Values(loss.Call(labels, new LossInput<double>(pd, 2, 3)));
        SpecAssert.Near([0.7671621, 1.0986123], valuesD, 1e-6, 1e-7, "float64");
    }

    [Fact]
    public void SpecWorkedNumbers_Probabilities()
    {
        // Provenance: SPEC B.5 last bullet, worked numbers (float64, derived from the Keras 3.16 formula): labels [1, 2],
        // ls 0.1, probabilities [[0.05, 0.95, 0], [0.1, 0.8, 0.1]] give [0.6850014, 2.2332704].
        int[] labels = [1, 2];
        double[] p = [0.05, 0.95, 0, 0.1, 0.8, 0.1];
        double[] expected = [0.6850014, 2.2332704];
        var loss = new SparseCategoricalCrossentropy(reduction: Reduction.None, labelSmoothing: 0.1);
        SpecAssert.Near(expected, SpecAssert.Values(loss.Call(labels, new LossInput<double>(p, 2, 3))), 1e-7, 1e-7, "float64");
        SpecAssert.Near(expected, SpecAssert.Values(loss.Call(labels, new LossInput<float>([.. p.Select(v => (float)v)], 2, 3))), 1e-6, 1e-6, "float32");
        SpecAssert.Near(expected, Reference(labels, p, 3, fromLogits: false, 0.1, float32: false), 1e-7, 1e-7, "test reference");
        SpecAssert.Near(expected.Average(), new SparseCategoricalCrossentropy(labelSmoothing: 0.1).Compute(labels, new LossInput<double>(p, 2, 3)), 1e-7, 1e-7, "mean");
    }

    [Fact]
    public void SpecWorkedNumbers_Logits()
    {
        // Provenance: SPEC B.5 last bullet, worked numbers (float64): labels [1, 2], ls 0.1, logits
        // [[1, 2, 3], [0.5, −1, 2]] give [1.4076060, 0.3913113].
        int[] labels = [1, 2];
        double[] x = [1, 2, 3, 0.5, -1, 2];
        double[] expected = [1.4076060, 0.3913113];
        var loss = new SparseCategoricalCrossentropy(fromLogits: true, reduction: Reduction.None, labelSmoothing: 0.1);
        SpecAssert.Near(expected, SpecAssert.Values(loss.Call(labels, new LossInput<double>(x, 2, 3))), 1e-7, 1e-7, "float64");
        SpecAssert.Near(expected, SpecAssert.Values(loss.Call(labels, new LossInput<float>([.. x.Select(v => (float)v)], 2, 3))), 1e-6, 1e-6, "float32");
        SpecAssert.Near(expected, Reference(labels, x, 3, fromLogits: true, 0.1, float32: false), 1e-7, 1e-7, "test reference");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Smoothing_IsTheUnsmoothedLossAndFullySmoothedCategoricalMixed(bool fromLogits)
    {
        // SPEC B.5: CE_hard is the unsmoothed sparse loss and CE_uniform is CategoricalCrossentropy's loss on the uniform
        // target (label_smoothing 1: normalise, then clip), so L(ls) = (1 − ls)·SCCE(ls = 0) + ls·CCE(ls = 1), clips active
        // or not. With the clip-order example the smoothed target through the clipped log-softmax (the former formula)
        // would give 0.7501346 for row 0 instead.
        const int K = 7, Rows = 10;
        var rng = new Random(9050 + (fromLogits ? 1 : 0));
        int[] labels = RandomLabels(rng, Rows, K);
        double[] x = fromLogits ? RandomLogits(rng, Rows, K) : RandomProbabilities(rng, Rows, K);
        double[] oneHot = new double[x.Length];
        for (int r = 0; r < Rows; r++)
        {
            oneHot[(r * K) + labels[r]] = 1;
        }

        double[] hard = SpecAssert.Values(new SparseCategoricalCrossentropy(fromLogits, reduction: Reduction.None).Call(labels, new LossInput<double>(x, Rows, K)));
        double[] uniform = SpecAssert.Values(new CategoricalCrossentropy(fromLogits, 1.0, reduction: Reduction.None).Call(new LossInput<double>(oneHot, Rows, K), new LossInput<double>(x, Rows, K)));
        foreach (double ls in new[] { 0.1, 0.37 })
        {
            double[] smoothed = SpecAssert.Values(new SparseCategoricalCrossentropy(fromLogits, reduction: Reduction.None, labelSmoothing: ls).Call(labels, new LossInput<double>(x, Rows, K)));
            SpecAssert.Near([.. hard.Zip(uniform, (h, u) => ((1 - ls) * h) + (ls * u))], smoothed, 1e-12, 1e-13, $"logits={fromLogits} ls={ls}");
        }
    }

    // ---------------------------------------------------------------- against the independent reference

    [Theory]
    [MemberData(nameof(ClassCounts))]
    public void RandomInputs_MatchTheReference_Float32AndFloat64(int k)
    {
        foreach (bool fromLogits in new[] { false, true })
        {
            foreach (double ls in new[] { 0.1, 0.37, 1.0 })
            {
                int seed = 9000 + (k * 10) + (fromLogits ? 1 : 0);
                const int Rows = 13;
                var rng = new Random(seed);
                int[] labels = RandomLabels(rng, Rows, k);
                double[] x = fromLogits ? RandomLogits(rng, Rows, k) : RandomProbabilities(rng, Rows, k);
                float[] xf = [.. x.Select(v => (float)v)];
                double[] xfd = [.. xf.Select(v => (double)v)];
                string what = $"K={k} logits={fromLogits} ls={ls} seed {seed}";

                var loss = new SparseCategoricalCrossentropy(fromLogits, reduction: Reduction.None, labelSmoothing: ls);
                double[] d = SpecAssert.Values(loss.Call(labels, new LossInput<double>(x, Rows, k)));
                SpecAssert.Near(Reference(labels, x, k, fromLogits, ls, float32: false), d, 1e-12, 1e-13, what + " float64");

                // float32: the reference in double on the float inputs, with float32's clip bounds.
                double[] f = SpecAssert.Values(loss.Call(labels, new LossInput<float>(xf, Rows, k)));
                SpecAssert.Near(Reference(labels, xfd, k, fromLogits, ls, float32: true), f, 1e-5, 1e-6, what + " float32");
            }
        }
    }

    // ---------------------------------------------------------------- gradients

    [Theory]
    [MemberData(nameof(ClassCounts))]
    public void Gradient_Logits_MatchesFiniteDifferences(int k)
    {
        var rng = new Random(9100 + k);
        const int Rows = 5;
        int[] labels = RandomLabels(rng, Rows, k);
        double[] x = RandomLogits(rng, Rows, k);
        CheckGradient(labels, x, k, fromLogits: true, ls: 0.2, h: 1e-6, rtol: 1e-6, atol: 1e-8, $"K={k} logits");
    }

    [Theory]
    [MemberData(nameof(ClassCounts))]
    public void Gradient_ProbabilitiesWithoutActiveClips_MatchesFiniteDifferences(int k)
    {
        // Entries in [0.05, 1.05]: no clip is active and no step crosses a clip bound (n = p/Σp stays below 1 − 1e-7
        // for K ≥ 2; for K = 1, n = 1 is clipped whatever p, which the differences also see).
        var rng = new Random(9200 + k);
        const int Rows = 5;
        int[] labels = RandomLabels(rng, Rows, k);
        double[] p = new double[Rows * k];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = 0.05 + rng.NextDouble();
        }

        CheckGradient(labels, p, k, fromLogits: false, ls: 0.2, h: 1e-6, rtol: 1e-6, atol: 1e-8, $"K={k} probabilities");
    }

    [Theory]
    [MemberData(nameof(ClassCounts))]
    public void Gradient_ProbabilitiesWithActiveClips_MatchesFiniteDifferences(int k)
    {
        // Rows with entries of 1e-12 (both clips active: p < 1e-7 and p/Σp < 1e-7), exact zeros, and a row [1, 1e-12, …]
        // whose large entry is clipped from above in both terms (p = 1 > 1 − 1e-7, p/Σp > 1 − 1e-7). A step of 1e-8 keeps
        // every entry on its side of the bounds. TensorFlow's convention: a clip-active entry passes no gradient through
        // its own clip, but p_j still enters Σp, so the uniform term's normalisation gives it −Σ g·n/Σp.
        var rng = new Random(9300 + k);
        const int Rows = 4;
        int[] labels = RandomLabels(rng, Rows, k);
        double[] p = new double[Rows * k];
        for (int i = 0; i < (Rows - 1) * k; i++)
        {
            // One ordinary entry per row (the first) and ordinary entries of at least 0.5, so that Σp ≥ 0.5 and the tiny
            // entries stay clipped after normalising, also one step away: (1e-12 + 1e-8)/0.5 < 1e-7.
            double u = i % k == 0 ? 1 : rng.NextDouble();
            p[i] = u < 0.3 ? 1e-12 : u < 0.4 ? 0 : 0.5 + rng.NextDouble();
        }

        for (int j = 0; j < k; j++)
        {
            p[((Rows - 1) * k) + j] = j == 0 ? 1 : 1e-12;
        }

        CheckGradient(labels, p, k, fromLogits: false, ls: 0.3, h: 1e-8, rtol: 1e-5, atol: 1e-6, $"K={k} probabilities, clips active");

        // The saturated last row: every clip it meets is active, so its gradient is exactly 0 unless its target is the
        // clipped-from-above entry 0 (then the hard term's clip, also active, zeroes that too): all zero.
        double[] grad = new double[p.Length];
        new SparseCategoricalCrossentropy(labelSmoothing: 0.3, reduction: Reduction.Sum).ValueAndGradientInto(
            new LossInput<int>(labels, Rows), new LossInput<double>(p, Rows, k), grad);
        for (int j = 0; j < k; j++)
        {
            Assert.True(grad[((Rows - 1) * k) + j] == 0, $"K={k}: saturated row, gradient[{j}] = {grad[((Rows - 1) * k) + j]:R}");
        }
    }

    [Theory]
    [MemberData(nameof(ClassCounts))]
    public void Gradient_Float32_AgreesWithFloat64(int k)
    {
        // The float32 kernel (Vector256 lanes and scalar tail) against the float64 one on the same float inputs, to float
        // precision relative to the largest gradient element.
        foreach (bool fromLogits in new[] { false, true })
        {
            var rng = new Random(9350 + k + (fromLogits ? 1000 : 0));
            const int Rows = 9;
            int[] labels = RandomLabels(rng, Rows, k);
            float[] xf = [.. (fromLogits ? RandomLogits(rng, Rows, k) : RandomProbabilities(rng, Rows, k)).Select(v => (float)v)];
            double[] xd = [.. xf.Select(v => (double)v)];
            var loss = new SparseCategoricalCrossentropy(fromLogits, reduction: Reduction.Sum, labelSmoothing: 0.25);
            float[] gf = new float[xf.Length];
            double[] gd = new double[xd.Length];
            float vf = loss.ValueAndGradientInto(new LossInput<int>(labels, Rows), new LossInput<float>(xf, Rows, k), gf);
            double vd = loss.ValueAndGradientInto(new LossInput<int>(labels, Rows), new LossInput<double>(xd, Rows, k), gd);
            string what = $"K={k} logits={fromLogits}";
            SpecAssert.Near(vd, vf, 1e-5, 1e-6, what + " value");
            double scale = gd.Max(Math.Abs);
            SpecAssert.Near(gd, [.. gf.Select(v => (double)v)], 1e-5, 1e-6 * scale, what + " gradient");
        }
    }

    [Theory]
    [MemberData(nameof(ClassCounts))]
    public void GradientOverYPredsOwnBuffer_IsBitIdentical(int k)
    {
        foreach (bool fromLogits in new[] { false, true })
        {
            var rng = new Random(9400 + k + (fromLogits ? 1000 : 0));
            const int Rows = 9;
            int[] labels = RandomLabels(rng, Rows, k);
            labels[3] = -1;   // ignored
            double[] x = fromLogits ? RandomLogits(rng, Rows, k) : RandomProbabilities(rng, Rows, k);
            float[] xf = [.. x.Select(v => (float)v)];
            var loss = new SparseCategoricalCrossentropy(fromLogits, ignoreClass: -1, labelSmoothing: 0.15);
            string what = $"K={k} logits={fromLogits}";

            double[] gd = new double[x.Length], own = (double[])x.Clone();
            double vd = loss.ValueAndGradientInto(new LossInput<int>(labels, Rows), new LossInput<double>(x, Rows, k), gd);
            double vOwn = loss.ValueAndGradientInto(new LossInput<int>(labels, Rows), new LossInput<double>(own, Rows, k), own);
            Assert.Equal(BitConverter.DoubleToInt64Bits(vd), BitConverter.DoubleToInt64Bits(vOwn));
            Assert.True(gd.AsSpan().SequenceEqual(own), what + " float64: gradient over yPred differs");

            float[] gf = new float[xf.Length], ownF = (float[])xf.Clone();
            float vf = loss.ValueAndGradientInto(new LossInput<int>(labels, Rows), new LossInput<float>(xf, Rows, k), gf);
            float vOwnF = loss.ValueAndGradientInto(new LossInput<int>(labels, Rows), new LossInput<float>(ownF, Rows, k), ownF);
            Assert.Equal(BitConverter.SingleToInt32Bits(vf), BitConverter.SingleToInt32Bits(vOwnF));
            Assert.True(gf.AsSpan().SequenceEqual(ownF), what + " float32: gradient over yPred differs");
        }
    }

    // ---------------------------------------------------------------- ignore_class and relations

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IgnoreClass_IgnoredRowsGiveZeroAndAZeroGradient(bool fromLogits)
    {
        // Smoothing comes before the ignore_class mask (SPEC B.5): ignored rows stay exactly 0 and out of the mean.
        const int K = 7, Rows = 6;
        var rng = new Random(9500 + (fromLogits ? 1 : 0));
        int[] labels = RandomLabels(rng, Rows, K);
        labels[1] = labels[4] = 255;
        double[] x = fromLogits ? RandomLogits(rng, Rows, K) : RandomProbabilities(rng, Rows, K);
        var none = new SparseCategoricalCrossentropy(fromLogits, ignoreClass: 255, reduction: Reduction.None, labelSmoothing: 0.1);
        double[] values = SpecAssert.Values(none.Call(labels, new LossInput<double>(x, Rows, K)));
        double[] expected = Reference(labels, x, K, fromLogits, 0.1, float32: false, ignoreClass: 255);
        SpecAssert.Near(expected, values, 1e-12, 1e-13, "per sample");
        Assert.Equal(0.0, values[1]);
        Assert.Equal(0.0, values[4]);

        double[] grad = Enumerable.Repeat(double.NaN, x.Length).ToArray();
        double mean = new SparseCategoricalCrossentropy(fromLogits, ignoreClass: 255, labelSmoothing: 0.1)
            .ValueAndGradientInto(new LossInput<int>(labels, Rows), new LossInput<double>(x, Rows, K), grad);
        SpecAssert.Near(expected.Sum() / 4, mean, 1e-12, 1e-13, "mean over the 4 valid rows");
        Assert.All(grad.AsSpan(1 * K, K).ToArray(), g => Assert.Equal(0.0, g));
        Assert.All(grad.AsSpan(4 * K, K).ToArray(), g => Assert.Equal(0.0, g));
        Assert.All(grad, g => Assert.True(double.IsFinite(g)));
    }

    [Theory]
    [MemberData(nameof(ClassCounts))]
    public void ZeroSmoothing_IsTheUnsmoothedLossBitForBit(int k)
    {
        foreach (bool fromLogits in new[] { false, true })
        {
            var rng = new Random(9600 + k + (fromLogits ? 1000 : 0));
            const int Rows = 11;
            int[] labels = RandomLabels(rng, Rows, k);
            double[] x = fromLogits ? RandomLogits(rng, Rows, k) : RandomProbabilities(rng, Rows, k);
            float[] xf = [.. x.Select(v => (float)v)];
            var plain = new SparseCategoricalCrossentropy(fromLogits, reduction: Reduction.None);
            var zero = new SparseCategoricalCrossentropy(fromLogits, reduction: Reduction.None, labelSmoothing: 0.0);
            string what = $"K={k} logits={fromLogits}";

            Assert.True(SpecAssert.Values(plain.Call(labels, new LossInput<double>(x, Rows, k))).SequenceEqual(SpecAssert.Values(zero.Call(labels, new LossInput<double>(x, Rows, k)))), what + " float64 values");
            Assert.True(SpecAssert.Values(plain.Call(labels, new LossInput<float>(xf, Rows, k))).SequenceEqual(SpecAssert.Values(zero.Call(labels, new LossInput<float>(xf, Rows, k)))), what + " float32 values");

            double[] g0 = new double[x.Length], g1 = new double[x.Length];
            double v0 = new SparseCategoricalCrossentropy(fromLogits).ValueAndGradientInto(new LossInput<int>(labels, Rows), new LossInput<double>(x, Rows, k), g0);
            double v1 = new SparseCategoricalCrossentropy(fromLogits, labelSmoothing: 0.0).ValueAndGradientInto(new LossInput<int>(labels, Rows), new LossInput<double>(x, Rows, k), g1);
            Assert.Equal(BitConverter.DoubleToInt64Bits(v0), BitConverter.DoubleToInt64Bits(v1));
            Assert.True(g0.AsSpan().SequenceEqual(g1), what + " float64 gradient");

            float[] f0 = new float[xf.Length], f1 = new float[xf.Length];
            float w0 = new SparseCategoricalCrossentropy(fromLogits).ValueAndGradientInto(new LossInput<int>(labels, Rows), new LossInput<float>(xf, Rows, k), f0);
            float w1 = new SparseCategoricalCrossentropy(fromLogits, labelSmoothing: 0.0).ValueAndGradientInto(new LossInput<int>(labels, Rows), new LossInput<float>(xf, Rows, k), f1);
            Assert.Equal(BitConverter.SingleToInt32Bits(w0), BitConverter.SingleToInt32Bits(w1));
            Assert.True(f0.AsSpan().SequenceEqual(f1), what + " float32 gradient");
        }
    }

    [Theory]
    [MemberData(nameof(ClassCounts))]
    public void FullSmoothing_IsCategoricalWithFullSmoothing(int k)
    {
        // ls = 1 leaves CE_uniform alone, which is CCE's loss on the uniform target 1/K (for probabilities CCE also
        // normalises, then clips), whatever the labels.
        foreach (bool fromLogits in new[] { false, true })
        {
            var rng = new Random(9700 + k + (fromLogits ? 1000 : 0));
            const int Rows = 6;
            int[] labels = RandomLabels(rng, Rows, k);
            double[] x = fromLogits ? RandomLogits(rng, Rows, k) : RandomProbabilities(rng, Rows, k);
            double[] oneHot = new double[x.Length];
            for (int r = 0; r < Rows; r++)
            {
                oneHot[(r * k) + labels[r]] = 1;
            }

            double[] sparse = SpecAssert.Values(new SparseCategoricalCrossentropy(fromLogits, reduction: Reduction.None, labelSmoothing: 1.0).Call(labels, new LossInput<double>(x, Rows, k)));
            double[] dense = SpecAssert.Values(new CategoricalCrossentropy(fromLogits, 1.0, reduction: Reduction.None).Call(new LossInput<double>(oneHot, Rows, k), new LossInput<double>(x, Rows, k)));
            SpecAssert.Near(dense, sparse, 1e-12, 1e-13, $"K={k} logits={fromLogits}");
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void CheckGradient(int[] labels, double[] x, int k, bool fromLogits, double ls, double h, double rtol, double atol, string what)
    {
        int rows = labels.Length;
        var loss = new SparseCategoricalCrossentropy(fromLogits, reduction: Reduction.Sum, labelSmoothing: ls);
        double[] grad = new double[x.Length];
        double value = loss.ValueAndGradientInto(new LossInput<int>(labels, rows), new LossInput<double>(x, rows, k), grad);
        SpecAssert.Near(Reference(labels, x, k, fromLogits, ls, float32: false).Sum(), value, 1e-12, 1e-13, what + " value");
        double[] fd = FiniteDifference.Gradient(v => Reference(labels, v, k, fromLogits, ls, float32: false).Sum(), x, h);
        SpecAssert.Near(fd, grad, rtol, atol, what + " gradient");
    }

    private static int[] RandomLabels(Random rng, int rows, int k)
    {
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            labels[r] = rng.Next(k);
        }

        return labels;
    }

    private static double[] RandomLogits(Random rng, int rows, int k)
    {
        double[] x = new double[rows * k];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (rng.NextDouble() * 10) - 5;
        }

        return x;
    }

    /// <summary>
    /// Unnormalised rows (scaled by 0.2 to 5) with exact zeros, entries of 1e-9 and 1e-12 (clipped in both terms), and
    /// ordinary entries (at least one per row, so that Σp is not tiny); every fifth row is one-hot-like (1 and zeros),
    /// clipped from above after normalising.
    /// </summary>
    private static double[] RandomProbabilities(Random rng, int rows, int k)
    {
        double[] p = new double[rows * k];
        for (int r = 0; r < rows; r++)
        {
            double scale = 0.2 + (rng.NextDouble() * 4.8);
            for (int j = 0; j < k; j++)
            {
                double u = j == r % k ? 1 : rng.NextDouble();
                p[(r * k) + j] = r % 5 == 4 ? (j == 0 ? 1 : 0)
                    : u < 0.1 ? 0
                    : u < 0.15 ? 1e-9
                    : u < 0.2 ? 1e-12
                    : scale * (0.01 + rng.NextDouble());
            }
        }

        return p;
    }

    /// <summary>
    /// The Keras 3.16 formula (SPEC B.5 last bullet) in plain double arithmetic, one row at a time; clip bounds 1e-7 and
    /// 1 − 1e-7, or their float32 values (1e-7 rounded, 1 − 2^-23) for <paramref name="float32"/>.
    /// </summary>
    private static double[] Reference(int[] labels, double[] x, int k, bool fromLogits, double ls, bool float32, int? ignoreClass = null)
    {
        double lo = float32 ? (float)1e-7 : 1e-7;
        double hi = float32 ? (float)(1 - 1e-7) : 1 - 1e-7;
        double Clip(double v) => v < lo ? lo : v > hi ? hi : v;

        double[] result = new double[labels.Length];
        for (int r = 0; r < labels.Length; r++)
        {
            if (labels[r] == ignoreClass)
            {
                continue;
            }

            int t = labels[r];
            double hard, uniform;
            if (fromLogits)
            {
                double max = double.NegativeInfinity, sum = 0, mean = 0;
                for (int j = 0; j < k; j++)
                {
                    max = Math.Max(max, x[(r * k) + j]);
                }

                for (int j = 0; j < k; j++)
                {
                    sum += Math.Exp(x[(r * k) + j] - max);
                    mean += x[(r * k) + j] / k;
                }

                double lse = max + Math.Log(sum);
                hard = lse - x[(r * k) + t];
                uniform = lse - mean;
            }
            else
            {
                double clippedSum = 0, total = 0;
                for (int j = 0; j < k; j++)
                {
                    clippedSum += Clip(x[(r * k) + j]);
                    total += x[(r * k) + j];
                }

                hard = Math.Log(clippedSum) - Math.Log(Clip(x[(r * k) + t]));
                uniform = 0;
                for (int j = 0; j < k; j++)
                {
                    uniform -= Math.Log(Clip(x[(r * k) + j] / total)) / k;
                }
            }

            result[r] = ((1 - ls) * hard) + (ls * uniform);
        }

        return result;
    }
}
