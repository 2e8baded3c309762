// Circle (SPEC B.21, A.4, E.1, B.23): the published Keras cases of the case file (SPEC J), a naive double-precision
// reference written from SPEC B.21 (never calling the library), central finite differences, the loss > 0 mask in every
// reduction, the reference set of the function form, configs, names, thread-count bit-identity and bad inputs.

using System.Numerics.Tensors;
using System.Text.Json;
using SharpLoss.Internals;
using SharpLoss.Tests.Conformance;
using SharpLoss.Tests.Reference;

namespace SharpLoss.Tests.Spec;

public class CircleTests
{
    // ---------------------------------------------------------------- double reference (SPEC B.21)

    /// <summary>Per-sample Circle losses of x (n × dim) against the references r (m × dim), in double.</summary>
    private static double[] Reference(double[] labels, double[] x, int dim, double[]? refLabels = null, double[]? r = null, double gamma = 80, double margin = 0.4, bool removeDiagonal = true)
    {
        int n = labels.Length;
        r ??= x;
        refLabels ??= labels;
        int m = refLabels.Length;
        var losses = new double[n];
        for (int i = 0; i < n; i++)
        {
            var pos = new List<double>();
            var neg = new List<double>();
            for (int j = 0; j < m; j++)
            {
                double s = 0;
                for (int k = 0; k < dim; k++)
                {
                    s += x[(i * dim) + k] * r[(j * dim) + k];
                }

                double d = Math.Max(1 - s, 0);
                bool same = (int)labels[i] == (int)refLabels[j];
                if (same && !(removeDiagonal && i == j))
                {
                    pos.Add(-gamma * Math.Max(margin + d, 0) * (margin - d));
                }
                else if (!same)
                {
                    neg.Add(gamma * Math.Max(1 + margin - d, 0) * (1 - margin - d));
                }
            }

            double z = LogSumExp(pos) + LogSumExp(neg);
            losses[i] = double.IsNegativeInfinity(z) ? 0 : Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z)));
        }

        return losses;
    }

    private static double LogSumExp(List<double> v)
    {
        if (v.Count == 0)
        {
            return double.NegativeInfinity;
        }

        double m = v.Max();
        return m + Math.Log(v.Sum(a => Math.Exp(a - m)));
    }

    /// <summary>n random unit vectors of dimension dim.</summary>
    private static double[] UnitRows(Random rng, int n, int dim)
    {
        var x = new double[n * dim];
        for (int i = 0; i < n; i++)
        {
            double norm = 0;
            for (int k = 0; k < dim; k++)
            {
                double v = (rng.NextDouble() * 2) - 1;
                x[(i * dim) + k] = v;
                norm += v * v;
            }

            for (int k = 0; k < dim; k++)
            {
                x[(i * dim) + k] /= Math.Sqrt(norm);
            }
        }

        return x;
    }

    // ---------------------------------------------------------------- published cases (SPEC J)

    public static TheoryData<int, bool> PublishedCases()
    {
        var data = new TheoryData<int, bool>();
        foreach (DocstringCase c in DocstringCases.All.Where(c => c.Loss == "Circle"))
        {
            data.Add(c.Index, false);
            data.Add(c.Index, true);
        }

        return data;
    }

    [Fact]
    public void PublishedCases_AreTheSixOfTheCaseFile()
    {
        // SPEC J coverage line: "Circle 6".
        Assert.Equal(6, PublishedCases().Count / 2);
    }

    [Theory]
    [MemberData(nameof(PublishedCases))]
    public void PublishedCase_MatchesPublishedAndFloat32Reference(int index, bool isDouble)
    {
        DocstringCase c = DocstringCases.Get(index);
        JsonElement args = CtorArgs(index);
        double margin = args.TryGetProperty("margin", out JsonElement mv) ? mv.GetDouble() : 0.4;
        bool removeDiagonal = !args.TryGetProperty("remove_diagonal", out JsonElement rd) || rd.GetBoolean();
        double gamma = args.TryGetProperty("gamma", out JsonElement gv) ? gv.GetDouble() : 80.0;
        var loss = new Circle(gamma, margin, removeDiagonal, c.Options.KerasReduction(LossSemantics.Keras3));
        double[] got = isDouble ? RunDouble(loss, c) : [.. RunFloat(loss, c).Select(v => (double)v)];
        double[] expected = c.Expected.Data;
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < got.Length; i++)
        {
            // The published number with the case's tolerance (numpy allclose).
            Assert.True(Math.Abs(got[i] - expected[i]) <= c.Atol + (c.Rtol * Math.Abs(expected[i])), $"{c}: [{i}] {got[i]} vs published {expected[i]}");
            if (!isDouble && c.ReferenceFloat32 is { } reference)
            {
                double e = reference.Data[i];
                Assert.True(Math.Abs(got[i] - e) <= 1e-6 * Math.Max(1, Math.Abs(e)), $"{c}: [{i}] {got[i]} vs reference_float32 {e}");
            }
        }
    }

    private static float[] RunFloat(Circle loss, DocstringCase c)
    {
        float[] y = [.. c.YTrue.Data.Select(v => (float)v)];
        float[] p = [.. c.YPred.Data.Select(v => (float)v)];
        var yIn = new LossInput<float>(y, c.YTrue.Shape);
        var pIn = new LossInput<float>(p, c.YPred.Shape);
        LossInput<float> w = c.SampleWeight is { } sw ? new LossInput<float>([.. sw.Data.Select(v => (float)v)], sw.Shape) : default;
        return loss.Reduction == Reduction.None ? loss.Call(yIn, pIn, w).ToArray() : [loss.Compute(yIn, pIn, w)];
    }

    private static double[] RunDouble(Circle loss, DocstringCase c)
    {
        var yIn = new LossInput<double>(c.YTrue.Data, c.YTrue.Shape);
        var pIn = new LossInput<double>(c.YPred.Data, c.YPred.Shape);
        LossInput<double> w = c.SampleWeight is { } sw ? new LossInput<double>(sw.Data, sw.Shape) : default;
        return loss.Reduction == Reduction.None ? loss.Call(yIn, pIn, w).ToArray() : [loss.Compute(yIn, pIn, w)];
    }

    private static JsonElement CtorArgs(int index)
    {
        using FileStream stream = File.OpenRead(DocstringCases.FilePath);
        using JsonDocument doc = JsonDocument.Parse(stream);
        return doc.RootElement[index].GetProperty("ctor_args").Clone();
    }

    // ---------------------------------------------------------------- reference, finite differences

    [Theory]
    [InlineData(true, 80.0, 0.4)]
    [InlineData(false, 80.0, 0.4)]
    [InlineData(true, 16.0, 0.25)]
    public void PerSample_MatchesDoubleReference(bool removeDiagonal, double gamma, double margin)
    {
        var rng = new Random(1);
        const int n = 12, dim = 5;
        double[] x = UnitRows(rng, n, dim);
        double[] labels = [.. Enumerable.Range(0, n).Select(i => (double)(i % 4))];
        labels[11] = 9; // a label of its own: no positive pair (with the diagonal removed)
        double[] expected = Reference(labels, x, dim, gamma: gamma, margin: margin, removeDiagonal: removeDiagonal);
        Tensor<double> got = Losses.Circle(labels, new LossInput<double>(x, n, dim), removeDiagonal: removeDiagonal, gamma: gamma, margin: margin);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(expected[i], got[i], 1e-11);
        }

        Assert.Equal(removeDiagonal ? 0.0 : expected[11], got[11], 1e-11);
    }

    [Fact]
    public void ReferenceSet_MatchesDoubleReference()
    {
        var rng = new Random(2);
        const int n = 6, m = 9, dim = 4;
        double[] x = UnitRows(rng, n, dim);
        double[] r = UnitRows(rng, m, dim);
        double[] labels = [0, 1, 2, 0, 1, 5];
        double[] refLabels = [0, 0, 1, 1, 2, 2, 3, 3, 0];
        double[] expected = Reference(labels, x, dim, refLabels, r);
        Tensor<double> got = Losses.Circle(labels, new LossInput<double>(x, n, dim), refLabels, new LossInput<double>(r, m, dim));
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(expected[i], got[i], 1e-11);
        }

        float[] xf = [.. x.Select(v => (float)v)];
        float[] rf = [.. r.Select(v => (float)v)];
        Tensor<float> gotF = Losses.Circle(labels.Select(v => (float)v).ToArray(), new LossInput<float>(xf, n, dim), refLabels.Select(v => (float)v).ToArray(), new LossInput<float>(rf, m, dim));
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(expected[i], gotF[i], Math.Max(1e-3, expected[i] * 1e-5));
        }
    }

    [Theory]
    [InlineData(Reduction.SumOverBatchSize, true)]
    [InlineData(Reduction.MeanWithSampleWeight, true)]
    [InlineData(Reduction.Sum, false)]
    public void Gradient_MatchesCentralFiniteDifferences(Reduction reduction, bool weighted)
    {
        // Small γ keeps the exponentials in range for the finite-difference steps; one row without positives (label 7).
        var rng = new Random(3);
        const int n = 7, dim = 4;
        double[] x = UnitRows(rng, n, dim);
        double[] labels = [0, 0, 1, 1, 2, 2, 7];
        double[] w = [1.0, 0.5, 2.0, 1.5, 0.25, 1.0, 3.0];
        var loss = new Circle(gamma: 8, margin: 0.25, reduction: reduction);
        LossInput<double> W() => weighted ? new LossInput<double>(w, n) : default;
        double F(double[] v) => loss.Compute(labels, new LossInput<double>(v, n, dim), W());
        double[] expected = FiniteDifference.Gradient(F, x);
        (double value, Tensor<double> grad) = loss.ValueAndGradient(labels, new LossInput<double>(x, n, dim), W());
        Assert.Equal(F(x), value);
        double[] got = grad.ToArray();
        AssertNearFiniteDifference(got, expected);

        Assert.All(got.Skip((n - 1) * dim), g => Assert.NotEqual(0.0, g)); // the unmasked rows still pull on row 6 as a negative
    }

    /// <summary>Every analytic gradient entry within 1e-6 (relative above 1) of its central finite difference.</summary>
    private static void AssertNearFiniteDifference(double[] got, double[] expected)
    {
        for (int i = 0; i < got.Length; i++)
        {
            AssertNearFiniteDifference(i, got[i], expected[i]);
        }
    }

    private static void AssertNearFiniteDifference(int index, double got, double expected) =>
        Assert.True(Math.Abs(got - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"grad[{index}] {got} vs finite difference {expected}");

    [Fact]
    public void LargerBatch_ValueAndGradient_MatchReferenceAndFiniteDifferences()
    {
        // 70 rows: the similarity and symmetrization tiles of 32 rows, a partial last tile, odd dimension 9.
        var rng = new Random(10);
        const int n = 70, dim = 9;
        double[] x = UnitRows(rng, n, dim);
        double[] labels = [.. Enumerable.Range(0, n).Select(_ => (double)rng.Next(6))];
        var loss = new Circle(gamma: 8, margin: 0.25, reduction: Reduction.Sum);
        double F(double[] v) => Reference(labels, v, dim, gamma: 8, margin: 0.25).Sum();
        (double value, Tensor<double> grad) = loss.ValueAndGradient(labels, new LossInput<double>(x, n, dim));
        Assert.Equal(F(x), value, 1e-10 * Math.Max(1, Math.Abs(value)));
        double[] got = grad.ToArray();
        const double h = 1e-5;
        for (int q = 0; q < got.Length; q += 5)
        {
            double[] up = (double[])x.Clone(), down = (double[])x.Clone();
            up[q] += h;
            down[q] -= h;
            AssertNearFiniteDifference(q, got[q], (F(up) - F(down)) / (2 * h));
        }
    }

    [Theory]
    [InlineData(Reduction.SumOverBatchSize, false)]
    [InlineData(Reduction.MeanWithSampleWeight, true)]
    [InlineData(Reduction.Sum, true)]
    public void ReferenceSet_Gradient_MatchesCentralFiniteDifferences(Reduction reduction, bool weighted)
    {
        // The references are constants: only y_pred moves. Row 6's label 7 has no reference: no positive pair, masked.
        var rng = new Random(8);
        const int n = 7, m = 10, dim = 5;
        double[] x = UnitRows(rng, n, dim);
        double[] r = UnitRows(rng, m, dim);
        double[] labels = [0, 1, 2, 0, 1, 3, 7];
        double[] refLabels = [0, 0, 1, 1, 2, 2, 3, 3, 0, 4];
        double[] w = [1.0, 0.5, 2.0, 1.5, 0.25, 1.0, 3.0];
        Circle loss = new Circle(gamma: 8, margin: 0.25, reduction: reduction).WithReferenceSet(refLabels, new LossInput<double>(r, m, dim));
        LossInput<double> W() => weighted ? new LossInput<double>(w, n) : default;
        double F(double[] v) => loss.Compute(labels, new LossInput<double>(v, n, dim), W());
        double[] expected = FiniteDifference.Gradient(F, x);
        (double value, Tensor<double> grad) = loss.ValueAndGradient(labels, new LossInput<double>(x, n, dim), W());
        Assert.Equal(F(x), value);
        double[] got = grad.ToArray();
        AssertNearFiniteDifference(got, expected);

        Assert.All(got.Skip((n - 1) * dim), g => Assert.Equal(0.0, g)); // the masked row: no gradient (the references do not move)
        Assert.Contains(got.Take((n - 1) * dim), g => g != 0);
    }

    [Fact]
    public void ReferenceSet_Class_EqualsFunctionForm_AndKeepsItsOptions()
    {
        var rng = new Random(9);
        const int n = 9, m = 12, dim = 6;
        float[] x = [.. UnitRows(rng, n, dim).Select(v => (float)v)];
        float[] r = [.. UnitRows(rng, m, dim).Select(v => (float)v)];
        float[] labels = [.. Enumerable.Range(0, n).Select(i => (float)(i % 3))];
        float[] refLabels = [.. Enumerable.Range(0, m).Select(i => (float)(i % 4))];
        var plain = new Circle(gamma: 64, margin: 0.3, removeDiagonal: false, reduction: Reduction.None, name: "c") { MaxDegreeOfParallelism = 1 };
        Circle withRefs = plain.WithReferenceSet(refLabels, new LossInput<float>(r, m, dim));
        Assert.Equal(plain.ToJson(), withRefs.ToJson()); // the reference set is no config key
        Assert.Equal(1, withRefs.MaxDegreeOfParallelism);
        float[] expected = Losses.Circle(labels, new LossInput<float>(x, n, dim), refLabels, new LossInput<float>(r, m, dim), removeDiagonal: false, gamma: 64, margin: 0.3).ToArray();
        Assert.Equal(expected, withRefs.Call(labels, new LossInput<float>(x, n, dim)).ToArray());

        // float32 references serve a float64 call: the same numbers, widened.
        double[] xd = [.. x.Select(v => (double)v)];
        double[] expectedD = Losses.Circle(labels.Select(v => (double)v).ToArray(), new LossInput<double>(xd, n, dim), refLabels.Select(v => (double)v).ToArray(), new LossInput<double>([.. r.Select(v => (double)v)], m, dim), removeDiagonal: false, gamma: 64, margin: 0.3).ToArray();
        Assert.Equal(expectedD, withRefs.Call(labels.Select(v => (double)v).ToArray(), new LossInput<double>(xd, n, dim)).ToArray());

        // A dimension that differs from the references': named.
        var e = Assert.Throws<ArgumentException>(() => withRefs.Call(labels, new LossInput<float>(new float[n * 4], n, 4)));
        Assert.Equal("refEmbeddings", e.ParamName);
        Assert.Equal("refLabels", Assert.Throws<ArgumentException>(() => plain.WithReferenceSet(new LossInput<float>(new float[4], 2, 2), default)).ParamName);
    }

    // ---------------------------------------------------------------- the loss > 0 mask in the reductions (SPEC A.3, A.4)

    [Fact]
    public void Reductions_MaskNonPositiveRows()
    {
        var rng = new Random(4);
        const int n = 6, dim = 3;
        double[] x = UnitRows(rng, n, dim);
        double[] labels = [1, 1, 2, 2, 3, 4]; // rows 4 and 5 have no positive pair: loss 0, masked
        double[] l = Reference(labels, x, dim);
        double[] w = [2, 1, 0.5, 1, 4, 3];
        var p = new LossInput<double>(x, n, dim);
        double sumL = l.Take(4).Sum(), sumLw = l.Zip(w).Take(4).Sum(t => t.First * t.Second);

        // sum_over_batch_size: the mask weights the valid rows total/valid, so Σ/valid; mean_with_sample_weight: Σ(l·w)/Σ(w·mask).
        Assert.Equal(sumL / 4, new Circle().Compute(labels, p), 1e-10);
        Assert.Equal(sumLw / 4, new Circle().Compute(labels, p, w), 1e-10);
        Assert.Equal(sumLw / 4.5, new Circle(reduction: Reduction.MeanWithSampleWeight).Compute(labels, p, w), 1e-10);
        Assert.Equal(sumLw, new Circle(reduction: Reduction.Sum).Compute(labels, p, w), 1e-10);
        Tensor<double> none = new Circle(reduction: Reduction.None).Call(labels, p, w);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(l[i] * w[i], none[i], 1e-10);
        }

        // A caller's mask combines with the loss's own.
        Assert.Equal((l[1] + l[2] + l[3]) / 3, new Circle().Compute(labels, p, mask: new[] { false, true, true, true, true, true }), 1e-10);

        // Every row masked: 0 (Keras 3).
        Assert.Equal(0.0, new Circle().Compute(new double[] { 1, 2, 3, 4, 5, 6 }, p));
    }

    [Fact]
    public void UnderflowedLosses_AreMaskedByTheirValues()
    {
        // γ = 2000, m = 0.4. Rows 0-3 pair identical embeddings of their own label (S = 1, d = 0: a⁺ = −γm² = −320) and
        // meet every other row at right angles (S = 0, d = 1: a⁻ = γ·m·(−m) = −320), so z = −320 + (−320 + ln 4) = −638.61.
        // Rows 4 and 5 share a label at right angles: a⁺ = −γ·1.4·(−0.6) = 1680, z = 1680 − 320 + ln 4 = 1361.3862943611198
        // (softplus(z) = z to double precision). In float32, softplus(−638.61) underflows to 0 and Keras's `loss > 0`
        // leaves rows 0-3 out: the mean is over rows 4 and 5. In double it is 1e-277, positive: the mean is over 6 rows.
        float[] x =
        [
            1, 0, 0, 0, 1, 0, 0, 0,
            0, 1, 0, 0, 0, 1, 0, 0,
            0, 0, 1, 0, 0, 0, 0, 1,
        ];
        float[] labels = [0, 0, 1, 1, 2, 2];
        var loss = new Circle(gamma: 2000, margin: 0.4);
        const double z4 = 1361.3862943611198;
        float f = loss.Compute(labels, new LossInput<float>(x, 6, 4));
        Assert.Equal(z4, f, z4 * 1e-6);
        double d = loss.Compute(labels.Select(v => (double)v).ToArray(), new LossInput<double>([.. x.Select(v => (double)v)], 6, 4));
        Assert.Equal(2 * z4 / 6, d, 1e-9);
    }

    // ---------------------------------------------------------------- precision, threads, buffers

    [Fact]
    public void FloatAndDouble_Agree()
    {
        var rng = new Random(5);
        const int n = 40, dim = 8;
        double[] x = UnitRows(rng, n, dim);
        double[] labels = [.. Enumerable.Range(0, n).Select(i => (double)(i % 6))];
        var loss = new Circle(gamma: 32);
        (double vd, Tensor<double> gd) = loss.ValueAndGradient(labels, new LossInput<double>(x, n, dim));
        (float vf, Tensor<float> gf) = loss.ValueAndGradient(labels.Select(v => (float)v).ToArray(), new LossInput<float>(x.Select(v => (float)v).ToArray(), n, dim));
        Assert.Equal(vd, vf, vd * 1e-4);
        double[] a = gd.ToArray();
        float[] f = gf.ToArray();
        double scale = a.Max(Math.Abs);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], f[i], scale * 1e-4);
        }
    }

    [Theory]
    [InlineData(37, 19, true)]
    [InlineData(37, 19, false)]
    [InlineData(50, 8, true)]
    [InlineData(9, 3, true)]
    [InlineData(64, 33, false)]
    public void VectorAndScalarPaths_Agree_AndMatchTheReference(int n, int dim, bool removeDiagonal)
    {
        // Sizes around the vector widths (8 floats, 4 doubles), the removed diagonal inside and outside vector blocks, odd
        // dimensions for the products' tails: per-sample values and Sum gradients of both paths, float and double.
        var rng = new Random(n + dim);
        double[] x = UnitRows(rng, n, dim);
        double[] labels = [.. Enumerable.Range(0, n).Select(_ => (double)rng.Next(5))];
        double[] expected = Reference(labels, x, dim, gamma: 32, margin: 0.3, removeDiagonal: removeDiagonal);
        var none = new Circle(gamma: 32, margin: 0.3, removeDiagonal: removeDiagonal, reduction: Reduction.None);
        var sum = new Circle(gamma: 32, margin: 0.3, removeDiagonal: removeDiagonal, reduction: Reduction.Sum);
        float[] xf = [.. x.Select(v => (float)v)];
        float[] lf = [.. labels.Select(v => (float)v)];
        (double[] V, double[] G) Run(bool scalar, bool float32)
        {
            bool previous = KernelSwitch.ForceScalar;
            KernelSwitch.ForceScalar = scalar;
            try
            {
                if (float32)
                {
                    float[] v = none.Call(lf, new LossInput<float>(xf, n, dim)).ToArray();
                    float[] g = sum.ValueAndGradient(lf, new LossInput<float>(xf, n, dim)).Gradient.ToArray();
                    return ([.. v.Select(e => (double)e)], [.. g.Select(e => (double)e)]);
                }

                return (none.Call(labels, new LossInput<double>(x, n, dim)).ToArray(), sum.ValueAndGradient(labels, new LossInput<double>(x, n, dim)).Gradient.ToArray());
            }
            finally
            {
                KernelSwitch.ForceScalar = previous;
            }
        }

        foreach (bool float32 in new[] { false, true })
        {
            (double[] vv, double[] vg) = Run(false, float32);
            (double[] sv, double[] sg) = Run(true, float32);
            double tolerance = float32 ? 2e-5 : 1e-12;
            double valueScale = Math.Max(1, expected.Max(Math.Abs)), gradScale = Math.Max(1e-3, sg.Max(Math.Abs));
            for (int i = 0; i < n; i++)
            {
                Assert.True(Math.Abs(vv[i] - sv[i]) <= tolerance * valueScale, $"{(float32 ? "float" : "double")} value[{i}]: vector {vv[i]} vs scalar {sv[i]}");
                Assert.True(Math.Abs(vv[i] - expected[i]) <= tolerance * valueScale, $"{(float32 ? "float" : "double")} value[{i}]: {vv[i]} vs reference {expected[i]}");
            }

            for (int i = 0; i < vg.Length; i++)
            {
                Assert.True(Math.Abs(vg[i] - sg[i]) <= tolerance * gradScale, $"{(float32 ? "float" : "double")} grad[{i}]: vector {vg[i]} vs scalar {sg[i]}");
            }
        }
    }

    [Fact]
    public void OneOrTwoThreads_BitIdentical()
    {
        var rng = new Random(6);
        const int n = 300, dim = 24;
        float[] x = [.. UnitRows(rng, n, dim).Select(v => (float)v)];
        float[] labels = [.. Enumerable.Range(0, n).Select(i => (float)(i % 17))];
        var p = new LossInput<float>(x, n, dim);
        (float v1, Tensor<float> g1) = new Circle { MaxDegreeOfParallelism = 1 }.ValueAndGradient(labels, p);
        (float v2, Tensor<float> g2) = new Circle { MaxDegreeOfParallelism = 2 }.ValueAndGradient(labels, p);
        Assert.Equal(BitConverter.SingleToInt32Bits(v1), BitConverter.SingleToInt32Bits(v2));
        Assert.True(g1.ToArray().AsSpan().SequenceEqual(g2.ToArray()));
    }

    [Fact]
    public void GradientIntoPredictionsBuffer_EqualsSeparateBuffer()
    {
        var rng = new Random(7);
        const int n = 20, dim = 6;
        float[] x = [.. UnitRows(rng, n, dim).Select(v => (float)v)];
        float[] labels = [.. Enumerable.Range(0, n).Select(i => (float)(i % 5))];
        var loss = new Circle();
        var separate = new float[x.Length];
        float v1 = loss.ValueAndGradientInto(labels, new LossInput<float>(x, n, dim), separate);
        float[] inPlace = (float[])x.Clone();
        float v2 = loss.ValueAndGradientInto(labels, new LossInput<float>(inPlace, n, dim), inPlace);
        Assert.Equal(v1, v2);
        Assert.Equal(separate, inPlace);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SpanPath_AllocatesNothing(int degree)
    {
        var rng = new Random(8);
        const int n = 64, dim = 16;
        double[] xd = UnitRows(rng, n, dim);
        float[] xf = [.. xd.Select(v => (float)v)];
        float[] lf = [.. Enumerable.Range(0, n).Select(i => (float)(i % 7))];
        double[] ld = [.. lf.Select(v => (double)v)];
        var gf = new float[xf.Length];
        var gd = new double[xd.Length];
        var loss = new Circle { MaxDegreeOfParallelism = degree };
        Assert.Equal(0, Performance.AllocationTests.SteadyState(() => loss.ValueAndGradientInto(lf, new LossInput<float>(xf, n, dim), gf), 50));
        Assert.Equal(0, Performance.AllocationTests.SteadyState(() => loss.ValueAndGradientInto(ld, new LossInput<double>(xd, n, dim), gd), 50));
    }

    // ---------------------------------------------------------------- config and names (SPEC E.1, E.3, B.23)

    [Fact]
    public void Config_RoundTripsThroughJsonAndConfig()
    {
        const string json = "{\"module\": \"keras.losses\", \"class_name\": \"Circle\", \"config\": {\"name\": \"circle\", \"reduction\": \"sum_over_batch_size\", \"gamma\": 80.0, \"margin\": 0.4, \"remove_diagonal\": true}, \"registered_name\": null}";
        Assert.Equal(json, new Circle().ToJson());
        var back = Assert.IsType<Circle>(Losses.FromJson(json));
        Assert.Equal(80.0, back.Gamma);
        var custom = new Circle(256, 0.25, false, Reduction.Sum, "c");
        var again = Assert.IsType<Circle>(Losses.FromJson(custom.ToJson()));
        Assert.Equal((256.0, 0.25, false, Reduction.Sum, "c"), (again.Gamma, again.Margin, again.RemoveDiagonal, again.Reduction, again.Name));
        Assert.Equal(custom.ToJson(), Circle.FromConfig(custom.GetConfig()).ToJson());
    }

    [Fact]
    public void Names_ResolveUnderKeras3Only()
    {
        Assert.IsType<Circle>(Losses.Get("circle"));
        Assert.IsType<Circle>(Losses.Get("Circle"));
        Assert.Contains("circle", Losses.Names);
        Assert.Throws<ArgumentException>(() => Losses.Get("circle", LossSemantics.TfKeras2));
        var e = Assert.Throws<ArgumentException>(() => new Circle(semantics: LossSemantics.TfKeras2));
        Assert.Equal("semantics", e.ParamName);
    }

    // ---------------------------------------------------------------- bad input

    [Fact]
    public void BadInput_ThrowsNamingTheArgument()
    {
        var loss = new Circle();
        double[] x = new double[12];
        var rank = Assert.Throws<ArgumentException>(() => loss.Compute(new double[] { 1, 2, 3 }, new LossInput<double>(x, 3, 2, 2)));
        Assert.Equal("yPred", rank.ParamName);
        Assert.Contains("(N, D)", rank.Message, StringComparison.Ordinal);

        var labels = Assert.Throws<ArgumentException>(() => loss.Compute(new double[] { 1, 2 }, new LossInput<double>(x, 3, 4)));
        Assert.Equal("yTrue", labels.ParamName);
        Assert.Contains("(3,)", labels.Message, StringComparison.Ordinal);
        Assert.Contains("yTrue.shape=(2,)", labels.Message, StringComparison.Ordinal);

        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new Circle(gamma: double.NaN)).ParamName);
        Assert.Equal("margin", Assert.Throws<ArgumentOutOfRangeException>(() => new Circle(margin: double.PositiveInfinity)).ParamName);

        var dim = Assert.Throws<ArgumentException>(() => Losses.Circle(new double[] { 1, 2, 3 }, new LossInput<double>(x, 3, 4), new double[] { 1, 2 }, new LossInput<double>(new double[6], 2, 3)));
        Assert.Equal("refEmbeddings", dim.ParamName);
        var count = Assert.Throws<ArgumentException>(() => Losses.Circle(new double[] { 1, 2, 3 }, new LossInput<double>(x, 3, 4), new double[] { 1, 2 }, new LossInput<double>(new double[12], 3, 4)));
        Assert.Equal("refEmbeddings", count.ParamName);
    }
}
