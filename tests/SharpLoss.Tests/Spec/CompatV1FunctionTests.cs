// tf.compat.v1.losses hinge_loss, log_loss, sigmoid_cross_entropy, cosine_distance, sparse_softmax_cross_entropy and
// mean_pairwise_squared_error, and the gradients of absolute_difference and compute_weighted_loss (SPEC C, A.9):
// hand-derived examples, agreement with the double reference (Reference/RefTfFunctions + RefReduce.CompatV1) for every
// v1 reduction and weighting in float and double, vector-Jacobian products against central finite differences of the
// reference, and the errors for bad input.

using System.Numerics.Tensors;
using SharpLoss.Tests.Properties;
using SharpLoss.Tests.Reference;

namespace SharpLoss.Tests.Spec;

public class CompatV1FunctionTests
{
    private static readonly Tol DoubleTol = new(1e-10, 1e-12);

    public static readonly string[] ElementFunctions = ["hinge_loss", "log_loss", "sigmoid_cross_entropy", "sigmoid_cross_entropy ls=0.2", "absolute_difference", "cosine_distance", "compute_weighted_loss"];

    public static IEnumerable<object[]> FunctionReductionRows() =>
        from f in ElementFunctions from r in FacadeMatrix.V1Reductions select new object[] { f, r };

    public static IEnumerable<object[]> V1ReductionRows() => FacadeMatrix.V1ReductionRows();

    private static double[] Flat<T>(Tensor<T> t)
        where T : System.Numerics.INumberBase<T> => LossMatrix.ToArrays(t).Values;

    // ---- hand-derived examples ----

    [Fact]
    public void HingeLoss_HandDerived()
    {
        // s = 2l − 1 = [−1, 1, 1, −1]; 1 − s·x = [1.5, 0.5, −1, −1]; relu → [1.5, 0.5, 0, 0]; SBNZW: 2 / 4 = 0.5.
        float[] l = [0, 1, 1, 0], x = [0.5f, 0.5f, 2, -2];
        Assert.Equal(0.5f, CompatV1.HingeLoss(l, x)[0]);
        Assert.Equal([1.5, 0.5, 0, 0], Flat(CompatV1.HingeLoss(Array.ConvertAll(l, v => (double)v), Array.ConvertAll(x, v => (double)v), reduction: CompatV1.Reduction.None)));
        // Gradient of the mean: −s/4 where the hinge is active: [0.25, −0.25, 0, 0].
        Assert.Equal([0.25, -0.25, 0, 0], Flat(CompatV1.HingeLossGradient(Array.ConvertAll(l, v => (double)v), Array.ConvertAll(x, v => (double)v))));
    }

    [Fact]
    public void LogLoss_HandDerived()
    {
        // (−log(0.5 + 1e-7) − log(1 − 0.25 + 1e-7)) / 2 = (0.6931470 + 0.2876820) / 2 = 0.49041446 (ε inside the logs, no clip).
        Assert.Equal(0.49041446, CompatV1.LogLoss(new double[] { 1, 0 }, new double[] { 0.5, 0.25 })[0], 7);
        Assert.Equal(0.49041446f, CompatV1.LogLoss(new float[] { 1, 0 }, new float[] { 0.5f, 0.25f })[0], 6);
        // ε = 0 and p = 0 with l = 1: −log 0 = ∞ (nothing is clipped).
        Assert.Equal(double.PositiveInfinity, CompatV1.LogLoss(new double[] { 1 }, new double[] { 0 }, epsilon: 0)[0]);
    }

