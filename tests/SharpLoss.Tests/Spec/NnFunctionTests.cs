// tf.nn.log_poisson_loss, l2_loss, compute_average_loss and scale_regularization_loss (SPEC D): the SPEC's examples,
// hand-derived values, agreement with the double reference (Reference/RefTfFunctions) in float and double, vector-Jacobian
// products against central finite differences of the reference, and the errors for bad input.

using System.Numerics.Tensors;
using SharpLoss.Tests.Properties;
using SharpLoss.Tests.Reference;

namespace SharpLoss.Tests.Spec;

public class NnFunctionTests
{
    private static readonly int[][] Shapes = [[7], [5, 3], [4, 3, 6], [0, 3]];

    private static double[] Flat<T>(Tensor<T> t)
        where T : System.Numerics.INumberBase<T> => LossMatrix.ToArrays(t).Values;

    private static double[] Fd(Func<double[], double> f, double[] x) => FiniteDifference.Gradient(f, x, 1e-5);

    // ---- log_poisson_loss ----

    [Fact]
    public void LogPoissonLoss_SpecExample_MatchesPublishedValues()
    {
        // SPEC D (computed example): z = [0, 1, 2, 5], c = [0, 0.5, 1, 2].
        float[] z = [0, 1, 2, 5], c = [0, 0.5f, 1, 2];
        double[] partial = [1, 1.1487212, 0.718282, -2.6109443];
        double[] full = [1, 1.1487212, 1.3700885, 2.159903];
        var m = new Mismatches();
        m.Values("float partial", partial, Flat(Nn.LogPoissonLoss(z, c)), new Tol(1e-6, 1e-6));
        m.Values("float full", full, Flat(Nn.LogPoissonLoss(z, c, computeFullLoss: true)), new Tol(1e-6, 1e-6));
        m.Values("double partial", partial, Flat(Nn.LogPoissonLoss(Array.ConvertAll(z, v => (double)v), Array.ConvertAll(c, v => (double)v))), new Tol(1e-6, 1e-7));
        m.Values("double full", full, Flat(Nn.LogPoissonLoss(Array.ConvertAll(z, v => (double)v), Array.ConvertAll(c, v => (double)v), true)), new Tol(1e-6, 1e-7));
        m.AssertNone(minimumChecks: 4);
    }

    [Fact]
    public void LogPoissonLoss_FullLossBoundaries_AddStirlingOnlyOutsideZeroOne()
    {
        // Hand derivation: at c = 0 the partial loss is exp(0) − 0 = 1. z = 0 and z = 1 add nothing; z = 1.5 adds
        // 1.5·ln 1.5 − 1.5 + ½·ln(3π) = 0.6081977 − 1.5 + 1.1216710 = 0.2298687; z = −1 adds NaN (log of a negative).
        double[] got = Flat(Nn.LogPoissonLoss(new double[] { 0, 1, 1.5, -1 }, new double[] { 0, 0, 0, 0 }, computeFullLoss: true));
        Assert.Equal(1.0, got[0]);
        Assert.Equal(1.0, got[1]);
        Assert.Equal(1.2298687, got[2], 6);
        Assert.True(double.IsNaN(got[3]));
    }

    [Fact]
    public void LogPoissonLoss_RandomShapes_MatchReferenceInFloatAndDouble()
    {
        var m = new Mismatches();
        foreach (int[] shape in Shapes)
        {
            foreach (bool full in new[] { false, true })
            {
                var rng = new Random(LossMatrix.Seed($"nn/log-poisson/{RefShape.Format(shape)}/{full}"));
                int n = RefShape.Size(shape);
                double[] z = Targets(rng, n), c = FacadeMatrix.Logits(rng, n, extremes: false, range: 3);
                double[] expected = RefTfFunctions.LogPoisson(z, c, full);
                var (dv, ds) = LossMatrix.ToArrays(Nn.LogPoissonLoss(FacadeMatrix.D(z, shape), FacadeMatrix.D(c, shape), full));
                m.Values($"double {RefShape.Format(shape)} full={full}", expected, dv, Tol.Double);
                Assert.Equal(shape, ds);
                double[] z32 = LossMatrix.Round32(z), c32 = LossMatrix.Round32(c);
                m.Values($"float {RefShape.Format(shape)} full={full}", RefTfFunctions.LogPoisson(z32, c32, full), Flat(Nn.LogPoissonLoss(FacadeMatrix.F(z, shape), FacadeMatrix.F(c, shape), full)), Tol.Float);
            }
        }

        m.AssertNone(minimumChecks: 16);
    }

