// The focal cross-entropies (SPEC B.2, B.4, B.24, F row 2, E.2/E.3): published numbers, relations to the plain
// cross-entropies, a double-precision reference written from the SPEC formulas (plain scalar code, never calling the
// library), finite-difference gradients, entry-point consistency, configs and bad input.

using System.Numerics.Tensors;
using SharpLoss.Tests.Reference;

namespace SharpLoss.Tests.Spec;

public class FocalLossTests
{
    private const double Eps = 1e-7;

    // ---- Reference (SPEC B.2 / B.4 / B.24 in double) ----

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>SPEC B.2 per element (Keras 3, or tf.keras 2 with its stable logits / double-eps probability BCE).</summary>
    private static double RefBinaryTerm(double y, double v, bool balance, double alpha, double gamma, bool logits, double ls, bool tfk)
    {
        double ys = (y * (1 - ls)) + (0.5 * ls);
        double p = logits ? Sigmoid(v) : v;
        double bce;
        if (tfk && logits)
        {
            bce = Math.Max(v, 0) - (v * ys) + Math.Log(1 + Math.Exp(-Math.Abs(v)));
        }
        else
        {
            double q = Math.Clamp(p, Eps, 1 - Eps);
            double e = tfk ? Eps : 0;
            bce = -((ys * Math.Log(q + e)) + ((1 - ys) * Math.Log(1 - q + e)));
        }

        double pt = (ys * p) + ((1 - ys) * (1 - p));
        double l = Math.Pow(1 - pt, gamma) * bce;
        return balance ? ((ys * alpha) + ((1 - ys) * (1 - alpha))) * l : l;
    }

    /// <summary>SPEC B.4 for one row (classes contiguous).</summary>
    private static double RefCategoricalRow(double[] y, double[] v, double[] alpha, double gamma, bool logits, double ls, int k)
    {
        int n = v.Length;
        double[] p = (double[])v.Clone();
        if (logits)
        {
            double m = v.Max();
            double s0 = v.Sum(x => Math.Exp(x - m));
            p = v.Select(x => Math.Exp(x - m) / s0).ToArray();
        }

        double s = p.Sum();
        double loss = 0;
        for (int j = 0; j < n; j++)
        {
            double ys = (y[j] * (1 - ls)) + (ls / k);
            double q = Math.Clamp(p[j] / s, Eps, 1 - Eps);
            double a = alpha.Length == 1 ? alpha[0] : alpha[j];
            loss += Math.Pow(1 - q, gamma) * a * (-ys * Math.Log(q));
        }

        return loss;
    }

    private static float[] F(params double[] v) => Array.ConvertAll(v, x => (float)x);

    private static LossInput<float> In(float[] data, params int[] shape) => new(data, shape);

    private static LossInput<double> In(double[] data, params int[] shape) => new(data, shape);