    [Fact]
    public void SigmoidCrossEntropy_LabelSmoothingTowardHalf_HandDerived()
    {
        // ls = 0.2: z = [1, 0]·0.8 + 0.1 = [0.9, 0.1]; x = [2, −1]:
        // 2 − 1.8 + log1p(e^−2) = 0.3269280; 0 + 0.1 + log1p(e^−1) = 0.4132617; mean 0.37009485.
        Assert.Equal(0.37009485, CompatV1.SigmoidCrossEntropy(new double[] { 1, 0 }, new double[] { 2, -1 }, labelSmoothing: 0.2)[0], 7);
        Assert.Equal(0.37009485f, CompatV1.SigmoidCrossEntropy(new float[] { 1, 0 }, new float[] { 2, -1 }, labelSmoothing: 0.2)[0], 6);
        // Gradient of the mean: (σ(x) − z)/2 = [(0.8807971 − 0.9)/2, (0.2689414 − 0.1)/2].
        double[] g = Flat(CompatV1.SigmoidCrossEntropyGradient(new double[] { 1, 0 }, new double[] { 2, -1 }, labelSmoothing: 0.2));
        Assert.Equal(-0.00960146, g[0], 7);
        Assert.Equal(0.08447071, g[1], 7);
    }

    [Fact]
    public void CosineDistance_HandDerived_KeepsTheAxis()
    {
        // 1 − Σ p·l per row: [1 − 0.6, 1 − 0.8] = [0.4, 0.2], shape (2, 1); SBNZW 0.3; gradient −l / 2.
        var l = new LossInput<double>([1.0, 0, 0, 1], 2, 2);
        var p = new LossInput<double>([0.6, 0.8, 0.6, 0.8], 2, 2);
        var none = LossMatrix.ToArrays(CompatV1.CosineDistance(l, p, axis: 1, reduction: CompatV1.Reduction.None));
        Assert.Equal([2, 1], none.Shape);
        Assert.Equal(0.4, none.Values[0], 12);
        Assert.Equal(0.2, none.Values[1], 12);
        Assert.Equal(0.3, CompatV1.CosineDistance(l, p, axis: 1)[0], 12);
        Assert.Equal(0.3, CompatV1.CosineDistance(l, p, dim: -1)[0], 12);
        Assert.Equal([-0.5, 0, 0, -0.5], Flat(CompatV1.CosineDistanceGradient(l, p, axis: 1)));
        // axis 0: columns [1·0.6 + 0·0.6, 0·0.8 + 1·0.8] → [0.4, 0.2], shape (1, 2).
        var columns = LossMatrix.ToArrays(CompatV1.CosineDistance(l, p, axis: 0, reduction: CompatV1.Reduction.None));
        Assert.Equal([1, 2], columns.Shape);
        Assert.Equal(0.4, columns.Values[0], 12);
    }

    [Fact]
    public void SparseSoftmaxCrossEntropy_PublishedRowsWeighted()
    {
        // Rows from the tf.nn.sparse_softmax_cross_entropy_with_logits docs: [0.29750752, 1.1448325, 0]; weights [1, 0.5, 0]:
        // (0.29750752 + 0.57241625) / 2 non-zero weights = 0.43496189.
        double[] logits = [2, -5, .5, -.1, 0, 0, 1.9, 1.4, -100, 100, -100, -100];
        var x = new LossInput<double>(logits, 3, 4);
        Assert.Equal(0.43496189, CompatV1.SparseSoftmaxCrossEntropy(new int[] { 0, 3, 1 }, x, new double[] { 1, 0.5, 0 })[0], 6);
        // Labels (3, 1) and weights (3, 1) are squeezed, as TensorFlow's _remove_squeezable_dimensions does.
        Assert.Equal(0.43496189, CompatV1.SparseSoftmaxCrossEntropy(new LossInput<long>([0L, 3, 1], 3, 1), x, new LossInput<double>([1.0, 0.5, 0], 3, 1))[0], 6);
        var f = CompatV1.SparseSoftmaxCrossEntropy(new int[] { 0, 3, 1 }, new LossInput<float>(Array.ConvertAll(logits, v => (float)v), 3, 4), new float[] { 1, 0.5f, 0 });
        Assert.Equal(0.43496189f, f[0], 5);
        var none = LossMatrix.ToArrays(CompatV1.SparseSoftmaxCrossEntropy(new int[] { 0, 3, 1 }, x, reduction: CompatV1.Reduction.None));
        Assert.Equal([3], none.Shape);
        Assert.Equal(1.1448325, none.Values[1], 1e-6);
    }