    [Fact]
    public void LogPoissonLossGradient_MatchesFiniteDifferences()
    {
        var m = new Mismatches();
        foreach (int[] shape in Shapes)
        {
            foreach (bool full in new[] { false, true })
            {
                var rng = new Random(LossMatrix.Seed($"nn/log-poisson-grad/{RefShape.Format(shape)}/{full}"));
                int n = RefShape.Size(shape);
                double[] z = Targets(rng, n), c = FacadeMatrix.Logits(rng, n, extremes: false, range: 3), u = FiniteDifference.Upstream(rng, n);
                double[] expected = Fd(x => FiniteDifference.Dot(u, RefTfFunctions.LogPoisson(z, x, full)), c);
                m.Values($"{RefShape.Format(shape)} full={full}", expected, Flat(Nn.LogPoissonLossGradient(FacadeMatrix.D(z, shape), FacadeMatrix.D(c, shape), full, FacadeMatrix.D(u, shape))), Tol.Gradient);
                double[] ones = Fd(x => RefReduce.Sum(RefTfFunctions.LogPoisson(z, x, full)), c);
                m.Values($"{RefShape.Format(shape)} full={full}, no upstream", ones, Flat(Nn.LogPoissonLossGradient(FacadeMatrix.D(z, shape), FacadeMatrix.D(c, shape), full)), Tol.Gradient);
                float[] g32 = Flat(Nn.LogPoissonLossGradient(FacadeMatrix.F(z, shape), FacadeMatrix.F(c, shape), full)).Select(v => (float)v).ToArray();
                m.Values($"{RefShape.Format(shape)} full={full}, float", ones, Array.ConvertAll(g32, v => (double)v), new Tol(1e-4, 1e-4));
            }
        }

        m.AssertNone(minimumChecks: 24);
    }

