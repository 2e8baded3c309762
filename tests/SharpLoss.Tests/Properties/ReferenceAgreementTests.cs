// Library vs the independent double-precision oracle (tests/SharpLoss.Tests/Reference) on seeded random inputs.
// Every expected number is computed by Reference/ (RefLosses for the per-sample losses, RefReduce.Keras3 /
// RefReduce.TfKeras2 / RefReduce.CompatV1 for weighting and reduction, RefShape for the rank rules); none comes from
// the library. Float inputs are float32 values and are compared with the reference using the float32 clip bounds
// (1e-5 relative + 1e-6 absolute); double inputs with the float64 bounds (1e-12 relative + 1e-13 absolute).
// Seeds are derived from the case name (printed in every failure message).

using SharpLoss.Tests.Reference;

namespace SharpLoss.Tests.Properties;

public class ReferenceAgreementTests
{
    public static IEnumerable<object[]> CaseReductionRows() => LossMatrix.CaseReductionRows();

    public static IEnumerable<object[]> FunctionFormRows() =>
        LossMatrix.Cases.Values.Where(c => !(c.Kind == LossKind.Scce && c.LabelSmoothing != 0)).Select(c => new object[] { c.Id });

    public static IEnumerable<object[]> V1ReductionRows() => FacadeMatrix.V1ReductionRows();

    private static readonly bool[] ElementTypes = [true, false];

    private static Tol TolFor(bool float32) => float32 ? Tol.Float : Tol.Double;

    private static string TypeName(bool float32) => float32 ? "float" : "double";

    private static bool Throws<TException>(Action action)
        where TException : Exception
    {
        try
        {
            action();
            return false;
        }
        catch (TException)
        {
            return true;
        }
    }

    // ------------------------------------------------------------------ Keras loss classes

    [Theory]
    [MemberData(nameof(CaseReductionRows))]
    public void KerasLoss_RandomInputsEveryShapeAndWeighting_MatchesReferencePipeline(string caseId, Reduction reduction)
    {
        LossCase c = LossMatrix.Cases[caseId];
        Loss loss = c.Make(reduction);
        var m = new Mismatches();
        for (int si = 0; si < c.Shapes.Length; si++)
        {
            ShapeCase shape = c.Shapes[si];
            foreach (bool f32 in ElementTypes)
            {
                string key = $"agree/{caseId}/{reduction}/{si}/{TypeName(f32)}";
                int seed = LossMatrix.Seed(key);
                var rng = new Random(seed);
                Sample s = LossMatrix.Generate(c, shape, rng, smooth: false, float32: f32, (LabelType)(1 + (si % 3)));
                int[] lossShape = LossMatrix.ReferencePerSample(c, s, s.P, f32).Shape;
                foreach (WeightCase w in LossMatrix.Weightings(lossShape, shape.PShape, rng))
                {
                    string where = $"{caseId} {LossMatrix.ReductionName(reduction)} {shape} {w} labels {s.LabelType} {TypeName(f32)} (seed {seed})";
                    if (LossMatrix.IsEmptyMaskedTfKeras2Mean(c, reduction, lossShape, w))
                    {
                        // Known library disagreement, isolated in TfKeras2MeanReduction_EmptyBatchWithMask_IsZero.
                        continue;
                    }

                    RefResult expected;
                    try
                    {
                        expected = LossMatrix.Reference(c, s, s.P, w, reduction, f32);
                    }
                    catch (ArgumentException e)
                    {
                        // The reference rejects this weighting for these semantics (e.g. SPEC A.2: (N,T) losses with (N,)
                        // weights in Keras 3): the library must reject it too.
                        m.True(Throws<ArgumentException>(() => LossMatrix.Call(loss, s, w, f32)), $"{where}: the reference rejects it ({e.Message}) but Call accepted it");
                        continue;
                    }

                    (double[] Values, int[] Shape) got;
                    try
                    {
                        got = LossMatrix.Call(loss, s, w, f32);
                    }
                    catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                    {
                        m.Fail($"{where}: Call threw {e.GetType().Name}: {e.Message}");
                        continue;
                    }

                    double[] expectedValues = expected.Scalar is double v ? [v] : expected.Values;
                    m.Shape($"{where} Call shape", expected.Scalar is null ? expected.LibraryShape : [1], got.Shape);
                    m.Values($"{where} Call", expectedValues, got.Values, TolFor(f32));
                    if (reduction == Reduction.None)
                    {
                        m.True(Throws<InvalidOperationException>(() => LossMatrix.Compute(loss, s, w, f32)), $"{where}: Compute with reduction none did not throw InvalidOperationException");
                    }
                    else
                    {
                        m.Value($"{where} Compute", expected.ComputeValue, LossMatrix.Compute(loss, s, w, f32), TolFor(f32));
                    }
                }
            }
        }

        m.AssertNone(minimumChecks: 20);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TfKeras2MeanReduction_EmptyBatchWithMask_IsZero(bool ignoreClass)
    {
        // tf.keras 2 apply_valid_mask multiplies the (empty) mask by total/valid = 0/0 and compute_weighted_loss then
        // returns divide_no_nan(Σ of nothing, 0) = 0 (SPEC A.8 steps 4-5; A.10 "empty batch" row: 0 for TFK AUTO/SOBS).
        // The NaN of an all-masked batch (SPEC A.8, F.4) comes from 0·inf on masked entries, and there are none here.
        // Expected value: RefReduce.TfKeras2 on the empty per-sample losses.
        var expected = RefReduce.TfKeras2([], [0], null, null, [], "auto");
        Assert.Equal(0.0, expected.Scalar);
        var loss = ignoreClass
            ? new SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: -1, semantics: LossSemantics.TfKeras2)
            : new SparseCategoricalCrossentropy(fromLogits: true, semantics: LossSemantics.TfKeras2);
        var labels = new LossInput<int>(Array.Empty<int>(), 0);
        var logits = new LossInput<float>(Array.Empty<float>(), 0, 3);
        LossInput<bool> mask = ignoreClass ? default : new LossInput<bool>(Array.Empty<bool>(), 0);
        float got = loss.Compute(labels, logits, mask: mask);
        Assert.True(got == 0f, $"tf.keras 2 auto reduction of an empty batch with a mask (ignore_class: {ignoreClass}): expected 0 (RefReduce.TfKeras2), got {got}");
    }

