// CosineSimilarity (SPEC B.10), CategoricalHinge (B.15), Dice (B.19) and Tversky (B.20): a plain double reference of
// each SPEC formula (never calling the library), finite differences, entry-point consistency, configs and errors.

using System.Numerics.Tensors;
using SharpLoss.Internals;

namespace SharpLoss.Tests.Spec;

public class SimilarityLossTests
{
    public enum Kind
    {
        Cosine,
        CategoricalHinge,
        Dice,
        Tversky,
    }

    // ---------------------------------------------------------------- double reference (SPEC formulas, rows last)

    /// <summary>SPEC formula of one row (the reduced elements), in double.</summary>
    private static double RefRow(Kind kind, double[] y, double[] p, double alpha = 0.5, double beta = 0.5, double floor = 1e-14)
    {
        switch (kind)
        {
            case Kind.Cosine:
                {
                    // B.10: −Σ n(y)·n(p), n(x) = x·rsqrt(max(Σx², floor)).
                    double yy = 0, pp = 0, yp = 0;
                    for (int i = 0; i < y.Length; i++)
                    {
                        yy += y[i] * y[i];
                        pp += p[i] * p[i];
                        yp += y[i] * p[i];
                    }

                    return -yp / Math.Sqrt(Math.Max(yy, floor)) / Math.Sqrt(Math.Max(pp, floor));
                }

            case Kind.CategoricalHinge:
                {
                    // B.15: max(max((1 − y)·p) − Σy·p + 1, 0).
                    double pos = 0, neg = double.NegativeInfinity;
                    for (int i = 0; i < y.Length; i++)
                    {
                        pos += y[i] * p[i];
                        neg = Math.Max(neg, (1 - y[i]) * p[i]);
                    }

                    return Math.Max(neg - pos + 1, 0);
                }

            case Kind.Dice:
                {
                    // B.19: 1 − 2Σyp/(Σy + Σp + ε).
                    double sy = 0, sp = 0, syp = 0;
                    for (int i = 0; i < y.Length; i++)
                    {
                        sy += y[i];
                        sp += p[i];
                        syp += y[i] * p[i];
                    }

                    return 1 - (2 * syp / (sy + sp + 1e-7));
                }

            default:
                {
                    // B.20: 1 − TP/(TP + α·FP + β·FN + ε), FP = Σ(1 − y)p, FN = Σy(1 − p).
                    double tp = 0, fp = 0, fn = 0;
                    for (int i = 0; i < y.Length; i++)
                    {
                        tp += y[i] * p[i];
                        fp += (1 - y[i]) * p[i];
                        fn += y[i] * (1 - p[i]);
                    }

                    return 1 - (tp / (tp + (alpha * fp) + (beta * fn) + 1e-7));
                }
        }
    }

    /// <summary>Per-sample losses of rows of k (last axis), or one scalar over everything (<paramref name="all"/>).</summary>
    private static double[] RefPerSample(Kind kind, double[] y, double[] p, int k, bool all = false, double alpha = 0.5, double beta = 0.5, double floor = 1e-14)
    {
        if (all)
        {
            return [RefRow(kind, y, p, alpha, beta, floor)];
        }

        int n = y.Length / k;
        var r = new double[n];
        for (int s = 0; s < n; s++)
        {
            r[s] = RefRow(kind, y[(s * k)..((s + 1) * k)], p[(s * k)..((s + 1) * k)], alpha, beta, floor);
        }

        return r;
    }

    private static Loss Create(Kind kind, Reduction? reduction = null, bool all = false, double alpha = 0.5, double beta = 0.5) => kind switch
    {
        Kind.Cosine => new CosineSimilarity(reduction: reduction),
        Kind.CategoricalHinge => new CategoricalHinge(reduction),
        Kind.Dice => new Dice(reduction, axis: all ? null : [-1]),
        _ => new Tversky(alpha, beta, reduction, axis: all ? null : [-1]),
    };