    [Fact]
    public void LogPoissonLoss_ShapeMismatch_NamesBothShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Nn.LogPoissonLoss(new LossInput<float>(new float[6], 2, 3), new LossInput<float>(new float[6], 3, 2)));
        Assert.Equal("targets", e.ParamName);
        Assert.Contains("log_input and targets must have the same shape", e.Message, StringComparison.Ordinal);
        Assert.Contains("(3, 2) vs (2, 3)", e.Message, StringComparison.Ordinal);
        var g = Assert.Throws<ArgumentException>(() => Nn.LogPoissonLossGradient(new double[3], new double[4]));
        Assert.Contains("(4,) vs (3,)", g.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => Nn.LogPoissonLoss((float[]?)null, new float[2]));
    }

    // ---- l2_loss ----

    [Fact]
    public void L2Loss_SpecExample_IsSeven()
    {
        // SPEC D: l2_loss([1, 2, 3]) = (1 + 4 + 9) / 2 = 7.
        Assert.Equal(7f, Nn.L2Loss(new float[] { 1, 2, 3 }));
        Assert.Equal(7.0, Nn.L2Loss(new double[] { 1, 2, 3 }));
        Assert.Equal(4.5, Nn.L2Loss(LossInput.FromScalar(3.0))); // a scalar: 3² / 2
        Assert.Equal(0f, Nn.L2Loss(new LossInput<float>([], 0, 4)));
    }

    [Fact]
    public void L2Loss_RandomShapes_MatchReferenceAndGradient()
    {
        var m = new Mismatches();
        foreach (int[] shape in Shapes)
        {
            var rng = new Random(LossMatrix.Seed($"nn/l2/{RefShape.Format(shape)}"));
            int n = RefShape.Size(shape);
            double[] t = FacadeMatrix.Logits(rng, n, extremes: false);
            m.Value($"double {RefShape.Format(shape)}", RefTfFunctions.L2(t), Nn.L2Loss(FacadeMatrix.D(t, shape)), Tol.Double);
            m.Value($"float {RefShape.Format(shape)}", RefTfFunctions.L2(LossMatrix.Round32(t)), Nn.L2Loss(FacadeMatrix.F(t, shape)), Tol.Float);
            double[] expected = Fd(x => 0.75 * RefTfFunctions.L2(x), t);
            m.Values($"gradient {RefShape.Format(shape)}", expected, Flat(Nn.L2LossGradient(FacadeMatrix.D(t, shape), 0.75)), Tol.Gradient);
            m.Values($"float gradient {RefShape.Format(shape)}", Fd(RefTfFunctions.L2, t), Flat(Nn.L2LossGradient(FacadeMatrix.F(t, shape))), new Tol(1e-5, 1e-5));
        }

        m.AssertNone(minimumChecks: 16);
    }

    // ---- compute_average_loss ----

    [Fact]
    public void ComputeAverageLoss_HandDerivedValues()
    {
        // losses [[1, 2], [3, 4]]: Σ = 10 over all elements, divided by the batch dimension only.
        var losses = new LossInput<double>([1.0, 2, 3, 4], 2, 2);
        Assert.Equal(5.0, Nn.ComputeAverageLoss(losses));                                  // 10 / (2 × 1)
        Assert.Equal(2.5, Nn.ComputeAverageLoss(losses, numReplicasInSync: 2));            // 10 / (2 × 2)
        Assert.Equal(1.25, Nn.ComputeAverageLoss(losses, globalBatchSize: 8));             // 10 / 8
        Assert.Equal(0.0, Nn.ComputeAverageLoss(losses, globalBatchSize: 0));              // div_no_nan
        Assert.Equal(2.5, Nn.ComputeAverageLoss(losses, 0.5));                             // scalar weight: 5 / 2
        Assert.Equal(1.5, Nn.ComputeAverageLoss(losses, new double[] { 1, 0 }));           // (2,) expanded to (2, 1): (1 + 2) / 2
        Assert.Equal(1.5, Nn.ComputeAverageLoss(losses, new LossInput<double>([1.0, 0], 2, 1, 1))); // (2, 1, 1) squeezed to (2, 1)
        Assert.Equal(4.0, Nn.ComputeAverageLoss(losses, new LossInput<double>([0.5, 1], 1, 2)));    // (1, 2) row: (0.5 + 2 + 1.5 + 4) / 2
    }

    [Fact]
    public void ComputeAverageLoss_RandomShapesAndWeights_MatchReferenceAndGradient()
    {
        var m = new Mismatches();
        foreach (int[] shape in Shapes)
        {
            var rng = new Random(LossMatrix.Seed($"nn/average/{RefShape.Format(shape)}"));
            int n = RefShape.Size(shape);
            double[] l = FacadeMatrix.Logits(rng, n, extremes: false, range: 3);
            var weightings = new List<(string Name, double[]? W, int[]? Shape)> { ("none", null, null), ("scalar", [0.75], []) };
            int[] perSample = shape.Length <= 2 ? [shape[0]] : [shape[0], 1]; // one rank less, expanded to (N, 1[, 1])
            weightings.Add(("per-sample (N,)", Weights(rng, perSample), perSample));
            weightings.Add(("full", Weights(rng, shape), shape));
            weightings.Add(("full + (1)", Weights(rng, [.. shape, 1]), [.. shape, 1]));
            foreach (long? g in new long?[] { null, 3 })
            {
                foreach (int replicas in new[] { 1, 2 })
                {
                    foreach (var (name, w, ws) in weightings)
                    {
                        string where = $"{RefShape.Format(shape)} w={name} G={g} replicas={replicas}";
                        double expected = RefTfFunctions.ComputeAverageLoss(l, shape, w, ws, g, replicas);
                        LossInput<double> wd = w is null ? default : ws!.Length == 0 ? w[0] : FacadeMatrix.D(w, ws);
                        LossInput<float> wf = w is null ? default : ws!.Length == 0 ? (float)w[0] : FacadeMatrix.F(w, ws);
                        m.Value("double " + where, expected, Nn.ComputeAverageLoss(FacadeMatrix.D(l, shape), wd, g, replicas), Tol.Double);
                        double expected32 = RefTfFunctions.ComputeAverageLoss(LossMatrix.Round32(l), shape, w is null ? null : LossMatrix.Round32(w), ws, g, replicas);
                        m.Value("float " + where, expected32, Nn.ComputeAverageLoss(FacadeMatrix.F(l, shape), wf, g, replicas), Tol.Float);
                        double[] fd = Fd(x => 1.5 * RefTfFunctions.ComputeAverageLoss(x, shape, w, ws, g, replicas), l);
                        m.Values("gradient " + where, fd, Flat(Nn.ComputeAverageLossGradient(FacadeMatrix.D(l, shape), wd, g, replicas, 1.5)), Tol.Gradient);
                    }
                }
            }
        }

        m.AssertNone(minimumChecks: 100);
    }

    [Fact]
    public void ComputeAverageLoss_BadInput_NamesTheArgument()
    {
        var scalar = Assert.Throws<ArgumentException>(() => Nn.ComputeAverageLoss(LossInput.FromScalar(2.0)));
        Assert.Equal("perExampleLoss", scalar.ParamName);
        Assert.Contains("at least rank 1", scalar.Message, StringComparison.Ordinal);
        var rank0 = Assert.Throws<ArgumentException>(() => Nn.ComputeAverageLoss(new LossInput<float>([2f], ReadOnlySpan<int>.Empty)));
        Assert.Equal("perExampleLoss", rank0.ParamName);
        Assert.Throws<ArgumentException>(() => Nn.ComputeAverageLossGradient(LossInput.FromScalar(2f)));
        var g = Assert.Throws<ArgumentOutOfRangeException>(() => Nn.ComputeAverageLoss(new float[] { 1, 2 }, globalBatchSize: -1));
        Assert.Equal("globalBatchSize", g.ParamName);
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => Nn.ComputeAverageLoss(new float[] { 1, 2 }, numReplicasInSync: 0));
        Assert.Equal("numReplicasInSync", r.ParamName);
        var w = Assert.Throws<ArgumentException>(() => Nn.ComputeAverageLoss(new LossInput<float>(new float[6], 2, 3), new LossInput<float>(new float[4], 2, 2)));
        Assert.Equal("sampleWeight", w.ParamName);
        Assert.Contains("(2, 3)", w.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 2)", w.Message, StringComparison.Ordinal);
        var squeeze = Assert.Throws<ArgumentException>(() => Nn.ComputeAverageLoss(new float[] { 1, 2 }, new LossInput<float>(new float[4], 2, 2)));
        Assert.Equal("sampleWeight", squeeze.ParamName);
    }

    // ---- scale_regularization_loss ----

    [Fact]
    public void ScaleRegularizationLoss_HandDerivedValuesAndGradient()
    {
        // Σ [1, 2, 3] = 6; over 2 replicas 3; a scalar 5 over 4 replicas 1.25; the gradient is upstream / replicas.
        Assert.Equal(6f, Nn.ScaleRegularizationLoss(new float[] { 1, 2, 3 }));
        Assert.Equal(3.0, Nn.ScaleRegularizationLoss(new double[] { 1, 2, 3 }, 2));
        Assert.Equal(1.25, Nn.ScaleRegularizationLoss(LossInput.FromScalar(5.0), 4));
        Assert.Equal([0.25, 0.25, 0.25], Flat(Nn.ScaleRegularizationLossGradient(new double[] { 1, 2, 3 }, 4)));
        Assert.Equal([1.5, 1.5], Flat(Nn.ScaleRegularizationLossGradient(new float[] { 7, -7 }, 2, 3f)));
        var rng = new Random(LossMatrix.Seed("nn/scale-reg"));
        double[] t = FacadeMatrix.Logits(rng, 12, extremes: false);
        var m = new Mismatches();
        m.Value("value", RefTfFunctions.ScaleRegularizationLoss(t, 3), Nn.ScaleRegularizationLoss(FacadeMatrix.D(t, [3, 4]), 3), Tol.Double);
        m.Values("gradient", Fd(x => RefTfFunctions.ScaleRegularizationLoss(x, 3), t), Flat(Nn.ScaleRegularizationLossGradient(FacadeMatrix.D(t, [3, 4]), 3)), Tol.Gradient);
        m.AssertNone(minimumChecks: 2);
        Assert.Equal("numReplicasInSync", Assert.Throws<ArgumentOutOfRangeException>(() => Nn.ScaleRegularizationLoss(new float[] { 1 }, 0)).ParamName);
    }

    private static double[] Targets(Random rng, int n)
    {
        // Counts (0, 1, 2, …, 9) and fractions in [0, 1], so the full loss's two branches are both taken.
        var z = new double[n];
        for (int i = 0; i < n; i++)
        {
            z[i] = rng.Next(3) == 0 ? rng.NextDouble() : rng.Next(10);
        }

        return z;
    }

    private static double[] Weights(Random rng, int[] shape)
    {
        var w = new double[RefShape.Size(shape)];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = (float)LossMatrix.Uniform(rng, 0, 2);
        }

        return w;
    }
}
