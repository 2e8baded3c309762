// Analytic gradients (double) against central finite differences of the *reference* (Reference/, double), for every
// loss variant × reduction × weighting of the matrix, and for the tf.nn / compat.v1 gradient methods. Inputs are kept
// away from kinks: probabilities in [0.02, 0.98] (far from the 1e-7 clip bounds), |y − p| ≥ 0.05 for MAE,
// ||y − p| − δ| ≥ 0.05 for Huber (its second derivative jumps at δ), logits in [-6, 6]. The expected gradient is FiniteDifference.Gradient of the reference pipeline's objective: the reduced scalar
// (ValueAndGradient), u · scalar (Backward with a scalar upstream u), or Σ u_i · values_i (Backward with a random
// upstream for Reduction.None; Σ values_i without one). Tolerance 1e-6 relative + 1e-7 absolute.
// Step 1e-5 (· max(1, |x|)): the truncation error is below 1e-7 relative for these inputs, and the rounding noise of
// a reduced sum of up to 120 terms stays below 1e-8.

using SharpLoss.Tests.Reference;

namespace SharpLoss.Tests.Properties;

public class GradientTests
{
    private const double Step = 1e-5;

    public static IEnumerable<object[]> CaseReductionRows() => LossMatrix.CaseReductionRows();

    public static IEnumerable<object[]> V1ReductionRows() => FacadeMatrix.V1ReductionRows();

    private static double[] Fd(Func<double[], double> f, double[] x) => FiniteDifference.Gradient(f, x, Step);

    private static double[] Scale(double[] v, double s) => Array.ConvertAll(v, e => e * s);

    private static double Dot(double[] u, double[] v)
    {
        double s = 0;
        for (int i = 0; i < u.Length; i++)
        {
            s += u[i] * v[i];
        }

        return s;
    }

    private static double[] RandomUpstream(Random rng, int n)
    {
        var u = new double[n];
        for (int i = 0; i < n; i++)
        {
            u[i] = LossMatrix.Uniform(rng, -2, 2);
        }

        return u;
    }

    // ------------------------------------------------------------------ Keras loss classes

    [Theory]
    [MemberData(nameof(CaseReductionRows))]
    public void KerasLoss_AnalyticGradient_MatchesFiniteDifferencesOfReference(string caseId, Reduction reduction)
    {
        LossCase c = LossMatrix.Cases[caseId];
        Loss loss = c.Make(reduction);
        var m = new Mismatches();
        for (int si = 0; si < c.Shapes.Length; si++)
        {
            ShapeCase shape = c.Shapes[si];
            string key = $"grad/{caseId}/{reduction}/{si}";
            int seed = LossMatrix.Seed(key);
            var rng = new Random(seed);
            Sample s = LossMatrix.Generate(c, shape, rng, smooth: true, float32: false, (LabelType)(1 + (si % 3)));
            int[] lossShape = LossMatrix.ReferencePerSample(c, s, s.P, float32: false).Shape;
            foreach (WeightCase w in LossMatrix.Weightings(lossShape, shape.PShape, rng))
            {
                string where = $"{caseId} {LossMatrix.ReductionName(reduction)} {shape} {w} labels {s.LabelType} (seed {seed})";
                if (LossMatrix.IsEmptyMaskedTfKeras2Mean(c, reduction, lossShape, w))
                {
                    continue; // known value disagreement, see ReferenceAgreementTests.TfKeras2MeanReduction_EmptyBatchWithMask_IsZero
                }

                RefResult at;
                try
                {
                    at = LossMatrix.Reference(c, s, s.P, w, reduction, float32: false);
                }
                catch (ArgumentException)
                {
                    continue; // rejected weighting; ReferenceAgreementTests checks that the library rejects it too
                }

                if (double.IsNaN(at.Objective))
                {
                    continue; // tf.keras 2 all-masked batch (NaN by design); no gradient to compare
                }

                if (reduction != Reduction.None)
                {
                    double[] expected = Fd(p => LossMatrix.Reference(c, s, p, w, reduction, false).Objective, s.P);
                    var (value, gradient) = LossMatrix.ValueAndGradient(loss, s, w, float32: false);
                    m.Value($"{where} ValueAndGradient value", at.ComputeValue, value, Tol.Double);
                    m.Values($"{where} ValueAndGradient gradient", expected, gradient, Tol.Gradient);
                    if (s.P.Length > 0)
                    {
                        double u = LossMatrix.Uniform(rng, -2, 2);
                        m.Values($"{where} Backward(upstream {u:R})", Scale(expected, u), LossMatrix.Backward(loss, s, w, [u], null, float32: false), Tol.Gradient);
                    }
                }
                else
                {
                    double[] upstream = RandomUpstream(rng, at.Values.Length);
                    double[] expected = Fd(p => Dot(upstream, LossMatrix.Reference(c, s, p, w, reduction, false).Values), s.P);
                    m.Values($"{where} Backward(random upstream)", expected, LossMatrix.Backward(loss, s, w, upstream, at.Shape, float32: false), Tol.Gradient);
                    double[] expectedSum = Fd(p => RefReduce.Sum(LossMatrix.Reference(c, s, p, w, reduction, false).Values), s.P);
                    m.Values($"{where} Backward(no upstream)", expectedSum, LossMatrix.Backward(loss, s, w, null, null, float32: false), Tol.Gradient);
                }
            }
        }

        m.AssertNone(minimumChecks: 20);
    }