    private static (double[] Y, double[] P) RandomRows(Random rng, Kind kind, int n, int k)
    {
        var y = new double[n * k];
        var p = new double[n * k];
        for (int i = 0; i < y.Length; i++)
        {
            bool unit = kind is Kind.Dice or Kind.Tversky or Kind.CategoricalHinge;
            y[i] = unit ? rng.Next(2) : (rng.NextDouble() * 4) - 2;
            p[i] = unit ? 0.05 + (0.9 * rng.NextDouble()) : (rng.NextDouble() * 4) - 2;
        }

        return (y, p);
    }

    private static float[] F(double[] a) => Array.ConvertAll(a, v => (float)v);

    private static double[] D(float[] a) => Array.ConvertAll(a, v => (double)v);

    public static TheoryData<Kind, int, bool> Shapes()
    {
        var data = new TheoryData<Kind, int, bool>();
        foreach (Kind kind in Enum.GetValues<Kind>())
        {
            foreach (int k in new[] { 1, 7, 8, 33, 1000 })
            {
                data.Add(kind, k, false);
            }

            if (kind is Kind.Dice or Kind.Tversky)
            {
                data.Add(kind, 33, true);
            }
        }

        return data;
    }

    // ---------------------------------------------------------------- values, gradients, paths

    [Theory]
    [MemberData(nameof(Shapes))]
    public void RandomRows_FloatAndDouble_MatchTheDoubleReference(Kind kind, int k, bool all)
    {
        var rng = new Random(1000 + k);
        int n = 5;
        (double[] y, double[] p) = RandomRows(rng, kind, n, k);
        var w = new double[n];
        for (int i = 0; i < n; i++)
        {
            w[i] = rng.NextDouble() * 2;
        }

        double[] per = RefPerSample(kind, y, p, k, all);
        Loss loss = Create(kind, Reduction.None, all);
        int[] shape = [n, k];

        double[] gotD = SpecAssert.Values(loss.Call(new LossInput<double>(y, shape), new LossInput<double>(p, shape)));
        SpecAssert.Near(per, gotD, 1e-12, 1e-12, $"{kind} k={k} double");
        double[] gotF = SpecAssert.Values(loss.Call(new LossInput<float>(F(y), shape), new LossInput<float>(F(p), shape)));
        SpecAssert.Near(RefPerSample(kind, D(F(y)), D(F(p)), k, all), gotF, 1e-5, 1e-5, $"{kind} k={k} float");

        if (!all)
        {
            // Weighted sum over batch size: Σ w·l / N.
            double expected = per.Select((l, i) => l * w[i]).Sum() / n;
            double got = Create(kind).Compute(new LossInput<double>(y, shape), new LossInput<double>(p, shape), new LossInput<double>(w, [n]));
            SpecAssert.Near(expected, got, 1e-12, 1e-12, $"{kind} weighted");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gradient_Double_MatchesCentralFiniteDifferences(Kind kind, int k, bool all)
    {
        if (k == 1000)
        {
            k = 13; // finite differences per element: keep it small
        }

        var rng = new Random(2000 + k);
        int n = 3;
        (double[] y, double[] p) = RandomRows(rng, kind, n, k);
        int[] shape = [n, k];
        Loss loss = Create(kind, Reduction.Sum, all);
        (double _, Tensor<double> g) = loss.ValueAndGradient(new LossInput<double>(y, shape), new LossInput<double>(p, shape));
        double[] grad = SpecAssert.Values(g);
        for (int i = 0; i < p.Length; i++)
        {
            double h = 1e-6;
            double[] a = (double[])p.Clone(), b = (double[])p.Clone();
            a[i] += h;
            b[i] -= h;
            double fd = (RefPerSample(kind, y, a, k, all).Sum() - RefPerSample(kind, y, b, k, all).Sum()) / (2 * h);
            SpecAssert.Near(fd, grad[i], 1e-5, 1e-6, $"{kind} k={k} ∂/∂p[{i}]");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EntryPoints_AgreeBitForBit_IncludingAliasedGradientAndScalarPath(Kind kind, int k, bool all)
    {
        var rng = new Random(3000 + k);
        int n = 4;
        (double[] yd, double[] pd) = RandomRows(rng, kind, n, k);
        float[] y = F(yd), p = F(pd);
        int[] shape = [n, k];
        Loss loss = Create(kind, all: all);
        var yt = new LossInput<float>(y, shape);
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

        // The gradient buffer is yPred's own memory.
        float[] alias = (float[])p.Clone();
        float aliased = loss.ValueAndGradientInto(yt, new LossInput<float>(alias, shape), alias);
        Assert.Equal(compute, aliased);
        Assert.Equal(D(g), D(alias));

        // Sum = Σ of the unreduced values.
        Loss sum = Create(kind, Reduction.Sum, all);
        Loss none = Create(kind, Reduction.None, all);
        float s = sum.Compute(yt, pt);
        double[] values = SpecAssert.Values(none.Call(yt, pt));
        SpecAssert.Near(values.Sum(), s, 1e-6, 1e-6, "Sum");

        // Scalar kernels (no Vector256): the same values up to the order of the double sums.
        KernelSwitch.ForceScalar = true;
        try
        {
            float scalar = loss.Compute(yt, pt);
            SpecAssert.Near(compute, scalar, 1e-6, 1e-7, "scalar path");
        }
        finally
        {
            KernelSwitch.ForceScalar = false;
        }
    }

    [Theory]
    [InlineData(Kind.Cosine)]
    [InlineData(Kind.CategoricalHinge)]
    [InlineData(Kind.Dice)]
    [InlineData(Kind.Tversky)]
    public void ManyRows_OneThreadAndMany_AreBitIdentical(Kind kind)
    {
        var rng = new Random(4000);
        int n = 20000, k = 9;
        (double[] yd, double[] pd) = RandomRows(rng, kind, n, k);
        float[] y = F(yd), p = F(pd);
        int[] shape = [n, k];
        Loss one = kind switch
        {
            Kind.Cosine => new CosineSimilarity() { MaxDegreeOfParallelism = 1 },
            Kind.CategoricalHinge => new CategoricalHinge() { MaxDegreeOfParallelism = 1 },
            Kind.Dice => new Dice(axis: [1]) { MaxDegreeOfParallelism = 1 },
            _ => new Tversky(axis: [1]) { MaxDegreeOfParallelism = 1 },
        };
        Loss many = Create(kind);
        (float v1, Tensor<float> g1) = one.ValueAndGradient(new LossInput<float>(y, shape), new LossInput<float>(p, shape));
        (float v2, Tensor<float> g2) = many.ValueAndGradient(new LossInput<float>(y, shape), new LossInput<float>(p, shape));
        Assert.Equal(v1, v2);
        Assert.Equal(SpecAssert.Values(g1), SpecAssert.Values(g2));
    }

    // ---------------------------------------------------------------- hand-derived numbers and relations

    [Fact]
    public void Cosine_ZeroVectors_GiveZeroLossAndFiniteGradient()
    {
        // y = 0: Σy·p = 0, so L = −0; p = 0: likewise. The floor keeps the gradient finite.
        var loss = new CosineSimilarity(reduction: Reduction.Sum);
        (double v, Tensor<double> g) = loss.ValueAndGradient(new LossInput<double>([0, 0, 1, 2], [2, 2]), new LossInput<double>([3, 4, 0, 0], [2, 2]));
        Assert.Equal(0.0, v);
        Assert.All(SpecAssert.Values(g), x => Assert.True(double.IsFinite(x)));

        // Row 0 has y = 0: its gradient is −r_y·r_p·y = 0. Row 1 has p = 0: −r_y·r_p·y with r_p = 1e7 (Keras 3 floor ε²).
        double[] grad = SpecAssert.Values(g);
        Assert.Equal(0.0, Math.Abs(grad[0]));
        SpecAssert.Near(-1e7 * 1 / Math.Sqrt(5), grad[2], 1e-9, 0, "∂/∂p at p = 0");
    }

    [Fact]
    public void Cosine_TinyVectors_FloorDiffersBetweenSemantics()
    {
        // y = p = (1e-7, 0): Σx² = 1e-14. Keras 3 floor 1e-14 (not active): L = −1. tf.keras 2 floor 1e-12:
        // L = −1e-14/1e-12 = −0.01.
        double[] v = [1e-7, 0];
        double k3 = new CosineSimilarity().Compute(new LossInput<double>(v, [1, 2]), new LossInput<double>(v, [1, 2]));
        double k2 = new CosineSimilarity(semantics: LossSemantics.TfKeras2).Compute(new LossInput<double>(v, [1, 2]), new LossInput<double>(v, [1, 2]));
        SpecAssert.Near(-1, k3, 1e-12, 0, "Keras 3");
        SpecAssert.Near(-0.01, k2, 1e-12, 0, "tf.keras 2");
    }

    [Fact]
    public void CategoricalHinge_TiedMaximum_SharesTheGradient()
    {
        // y = (0, 0, 1), p = (0.5, 0.5, 0.2): pos = 0.2, neg = 0.5 (two ties), L = 1.3;
        // ∂L/∂p = (1/2, 1/2, −1) (reduce_max splits between ties; the label column gets −y).
        var loss = new CategoricalHinge(Reduction.Sum);
        (double v, Tensor<double> g) = loss.ValueAndGradient(new LossInput<double>([0, 0, 1], [1, 3]), new LossInput<double>([0.5, 0.5, 0.2], [1, 3]));
        SpecAssert.Near(1.3, v, 1e-15, 0, "value");
        Assert.Equal([0.5, 0.5, -1.0], SpecAssert.Values(g));
    }

    [Fact]
    public void CategoricalHinge_Margin_ZeroLossAndZeroGradientBelowTheHinge()
    {
        // y = (1, 0), p = (3, 0.5): pos = 3, neg = 0.5, z = −1.5 < 0: L = 0, gradient 0.
        (double v, Tensor<double> g) = new CategoricalHinge(Reduction.Sum).ValueAndGradient(new LossInput<double>([1, 0], [1, 2]), new LossInput<double>([3, 0.5], [1, 2]));
        Assert.Equal(0.0, v);
        Assert.Equal([0.0, 0.0], SpecAssert.Values(g));
    }

    [Fact]
    public void Tversky_HalfHalf_EqualsDiceUpToEpsilon()
    {
        var rng = new Random(7);
        (double[] y, double[] p) = RandomRows(rng, Kind.Dice, 4, 6);
        int[] shape = [4, 6];
        double dice = new Dice().Compute(new LossInput<double>(y, shape), new LossInput<double>(p, shape));
        double tversky = new Tversky(0.5, 0.5).Compute(new LossInput<double>(y, shape), new LossInput<double>(p, shape));
        SpecAssert.Near(dice, tversky, 0, 1e-7, "Tversky(½, ½) vs Dice");
    }

    [Fact]
    public void Tversky_AlphaWeighsFalsePositives()
    {
        // y = (1, 0), p = (1, 1): TP = 1, FP = 1, FN = 0. α = 1, β = 0: L = 1 − 1/2 = 0.5; α = 0, β = 1: L ≈ 0.
        LossInput<double> y = new([1, 0], [1, 2]), p = new([1, 1], [1, 2]);
        SpecAssert.Near(0.5, new Tversky(1, 0).Compute(y, p), 1e-6, 0, "α = 1");
        SpecAssert.Near(0, new Tversky(0, 1).Compute(y, p), 0, 1e-6, "β = 1");
    }

    [Fact]
    public void Dice_AxisNone_ReturnsOneScalarForEveryReduction()
    {
        // y = (1, 0, 1, 1), p = (1, 1, 0, 1) in shape (2, 2): Σyp = 2, Σy = 3, Σp = 3: L = 1 − 4/6 = 1/3.
        LossInput<double> y = new([1, 0, 1, 1], [2, 2]), p = new([1, 1, 0, 1], [2, 2]);
        foreach (Reduction r in new[] { Reduction.Sum, Reduction.SumOverBatchSize, Reduction.MeanWithSampleWeight })
        {
            SpecAssert.Near(1.0 / 3, new Dice(r).Compute(y, p), 1e-7, 0, r.ToString());
        }

        Tensor<double> none = new Dice(Reduction.None).Call(y, p);
        Assert.Equal(1, none.FlattenedLength);
        Assert.Single(SpecAssert.Values(Losses.Dice(y, p)));
    }

    [Fact]
    public void Dice_TupleAxis_ReducesEachSample()
    {
        // Dice docstring, axis=(1, 2, 3): [0.5, 0.75757575] (also in the conformance file); here with axis (-3, -2, -1).
        double[] y = [1, 1, 0, 0, 1, 1, 0, 0];
        double[] p = [0, 1, 0, 1, 0.4, 0, 0, 0.9];
        double[] got = SpecAssert.Values(Losses.Dice(new LossInput<double>(y, [2, 2, 2, 1]), new LossInput<double>(p, [2, 2, 2, 1]), [-1, -3, -2]));
        SpecAssert.Near([0.5, 1 - (0.8 / 3.3)], got, 1e-7, 0, "dice axis");
    }

    // ---------------------------------------------------------------- semantics, configs, names, errors

    [Fact]
    public void KerasOnlyLosses_UnderTfKeras2_ThrowNamingSemantics()
    {
        Assert.Equal("semantics", Assert.Throws<ArgumentException>(() => new Dice(semantics: LossSemantics.TfKeras2)).ParamName);
        Assert.Equal("semantics", Assert.Throws<ArgumentException>(() => new Tversky(semantics: LossSemantics.TfKeras2)).ParamName);
    }

    [Fact]
    public void Configs_KeysInKerasOrder_AndJsonRoundTrips()
    {
        Assert.Equal("{\"module\": \"keras.losses\", \"class_name\": \"CosineSimilarity\", \"config\": {\"name\": \"cosine_similarity\", \"reduction\": \"sum_over_batch_size\", \"axis\": -1}, \"registered_name\": null}", new CosineSimilarity().ToJson());
        Assert.Equal("{\"class_name\": \"CosineSimilarity\", \"config\": {\"reduction\": \"auto\", \"name\": \"cosine_similarity\", \"axis\": 1}}", new CosineSimilarity(1, semantics: LossSemantics.TfKeras2).ToJson());
        Assert.Equal(["name", "reduction"], new CategoricalHinge().GetConfig().Keys);
        Assert.Equal("{\"name\": \"dice\", \"reduction\": \"sum_over_batch_size\", \"axis\": null}", System.Text.RegularExpressions.Regex.Match(new Dice().ToJson(), "\\{\"name.*\\}(?=, \"registered)").Value);
        Assert.Contains("\"alpha\": 0.2, \"beta\": 0.8, \"axis\": [1, 2, 3]", new Tversky(0.2, 0.8, axis: [1, 2, 3]).ToJson(), StringComparison.Ordinal);

        Loss[] losses =
        [
            new CosineSimilarity(2, Reduction.Sum, "c"), new CosineSimilarity(semantics: LossSemantics.TfKeras2), new CategoricalHinge(Reduction.None),
            new CategoricalHinge(semantics: LossSemantics.TfKeras2), new Dice(axis: [1, 2]), new Dice(axis: [-1]), new Tversky(0.3, 0.7, axis: [1]),
        ];
        foreach (Loss l in losses)
        {
            Loss back = Losses.FromJson(l.ToJson());
            Assert.Equal(l.GetType(), back.GetType());
            Assert.Equal(l.Semantics, back.Semantics);
            Assert.Equal(l.ToJson(), back.ToJson());
        }

        // A bare int axis in a config reads as one axis.
        Assert.Equal([2], Dice.FromConfig([new("axis", 2)]).Axis);
        Assert.Throws<ArgumentException>(() => Dice.FromConfig([new("axis", "x")]));
    }

    [Theory]
    [InlineData("CosineSimilarity", typeof(CosineSimilarity))]
    [InlineData("cosine_similarity", typeof(CosineSimilarity))]
    [InlineData("CategoricalHinge", typeof(CategoricalHinge))]
    [InlineData("categorical_hinge", typeof(CategoricalHinge))]
    [InlineData("Dice", typeof(Dice))]
    [InlineData("dice", typeof(Dice))]
    [InlineData("Tversky", typeof(Tversky))]
    [InlineData("tversky", typeof(Tversky))]
    public void Get_EveryName_GivesTheClass(string name, Type type)
    {
        Assert.IsType(type, Losses.Get(name));
        if (type == typeof(CosineSimilarity) || type == typeof(CategoricalHinge))
        {
            Assert.IsType(type, Losses.Get(name, LossSemantics.TfKeras2));
        }
    }

    [Theory]
    [InlineData("cosine")]
    [InlineData("cosine_proximity")]
    public void Get_V1ExportNames_ResolveUnderTfKeras2Only(string name)
    {
        // SPEC E.2: the tf.keras 2 v1 API exports cosine_proximity and cosine for cosine_similarity; SPEC E.1: Keras 3's get
        // does not accept them.
        var loss = Assert.IsType<CosineSimilarity>(Losses.Get(name, LossSemantics.TfKeras2));
        Assert.Equal(LossSemantics.TfKeras2, loss.Semantics);
        Assert.Equal(-1, loss.Axis);
        Assert.Equal("cosine_similarity", loss.Name);   // the class with its defaults, as Get gives every name
        var e = Assert.Throws<ArgumentException>(() => Losses.Get(name));
        Assert.Contains("LossSemantics.TfKeras2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadInputs_ThrowArgumentExceptionsNamingTheArgument()
    {
        var e = Assert.Throws<ArgumentException>(() => new CosineSimilarity().Compute(new LossInput<float>(new float[6], [2, 3]), new LossInput<float>(new float[4], [2, 2])));
        Assert.Contains("(2, 3)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 2)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new CategoricalHinge().Compute(new LossInput<float>(new float[6], [2, 3]), new LossInput<float>(new float[6], [3, 2])));
        Assert.Equal("axis", Assert.Throws<ArgumentException>(() => new CosineSimilarity(5).Compute(new LossInput<float>(new float[6], [2, 3]), new LossInput<float>(new float[6], [2, 3]))).ParamName);
        Assert.Equal("axis", Assert.Throws<ArgumentException>(() => new Dice(axis: [0, 2]).Compute(new LossInput<float>(new float[8], [2, 2, 2]), new LossInput<float>(new float[8], [2, 2, 2]))).ParamName);
        Assert.Equal("axis", Assert.Throws<ArgumentException>(() => new Dice(axis: [1, -1]).Compute(new LossInput<float>(new float[4], [2, 2]), new LossInput<float>(new float[4], [2, 2]))).ParamName);
        Assert.Equal("axis", Assert.Throws<ArgumentException>(() => new Tversky(axis: [])).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new Tversky(double.NaN)).ParamName);
    }

    [Theory]
    [InlineData(Kind.Cosine)]
    [InlineData(Kind.CategoricalHinge)]
    [InlineData(Kind.Dice)]
    [InlineData(Kind.Tversky)]
    public void NaNIn_GivesNaNOut(Kind kind)
    {
        float v = Create(kind).Compute(new LossInput<float>([1, 0, 1], [1, 3]), new LossInput<float>([0.5f, float.NaN, 0.2f], [1, 3]));
        Assert.True(float.IsNaN(v));
    }
}