    [Fact]
    public void MeanPairwiseSquaredError_HandDerived()
    {
        // d = [1, 2, 3]: pairs (1−2)², (1−3)², (2−3)² = 1, 4, 1 → mean 2 = 2·14/2 − 2·6²/6. A second sample d = [1, 1, 1]
        // gives 0; the result is the sum over samples (2), not a mean.
        var zeros = new LossInput<double>(new double[6], 2, 3);
        var p = new LossInput<double>([1.0, 2, 3, 1, 1, 1], 2, 3);
        Assert.Equal(2.0, CompatV1.MeanPairwiseSquaredError(zeros, p)[0], 12);
        // Per-sample weights [2, 3]: 2·2 + 3·0 = 4.
        Assert.Equal(4.0, CompatV1.MeanPairwiseSquaredError(zeros, p, new LossInput<double>([2.0, 3], 2, 1))[0], 12);
        // Weights (1, 3) = [1, 0, 1]: n = 2 per sample while the sums still run over all three elements (TensorFlow's
        // formula): sample 1: 2·14/1 − 2·36/2 = −8, sample 2: 2·3/1 − 2·9/2 = −3; each times Σw = 2: −22.
        Assert.Equal(-22.0, CompatV1.MeanPairwiseSquaredError(zeros, p, new LossInput<double>([1.0, 0, 1], 1, 3))[0], 12);
        // Rank-1 inputs: every sample has one element, n − 1 = 0, the loss is 0; all-zero weights give 0.
        Assert.Equal(0.0, CompatV1.MeanPairwiseSquaredError(new double[] { 0, 0 }, new double[] { 1, 5 })[0]);
        Assert.Equal(0.0, CompatV1.MeanPairwiseSquaredError(zeros, p, 0.0)[0]);
        Assert.Equal(2f, CompatV1.MeanPairwiseSquaredError(new LossInput<float>(new float[3], 1, 3), new LossInput<float>([1f, 2, 3], 1, 3))[0], 5);
    }

    // ---- reference agreement and gradients ----

    [Theory]
    [MemberData(nameof(FunctionReductionRows))]
    public void Function_EveryWeightingAndReduction_MatchesReferenceAndFiniteDifferences(string fn, CompatV1.Reduction reduction)
    {
        var m = new Mismatches();
        foreach ((int[] shape, int axis) in CasesFor(fn))
        {
            int seed = LossMatrix.Seed($"v1/{fn}/{reduction}/{RefShape.Format(shape)}/{axis}");
            var rng = new Random(seed);
            int n = RefShape.Size(shape);
            (double[] l, double[] x) = Inputs(fn, rng, n);
            (double[] Values, int[] Shape) Terms(double[] labels, double[] p) => Reference(fn, labels, p, shape, axis);
            int[] lossShape = Terms(l, x).Shape;
            foreach (WeightCase w in FacadeMatrix.V1Weightings(lossShape, rng))
            {
                string where = $"{fn} {FacadeMatrix.V1Name(reduction)} {RefShape.Format(shape)} axis {axis} {w} (seed {seed})";
                RefResult Ref(double[] labels, double[] p)
                {
                    var (v, s) = Terms(labels, p);
                    return FacadeMatrix.V1Reduce(v, s, w, reduction);
                }

                RefResult expected;
                try
                {
                    expected = Ref(l, x);
                }
                catch (ArgumentException)
                {
                    Assert.ThrowsAny<ArgumentException>(() => Call(fn, l, x, shape, axis, w.AsDouble(), reduction));
                    continue;
                }

                var (dv, ds) = LossMatrix.ToArrays(Call(fn, l, x, shape, axis, w.AsDouble(), reduction));
                m.Values(where + " double", expected.Scalar is { } sd ? [sd] : expected.Values, dv, DoubleTol);
                Assert.Equal(expected.LibraryShape, ds);
                double[] l32 = LossMatrix.Round32(l), x32 = LossMatrix.Round32(x);
                var w32 = w.IsScalar ? new WeightCase { Name = w.Name, IsScalar = true, Scalar = (float)w.Scalar } : w;
                RefResult e32 = FacadeMatrix.V1Reduce(Terms(l32, x32).Values, lossShape, w32, reduction);
                m.Values(where + " float", e32.Scalar is { } sf ? [sf] : e32.Values, Flat(CallF(fn, l, x, shape, axis, w.AsFloat(), reduction)), Tol.Float);

                // Gradients: Σ u·result with a random upstream, and the result (or its sum) without one.
                double[] u = FiniteDifference.Upstream(rng, expected.Scalar is null ? expected.Values.Length : 1);
                LossInput<double> up = expected.Scalar is null ? FacadeMatrix.D(u, expected.Shape) : u[0];
                double[] fd = FiniteDifference.Gradient(p => FiniteDifference.Dot(u, Ref(l, p) is { Scalar: double v } ? [v] : Ref(l, p).Values), x, 1e-5);
                m.Values(where + " gradient", fd, Flat(Grad(fn, l, x, shape, axis, w.AsDouble(), reduction, up)), Tol.Gradient);
                double[] fdOnes = FiniteDifference.Gradient(p => Ref(l, p).Objective, x, 1e-5);
                m.Values(where + " gradient, no upstream", fdOnes, Flat(Grad(fn, l, x, shape, axis, w.AsDouble(), reduction, default)), Tol.Gradient);
            }
        }

        m.AssertNone(minimumChecks: 40);
    }