    // ------------------------------------------------------------------ tf.nn (SPEC D)

    [Fact]
    public void NnSigmoidAndWeightedCrossEntropyGradient_RandomUpstream_MatchesFiniteDifferences()
    {
        var m = new Mismatches();
        foreach (int[] shape in FacadeMatrix.ElementShapes)
        {
            int seed = LossMatrix.Seed($"grad/nn-sigmoid/{RefShape.Format(shape)}");
            var rng = new Random(seed);
            int n = RefShape.Size(shape);
            double[] z = FacadeMatrix.SoftLabels(rng, n), x = FacadeMatrix.Logits(rng, n, extremes: false);
            double[] u = RandomUpstream(rng, n);
            var lz = FacadeMatrix.D(z, shape);
            var lx = FacadeMatrix.D(x, shape);
            string where = $"{RefShape.Format(shape)} (seed {seed})";

            double[] expected = Fd(p => Dot(u, RefLosses.SigmoidCrossEntropyWithLogits(z, p)), x);
            m.Values($"sigmoid_cross_entropy_with_logits gradient {where}", expected, LossMatrix.ToArrays(Nn.SigmoidCrossEntropyWithLogitsGradient(lz, lx, FacadeMatrix.D(u, shape))).Values, Tol.Gradient);
            double[] expectedOnes = Fd(p => RefReduce.Sum(RefLosses.SigmoidCrossEntropyWithLogits(z, p)), x);
            m.Values($"sigmoid_cross_entropy_with_logits gradient, no upstream {where}", expectedOnes, LossMatrix.ToArrays(Nn.SigmoidCrossEntropyWithLogitsGradient(lz, lx)).Values, Tol.Gradient);

            foreach (double q in new[] { 0.5, 2.5 })
            {
                double[] eq = Fd(p => Dot(u, RefLosses.WeightedCrossEntropyWithLogits(z, p, [q])), x);
                m.Values($"weighted_cross_entropy_with_logits gradient q={q} {where}", eq, LossMatrix.ToArrays(Nn.WeightedCrossEntropyWithLogitsGradient(lz, lx, q, FacadeMatrix.D(u, shape))).Values, Tol.Gradient);
            }

            int[] row = [shape[^1]];
            var qRow = new double[shape[^1]];
            for (int i = 0; i < qRow.Length; i++)
            {
                qRow[i] = LossMatrix.Uniform(rng, 0.25, 4);
            }

            double[] eRow = Fd(p => Dot(u, RefLosses.WeightedCrossEntropyWithLogits(z, p, shape, qRow, row)), x);
            m.Values($"weighted_cross_entropy_with_logits gradient q{RefShape.Format(row)} {where}", eRow, LossMatrix.ToArrays(Nn.WeightedCrossEntropyWithLogitsGradient(lz, lx, FacadeMatrix.D(qRow, row), FacadeMatrix.D(u, shape))).Values, Tol.Gradient);
            double[] eRowOnes = Fd(p => RefReduce.Sum(RefLosses.WeightedCrossEntropyWithLogits(z, p, shape, qRow, row)), x);
            m.Values($"weighted_cross_entropy_with_logits gradient q{RefShape.Format(row)}, no upstream {where}", eRowOnes, LossMatrix.ToArrays(Nn.WeightedCrossEntropyWithLogitsGradient(lz, lx, FacadeMatrix.D(qRow, row))).Values, Tol.Gradient);
        }

        m.AssertNone(minimumChecks: 25);
    }