    [Theory]
    [MemberData(nameof(FunctionFormRows))]
    public void LossesFunctionForm_RandomInputs_MatchesReferencePerSampleLosses(string caseId)
    {
        LossCase c = LossMatrix.Cases[caseId];
        var m = new Mismatches();
        for (int si = 0; si < c.Shapes.Length; si++)
        {
            ShapeCase shape = c.Shapes[si];
            bool ranksDiffer = shape.YShape.Length != shape.PShape.Length && c.Kind != LossKind.Scce;
            if (ranksDiffer && (c.Semantics == LossSemantics.TfKeras2 || !c.FunctionAlignsRanks))
            {
                // tf.keras 2 function forms do not align ranks (SPEC A.8), nor do Keras 3's hinge, squared_hinge, poisson
                // and kl_divergence (SPEC B intro); the wrapper's rank rules are tested above.
                continue;
            }

            foreach (bool f32 in ElementTypes)
            {
                int seed = LossMatrix.Seed($"function/{caseId}/{si}/{TypeName(f32)}");
                var rng = new Random(seed);
                Sample s = LossMatrix.Generate(c, shape, rng, smooth: false, float32: f32);
                var (expected, expectedShape, _) = LossMatrix.ReferencePerSample(c, s, s.P, f32);
                string where = $"Losses function form {caseId} {shape} {TypeName(f32)} (seed {seed})";
                (double[] Values, int[] Shape) got = f32 ? FunctionForm32(c, s) : FunctionForm64(c, s);
                m.Shape(where, expectedShape.Length == 0 ? [1] : expectedShape, got.Shape);
                m.Values(where, expected, got.Values, TolFor(f32));
            }
        }

        m.AssertNone(minimumChecks: 4);
    }