    private static void Close(double expected, double actual, double rtol, double atol = 0)
    {
        Assert.True(Math.Abs(expected - actual) <= atol + (rtol * Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");
    }

    // ---- Published numbers (keras-docstring-cases.json; both semantics publish them) ----

    [Theory]
    [InlineData(LossSemantics.Keras3)]
    [InlineData(LossSemantics.TfKeras2)]
    public void Binary_PublishedNumbers(LossSemantics s)
    {
        // Case 5: gamma 2 from logits, y=[0,1,0,0] → 0.691 (reference_float32 0.6912118792533875).
        Close(0.6912118792533875, new BinaryFocalCrossentropy(gamma: 2, fromLogits: true, semantics: s).Compute(F(0, 1, 0, 0), F(-18.6, 0.51, 2.94, -12.8)), 1e-5);

        // Case 6: with class balancing → 0.51 (0.5101331472396851).
        Close(0.5101331472396851, new BinaryFocalCrossentropy(applyClassBalancing: true, gamma: 2, fromLogits: true, semantics: s).Compute(F(0, 1, 0, 0), F(-18.6, 0.51, 2.94, -12.8)), 1e-5);

        // Case 122: y=[[1,0],[1,0]], p=[[0.9,0.8],[0.7,0.2]], gamma 2 → 0.268 (0.2680301070213318); tf.keras 2's double eps
        // moves it by about 1e-6.
        float[] y = F(1, 0, 1, 0), p = F(0.9, 0.8, 0.7, 0.2);
        Close(0.2680301070213318, new BinaryFocalCrossentropy(gamma: 2, semantics: s).Compute(In(y, 2, 2), In(p, 2, 2)), 1e-5);

        // Case 125: reduction none → [0.515547, 0.020513].
        float[] none = new BinaryFocalCrossentropy(gamma: 2, reduction: Reduction.None, semantics: s).Call(In(y, 2, 2), In(p, 2, 2)).ToArray();
        Close(0.515546977519989, none[0], 1e-5);
        Close(0.020513242110610008, none[1], 1e-5);

        // Case 192: balancing, alpha 0.4 → 0.15915 (0.15916036069393158).
        Close(0.15916036069393158, new BinaryFocalCrossentropy(true, 0.4, 2, semantics: s).Compute(In(y, 2, 2), In(p, 2, 2)), 1e-5);

        // Case 193: balancing, alpha 0.3, gamma 3 from logits → 0.40724 (0.4073999524116516).
        Close(0.4073999524116516, new BinaryFocalCrossentropy(true, 0.3, 3, true, semantics: s).Compute(
            In(F(1, 1, 0, 0, 1, 0), 2, 3), In(F(1.5, -2.7, 2.9, -3.8, 1.2, -4.5), 2, 3)), 1e-5);

        // Case 32 (function form, gamma 2): [0.33, 0.206] (0.3298646807670593, 0.20579838752746582).
        float[] fn = Losses.BinaryFocalCrossentropy(In(F(0, 1, 0, 0), 2, 2), In(F(0.6, 0.4, 0.4, 0.6), 2, 2), gamma: 2, semantics: s).ToArray();
        Close(0.3298646807670593, fn[0], 1e-5);
        Close(0.20579838752746582, fn[1], 1e-5);
    }

    [Theory]
    [InlineData(LossSemantics.Keras3)]
    [InlineData(LossSemantics.TfKeras2)]
    public void Categorical_PublishedNumbers(LossSemantics s)
    {
        float[] y = F(0, 1, 0, 0, 0, 1), p = F(0.05, 0.95, 0, 0.1, 0.8, 0.1);

        // Case 19 → 0.23315276; case 22 (none) → [3.2058331e-05, 0.46627346]; case 21 (sum) → 0.46631.
        Close(0.23315276205539703, new CategoricalFocalCrossentropy(semantics: s).Compute(In(y, 2, 3), In(p, 2, 3)), 1e-5);
        float[] none = new CategoricalFocalCrossentropy(reduction: Reduction.None, semantics: s).Call(In(y, 2, 3), In(p, 2, 3)).ToArray();
        Close(3.2058331271400675e-05, none[0], 1e-5);
        Close(0.4662734568119049, none[1], 1e-5);
        Close(0.46630552411079407, new CategoricalFocalCrossentropy(reduction: Reduction.Sum, semantics: s).Compute(In(y, 2, 3), In(p, 2, 3)), 1e-5);

        // Case 133: logits, none → [1.5096224e-09, 2.4136547e-11, 0.0010360638].
        float[] eye = F(1, 0, 0, 0, 1, 0, 0, 0, 1), x = F(8, 1, 1, 0, 9, 1, 2, 3, 5);
        float[] logits = new CategoricalFocalCrossentropy(fromLogits: true, reduction: Reduction.None, semantics: s).Call(In(eye, 3, 3), In(x, 3, 3)).ToArray();
        Close(1.5096224270649827e-09, logits[0], 1e-4);
        Close(2.413654692778877e-11, logits[1], 1e-3);
        Close(0.0010360649321228266, logits[2], 1e-5);

        // Case 134: logits with label smoothing 0.1 → 0.06685 (0.06685146689414978).
        Close(0.06685146689414978, new CategoricalFocalCrossentropy(fromLogits: true, labelSmoothing: 0.1, semantics: s).Compute(In(F(1, 0, 0), 1, 3), In(F(4.9, -0.5, 2.05), 1, 3)), 1e-5);

        // Case 23 (function form): [0.000263401289, 0.675912094].
        float[] fn = Losses.CategoricalFocalCrossentropy(In(y, 2, 3), In(F(0.05, 0.9, 0.05, 0.1, 0.85, 0.05), 2, 3), semantics: s).ToArray();
        Close(0.00026340148178860545, fn[0], 1e-5);
        Close(0.675912082195282, fn[1], 1e-5);
    }

    [Fact]
    public void Sparse_DocstringExample()
    {
        // SPEC B.24: labels [1, 2] → [3.2058e-05, 0.46627] (float64 re-derivation 3.2058309e-05, 0.46627348).
        double[] p = [0.05, 0.95, 0, 0.1, 0.8, 0.1];
        double[] d = Losses.SparseCategoricalFocalCrossentropy(new LossInput<int>([1, 2], [2]), In(p, 2, 3)).ToArray();
        Close(3.2058309e-05, d[0], 1e-6);
        Close(0.46627348, d[1], 1e-7);
        float[] f = new SparseCategoricalFocalCrossentropy(reduction: Reduction.None).Call(new LossInput<long>([1, 2], [2]), In(F(p), 2, 3)).ToArray();
        Close(3.2058309e-05, f[0], 1e-5);
        Close(0.46627348, f[1], 1e-6);
    }

    // ---- tf.keras 2 differences (SPEC F row 2, B.2) ----

    [Fact]
    public void Binary_LargeLogits_Keras3SaturatesTfKeras2IsStable()
    {
        // y = 0, x = 100: sigmoid is 1.0, p_t = 0, focal factor 1. Keras 3: clipped BCE -log(1 - (1 - 2^-23)) = 15.942385;
        // tf.keras 2: stable BCE = 100.
        Assert.Equal(15.942385f, new BinaryFocalCrossentropy(fromLogits: true).Compute(F(0), F(100)), 1e-5f);
        Assert.Equal(100f, new BinaryFocalCrossentropy(fromLogits: true, semantics: LossSemantics.TfKeras2).Compute(F(0), F(100)));
        Assert.Equal(100.0, new BinaryFocalCrossentropy(fromLogits: true, semantics: LossSemantics.TfKeras2).Compute(new double[] { 0 }, new double[] { 100 }));
    }

    [Fact]
    public void Categorical_TfKeras2SmoothsOverTheLastAxis()
    {
        // axis 0 on a (3, 2) tensor: Keras 3 takes K = 3 (the axis), tf.keras 2 K = 2 (the last axis), SPEC B.4 / F row 11.
        double[] y = [1, 0, 0, 1, 0, 0], p = [0.7, 0.2, 0.2, 0.5, 0.1, 0.3];
        foreach ((LossSemantics s, int k) in new[] { (LossSemantics.Keras3, 3), (LossSemantics.TfKeras2, 2) })
        {
            double[] got = new CategoricalFocalCrossentropy(labelSmoothing: 0.2, axis: 0, reduction: Reduction.None, semantics: s).Call(In(y, 3, 2), In(p, 3, 2)).ToArray();
            for (int c = 0; c < 2; c++)
            {
                double[] yc = [y[c], y[2 + c], y[4 + c]], pc = [p[c], p[2 + c], p[4 + c]];
                Close(RefCategoricalRow(yc, pc, [0.25], 2, false, 0.2, k), got[c], 1e-12);
            }
        }
    }

    // ---- Relations ----

    [Theory]
    [InlineData(false, LossSemantics.Keras3)]
    [InlineData(false, LossSemantics.TfKeras2)]
    [InlineData(true, LossSemantics.TfKeras2)]
    public void Binary_GammaZero_IsBinaryCrossentropy(bool logits, LossSemantics s)
    {
        var rng = new Random(7);
        double[] y = Enumerable.Range(0, 40).Select(_ => (double)rng.Next(2)).ToArray();
        double[] p = Enumerable.Range(0, 40).Select(_ => logits ? (rng.NextDouble() * 20) - 10 : rng.NextDouble()).ToArray();
        p[0] = logits ? 50 : 0;
        p[1] = logits ? -50 : 1;
        double[] focal = new BinaryFocalCrossentropy(gamma: 0, fromLogits: logits, labelSmoothing: 0.1, reduction: Reduction.None, semantics: s).Call(In(y, 8, 5), In(p, 8, 5)).ToArray();
        double[] bce = new BinaryCrossentropy(logits, 0.1, reduction: Reduction.None, semantics: s).Call(In(y, 8, 5), In(p, 8, 5)).ToArray();
        for (int i = 0; i < bce.Length; i++)
        {
            Close(bce[i], focal[i], 1e-13, 1e-15);
        }
    }

    [Fact]
    public void Binary_Keras3Logits_IsClippedSigmoidBinaryCrossentropy()
    {
        // Keras 3 (SPEC B.2 step 2): from logits, gamma 0 = BCE on the probabilities sigmoid(x).
        double[] x = [-30, -3, -0.5, 0, 0.5, 3, 30, 17];
        double[] y = [0, 1, 0, 1, 1, 0, 1, 0];
        double[] focal = new BinaryFocalCrossentropy(gamma: 0, fromLogits: true, reduction: Reduction.None).Call(In(y, 8, 1), In(x, 8, 1)).ToArray();
        double[] bce = new BinaryCrossentropy(reduction: Reduction.None).Call(In(y, 8, 1), In(x.Select(Sigmoid).ToArray(), 8, 1)).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            Close(bce[i], focal[i], 1e-12);
        }
    }

    [Fact]
    public void Categorical_GammaZeroAlphaOne_IsCategoricalCrossentropy()
    {
        var rng = new Random(11);
        double[] p = Enumerable.Range(0, 60).Select(_ => rng.NextDouble()).ToArray();
        double[] y = new double[60];
        for (int r = 0; r < 12; r++)
        {
            y[(r * 5) + rng.Next(5)] = 1;
        }

        double[] focal = new CategoricalFocalCrossentropy(1.0, 0, labelSmoothing: 0.1, reduction: Reduction.None).Call(In(y, 12, 5), In(p, 12, 5)).ToArray();
        double[] cce = new CategoricalCrossentropy(false, 0.1, reduction: Reduction.None).Call(In(y, 12, 5), In(p, 12, 5)).ToArray();
        for (int i = 0; i < cce.Length; i++)
        {
            Close(cce[i], focal[i], 1e-13);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sparse_EqualsCategoricalOnOneHot_BitForBit(bool logits)
    {
        var rng = new Random(3);
        const int n = 9, k = 4;
        float[] p = Enumerable.Range(0, n * k).Select(_ => logits ? (float)((rng.NextDouble() * 8) - 4) : (float)rng.NextDouble()).ToArray();
        int[] ids = Enumerable.Range(0, n).Select(_ => rng.Next(k)).ToArray();
        float[] oneHot = new float[n * k];
        for (int i = 0; i < n; i++)
        {
            oneHot[(i * k) + ids[i]] = 1;
        }

        double[] alpha = [0.1, 0.7, 0.3, 0.9];
        var dense = new CategoricalFocalCrossentropy(alpha, 1.5, logits, reduction: Reduction.None);
        var sparse = new SparseCategoricalFocalCrossentropy(alpha, 1.5, logits, reduction: Reduction.None);
        Assert.Equal(dense.Call(In(oneHot, n, k), In(p, n, k)).ToArray(), sparse.Call(new LossInput<int>(ids, [n]), In(p, n, k)).ToArray());
        float[] w = Enumerable.Range(0, n).Select(i => (float)(i + 1)).ToArray();
        Assert.Equal(
            new CategoricalFocalCrossentropy(alpha, 1.5, logits).ValueAndGradient(In(oneHot, n, k), In(p, n, k), In(w, n)).Gradient.ToArray(),
            new SparseCategoricalFocalCrossentropy(alpha, 1.5, logits).ValueAndGradient(new LossInput<int>(ids, [n]), In(p, n, k), In(w, n)).Gradient.ToArray());
    }

    // ---- Reference agreement on seeded random inputs ----

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(33)]
    [InlineData(1000)]
    public void Binary_MatchesReference(int d)
    {
        var rng = new Random(d);
        foreach (LossSemantics s in new[] { LossSemantics.Keras3, LossSemantics.TfKeras2 })
        {
            foreach (bool logits in new[] { false, true })
            {
                bool balance = rng.Next(2) == 0;
                double alpha = rng.NextDouble(), gamma = rng.NextDouble() * 4, ls = rng.Next(2) * rng.NextDouble() * 0.3;
                int rows = 3;
                double[] y = Enumerable.Range(0, rows * d).Select(_ => rng.Next(3) == 0 ? rng.NextDouble() : rng.Next(2)).ToArray();
                double[] p = Enumerable.Range(0, rows * d).Select(_ => logits ? (rng.NextDouble() * 12) - 6 : rng.NextDouble()).ToArray();
                double[] expected = new double[rows];
                for (int r = 0; r < rows; r++)
                {
                    for (int j = 0; j < d; j++)
                    {
                        expected[r] += RefBinaryTerm(y[(r * d) + j], p[(r * d) + j], balance, alpha, gamma, logits, ls, s == LossSemantics.TfKeras2) / d;
                    }
                }

                var loss = new BinaryFocalCrossentropy(balance, alpha, gamma, logits, ls, reduction: Reduction.None, semantics: s);
                double[] got = loss.Call(In(y, rows, d), In(p, rows, d)).ToArray();
                float[] gotF = loss.Call(In(F(y), rows, d), In(F(p), rows, d)).ToArray();
                for (int r = 0; r < rows; r++)
                {
                    Close(expected[r], got[r], 1e-12, 1e-15);
                    Close(expected[r], gotF[r], 2e-5, 1e-7);
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(33)]
    [InlineData(1000)]
    public void Categorical_MatchesReference(int k)
    {
        var rng = new Random(k + 100);
        foreach (bool logits in new[] { false, true })
        {
            int rows = 4;
            double gamma = rng.NextDouble() * 3, ls = rng.Next(2) * 0.2;
            double[] alpha = rng.Next(2) == 0 ? [rng.NextDouble()] : Enumerable.Range(0, k).Select(_ => rng.NextDouble()).ToArray();
            double[] y = Enumerable.Range(0, rows * k).Select(_ => rng.NextDouble()).ToArray();
            double[] p = Enumerable.Range(0, rows * k).Select(_ => logits ? (rng.NextDouble() * 10) - 5 : rng.NextDouble()).ToArray();
            var loss = new CategoricalFocalCrossentropy(alpha.Length == 1 ? alpha[0] : alpha, gamma, logits, ls, reduction: Reduction.None);
            double[] got = loss.Call(In(y, rows, k), In(p, rows, k)).ToArray();
            float[] gotF = loss.Call(In(F(y), rows, k), In(F(p), rows, k)).ToArray();
            for (int r = 0; r < rows; r++)
            {
                double e = RefCategoricalRow(y[(r * k)..((r + 1) * k)], p[(r * k)..((r + 1) * k)], alpha, gamma, logits, ls, k);
                Close(e, got[r], 1e-12, 1e-15);
                Close(e, gotF[r], 2e-5, 1e-7);
            }
        }
    }

    // ---- Gradients vs central finite differences (double) ----

    [Theory]
    [InlineData(false, LossSemantics.Keras3)]
    [InlineData(true, LossSemantics.Keras3)]
    [InlineData(false, LossSemantics.TfKeras2)]
    [InlineData(true, LossSemantics.TfKeras2)]
    public void Binary_GradientMatchesFiniteDifferences(bool logits, LossSemantics s)
    {
        var rng = new Random(5);
        double[] y = Enumerable.Range(0, 12).Select(_ => rng.NextDouble()).ToArray();
        double[] p = Enumerable.Range(0, 12).Select(_ => logits ? (rng.NextDouble() * 6) - 3 : 0.05 + (0.9 * rng.NextDouble())).ToArray();
        double[] w = [0.5, 2, 1];
        foreach (double gamma in new[] { 0.0, 1.0, 2.5 })
        {
            var loss = new BinaryFocalCrossentropy(true, 0.3, gamma, logits, 0.1, semantics: s);
            double[] g = loss.ValueAndGradient(In(y, 3, 4), In(p, 3, 4), In(w, 3)).Gradient.ToArray();
            double[] fd = FiniteDifference.Gradient(x => loss.Compute(In(y, 3, 4), In(x, 3, 4), In(w, 3)), p);
            for (int i = 0; i < g.Length; i++)
            {
                Close(fd[i], g[i], 1e-6, 1e-9);
            }
        }
    }

    [Theory]
    [InlineData(false, -1)]
    [InlineData(true, -1)]
    [InlineData(false, 0)]
    [InlineData(true, 0)]
    public void Categorical_GradientMatchesFiniteDifferences(bool logits, int axis)
    {
        var rng = new Random(9);
        double[] y = Enumerable.Range(0, 12).Select(_ => rng.NextDouble()).ToArray();
        double[] p = Enumerable.Range(0, 12).Select(_ => logits ? (rng.NextDouble() * 6) - 3 : 0.05 + rng.NextDouble()).ToArray();
        FocalAlpha alpha = axis == -1 ? new[] { 0.2, 0.9, 0.5, 0.4 } : 0.6;
        foreach (double gamma in new[] { 0.0, 2.0, 3.5 })
        {
            var loss = new CategoricalFocalCrossentropy(alpha, gamma, logits, 0.15, axis);
            double[] g = loss.ValueAndGradient(In(y, 3, 4), In(p, 3, 4)).Gradient.ToArray();
            double[] fd = FiniteDifference.Gradient(x => loss.Compute(In(y, 3, 4), In(x, 3, 4)), p);
            for (int i = 0; i < g.Length; i++)
            {
                Close(fd[i], g[i], 1e-6, 1e-9);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sparse_GradientMatchesFiniteDifferences(bool logits)
    {
        var rng = new Random(13);
        double[] p = Enumerable.Range(0, 15).Select(_ => logits ? (rng.NextDouble() * 6) - 3 : 0.05 + rng.NextDouble()).ToArray();
        long[] ids = [0, 4, 2];
        var loss = new SparseCategoricalFocalCrossentropy(new[] { 0.1, 0.2, 0.3, 0.4, 0.5 }, 2, logits);
        double[] g = loss.ValueAndGradient(new LossInput<long>(ids, [3]), In(p, 3, 5)).Gradient.ToArray();
        double[] fd = FiniteDifference.Gradient(x => loss.Compute(new LossInput<long>(ids, [3]), In(x, 3, 5)), p);
        for (int i = 0; i < g.Length; i++)
        {
            Close(fd[i], g[i], 1e-6, 1e-9);
        }
    }

    // ---- Entry points agree bit for bit ----

    public static TheoryData<string> LossNames => new() { "binary", "binary-logits-tfk", "categorical", "categorical-logits", "sparse" };

    private static Loss Make(string which, Reduction? reduction = null, int maxDop = 0) => which switch
    {
        "binary" => new BinaryFocalCrossentropy(true, 0.3, 2, false, 0.1, reduction: reduction) { MaxDegreeOfParallelism = maxDop },
        "binary-logits-tfk" => new BinaryFocalCrossentropy(false, 0.25, 3, true, reduction: reduction ?? Reduction.Auto, semantics: LossSemantics.TfKeras2) { MaxDegreeOfParallelism = maxDop },
        "categorical" => new CategoricalFocalCrossentropy(0.4, 2, false, 0.1, reduction: reduction) { MaxDegreeOfParallelism = maxDop },
        "categorical-logits" => new CategoricalFocalCrossentropy(0.4, 1.5, true, reduction: reduction) { MaxDegreeOfParallelism = maxDop },
        _ => new SparseCategoricalFocalCrossentropy(0.4, 2, false, ignoreClass: 1, reduction: reduction) { MaxDegreeOfParallelism = maxDop },
    };

    private static (float[] Y, int[] YShape, float[] P, int[] PShape) Inputs(string which, int rows, int k, int seed)
    {
        var rng = new Random(seed);
        bool logits = which.Contains("logits", StringComparison.Ordinal);
        float[] p = Enumerable.Range(0, rows * k).Select(_ => logits ? (float)((rng.NextDouble() * 10) - 5) : (float)rng.NextDouble()).ToArray();
        if (which == "sparse")
        {
            return (Enumerable.Range(0, rows).Select(_ => (float)rng.Next(k)).ToArray(), [rows], p, [rows, k]);
        }

        return (Enumerable.Range(0, rows * k).Select(_ => (float)rng.Next(2)).ToArray(), [rows, k], p, [rows, k]);
    }

    [Theory]
    [MemberData(nameof(LossNames))]
    public void EntryPoints_AgreeBitForBit(string which)
    {
        (float[] y, int[] ys, float[] p, int[] ps) = Inputs(which, 37, 5, 1);
        float[] w = Enumerable.Range(0, 37).Select(i => (float)(1 + (i % 3))).ToArray();
        Loss loss = Make(which);
        float compute = loss.Compute(In(y, ys), In(p, ps), In(w, 37));
        (float value, Tensor<float> grad) = loss.ValueAndGradient(In(y, ys), In(p, ps), In(w, 37));
        Assert.Equal(compute, value);
        Assert.Equal(compute, loss.Call(In(y, ys), In(p, ps), In(w, 37)).ToArray()[0]);
        Assert.Equal(grad.ToArray(), loss.Backward(In(y, ys), In(p, ps), (LossInput<float>)1f, In(w, 37)).ToArray());

        // The gradient buffer may be yPred's own memory.
        float[] alias = (float[])p.Clone();
        float into = loss.ValueAndGradientInto(In(y, ys), In(alias, ps), alias, In(w, 37));
        Assert.Equal(compute, into);
        Assert.Equal(grad.ToArray(), alias);

        // Sum = Σ of the unreduced values.
        float[] none = Make(which, Reduction.None).Call(In(y, ys), In(p, ps), In(w, 37)).ToArray();
        Assert.Equal(none.Sum(v => (double)v), Make(which, Reduction.Sum).Compute(In(y, ys), In(p, ps), In(w, 37)), 1e-4);
    }

    [Theory]
    [MemberData(nameof(LossNames))]
    public void OneThreadOrMany_SameBits(string which)
    {
        (float[] y, int[] ys, float[] p, int[] ps) = Inputs(which, 20000, 4, 2);
        (float v1, Tensor<float> g1) = Make(which, maxDop: 1).ValueAndGradient(In(y, ys), In(p, ps));
        (float vn, Tensor<float> gn) = Make(which).ValueAndGradient(In(y, ys), In(p, ps));
        Assert.Equal(v1, vn);
        Assert.Equal(g1.ToArray(), gn.ToArray());
    }

    // ---- Extreme inputs ----

    [Fact]
    public void ExtremeInputs_FiniteValuesAndGradients()
    {
        float[] y = F(0, 1, 0, 1, 0, 1, 0, 1);
        float[] p = F(0, 0, 1, 1, 0, 1, 1e-30, 0.9999999);
        float[] x = F(-1e4, -1e4, 1e4, 1e4, 0, 0, 88, -88);
        foreach (LossSemantics s in new[] { LossSemantics.Keras3, LossSemantics.TfKeras2 })
        {
            foreach ((bool logits, float[] v) in new[] { (false, p), (true, x) })
            {
                (float value, Tensor<float> g) = new BinaryFocalCrossentropy(true, 0.25, 2, logits, semantics: s).ValueAndGradient(In(y, 4, 2), In(v, 4, 2));
                Assert.True(float.IsFinite(value), $"{s} logits={logits}: {value}");
                Assert.All(g.ToArray(), gi => Assert.True(float.IsFinite(gi)));
            }
        }

        // p = 1 on the labelled class and 0 elsewhere: the loss is tiny, the gradient finite.
        (float cv, Tensor<float> cg) = new CategoricalFocalCrossentropy().ValueAndGradient(In(F(0, 1, 0), 1, 3), In(F(0, 1, 0), 1, 3));
        Assert.InRange(cv, 0f, 1e-12f);
        Assert.All(cg.ToArray(), gi => Assert.True(float.IsFinite(gi)));
        (float lv, Tensor<float> lg) = new CategoricalFocalCrossentropy(fromLogits: true).ValueAndGradient(In(F(0, 1, 0), 1, 3), In(F(-1e4, 1e4, 0), 1, 3));
        Assert.True(float.IsFinite(lv));
        Assert.All(lg.ToArray(), gi => Assert.True(float.IsFinite(gi)));
    }

    [Fact]
    public void NaNIn_NaNOut()
    {
        Assert.True(float.IsNaN(new BinaryFocalCrossentropy().Compute(F(1, 0), F(float.NaN, 0.5))));
        Assert.True(float.IsNaN(new CategoricalFocalCrossentropy().Compute(In(F(1, 0), 1, 2), In(F(float.NaN, 0.5), 1, 2))));
        Assert.True(float.IsNaN(new SparseCategoricalFocalCrossentropy(fromLogits: true).Compute(new LossInput<int>([0], [1]), In(F(float.NaN, 0.5), 1, 2))));
    }

    // ---- Bad input ----

    [Fact]
    public void BadHyperParameters_Throw()
    {
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new BinaryFocalCrossentropy(alpha: 1.5)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new BinaryFocalCrossentropy(alpha: double.NaN)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new BinaryFocalCrossentropy(gamma: -1)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new CategoricalFocalCrossentropy(gamma: double.NaN)).ParamName);
        Assert.Equal("labelSmoothing", Assert.Throws<ArgumentOutOfRangeException>(() => new CategoricalFocalCrossentropy(labelSmoothing: 1.1)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new CategoricalFocalCrossentropy(new[] { 0.5, -0.1 })).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentException>(() => new CategoricalFocalCrossentropy(Array.Empty<double>())).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new SparseCategoricalFocalCrossentropy(gamma: -0.5)).ParamName);
        Assert.Equal("semantics", Assert.Throws<ArgumentException>(() => new SparseCategoricalFocalCrossentropy(semantics: LossSemantics.TfKeras2)).ParamName);
    }

    [Fact]
    public void BadInputs_ThrowNamingTheArgument()
    {
        var e = Assert.Throws<ArgumentException>(() => new BinaryFocalCrossentropy().Compute(In(F(1, 0, 1), 3), In(F(1, 0), 2)));
        Assert.Equal("yTrue", e.ParamName);
        Assert.Contains("(3", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2", e.Message, StringComparison.Ordinal);
        Assert.Equal("yPred", Assert.Throws<ArgumentException>(() => new CategoricalFocalCrossentropy(new[] { 0.1, 0.2 }).Compute(In(F(1, 0, 0), 1, 3), In(F(0.2, 0.3, 0.5), 1, 3))).ParamName);
        Assert.Equal("yPred", Assert.Throws<ArgumentException>(() => new SparseCategoricalFocalCrossentropy(new[] { 0.1, 0.2 }).Compute(new LossInput<int>([0], [1]), In(F(0.2, 0.3, 0.5), 1, 3))).ParamName);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => new SparseCategoricalFocalCrossentropy().Compute(new LossInput<int>([3], [1]), In(F(0.2, 0.3, 0.5), 1, 3)));
        Assert.Equal("yTrue", range.ParamName);
        Assert.ThrowsAny<ArgumentException>(() => new SparseCategoricalFocalCrossentropy().Compute(new LossInput<long>([-1], [1]), In(F(0.2, 0.3, 0.5), 1, 3)));
        Assert.ThrowsAny<ArgumentException>(() => new SparseCategoricalFocalCrossentropy().Compute(In(F(2.0), 1), In(F(0.2, 0.3), 1, 2)));
    }

    [Fact]
    public void Sparse_IgnoreClass_MasksOut()
    {
        // ids [1, 0 (ignored)]: the mean is over the one valid entry.
        double[] p = [0.05, 0.95, 0, 0.1, 0.8, 0.1];
        double one = new SparseCategoricalFocalCrossentropy(reduction: Reduction.None).Call(new LossInput<int>([1], [1]), In(p[..3], 1, 3)).ToArray()[0];
        Assert.Equal(one, new SparseCategoricalFocalCrossentropy(ignoreClass: 0).Compute(new LossInput<int>([1, 0], [2]), In(p, 2, 3)));
        Assert.Equal(0.0, new SparseCategoricalFocalCrossentropy(ignoreClass: 0).Compute(new LossInput<int>([0, 0], [2]), In(p, 2, 3)));
    }

    // ---- Configs (SPEC E.1 / E.2 / E.3) ----

    [Fact]
    public void Configs_KeysInKerasOrder()
    {
        Assert.Equal(
            ["name", "reduction", "from_logits", "label_smoothing", "axis", "apply_class_balancing", "alpha", "gamma"],
            new BinaryFocalCrossentropy().GetConfig().Keys);
        Assert.Equal(
            ["reduction", "name", "apply_class_balancing", "alpha", "gamma", "from_logits", "label_smoothing", "axis"],
            new BinaryFocalCrossentropy(semantics: LossSemantics.TfKeras2).GetConfig().Keys);
        Assert.Equal(["name", "reduction", "from_logits", "label_smoothing", "axis", "alpha", "gamma"], new CategoricalFocalCrossentropy().GetConfig().Keys);
        Assert.Equal(
            ["reduction", "name", "alpha", "gamma", "from_logits", "label_smoothing", "axis"],
            new CategoricalFocalCrossentropy(semantics: LossSemantics.TfKeras2).GetConfig().Keys);
        Assert.Equal(["name", "reduction", "alpha", "gamma", "from_logits", "ignore_class", "axis"], new SparseCategoricalFocalCrossentropy().GetConfig().Keys);

        Assert.Equal(
            "{\"module\": \"keras.losses\", \"class_name\": \"BinaryFocalCrossentropy\", \"config\": {\"name\": \"binary_focal_crossentropy\", \"reduction\": \"sum_over_batch_size\", " +
            "\"from_logits\": false, \"label_smoothing\": 0.0, \"axis\": -1, \"apply_class_balancing\": false, \"alpha\": 0.25, \"gamma\": 2.0}, \"registered_name\": null}",
            new BinaryFocalCrossentropy().ToJson());
        Assert.Contains("\"alpha\": [0.1, 0.9]", new CategoricalFocalCrossentropy(new[] { 0.1, 0.9 }).ToJson(), StringComparison.Ordinal);
    }

    public static TheoryData<string> RoundTripJson => new()
    {
        new BinaryFocalCrossentropy(true, 0.4, 3, true, 0.2, 0, Reduction.Sum, "bf").ToJson(),
        new BinaryFocalCrossentropy(true, 0.4, 3, true, 0.2, 0, null, "bf", LossSemantics.TfKeras2).ToJson(),
        new CategoricalFocalCrossentropy(0.3, 1, true, 0.1, -1, Reduction.None).ToJson(),
        new CategoricalFocalCrossentropy(new[] { 0.1, 0.5, 1.0 }, 4, semantics: LossSemantics.TfKeras2).ToJson(),
        new SparseCategoricalFocalCrossentropy(new[] { 0.25, 0.75 }, 0.5, true, 3, Reduction.Mean).ToJson(),
        new SparseCategoricalFocalCrossentropy(0.5).ToJson(),
    };

    [Theory]
    [MemberData(nameof(RoundTripJson))]
    public void Json_RoundTrips(string json)
    {
        Loss loss = Losses.FromJson(json);
        Assert.Equal(json, loss.ToJson());
    }

    [Fact]
    public void FromConfig_ReadsAlphaListsAndNumbers()
    {
        var cfe = CategoricalFocalCrossentropy.FromConfig([new("alpha", new List<object?> { 0.2, 1L, 0.5f }), new("gamma", 1)]);
        Assert.Equal([0.2, 1.0, 0.5], cfe.Alpha.PerClass);
        Assert.Equal(1.0, cfe.Gamma);
        Assert.Equal(0.75, CategoricalFocalCrossentropy.FromConfig([new("alpha", 0.75)]).Alpha.Value);
        Assert.Equal(0.25, CategoricalFocalCrossentropy.FromConfig([new("alpha", null)]).Alpha.Value);
        Assert.Equal("config", Assert.ThrowsAny<ArgumentException>(() => CategoricalFocalCrossentropy.FromConfig([new("alpha", "x")])).ParamName);
        Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson("{\"class_name\": \"BinaryFocalCrossentropy\", \"config\": {\"gamma\": -2.0}}"));
        Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson("{\"class_name\": \"SparseCategoricalFocalCrossentropy\", \"config\": {\"reduction\": \"auto\"}}"));
    }

    [Fact]
    public void Get_ResolvesEveryName()
    {
        Assert.IsType<BinaryFocalCrossentropy>(Losses.Get("BinaryFocalCrossentropy"));
        Assert.IsType<BinaryFocalCrossentropy>(Losses.Get("binary_focal_crossentropy"));
        Assert.IsType<BinaryFocalCrossentropy>(Losses.Get("binary_focal_crossentropy", LossSemantics.TfKeras2));
        Assert.IsType<CategoricalFocalCrossentropy>(Losses.Get("CategoricalFocalCrossentropy"));
        Assert.IsType<CategoricalFocalCrossentropy>(Losses.Get("categorical_focal_crossentropy", LossSemantics.TfKeras2));
        Assert.IsType<SparseCategoricalFocalCrossentropy>(Losses.Get("SparseCategoricalFocalCrossentropy"));
        Assert.IsType<SparseCategoricalFocalCrossentropy>(Losses.Get("sparse_categorical_focal_crossentropy"));
        Assert.Equal("{\"class_name\": \"BinaryFocalCrossentropy\", \"config\": {\"reduction\": \"auto\", \"name\": \"binary_focal_crossentropy\", \"apply_class_balancing\": false, \"alpha\": 0.25, \"gamma\": 2.0, \"from_logits\": false, \"label_smoothing\": 0.0, \"axis\": -1}}",
            Losses.Get("binary_focal_crossentropy", LossSemantics.TfKeras2).ToJson());
    }
}