    [Theory]
    [MemberData(nameof(V1ReductionRows))]
    public void SparseSoftmaxCrossEntropy_EveryWeighting_MatchesReferenceAndFiniteDifferences(CompatV1.Reduction reduction)
    {
        var m = new Mismatches();
        foreach (int[] shape in FacadeMatrix.V1SoftmaxShapes)
        {
            int seed = LossMatrix.Seed($"v1/sparse/{reduction}/{RefShape.Format(shape)}");
            var rng = new Random(seed);
            int[] labelShape = shape[..^1];
            long[] labels = FacadeMatrix.ClassIds(rng, RefShape.Size(labelShape), shape[^1]);
            double[] x = FacadeMatrix.Logits(rng, RefShape.Size(shape), extremes: false);
            foreach (WeightCase w in FacadeMatrix.V1Weightings(labelShape, rng))
            {
                string where = $"sparse {FacadeMatrix.V1Name(reduction)} {RefShape.Format(shape)} {w} (seed {seed})";
                RefResult Ref(double[] p) => FacadeMatrix.V1Reduce(RefLosses.SparseSoftmaxCrossEntropyWithLogits(labels, p, shape).Values, labelShape, w, reduction);
                RefResult expected;
                try
                {
                    expected = Ref(x);
                }
                catch (ArgumentException)
                {
                    Assert.ThrowsAny<ArgumentException>(() => CompatV1.SparseSoftmaxCrossEntropy(new LossInput<long>(labels, labelShape), FacadeMatrix.D(x, shape), w.AsDouble(), reduction));
                    continue;
                }

                var got = LossMatrix.ToArrays(CompatV1.SparseSoftmaxCrossEntropy(new LossInput<int>(LossMatrix.Ints(labels), labelShape), FacadeMatrix.D(x, shape), w.AsDouble(), reduction));
                m.Values(where, expected.Scalar is { } s ? [s] : expected.Values, got.Values, DoubleTol);
                double[] u = FiniteDifference.Upstream(rng, expected.Scalar is null ? expected.Values.Length : 1);
                LossInput<double> up = expected.Scalar is null ? FacadeMatrix.D(u, expected.Shape) : u[0];
                double[] fd = FiniteDifference.Gradient(p => FiniteDifference.Dot(u, Ref(p) is { Scalar: double v } ? [v] : Ref(p).Values), x, 1e-5);
                m.Values(where + " gradient", fd, Flat(CompatV1.SparseSoftmaxCrossEntropyGradient(new LossInput<long>(labels, labelShape), FacadeMatrix.D(x, shape), w.AsDouble(), reduction, up)), Tol.Gradient);
            }
        }

        m.AssertNone(minimumChecks: 10);
    }