    private static (double[] Values, int[] Shape) FunctionForm32(LossCase c, Sample s)
    {
        LossInput<float> y = FacadeMatrix.F(s.Y, s.Shape.YShape), p = FacadeMatrix.F(s.P, s.Shape.PShape);
        return LossMatrix.ToArrays(c.Kind switch
        {
            LossKind.Bce => Losses.BinaryCrossentropy(y, p, c.FromLogits, c.LabelSmoothing, c.Axis, c.Semantics),
            LossKind.Cce => Losses.CategoricalCrossentropy(y, p, c.FromLogits, c.LabelSmoothing, c.Axis, c.Semantics),
            LossKind.Scce => Losses.SparseCategoricalCrossentropy(new LossInput<int>(LossMatrix.Ints(s.Labels), s.Shape.YShape), p, c.FromLogits, c.IgnoreClass, c.Axis),
            LossKind.Mse => Losses.MeanSquaredError(y, p, c.Semantics),
            LossKind.Mae => Losses.MeanAbsoluteError(y, p, c.Semantics),
            LossKind.Huber => Losses.Huber(y, p, c.Delta, c.Semantics),
            LossKind.Mape => Losses.MeanAbsolutePercentageError(y, p, c.Semantics),
            LossKind.Msle => Losses.MeanSquaredLogarithmicError(y, p, c.Semantics),
            LossKind.LogCosh => Losses.LogCosh(y, p, c.Semantics),
            LossKind.Poisson => Losses.Poisson(y, p, c.Semantics),
            LossKind.Hinge => Losses.Hinge(y, p, c.Semantics),
            LossKind.SquaredHinge => Losses.SquaredHinge(y, p, c.Semantics),
            _ => Losses.KLDivergence(y, p, c.Semantics),
        });
    }

    private static (double[] Values, int[] Shape) FunctionForm64(LossCase c, Sample s)
    {
        LossInput<double> y = FacadeMatrix.D(s.Y, s.Shape.YShape), p = FacadeMatrix.D(s.P, s.Shape.PShape);
        return LossMatrix.ToArrays(c.Kind switch
        {
            LossKind.Bce => Losses.BinaryCrossentropy(y, p, c.FromLogits, c.LabelSmoothing, c.Axis, c.Semantics),
            LossKind.Cce => Losses.CategoricalCrossentropy(y, p, c.FromLogits, c.LabelSmoothing, c.Axis, c.Semantics),
            LossKind.Scce => Losses.SparseCategoricalCrossentropy(new LossInput<int>(LossMatrix.Ints(s.Labels), s.Shape.YShape), p, c.FromLogits, c.IgnoreClass, c.Axis),
            LossKind.Mse => Losses.MeanSquaredError(y, p, c.Semantics),
            LossKind.Mae => Losses.MeanAbsoluteError(y, p, c.Semantics),
            LossKind.Huber => Losses.Huber(y, p, c.Delta, c.Semantics),
            LossKind.Mape => Losses.MeanAbsolutePercentageError(y, p, c.Semantics),
            LossKind.Msle => Losses.MeanSquaredLogarithmicError(y, p, c.Semantics),
            LossKind.LogCosh => Losses.LogCosh(y, p, c.Semantics),
            LossKind.Poisson => Losses.Poisson(y, p, c.Semantics),
            LossKind.Hinge => Losses.Hinge(y, p, c.Semantics),
            LossKind.SquaredHinge => Losses.SquaredHinge(y, p, c.Semantics),
            _ => Losses.KLDivergence(y, p, c.Semantics),
        });
    }

    // ------------------------------------------------------------------ tf.nn (SPEC D)