    [Fact]
    public void NnSoftmaxCrossEntropyGradient_EveryAxis_MatchesFiniteDifferences()
    {
        var m = new Mismatches();
        foreach (AxisCase a in FacadeMatrix.SoftmaxAxes)
        {
            int seed = LossMatrix.Seed($"grad/nn-softmax/{a}");
            var rng = new Random(seed);
            double[] y = FacadeMatrix.DistributionLabels(rng, a.Shape, a.Axis, allowUnnormalized: true);
            double[] x = FacadeMatrix.Logits(rng, y.Length, extremes: false);
            var (values, lossShape) = RefLosses.SoftmaxCrossEntropyWithLogits(y, x, a.Shape, a.Axis);
            double[] u = RandomUpstream(rng, values.Length);
            string where = $"softmax_cross_entropy_with_logits gradient {a} (seed {seed})";
            double[] expected = Fd(p => Dot(u, RefLosses.SoftmaxCrossEntropyWithLogits(y, p, a.Shape, a.Axis).Values), x);
            var got = Nn.SoftmaxCrossEntropyWithLogitsGradient(FacadeMatrix.D(y, a.Shape), FacadeMatrix.D(x, a.Shape), a.Axis, FacadeMatrix.D(u, lossShape));
            m.Values(where, expected, LossMatrix.ToArrays(got).Values, Tol.Gradient);
            double[] expectedOnes = Fd(p => RefReduce.Sum(RefLosses.SoftmaxCrossEntropyWithLogits(y, p, a.Shape, a.Axis).Values), x);
            m.Values(where + ", no upstream", expectedOnes, LossMatrix.ToArrays(Nn.SoftmaxCrossEntropyWithLogitsGradient(FacadeMatrix.D(y, a.Shape), FacadeMatrix.D(x, a.Shape), a.Axis)).Values, Tol.Gradient);
        }

        m.AssertNone(minimumChecks: 16);
    }

    [Fact]
    public void NnSparseSoftmaxCrossEntropyGradient_IntAndLongLabels_MatchesFiniteDifferences()
    {
        var m = new Mismatches();
        foreach (int[] shape in FacadeMatrix.SparseLogitShapes)
        {
            int seed = LossMatrix.Seed($"grad/nn-sparse/{RefShape.Format(shape)}");
            var rng = new Random(seed);
            int[] labelShape = shape[..^1];
            long[] labels = FacadeMatrix.ClassIds(rng, RefShape.Size(labelShape), shape[^1]);
            double[] x = FacadeMatrix.Logits(rng, RefShape.Size(shape), extremes: false);
            double[] u = RandomUpstream(rng, labels.Length);
            string where = $"sparse_softmax_cross_entropy_with_logits gradient {RefShape.Format(shape)} (seed {seed})";
            double[] expected = Fd(p => Dot(u, RefLosses.SparseSoftmaxCrossEntropyWithLogits(labels, p, shape).Values), x);
            var up = FacadeMatrix.D(u, labelShape);
            m.Values(where + " int labels", expected, LossMatrix.ToArrays(Nn.SparseSoftmaxCrossEntropyWithLogitsGradient(new LossInput<int>(LossMatrix.Ints(labels), labelShape), FacadeMatrix.D(x, shape), up)).Values, Tol.Gradient);
            m.Values(where + " long labels", expected, LossMatrix.ToArrays(Nn.SparseSoftmaxCrossEntropyWithLogitsGradient(new LossInput<long>(labels, labelShape), FacadeMatrix.D(x, shape), FacadeMatrix.D(u, labelShape))).Values, Tol.Gradient);
            double[] expectedOnes = Fd(p => RefReduce.Sum(RefLosses.SparseSoftmaxCrossEntropyWithLogits(labels, p, shape).Values), x);
            m.Values(where + ", no upstream", expectedOnes, LossMatrix.ToArrays(Nn.SparseSoftmaxCrossEntropyWithLogitsGradient(new LossInput<long>(labels, labelShape), FacadeMatrix.D(x, shape))).Values, Tol.Gradient);
        }

        m.AssertNone(minimumChecks: 15);
    }