    [Fact]
    public void MeanPairwiseSquaredError_RandomWeightings_MatchReferenceAndFiniteDifferences()
    {
        var m = new Mismatches();
        foreach (int[] shape in new[] { new[] { 6 }, [4, 3], [3, 2, 4], [0, 3] })
        {
            int seed = LossMatrix.Seed($"v1/mpse/{RefShape.Format(shape)}");
            var rng = new Random(seed);
            int n = RefShape.Size(shape);
            double[] l = FacadeMatrix.Logits(rng, n, extremes: false, range: 2), x = FacadeMatrix.Logits(rng, n, extremes: false, range: 2);
            foreach (WeightCase w in FacadeMatrix.V1Weightings(shape, rng))
            {
                string where = $"mpse {RefShape.Format(shape)} {w} (seed {seed})";
                double Ref(double[] labels, double[] p) => RefTfFunctions.MeanPairwiseSquaredError(labels, p, shape, w.RefWeight, w.RefWeightShape);
                double expected;
                try
                {
                    expected = Ref(l, x);
                }
                catch (ArgumentException)
                {
                    continue;
                }

                if (w.Name.Contains("invalid", StringComparison.Ordinal))
                {
                    Assert.ThrowsAny<ArgumentException>(() => CompatV1.MeanPairwiseSquaredError(FacadeMatrix.D(l, shape), FacadeMatrix.D(x, shape), w.AsDouble()));
                    continue;
                }

                m.Value(where, expected, CompatV1.MeanPairwiseSquaredError(FacadeMatrix.D(l, shape), FacadeMatrix.D(x, shape), w.AsDouble())[0], DoubleTol);
                m.Value(where + " float", Ref(LossMatrix.Round32(l), LossMatrix.Round32(x)), CompatV1.MeanPairwiseSquaredError(FacadeMatrix.F(l, shape), FacadeMatrix.F(x, shape), w.AsFloat())[0], new Tol(1e-5, 1e-5));
                double[] fd = FiniteDifference.Gradient(p => 0.5 * Ref(l, p), x, 1e-5);
                m.Values(where + " gradient", fd, Flat(CompatV1.MeanPairwiseSquaredErrorGradient(FacadeMatrix.D(l, shape), FacadeMatrix.D(x, shape), w.AsDouble(), 0.5)), Tol.Gradient);
            }
        }

        m.AssertNone(minimumChecks: 30);
    }

    // ---- bad input ----

    [Fact]
    public void CosineDistance_MissingOrDoubledAxis_Throws()
    {
        var missing = Assert.Throws<ArgumentException>(() => CompatV1.CosineDistance(new float[] { 1 }, new float[] { 1 }));
        Assert.Equal("axis", missing.ParamName);
        Assert.Contains("You must specify argument `axis`", missing.Message, StringComparison.Ordinal);
        var both = Assert.Throws<ArgumentException>(() => CompatV1.CosineDistance(new float[] { 1 }, new float[] { 1 }, axis: 0, dim: 0));
        Assert.Equal("dim", both.ParamName);
        Assert.Contains("Cannot specify both 'axis' and 'dim'", both.Message, StringComparison.Ordinal);
        var range = Assert.Throws<ArgumentException>(() => CompatV1.CosineDistance(new double[] { 1 }, new double[] { 1 }, axis: 2));
        Assert.Equal("axis", range.ParamName);
    }