    [Fact]
    public void NnSigmoidCrossEntropyWithLogits_RandomShapes_MatchesReference()
    {
        var m = new Mismatches();
        foreach (int[] shape in FacadeMatrix.ElementShapes)
        {
            foreach (bool f32 in ElementTypes)
            {
                int seed = LossMatrix.Seed($"nn-sigmoid/{RefShape.Format(shape)}/{TypeName(f32)}");
                var rng = new Random(seed);
                int n = RefShape.Size(shape);
                double[] z = FacadeMatrix.SoftLabels(rng, n), x = FacadeMatrix.Logits(rng, n, extremes: true);
                if (f32)
                {
                    (z, x) = (LossMatrix.Round32(z), LossMatrix.Round32(x));
                }

                double[] expected = RefLosses.SigmoidCrossEntropyWithLogits(z, x);
                var got = f32
                    ? LossMatrix.ToArrays(Nn.SigmoidCrossEntropyWithLogits(FacadeMatrix.F(z, shape), FacadeMatrix.F(x, shape)))
                    : LossMatrix.ToArrays(Nn.SigmoidCrossEntropyWithLogits(FacadeMatrix.D(z, shape), FacadeMatrix.D(x, shape)));
                string where = $"sigmoid_cross_entropy_with_logits {RefShape.Format(shape)} {TypeName(f32)} (seed {seed})";
                m.Shape(where, shape, got.Shape);
                m.Values(where, expected, got.Values, TolFor(f32));
            }
        }

        m.AssertNone(minimumChecks: 10);
    }

    [Fact]
    public void NnWeightedCrossEntropyWithLogits_ScalarAndBroadcastPosWeight_MatchesReference()
    {
        var m = new Mismatches();
        foreach (int[] shape in FacadeMatrix.ElementShapes)
        {
            foreach (bool f32 in ElementTypes)
            {
                int seed = LossMatrix.Seed($"nn-weighted/{RefShape.Format(shape)}/{TypeName(f32)}");
                var rng = new Random(seed);
                int n = RefShape.Size(shape);
                double[] z = FacadeMatrix.SoftLabels(rng, n), x = FacadeMatrix.Logits(rng, n, extremes: true);
                if (f32)
                {
                    (z, x) = (LossMatrix.Round32(z), LossMatrix.Round32(x));
                }

                var posWeights = new List<(double[] Q, int[]? QShape)> { ([0.5], null), ([1.5], null), ([3.0], []), ([2.25], [1]) };
                int[] row = [shape[^1]];
                posWeights.Add((RandomPositive(rng, shape[^1]), row));
                posWeights.Add((RandomPositive(rng, n), shape));
                foreach (var (q, qShape) in posWeights)
                {
                    double[] expected = RefLosses.WeightedCrossEntropyWithLogits(z, x, shape, q, qShape ?? []);
                    (double[] Values, int[] Shape) got;
                    if (f32)
                    {
                        LossInput<float> pw = qShape is null ? (float)q[0] : FacadeMatrix.F(q, qShape);
                        got = LossMatrix.ToArrays(Nn.WeightedCrossEntropyWithLogits(FacadeMatrix.F(z, shape), FacadeMatrix.F(x, shape), pw));
                    }
                    else
                    {
                        LossInput<double> pw = qShape is null ? q[0] : FacadeMatrix.D(q, qShape);
                        got = LossMatrix.ToArrays(Nn.WeightedCrossEntropyWithLogits(FacadeMatrix.D(z, shape), FacadeMatrix.D(x, shape), pw));
                    }

                    string where = $"weighted_cross_entropy_with_logits {RefShape.Format(shape)} pos_weight {(qShape is null ? "scalar" : RefShape.Format(qShape))} {TypeName(f32)} (seed {seed})";
                    m.Shape(where, shape, got.Shape);
                    m.Values(where, expected, got.Values, TolFor(f32));
                }
            }
        }

        m.AssertNone(minimumChecks: 40);
    }

    private static double[] RandomPositive(Random rng, int n)
    {
        var q = new double[n];
        for (int i = 0; i < n; i++)
        {
            q[i] = (float)LossMatrix.Uniform(rng, 0.25, 4);
        }

        return q;
    }