    // ------------------------------------------------------------------ tf.compat.v1.losses (SPEC C, A.9)

    [Theory]
    [MemberData(nameof(V1ReductionRows))]
    public void CompatV1SoftmaxCrossEntropyGradient_EveryWeighting_MatchesFiniteDifferences(CompatV1.Reduction reduction)
    {
        var m = new Mismatches();
        foreach (int[] shape in FacadeMatrix.V1SoftmaxShapes)
        {
            foreach (double ls in new[] { 0.0, 0.2 })
            {
                int seed = LossMatrix.Seed($"grad/v1-softmax/{reduction}/{RefShape.Format(shape)}/{ls}");
                var rng = new Random(seed);
                double[] y = FacadeMatrix.DistributionLabels(rng, shape, -1, allowUnnormalized: false);
                double[] x = FacadeMatrix.Logits(rng, y.Length, extremes: false);
                int[] lossShape = shape[..^1];
                foreach (WeightCase w in FacadeMatrix.V1Weightings(lossShape, rng))
                {
                    RefResult Reference(double[] p)
                    {
                        var (losses, ls2) = FacadeMatrix.V1SoftmaxLosses(y, p, shape, ls);
                        return FacadeMatrix.V1Reduce(losses, ls2, w, reduction);
                    }

                    V1Gradient(
                        m, rng, Reference, x, $"compat.v1 softmax_cross_entropy gradient {FacadeMatrix.V1Name(reduction)} {RefShape.Format(shape)} ls {ls} {w} (seed {seed})",
                        up => CompatV1.SoftmaxCrossEntropyGradient(FacadeMatrix.D(y, shape), FacadeMatrix.D(x, shape), w.AsDouble(), ls, reduction, up));
                }
            }
        }

        m.AssertNone(minimumChecks: 50);
    }