    [Fact]
    public void ShapeMismatch_EveryFunction_NamesBothShapes()
    {
        double[] six = new double[6];
        static LossInput<double> L(double[] d) => new(d, 2, 3);
        static LossInput<double> P(double[] d) => new(d, 3, 2);
        foreach (var (name, call) in new (string, Action)[]
        {
            ("hinge_loss", () => CompatV1.HingeLoss(L(six), P(six))),
            ("log_loss", () => CompatV1.LogLoss(L(six), P(six))),
            ("sigmoid_cross_entropy", () => CompatV1.SigmoidCrossEntropy(L(six), P(six))),
            ("cosine_distance", () => CompatV1.CosineDistance(L(six), P(six), axis: 1)),
            ("mean_pairwise_squared_error", () => CompatV1.MeanPairwiseSquaredError(L(six), P(six))),
            ("absolute_difference gradient", () => CompatV1.AbsoluteDifferenceGradient(L(six), P(six))),
            ("hinge_loss gradient", () => CompatV1.HingeLossGradient(L(six), P(six))),
        })
        {
            var e = Assert.ThrowsAny<ArgumentException>(call);
            Assert.True(e.Message.Contains("(2, 3)", StringComparison.Ordinal) && e.Message.Contains("(3, 2)", StringComparison.Ordinal), $"{name}: {e.Message}");
            Assert.True(e.ParamName is "labels" or "multiClassLabels", $"{name}: {e.ParamName}");
        }

        var s = Assert.Throws<ArgumentException>(() => CompatV1.SparseSoftmaxCrossEntropy(new int[] { 0, 1 }, new LossInput<double>(new double[9], 3, 3)));
        Assert.Contains("(2,)", s.Message, StringComparison.Ordinal);
        Assert.Contains("(3, 3)", s.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadArguments_AreRejectedNamingThem()
    {
        Assert.Equal("labelSmoothing", Assert.Throws<ArgumentOutOfRangeException>(() => CompatV1.SigmoidCrossEntropy(new float[] { 1 }, new float[] { 1 }, labelSmoothing: 1.5)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => CompatV1.LogLoss(new float[] { 1 }, new float[] { 1 }, epsilon: -1)).ParamName);
        Assert.Equal("reduction", Assert.Throws<ArgumentOutOfRangeException>(() => CompatV1.HingeLoss(new float[] { 1 }, new float[] { 1 }, reduction: (CompatV1.Reduction)9)).ParamName);
        var squeeze = Assert.Throws<ArgumentException>(() => CompatV1.SparseSoftmaxCrossEntropy(new int[] { 0, 1 }, new LossInput<double>(new double[6], 2, 3), new LossInput<double>(new double[4], 2, 2)));
        Assert.Equal("weights", squeeze.ParamName);
        var rank1 = Assert.Throws<ArgumentException>(() => CompatV1.HingeLoss(new LossInput<float>(new float[6], 2, 3), new LossInput<float>(new float[6], 2, 3), new float[] { 1, 1 }));
        Assert.Equal("weights", rank1.ParamName);
        Assert.Throws<ArgumentException>(() => CompatV1.MeanPairwiseSquaredError(LossInput.FromScalar(1.0), LossInput.FromScalar(1.0)));
        Assert.Throws<ArgumentNullException>(() => CompatV1.LogLoss((float[]?)null, new float[] { 1 }));
    }

    // ---- the functions under test, by name ----

    private static IEnumerable<(int[] Shape, int Axis)> CasesFor(string fn) => fn == "cosine_distance"
        ? [([5, 3], 1), ([5, 3], 0), ([4, 3, 6], 1), ([7], 0), ([0, 3], 1), ([2, 3, 4], -1)]
        : FacadeMatrix.ElementShapes.Select(s => (s, -1));

    private static (double[] Labels, double[] X) Inputs(string fn, Random rng, int n)
    {
        var l = new double[n];
        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            switch (fn)
            {
                case "hinge_loss":
                    l[i] = rng.Next(2);
                    double s = (2 * l[i]) - 1;
                    double margin = (rng.Next(2) == 0 ? -1 : 1) * LossMatrix.Uniform(rng, 0.1, 2); // 1 − s·x away from the kink at 0
                    x[i] = (1 - margin) / s;
                    break;
                case "log_loss":
                    l[i] = rng.NextDouble() < 0.5 ? rng.Next(2) : rng.NextDouble();
                    x[i] = LossMatrix.Uniform(rng, 0.05, 0.95);
                    break;
                case "absolute_difference":
                    l[i] = LossMatrix.Uniform(rng, -2, 2);
                    x[i] = l[i] + ((rng.Next(2) == 0 ? -1 : 1) * LossMatrix.Uniform(rng, 0.05, 2));
                    break;
                default:
                    l[i] = fn.StartsWith("sigmoid", StringComparison.Ordinal) ? (rng.NextDouble() < 0.5 ? rng.Next(2) : rng.NextDouble()) : LossMatrix.Uniform(rng, -1, 1);
                    x[i] = LossMatrix.Uniform(rng, -4, 4);
                    break;
            }
        }

        return (l, x);
    }

    private static (double[] Values, int[] Shape) Reference(string fn, double[] l, double[] x, int[] shape, int axis) => fn switch
    {
        "hinge_loss" => (RefTfFunctions.HingeV1(l, x), shape),
        "log_loss" => (RefTfFunctions.LogLossV1(l, x, 1e-7), shape),
        "sigmoid_cross_entropy" => (RefTfFunctions.SigmoidV1(l, x, 0), shape),
        "sigmoid_cross_entropy ls=0.2" => (RefTfFunctions.SigmoidV1(l, x, 0.2), shape),
        "absolute_difference" => (FacadeMatrix.V1Elementwise(l, x, squared: false), shape),
        "cosine_distance" => RefTfFunctions.CosineDistance(l, x, shape, axis),
        _ => ((double[])x.Clone(), shape), // compute_weighted_loss: the losses are x
    };

    private static Tensor<double> Call(string fn, double[] l, double[] x, int[] shape, int axis, LossInput<double> w, CompatV1.Reduction r)
    {
        LossInput<double> ld = FacadeMatrix.D(l, shape), xd = FacadeMatrix.D(x, shape);
        return fn switch
        {
            "hinge_loss" => CompatV1.HingeLoss(ld, xd, w, r),
            "log_loss" => CompatV1.LogLoss(ld, xd, w, reduction: r),
            "sigmoid_cross_entropy" => CompatV1.SigmoidCrossEntropy(ld, xd, w, reduction: r),
            "sigmoid_cross_entropy ls=0.2" => CompatV1.SigmoidCrossEntropy(ld, xd, w, 0.2, r),
            "absolute_difference" => CompatV1.AbsoluteDifference(ld, xd, w, r),
            "cosine_distance" => CompatV1.CosineDistance(ld, xd, axis, w, r),
            _ => CompatV1.ComputeWeightedLoss(xd, w, r),
        };
    }

    private static Tensor<float> CallF(string fn, double[] l, double[] x, int[] shape, int axis, LossInput<float> w, CompatV1.Reduction r)
    {
        LossInput<float> lf = FacadeMatrix.F(l, shape), xf = FacadeMatrix.F(x, shape);
        return fn switch
        {
            "hinge_loss" => CompatV1.HingeLoss(lf, xf, w, r),
            "log_loss" => CompatV1.LogLoss(lf, xf, w, reduction: r),
            "sigmoid_cross_entropy" => CompatV1.SigmoidCrossEntropy(lf, xf, w, reduction: r),
            "sigmoid_cross_entropy ls=0.2" => CompatV1.SigmoidCrossEntropy(lf, xf, w, 0.2, r),
            "absolute_difference" => CompatV1.AbsoluteDifference(lf, xf, w, r),
            "cosine_distance" => CompatV1.CosineDistance(lf, xf, axis, w, r),
            _ => CompatV1.ComputeWeightedLoss(xf, w, r),
        };
    }

    private static Tensor<double> Grad(string fn, double[] l, double[] x, int[] shape, int axis, LossInput<double> w, CompatV1.Reduction r, LossInput<double> up)
    {
        LossInput<double> ld = FacadeMatrix.D(l, shape), xd = FacadeMatrix.D(x, shape);
        return fn switch
        {
            "hinge_loss" => CompatV1.HingeLossGradient(ld, xd, w, r, up),
            "log_loss" => CompatV1.LogLossGradient(ld, xd, w, reduction: r, upstream: up),
            "sigmoid_cross_entropy" => CompatV1.SigmoidCrossEntropyGradient(ld, xd, w, reduction: r, upstream: up),
            "sigmoid_cross_entropy ls=0.2" => CompatV1.SigmoidCrossEntropyGradient(ld, xd, w, 0.2, r, up),
            "absolute_difference" => CompatV1.AbsoluteDifferenceGradient(ld, xd, w, r, up),
            "cosine_distance" => CompatV1.CosineDistanceGradient(ld, xd, axis, w, r, up),
            _ => CompatV1.ComputeWeightedLossGradient(xd, w, r, up),
        };
    }
}