    [Fact]
    public void NnSoftmaxCrossEntropyWithLogits_EveryAxis_MatchesReference()
    {
        var m = new Mismatches();
        foreach (AxisCase a in FacadeMatrix.SoftmaxAxes)
        {
            foreach (bool f32 in ElementTypes)
            {
                int seed = LossMatrix.Seed($"nn-softmax/{a}/{TypeName(f32)}");
                var rng = new Random(seed);
                double[] y = FacadeMatrix.DistributionLabels(rng, a.Shape, a.Axis, allowUnnormalized: true);
                double[] x = FacadeMatrix.Logits(rng, y.Length, extremes: true);
                if (f32)
                {
                    (y, x) = (LossMatrix.Round32(y), LossMatrix.Round32(x));
                }

                var (expected, expectedShape) = RefLosses.SoftmaxCrossEntropyWithLogits(y, x, a.Shape, a.Axis);
                var got = f32
                    ? LossMatrix.ToArrays(Nn.SoftmaxCrossEntropyWithLogits(FacadeMatrix.F(y, a.Shape), FacadeMatrix.F(x, a.Shape), a.Axis))
                    : LossMatrix.ToArrays(Nn.SoftmaxCrossEntropyWithLogits(FacadeMatrix.D(y, a.Shape), FacadeMatrix.D(x, a.Shape), a.Axis));
                string where = $"softmax_cross_entropy_with_logits {a} {TypeName(f32)} (seed {seed})";
                m.Shape(where, expectedShape.Length == 0 ? [1] : expectedShape, got.Shape);
                m.Values(where, expected, got.Values, TolFor(f32));
            }
        }

        m.AssertNone(minimumChecks: 16);
    }

    [Fact]
    public void NnSparseSoftmaxCrossEntropyWithLogits_IntAndLongLabels_MatchesReference()
    {
        var m = new Mismatches();
        foreach (int[] shape in FacadeMatrix.SparseLogitShapes)
        {
            foreach (bool f32 in ElementTypes)
            {
                int seed = LossMatrix.Seed($"nn-sparse/{RefShape.Format(shape)}/{TypeName(f32)}");
                var rng = new Random(seed);
                int[] labelShape = shape[..^1];
                long[] labels = FacadeMatrix.ClassIds(rng, RefShape.Size(labelShape), shape[^1]);
                double[] x = FacadeMatrix.Logits(rng, RefShape.Size(shape), extremes: true);
                if (f32)
                {
                    x = LossMatrix.Round32(x);
                }

                var (expected, expectedShape) = RefLosses.SparseSoftmaxCrossEntropyWithLogits(labels, x, shape);
                int[] libShape = expectedShape.Length == 0 ? [1] : expectedShape;
                var int32 = new LossInput<int>(LossMatrix.Ints(labels), labelShape);
                var int64 = new LossInput<long>(labels, labelShape);
                var got32 = f32
                    ? LossMatrix.ToArrays(Nn.SparseSoftmaxCrossEntropyWithLogits(int32, FacadeMatrix.F(x, shape)))
                    : LossMatrix.ToArrays(Nn.SparseSoftmaxCrossEntropyWithLogits(int32, FacadeMatrix.D(x, shape)));
                var got64 = f32
                    ? LossMatrix.ToArrays(Nn.SparseSoftmaxCrossEntropyWithLogits(int64, FacadeMatrix.F(x, shape)))
                    : LossMatrix.ToArrays(Nn.SparseSoftmaxCrossEntropyWithLogits(int64, FacadeMatrix.D(x, shape)));
                string where = $"sparse_softmax_cross_entropy_with_logits {RefShape.Format(shape)} {TypeName(f32)} (seed {seed})";
                m.Shape(where + " int labels", libShape, got32.Shape);
                m.Values(where + " int labels", expected, got32.Values, TolFor(f32));
                m.Shape(where + " long labels", libShape, got64.Shape);
                m.Values(where + " long labels", expected, got64.Values, TolFor(f32));
            }
        }

        m.AssertNone(minimumChecks: 20);
    }

    // ------------------------------------------------------------------ tf.compat.v1.losses (SPEC C, A.9)