    [Theory]
    [MemberData(nameof(V1ReductionRows))]
    public void CompatV1MeanSquaredErrorGradient_EveryWeighting_MatchesFiniteDifferences(CompatV1.Reduction reduction)
    {
        var m = new Mismatches();
        foreach (int[] shape in FacadeMatrix.ElementShapes)
        {
            int seed = LossMatrix.Seed($"grad/v1-mse/{reduction}/{RefShape.Format(shape)}");
            var rng = new Random(seed);
            int n = RefShape.Size(shape);
            double[] l = FacadeMatrix.Logits(rng, n, extremes: false, range: 2), x = FacadeMatrix.Logits(rng, n, extremes: false, range: 2);
            foreach (WeightCase w in FacadeMatrix.V1Weightings(shape, rng))
            {
                RefResult Reference(double[] p) => FacadeMatrix.V1Reduce(FacadeMatrix.V1Elementwise(l, p, squared: true), shape, w, reduction);
                RefResult at;
                try
                {
                    at = Reference(x);
                }
                catch (ArgumentException)
                {
                    continue; // rejected weighting (checked in ReferenceAgreementTests)
                }

                string where = $"compat.v1 mean_squared_error gradient {FacadeMatrix.V1Name(reduction)} {RefShape.Format(shape)} {w} (seed {seed})";
                double[] u = RandomUpstream(rng, at.Scalar is null ? at.Values.Length : 1);
                double[] expected = Fd(p => Dot(u, Reference(p) is { Scalar: double v } ? [v] : Reference(p).Values), x);
                LossInput<double> up = at.Scalar is null ? FacadeMatrix.D(u, at.Shape) : u[0];
                var got = CompatV1.MeanSquaredErrorGradient(FacadeMatrix.D(l, shape), FacadeMatrix.D(x, shape), w.AsDouble(), reduction, up);
                m.Values(where, expected, LossMatrix.ToArrays(got).Values, Tol.Gradient);
                double[] expectedOnes = Fd(p => Reference(p).Objective, x);
                var gotOnes = CompatV1.MeanSquaredErrorGradient(FacadeMatrix.D(l, shape), FacadeMatrix.D(x, shape), w.AsDouble(), reduction);
                m.Values(where + ", no upstream", expectedOnes, LossMatrix.ToArrays(gotOnes).Values, Tol.Gradient);
            }
        }

        m.AssertNone(minimumChecks: 40);
    }

    [Theory]
    [MemberData(nameof(V1ReductionRows))]
    public void CompatV1HuberLossGradient_EveryWeighting_MatchesFiniteDifferences(CompatV1.Reduction reduction)
    {
        var m = new Mismatches();
        foreach (int[] shape in FacadeMatrix.ElementShapes)
        {
            foreach (double delta in new[] { 1.0, 0.4 })
            {
                int seed = LossMatrix.Seed($"grad/v1-huber/{reduction}/{RefShape.Format(shape)}/{delta}");
                var rng = new Random(seed);
                int n = RefShape.Size(shape);
                double[] l = FacadeMatrix.Logits(rng, n, extremes: false, range: 2);
                double[] x = FacadeMatrix.HuberPredictions(rng, l, delta);
                foreach (WeightCase w in FacadeMatrix.V1Weightings(shape, rng))
                {
                    RefResult Reference(double[] p) => FacadeMatrix.V1Reduce(RefLosses.HuberV1(l, p, delta), shape, w, reduction);
                    V1Gradient(
                        m, rng, Reference, x, $"compat.v1 huber_loss gradient delta {delta} {FacadeMatrix.V1Name(reduction)} {RefShape.Format(shape)} {w} (seed {seed})",
                        up => CompatV1.HuberLossGradient(FacadeMatrix.D(l, shape), FacadeMatrix.D(x, shape), w.AsDouble(), delta, reduction, up));
                }
            }
        }

        m.AssertNone(minimumChecks: 80);
    }

    /// <summary>
    /// A compat.v1 gradient against central differences of the double reference: with a random upstream, and without
    /// one (the gradient of the reduced objective). Weightings the reference rejects are skipped (checked in
    /// ReferenceAgreementTests).
    /// </summary>
    private static void V1Gradient(Mismatches m, Random rng, Func<double[], RefResult> reference, double[] x, string where, Func<LossInput<double>, System.Numerics.Tensors.Tensor<double>> gradient)
    {
        RefResult at;
        try
        {
            at = reference(x);
        }
        catch (ArgumentException)
        {
            return;
        }

        double[] u = RandomUpstream(rng, at.Scalar is null ? at.Values.Length : 1);
        double[] expected = Fd(p => Dot(u, reference(p) is { Scalar: double v } ? [v] : reference(p).Values), x);
        LossInput<double> up = at.Scalar is null ? FacadeMatrix.D(u, at.Shape) : u[0];
        m.Values(where, expected, LossMatrix.ToArrays(gradient(up)).Values, Tol.Gradient);
        double[] expectedOnes = Fd(p => reference(p).Objective, x);
        m.Values(where + ", no upstream", expectedOnes, LossMatrix.ToArrays(gradient(default)).Values, Tol.Gradient);
    }
}