    [Theory]
    [MemberData(nameof(V1ReductionRows))]
    public void CompatV1SoftmaxCrossEntropy_EveryWeighting_MatchesReference(CompatV1.Reduction reduction)
    {
        var m = new Mismatches();
        foreach (int[] shape in FacadeMatrix.V1SoftmaxShapes)
        {
            foreach (double ls in new[] { 0.0, 0.2 })
            {
                foreach (bool f32 in ElementTypes)
                {
                    int seed = LossMatrix.Seed($"v1-softmax/{reduction}/{RefShape.Format(shape)}/{ls}/{TypeName(f32)}");
                    var rng = new Random(seed);
                    double[] y = FacadeMatrix.DistributionLabels(rng, shape, -1, allowUnnormalized: false);
                    double[] x = FacadeMatrix.Logits(rng, y.Length, extremes: true);
                    if (f32)
                    {
                        (y, x) = (LossMatrix.Round32(y), LossMatrix.Round32(x));
                    }

                    var (losses, lossShape) = FacadeMatrix.V1SoftmaxLosses(y, x, shape, ls);
                    foreach (WeightCase w in FacadeMatrix.V1Weightings(lossShape, rng))
                    {
                        string where = $"compat.v1 softmax_cross_entropy {FacadeMatrix.V1Name(reduction)} {RefShape.Format(shape)} ls {ls} {w} {TypeName(f32)} (seed {seed})";
                        Check(m, where, () => FacadeMatrix.V1Reduce(losses, lossShape, w, reduction), () => f32
                            ? LossMatrix.ToArrays(CompatV1.SoftmaxCrossEntropy(FacadeMatrix.F(y, shape), FacadeMatrix.F(x, shape), w.AsFloat(), ls, reduction))
                            : LossMatrix.ToArrays(CompatV1.SoftmaxCrossEntropy(FacadeMatrix.D(y, shape), FacadeMatrix.D(x, shape), w.AsDouble(), ls, reduction)), TolFor(f32));
                    }
                }
            }
        }

        m.AssertNone(minimumChecks: 50);
    }

    [Theory]
    [MemberData(nameof(V1ReductionRows))]
    public void CompatV1MeanSquaredErrorAndAbsoluteDifference_EveryWeighting_MatchesReference(CompatV1.Reduction reduction)
    {
        var m = new Mismatches();
        foreach (int[] shape in FacadeMatrix.ElementShapes)
        {
            foreach (bool squared in new[] { true, false })
            {
                foreach (bool f32 in ElementTypes)
                {
                    int seed = LossMatrix.Seed($"v1-regression/{reduction}/{RefShape.Format(shape)}/{squared}/{TypeName(f32)}");
                    var rng = new Random(seed);
                    int n = RefShape.Size(shape);
                    double[] l = FacadeMatrix.Logits(rng, n, extremes: false, range: 2), p = FacadeMatrix.Logits(rng, n, extremes: false, range: 2);
                    if (f32)
                    {
                        (l, p) = (LossMatrix.Round32(l), LossMatrix.Round32(p));
                    }

                    double[] losses = FacadeMatrix.V1Elementwise(l, p, squared);
                    foreach (WeightCase w in FacadeMatrix.V1Weightings(shape, rng))
                    {
                        string fn = squared ? "mean_squared_error" : "absolute_difference";
                        string where = $"compat.v1 {fn} {FacadeMatrix.V1Name(reduction)} {RefShape.Format(shape)} {w} {TypeName(f32)} (seed {seed})";
                        Check(m, where, () => FacadeMatrix.V1Reduce(losses, shape, w, reduction), () => (squared, f32) switch
                        {
                            (true, true) => LossMatrix.ToArrays(CompatV1.MeanSquaredError(FacadeMatrix.F(l, shape), FacadeMatrix.F(p, shape), w.AsFloat(), reduction)),
                            (true, false) => LossMatrix.ToArrays(CompatV1.MeanSquaredError(FacadeMatrix.D(l, shape), FacadeMatrix.D(p, shape), w.AsDouble(), reduction)),
                            (false, true) => LossMatrix.ToArrays(CompatV1.AbsoluteDifference(FacadeMatrix.F(l, shape), FacadeMatrix.F(p, shape), w.AsFloat(), reduction)),
                            _ => LossMatrix.ToArrays(CompatV1.AbsoluteDifference(FacadeMatrix.D(l, shape), FacadeMatrix.D(p, shape), w.AsDouble(), reduction)),
                        }, TolFor(f32));
                    }
                }
            }
        }

        m.AssertNone(minimumChecks: 100);
    }

    [Theory]
    [MemberData(nameof(V1ReductionRows))]
    public void CompatV1HuberLoss_EveryWeighting_MatchesReference(CompatV1.Reduction reduction)
    {
        var m = new Mismatches();
        foreach (int[] shape in FacadeMatrix.ElementShapes)
        {
            foreach (double delta in new[] { 1.0, 0.4 })
            {
                foreach (bool f32 in ElementTypes)
                {
                    int seed = LossMatrix.Seed($"v1-huber/{reduction}/{RefShape.Format(shape)}/{delta}/{TypeName(f32)}");
                    var rng = new Random(seed);
                    int n = RefShape.Size(shape);
                    double[] l = FacadeMatrix.Logits(rng, n, extremes: false, range: 2);
                    double[] p = FacadeMatrix.HuberPredictions(rng, l, delta);
                    if (f32)
                    {
                        (l, p) = (LossMatrix.Round32(l), LossMatrix.Round32(p));
                    }

                    double[] losses = RefLosses.HuberV1(l, p, delta);
                    foreach (WeightCase w in FacadeMatrix.V1Weightings(shape, rng))
                    {
                        string where = $"compat.v1 huber_loss delta {delta} {FacadeMatrix.V1Name(reduction)} {RefShape.Format(shape)} {w} {TypeName(f32)} (seed {seed})";
                        Check(m, where, () => FacadeMatrix.V1Reduce(losses, shape, w, reduction), () => f32
                            ? LossMatrix.ToArrays(CompatV1.HuberLoss(FacadeMatrix.F(l, shape), FacadeMatrix.F(p, shape), w.AsFloat(), delta, reduction))
                            : LossMatrix.ToArrays(CompatV1.HuberLoss(FacadeMatrix.D(l, shape), FacadeMatrix.D(p, shape), w.AsDouble(), delta, reduction)), TolFor(f32));
                    }
                }
            }
        }

        m.AssertNone(minimumChecks: 100);
    }

    [Theory]
    [MemberData(nameof(V1ReductionRows))]
    public void CompatV1ComputeWeightedLoss_EveryWeighting_MatchesReference(CompatV1.Reduction reduction)
    {
        var m = new Mismatches();
        foreach (int[] shape in FacadeMatrix.ElementShapes)
        {
            foreach (bool f32 in ElementTypes)
            {
                int seed = LossMatrix.Seed($"v1-cwl/{reduction}/{RefShape.Format(shape)}/{TypeName(f32)}");
                var rng = new Random(seed);
                double[] losses = FacadeMatrix.Logits(rng, RefShape.Size(shape), extremes: false, range: 3);
                if (f32)
                {
                    losses = LossMatrix.Round32(losses);
                }

                foreach (WeightCase w in FacadeMatrix.V1Weightings(shape, rng))
                {
                    string where = $"compat.v1 compute_weighted_loss {FacadeMatrix.V1Name(reduction)} {RefShape.Format(shape)} {w} {TypeName(f32)} (seed {seed})";
                    Check(m, where, () => FacadeMatrix.V1Reduce(losses, shape, w, reduction), () => f32
                        ? LossMatrix.ToArrays(CompatV1.ComputeWeightedLoss(FacadeMatrix.F(losses, shape), w.AsFloat(), reduction))
                        : LossMatrix.ToArrays(CompatV1.ComputeWeightedLoss(FacadeMatrix.D(losses, shape), w.AsDouble(), reduction)), TolFor(f32));
                }
            }
        }

        m.AssertNone(minimumChecks: 50);
    }

    /// <summary>One compat.v1 comparison: the reference result, or the reference's rejection mirrored by the library.</summary>
    private static void Check(Mismatches m, string where, Func<RefResult> reference, Func<(double[] Values, int[] Shape)> library, Tol tol)
    {
        RefResult expected;
        try
        {
            expected = reference();
        }
        catch (ArgumentException e)
        {
            m.True(Throws<ArgumentException>(() => library()), $"{where}: the reference rejects it ({e.Message}) but the library accepted it");
            return;
        }

        (double[] Values, int[] Shape) got;
        try
        {
            got = library();
        }
        catch (ArgumentException e)
        {
            m.Fail($"{where}: the library threw {e.GetType().Name}: {e.Message}");
            return;
        }

        m.Shape(where, expected.Scalar is null ? expected.LibraryShape : [1], got.Shape);
        m.Values(where, expected.Scalar is double v ? [v] : expected.Values, got.Values, tol);
    }
}
