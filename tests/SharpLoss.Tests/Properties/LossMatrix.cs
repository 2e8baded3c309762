// Shared harness of the property tests: the matrix of Keras losses (variant × yPred shape × weighting × reduction),
// seeded input generation, the double-precision oracle of Reference/ wired to each variant, thin adapters that call
// the library for float or double inputs, and tolerance checks that collect every mismatch before failing.
// Expected values never come from the library: they come from Reference/ (RefLosses + RefReduce + RefShape).

using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Tests.Reference;

namespace SharpLoss.Tests.Properties;

internal enum LossKind
{
    Bce,
    Cce,
    Scce,
    Mse,
    Mae,
    Huber,
    Mape,
    Msle,
    LogCosh,
    Poisson,
    Hinge,
    SquaredHinge,
    Kld,
}

/// <summary>How sparse labels are handed to the library (they are always class ids for the reference).</summary>
internal enum LabelType
{
    Dense,
    Int32,
    Int64,
    Float,
}

/// <summary>One pair of input shapes: yTrue's and yPred's.</summary>
internal sealed record ShapeCase(int[] YShape, int[] PShape)
{
    public static ShapeCase Dense(params int[] p) => new(p, p);

    public static ShapeCase Sparse(params int[] p) => new(p[..^1], p);

    public override string ToString() => $"y{RefShape.Format(YShape)} p{RefShape.Format(PShape)}";
}

/// <summary>One loss variant (a constructor configuration) of the matrix.</summary>
internal sealed class LossCase
{
    public required string Id { get; init; }

    public required LossKind Kind { get; init; }

    public LossSemantics Semantics { get; init; }

    public bool FromLogits { get; init; }

    public double LabelSmoothing { get; init; }

    public int Axis { get; init; } = -1;

    public int? IgnoreClass { get; init; }

    /// <summary>Huber's δ.</summary>
    public double Delta { get; init; } = 1.0;

    /// <summary>Hinge losses: labels all 0 or 1 (which Keras converts to ±1) instead of ±1 and other values.</summary>
    public bool BinaryLabels { get; init; }

    public required ShapeCase[] Shapes { get; init; }

    public bool IsProbability => !FromLogits && Kind is LossKind.Bce or LossKind.Cce or LossKind.Scce;

    /// <summary>Whether the Keras 3 function form aligns ranks itself (SPEC B intro): not hinge, squared_hinge, poisson, kl_divergence.</summary>
    public bool FunctionAlignsRanks => Kind is not (LossKind.Poisson or LossKind.Hinge or LossKind.SquaredHinge or LossKind.Kld);

    public Loss Make(Reduction reduction) => Kind switch
    {
        LossKind.Bce => new BinaryCrossentropy(FromLogits, LabelSmoothing, Axis, reduction, semantics: Semantics),
        LossKind.Cce => new CategoricalCrossentropy(FromLogits, LabelSmoothing, Axis, reduction, semantics: Semantics),
        LossKind.Scce => new SparseCategoricalCrossentropy(FromLogits, IgnoreClass, reduction, Axis, labelSmoothing: LabelSmoothing, semantics: Semantics),
        LossKind.Mse => new MeanSquaredError(reduction, semantics: Semantics),
        LossKind.Mae => new MeanAbsoluteError(reduction, semantics: Semantics),
        LossKind.Huber => new Huber(Delta, reduction, semantics: Semantics),
        LossKind.Mape => new MeanAbsolutePercentageError(reduction, semantics: Semantics),
        LossKind.Msle => new MeanSquaredLogarithmicError(reduction, semantics: Semantics),
        LossKind.LogCosh => new LogCosh(reduction, semantics: Semantics),
        LossKind.Poisson => new Poisson(reduction, semantics: Semantics),
        LossKind.Hinge => new Hinge(reduction, semantics: Semantics),
        LossKind.SquaredHinge => new SquaredHinge(reduction, semantics: Semantics),
        _ => new KLDivergence(reduction, semantics: Semantics),
    };

    public override string ToString() => Id;
}

/// <summary>Inputs of one call. <see cref="P"/> and <see cref="Y"/> are float32-representable when generated for float.</summary>
internal sealed class Sample
{
    public required ShapeCase Shape { get; init; }

    /// <summary>Dense labels, or the class ids as doubles for sparse losses.</summary>
    public required double[] Y { get; init; }

    /// <summary>Class ids (sparse losses only).</summary>
    public long[] Labels { get; init; } = [];

    public required double[] P { get; init; }

    public LabelType LabelType { get; init; }

    public float[] PF => Array.ConvertAll(P, v => (float)v);

    public float[] YF => Array.ConvertAll(Y, v => (float)v);
}

/// <summary>A sample weight (absent, scalar or tensor) and an optional caller mask over the per-sample losses.</summary>
internal sealed class WeightCase
{
    public required string Name { get; init; }

    public bool IsScalar { get; init; }

    public double Scalar { get; init; }

    public double[]? Data { get; init; }

    public int[]? Shape { get; init; }

    public bool[]? Mask { get; init; }

    public int[]? MaskShape { get; init; }

    public bool HasWeight => IsScalar || Data is not null;

    public double[]? RefWeight => IsScalar ? [Scalar] : Data;

    public int[]? RefWeightShape => IsScalar ? [] : Shape;

    public LossInput<float> AsFloat() =>
        IsScalar ? (float)Scalar : Data is null ? default : new LossInput<float>(Array.ConvertAll(Data, v => (float)v), Shape!);

    public LossInput<double> AsDouble() =>
        IsScalar ? Scalar : Data is null ? default : new LossInput<double>(Data, Shape!);

    public LossInput<bool> MaskInput() => Mask is null ? default : new LossInput<bool>(Mask, MaskShape!);

    public override string ToString()
    {
        string w = IsScalar ? $"scalar {Scalar}" : Data is null ? "none" : $"weight{RefShape.Format(Shape!)}";
        return Mask is null ? $"{Name} [{w}]" : $"{Name} [{w}, mask{RefShape.Format(MaskShape!)}]";
    }
}

/// <summary>The reference result of one call: a reduced scalar, or unreduced values in a Keras shape.</summary>
internal readonly record struct RefResult(double[] Values, int[] Shape, double? Scalar)
{
    /// <summary>The shape the library reports: System.Numerics.Tensors has no rank 0, so () comes back as [1].</summary>
    public int[] LibraryShape => Shape.Length == 0 ? [1] : Shape;

    /// <summary>What <c>Compute</c> returns: the scalar; an unreduced () its value; an unreduced (0,) 0 (documented on Loss.Compute).</summary>
    public double ComputeValue => Scalar ?? (Values.Length == 1 ? Values[0] : 0.0);

    /// <summary>The function whose gradient ValueAndGradient returns: the scalar, or the sum of the unreduced values.</summary>
    public double Objective => Scalar ?? RefReduce.Sum(Values);
}

internal static class LossMatrix
{
    public static readonly Reduction[] Keras3Reductions =
        [Reduction.None, Reduction.Sum, Reduction.SumOverBatchSize, Reduction.Mean, Reduction.MeanWithSampleWeight];

    public static readonly Reduction[] TfKeras2Reductions = [Reduction.None, Reduction.Sum, Reduction.SumOverBatchSize, Reduction.Auto];

    private static readonly ShapeCase[] DenseShapes =
    [
        ShapeCase.Dense(7), ShapeCase.Dense(5, 3), ShapeCase.Dense(4, 3, 6), ShapeCase.Dense(2, 3, 4, 5), ShapeCase.Dense(0, 3),
    ];

    private static readonly ShapeCase[] NonLastAxisShapes =
    [
        ShapeCase.Dense(5, 3), ShapeCase.Dense(4, 3, 6), ShapeCase.Dense(2, 3, 4, 5), ShapeCase.Dense(0, 3),
    ];

    private static readonly ShapeCase[] SparseShapes =
    [
        ShapeCase.Sparse(7), ShapeCase.Sparse(5, 3), ShapeCase.Sparse(4, 3, 6), ShapeCase.Sparse(2, 3, 4, 5), ShapeCase.Sparse(0, 3),
        new ShapeCase([5, 1], [5, 3]),
    ];

    // Regression losses also get yTrue/yPred pairs whose ranks differ by one (SPEC A.2 / A.8 rank rules).
    private static readonly ShapeCase[] RegressionShapes =
    [
        .. DenseShapes, new ShapeCase([5], [5, 1]), new ShapeCase([6, 1], [6]),
    ];

    /// <summary>Every loss variant of the matrix, by id.</summary>
    public static readonly IReadOnlyDictionary<string, LossCase> Cases = BuildCases().ToDictionary(c => c.Id);

    private static IEnumerable<LossCase> BuildCases()
    {
        const LossSemantics K3 = LossSemantics.Keras3, TF = LossSemantics.TfKeras2;
        foreach (LossSemantics s in new[] { K3, TF })
        {
            string tag = s == K3 ? "k3" : "tfk";
            yield return new LossCase { Id = $"bce_logits_{tag}", Kind = LossKind.Bce, Semantics = s, FromLogits = true, Shapes = DenseShapes };
            yield return new LossCase { Id = $"bce_probs_{tag}", Kind = LossKind.Bce, Semantics = s, Shapes = DenseShapes };
            yield return new LossCase { Id = $"cce_logits_{tag}", Kind = LossKind.Cce, Semantics = s, FromLogits = true, Shapes = DenseShapes };
            yield return new LossCase { Id = $"cce_probs_{tag}", Kind = LossKind.Cce, Semantics = s, Shapes = DenseShapes };
            yield return new LossCase { Id = $"scce_logits_ignore_{tag}", Kind = LossKind.Scce, Semantics = s, FromLogits = true, IgnoreClass = -1, Shapes = SparseShapes };
            yield return new LossCase { Id = $"scce_probs_{tag}", Kind = LossKind.Scce, Semantics = s, Shapes = SparseShapes };
            yield return new LossCase { Id = $"mse_{tag}", Kind = LossKind.Mse, Semantics = s, Shapes = RegressionShapes };
            yield return new LossCase { Id = $"mae_{tag}", Kind = LossKind.Mae, Semantics = s, Shapes = RegressionShapes };
            yield return new LossCase { Id = $"huber_{tag}", Kind = LossKind.Huber, Semantics = s, Shapes = RegressionShapes };
            yield return new LossCase { Id = $"mape_{tag}", Kind = LossKind.Mape, Semantics = s, Shapes = RegressionShapes };
            yield return new LossCase { Id = $"msle_{tag}", Kind = LossKind.Msle, Semantics = s, Shapes = RegressionShapes };
            yield return new LossCase { Id = $"logcosh_{tag}", Kind = LossKind.LogCosh, Semantics = s, Shapes = RegressionShapes };
            yield return new LossCase { Id = $"poisson_{tag}", Kind = LossKind.Poisson, Semantics = s, Shapes = RegressionShapes };
            yield return new LossCase { Id = $"hinge_{tag}", Kind = LossKind.Hinge, Semantics = s, Shapes = RegressionShapes };
            yield return new LossCase { Id = $"hinge_binary_{tag}", Kind = LossKind.Hinge, Semantics = s, BinaryLabels = true, Shapes = RegressionShapes };
            yield return new LossCase { Id = $"squared_hinge_{tag}", Kind = LossKind.SquaredHinge, Semantics = s, Shapes = RegressionShapes };
            yield return new LossCase { Id = $"squared_hinge_binary_{tag}", Kind = LossKind.SquaredHinge, Semantics = s, BinaryLabels = true, Shapes = RegressionShapes };
            yield return new LossCase { Id = $"kld_{tag}", Kind = LossKind.Kld, Semantics = s, Shapes = RegressionShapes };
        }

        // Keras 3 only: label smoothing, non-last axes, more sparse variants.
        yield return new LossCase { Id = "bce_logits_ls_k3", Kind = LossKind.Bce, FromLogits = true, LabelSmoothing = 0.2, Shapes = DenseShapes };
        yield return new LossCase { Id = "bce_probs_ls_axis1_k3", Kind = LossKind.Bce, LabelSmoothing = 0.1, Axis = 1, Shapes = NonLastAxisShapes };
        yield return new LossCase { Id = "bce_probs_ls_tfk", Kind = LossKind.Bce, Semantics = TF, LabelSmoothing = 0.3, Shapes = DenseShapes };
        yield return new LossCase { Id = "cce_logits_ls_k3", Kind = LossKind.Cce, FromLogits = true, LabelSmoothing = 0.1, Shapes = DenseShapes };
        yield return new LossCase { Id = "cce_probs_ls_k3", Kind = LossKind.Cce, LabelSmoothing = 0.2, Shapes = DenseShapes };
        yield return new LossCase { Id = "cce_logits_axis0_k3", Kind = LossKind.Cce, FromLogits = true, Axis = 0, Shapes = NonLastAxisShapes };
        yield return new LossCase { Id = "cce_probs_ls_axis1_k3", Kind = LossKind.Cce, LabelSmoothing = 0.15, Axis = 1, Shapes = NonLastAxisShapes };
        yield return new LossCase { Id = "scce_logits_k3", Kind = LossKind.Scce, FromLogits = true, Shapes = SparseShapes };
        yield return new LossCase { Id = "scce_logits_ls_k3", Kind = LossKind.Scce, FromLogits = true, LabelSmoothing = 0.2, Shapes = SparseShapes };
        yield return new LossCase { Id = "scce_probs_ignore1_k3", Kind = LossKind.Scce, IgnoreClass = 1, Shapes = SparseShapes };
        yield return new LossCase { Id = "scce_probs_ignore_ls_k3", Kind = LossKind.Scce, IgnoreClass = -1, LabelSmoothing = 0.1, Shapes = SparseShapes };
        yield return new LossCase { Id = "huber_delta03_k3", Kind = LossKind.Huber, Delta = 0.3, Shapes = RegressionShapes };
    }

    /// <summary>xunit rows (case id, reduction) for every variant and every reduction valid for its semantics.</summary>
    public static IEnumerable<object[]> CaseReductionRows()
    {
        foreach (LossCase c in Cases.Values)
        {
            foreach (Reduction r in c.Semantics == LossSemantics.Keras3 ? Keras3Reductions : TfKeras2Reductions)
            {
                yield return [c.Id, r];
            }
        }
    }

    /// <summary>
    /// tf.keras 2, a mean-type reduction, an empty batch and a mask (the caller's or ignore_class's): the library returns
    /// NaN where the reference gives 0. Isolated in ReferenceAgreementTests.TfKeras2MeanReduction_EmptyBatchWithMask_IsZero
    /// and skipped by the matrix tests so that they report everything else.
    /// </summary>
    public static bool IsEmptyMaskedTfKeras2Mean(LossCase c, Reduction reduction, int[] lossShape, WeightCase w) =>
        c.Semantics == LossSemantics.TfKeras2 && reduction is Reduction.SumOverBatchSize or Reduction.Auto
        && RefShape.Size(lossShape) == 0 && (w.Mask is not null || c.IgnoreClass is not null);

    public static string ReductionName(Reduction r) => r switch
    {
        Reduction.None => "none",
        Reduction.Sum => "sum",
        Reduction.SumOverBatchSize => "sum_over_batch_size",
        Reduction.Mean => "mean",
        Reduction.MeanWithSampleWeight => "mean_with_sample_weight",
        _ => "auto",
    };

    /// <summary>A stable (process-independent) seed from a text key: FNV-1a.</summary>
    public static int Seed(string key)
    {
        uint h = 2166136261;
        foreach (char ch in key)
        {
            h = (h ^ ch) * 16777619;
        }

        return (int)(h & 0x7FFFFFFF);
    }

    public static double Uniform(Random rng, double lo, double hi) => lo + ((hi - lo) * rng.NextDouble());

    public static double[] Round32(double[] values) => Array.ConvertAll(values, v => (double)(float)v);

    // ------------------------------------------------------------------ inputs

    /// <summary>
    /// Seeded inputs for one variant and shape. <paramref name="smooth"/> keeps every input away from kinks (clip
    /// bounds, |y − p| = 0, a hinge's margin) for finite differences; otherwise some probabilities are exactly 0 or 1,
    /// some logits are large, and the element-wise losses get their edge values (MAPE y = 0 and p = y, MSLE and Poisson
    /// p = 0, hinge t·p = 1, KLD labels 0 and values outside [0, 1]). MAE keeps |y − p| ≥ 0.05 and Huber ||y − p| − δ| ≥
    /// 0.05 (where its second derivative jumps) always. <paramref name="float32"/> rounds every input to a float32 value.
    /// </summary>
    public static Sample Generate(LossCase c, ShapeCase s, Random rng, bool smooth, bool float32, LabelType sparseLabelType = LabelType.Int32)
    {
        int[] p = s.PShape;
        int n = RefShape.Size(p);
        var pred = new double[n];
        double[] y;
        long[] labels = [];
        switch (c.Kind)
        {
            case LossKind.Bce:
                y = new double[n];
                for (int i = 0; i < n; i++)
                {
                    y[i] = rng.NextDouble() < 0.5 ? rng.Next(2) : rng.NextDouble();
                    pred[i] = c.FromLogits ? Uniform(rng, -5, 5) : Uniform(rng, 0.02, 0.98);
                    if (!smooth && rng.NextDouble() < 0.12)
                    {
                        pred[i] = c.FromLogits ? (rng.Next(2) == 0 ? -1 : 1) * Uniform(rng, 15, 40) : rng.Next(2);
                    }
                }

                break;

            case LossKind.Cce:
                y = new double[n];
                int axis = RefShape.NormalizeAxis(c.Axis, p.Length);
                foreach (int[] row in Rows(p, axis))
                {
                    bool oneHot = rng.NextDouble() < 0.5;
                    int hot = rng.Next(row.Length);
                    int keep = rng.Next(row.Length);
                    double total = 0;
                    for (int k = 0; k < row.Length; k++)
                    {
                        y[row[k]] = oneHot ? (k == hot ? 1 : 0) : rng.NextDouble();
                        total += y[row[k]];
                        pred[row[k]] = c.FromLogits ? Uniform(rng, -4, 4) : Uniform(rng, 0.05, 1.0);
                        if (!smooth && k != keep && rng.NextDouble() < 0.15)
                        {
                            pred[row[k]] = c.FromLogits ? (rng.Next(2) == 0 ? -1 : 1) * Uniform(rng, 15, 40) : 0.0;
                        }
                    }

                    for (int k = 0; k < row.Length && !oneHot && total > 0; k++)
                    {
                        y[row[k]] /= total;
                    }
                }

                break;

            case LossKind.Scce:
                int classes = p[^1];
                int rows = n / Math.Max(classes, 1);
                labels = new long[rows];
                y = new double[rows];
                for (int r = 0; r < rows; r++)
                {
                    labels[r] = c.IgnoreClass is int ic && rng.NextDouble() < 0.25 ? ic : rng.Next(classes);
                    y[r] = labels[r];
                }

                for (int i = 0; i < n; i++)
                {
                    pred[i] = c.FromLogits ? Uniform(rng, -4, 4) : Uniform(rng, 0.05, 1.0);
                    if (!smooth && rng.NextDouble() < 0.12)
                    {
                        pred[i] = c.FromLogits ? (rng.Next(2) == 0 ? -1 : 1) * Uniform(rng, 15, 40) : rng.Next(2);
                    }
                }

                break;

            case LossKind.Mape or LossKind.Msle or LossKind.LogCosh or LossKind.Poisson or LossKind.Hinge or LossKind.SquaredHinge or LossKind.Kld:
                (y, pred) = GenerateElementwise(c, s, rng, smooth);
                break;

            default:
                int ny = RefShape.Size(s.YShape);
                y = new double[ny];
                for (int i = 0; i < ny; i++)
                {
                    y[i] = Uniform(rng, -2, 2);
                }

                // yPred element i reads yTrue through the broadcast of the aligned shapes; keep |y - p| >= 0.05 for MAE,
                // and |y - p| in [0, δ - 0.05] or [δ + 0.05, δ + 1.5] for Huber (half of the elements on each side of δ).
                var (ys, ps) = RefShape.SqueezeOrExpandToSameRank(s.YShape, p);
                bool same = ny == n;
                for (int i = 0; i < n; i++)
                {
                    double yi = same ? y[i] : y[RefShape.SourceIndex(RefShape.Unravel(i, ps), ys)];
                    double sign = rng.Next(2) == 0 ? -1 : 1;
                    pred[i] = c.Kind switch
                    {
                        LossKind.Mae => yi + (Uniform(rng, 0.05, 1.5) * sign),
                        LossKind.Huber => yi + (sign * (rng.Next(2) == 0 ? Uniform(rng, 0, Math.Max(0, c.Delta - 0.05)) : Uniform(rng, c.Delta + 0.05, c.Delta + 1.5))),
                        _ => Uniform(rng, -2, 2),
                    };
                }

                break;
        }

        if (float32)
        {
            pred = Round32(pred);
            y = Round32(y);
        }

        return new Sample { Shape = s, Y = y, Labels = labels, P = pred, LabelType = c.Kind == LossKind.Scce ? sparseLabelType : LabelType.Dense };
    }

    /// <summary>Labels and predictions of the element-wise losses added after the first regression losses (see <see cref="Generate"/>).</summary>
    private static (double[] Y, double[] P) GenerateElementwise(LossCase c, ShapeCase s, Random rng, bool smooth)
    {
        int ny = RefShape.Size(s.YShape), n = RefShape.Size(s.PShape);
        var y = new double[ny];
        var pred = new double[n];
        bool Edge() => !smooth && rng.NextDouble() < 0.12;
        for (int i = 0; i < ny; i++)
        {
            y[i] = c.Kind switch
            {
                // |y| ≥ 0.1 keeps the percentages moderate; y = 0 divides by ε.
                LossKind.Mape => Edge() ? 0 : (rng.Next(2) == 0 ? -1 : 1) * Uniform(rng, 0.1, 2),
                LossKind.Msle => Uniform(rng, -0.5, 3),
                LossKind.LogCosh => Uniform(rng, -2, 2),
                LossKind.Poisson => rng.NextDouble() < 0.5 ? rng.Next(5) : Uniform(rng, 0, 4),
                LossKind.Hinge or LossKind.SquaredHinge => c.BinaryLabels ? rng.Next(2)
                    : rng.NextDouble() < 0.8 ? (rng.Next(2) == 0 ? -1 : 1) : Uniform(rng, -1.5, 1.5),
                _ => Edge() ? (rng.Next(2) == 0 ? 0 : Uniform(rng, 1, 2)) : Uniform(rng, 0.02, 0.98),
            };
        }

        // The same broadcast of the aligned shapes as the MSE family below: element i of yPred reads yTrue[yIndex(i)].
        var (ys, ps) = RefShape.SqueezeOrExpandToSameRank(s.YShape, s.PShape);
        bool same = ny == n;
        for (int i = 0; i < n; i++)
        {
            double yi = same ? y[i] : y[RefShape.SourceIndex(RefShape.Unravel(i, ps), ys)];
            double sign = rng.Next(2) == 0 ? -1 : 1;
            pred[i] = c.Kind switch
            {
                LossKind.Mape => Edge() ? yi : yi + (sign * Uniform(rng, 0.05, 1.5)),
                LossKind.Msle => Edge() ? (rng.Next(2) == 0 ? 0 : -0.5) : Uniform(rng, 0.05, 3),
                LossKind.LogCosh => Edge() ? yi + (sign * Uniform(rng, 15, 40)) : Uniform(rng, -2, 2),
                LossKind.Poisson => Edge() ? 0 : Uniform(rng, 0.05, 3),
                LossKind.Hinge or LossKind.SquaredHinge => HingePrediction(c.BinaryLabels ? (2 * yi) - 1 : yi, rng, smooth),
                _ => Edge() ? new[] { 0.0, 1, 1.5, -0.5 }[rng.Next(4)] : Uniform(rng, 0.02, 0.98),
            };
        }

        return (y, pred);
    }

    /// <summary>A prediction for hinge label t: 1 − t·p away from 0 by at least 0.05 when smooth, sometimes exactly 0 otherwise.</summary>
    private static double HingePrediction(double t, Random rng, bool smooth)
    {
        if (!smooth && rng.NextDouble() < 0.12 && t != 0)
        {
            return 1 / t;
        }

        if (Math.Abs(t) < 0.05)
        {
            return Uniform(rng, -2, 2);
        }

        // h = 1 − t·p in ±[0.05, 2] (both sides of the margin).
        double h = (rng.Next(2) == 0 ? -1 : 1) * Uniform(rng, 0.05, 2);
        return (1 - h) / t;
    }

    /// <summary>The flat indices of every row along <paramref name="axis"/>.</summary>
    public static IEnumerable<int[]> Rows(int[] shape, int axis)
    {
        int outer = 1, inner = 1, n = shape[axis];
        for (int d = 0; d < axis; d++)
        {
            outer *= shape[d];
        }

        for (int d = axis + 1; d < shape.Length; d++)
        {
            inner *= shape[d];
        }

        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                var row = new int[n];
                for (int k = 0; k < n; k++)
                {
                    row[k] = (((o * n) + k) * inner) + i;
                }

                yield return row;
            }
        }
    }

    // ------------------------------------------------------------------ weightings

    /// <summary>
    /// The weightings tried against per-sample losses of shape <paramref name="lossShape"/>: none, scalar, per-sample
    /// ((N, 1, …) and the rank-1 (N,)), (N, 1) against rank-1 losses, per-element (with a zero), a caller mask, and
    /// per-element weights with a mask. Some are invalid for a given semantics; the reference then throws too.
    /// </summary>
    public static List<WeightCase> Weightings(int[] lossShape, int[] pShape, Random rng, bool includeMasks = true)
    {
        var list = new List<WeightCase>
        {
            new() { Name = "none" },
            new() { Name = "scalar", IsScalar = true, Scalar = 0.75 },
        };

        if (lossShape.Length >= 1)
        {
            var sample = new int[lossShape.Length];
            Array.Fill(sample, 1);
            sample[0] = lossShape[0];
            list.Add(Tensor("per-sample", sample, rng, withZero: false));
            if (lossShape.Length == 1)
            {
                list.Add(Tensor("per-sample (N,1)", [lossShape[0], 1], rng, withZero: false));
            }
            else
            {
                list.Add(Tensor("per-sample rank-1 (N,)", [lossShape[0]], rng, withZero: false));
            }

            list.Add(Tensor("per-element", lossShape, rng, withZero: true));
            if (includeMasks)
            {
                bool[] mask = RandomMask(RefShape.Size(lossShape), rng);
                list.Add(new WeightCase { Name = "mask", Mask = mask, MaskShape = lossShape });
                WeightCase element = Tensor("per-element + mask", lossShape, rng, withZero: false);
                list.Add(new WeightCase { Name = element.Name, Data = element.Data, Shape = element.Shape, Mask = RandomMask(RefShape.Size(lossShape), rng), MaskShape = lossShape });
            }
        }
        else
        {
            // A scalar per-sample loss (rank-1 inputs): a rank-0 weight tensor, and a (batch,) weight (SPEC A.2 last bullet).
            list.Add(Tensor("per-element rank-0", [], rng, withZero: false));
            list.Add(Tensor("per-sample (batch,)", [pShape[0]], rng, withZero: false));
        }

        return list;
    }

    private static WeightCase Tensor(string name, int[] shape, Random rng, bool withZero)
    {
        int n = RefShape.Size(shape);
        var w = new double[n];
        for (int i = 0; i < n; i++)
        {
            w[i] = Round(Uniform(rng, 0.25, 2.0));
        }

        if (withZero && n >= 2)
        {
            w[rng.Next(n)] = 0;
        }

        return new WeightCase { Name = name, Data = w, Shape = shape };
    }

    /// <summary>Rounds to a value exactly representable in float32 (so float and double runs see the same weights).</summary>
    private static double Round(double v) => (float)v;

    private static bool[] RandomMask(int n, Random rng)
    {
        var m = new bool[n];
        for (int i = 0; i < n; i++)
        {
            m[i] = rng.NextDouble() < 0.7;
        }

        if (n > 0)
        {
            m[rng.Next(n)] = true;
        }

        return m;
    }

    // ------------------------------------------------------------------ reference

    /// <summary>The reference per-sample losses (and the loss's own mask) for a variant, computed in double.</summary>
    public static (double[] Values, int[] Shape, bool[]? Mask) ReferencePerSample(LossCase c, Sample s, double[] p, bool float32)
    {
        int[] pShape = s.Shape.PShape;
        bool tfk = c.Semantics == LossSemantics.TfKeras2;
        switch (c.Kind)
        {
            case LossKind.Bce:
                {
                    var (v, sh) = RefLosses.BinaryCrossentropy(s.Y, p, pShape, c.FromLogits, c.LabelSmoothing, c.Axis, tfk, float32);
                    return (v, sh, null);
                }

            case LossKind.Cce:
                {
                    var (v, sh) = RefLosses.CategoricalCrossentropy(s.Y, p, pShape, c.FromLogits, c.LabelSmoothing, c.Axis, float32);
                    return (v, sh, null);
                }

            case LossKind.Scce:
                {
                    long? ignore = c.IgnoreClass;
                    var (v, sh) = RefLosses.SparseCategoricalCrossentropy(s.Labels, s.Shape.YShape, p, pShape, c.FromLogits, ignore, c.LabelSmoothing, float32, out bool[]? mask);
                    return (v, sh, mask);
                }

            default:
                {
                    int[] ys = s.Shape.YShape, ps = pShape;
                    if (tfk)
                    {
                        // tf.keras 2 LossFunctionWrapper squeezes a trailing 1 instead of expanding (SPEC A.8 step 2).
                        (ys, ps) = RefShape.TfKeras2SqueezeOrExpandLabels(ys, ps);
                    }

                    if (!c.FunctionAlignsRanks && !tfk)
                    {
                        // Keras 3's LossFunctionWrapper aligns the ranks for the functions that do not do it themselves.
                        (ys, ps) = RefShape.SqueezeOrExpandToSameRank(ys, ps);
                    }

                    var (v, sh) = c.Kind switch
                    {
                        LossKind.Mse => RefLosses.MeanSquaredError(s.Y, ys, p, ps),
                        LossKind.Mae => RefLosses.MeanAbsoluteError(s.Y, ys, p, ps),
                        LossKind.Huber => RefLosses.Huber(s.Y, ys, p, ps, c.Delta),
                        LossKind.Mape => RefLosses.MeanAbsolutePercentageError(s.Y, ys, p, ps, float32),
                        LossKind.Msle => RefLosses.MeanSquaredLogarithmicError(s.Y, ys, p, ps, RefLosses.MsleEpsilon(float32, tfk)),
                        LossKind.LogCosh => RefLosses.LogCosh(s.Y, ys, p, ps),
                        LossKind.Poisson => RefLosses.Poisson(s.Y, ys, p, ps, float32),
                        LossKind.Hinge => RefLosses.Hinge(s.Y, ys, p, ps, squared: false),
                        LossKind.SquaredHinge => RefLosses.Hinge(s.Y, ys, p, ps, squared: true),
                        _ => RefLosses.KLDivergence(s.Y, ys, p, ps, float32),
                    };
                    return (v, sh, null);
                }
        }
    }

    /// <summary>The reference pipeline: per-sample losses, then RefReduce.Keras3 or RefReduce.TfKeras2.</summary>
    public static RefResult Reference(LossCase c, Sample s, double[] p, WeightCase w, Reduction r, bool float32)
    {
        var (values, shape, lossMask) = ReferencePerSample(c, s, p, float32);
        bool[]? mask = Combine(lossMask, w.Mask);
        var (v, sh, scalar) = c.Semantics == LossSemantics.Keras3
            ? RefReduce.Keras3(values, shape, w.RefWeight, w.RefWeightShape, mask, ReductionName(r))
            : RefReduce.TfKeras2(values, shape, w.RefWeight, w.RefWeightShape, mask, ReductionName(r));
        return new RefResult(v, sh, scalar);
    }

    private static bool[]? Combine(bool[]? a, bool[]? b)
    {
        if (a is null || b is null)
        {
            return a ?? b;
        }

        var m = new bool[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            m[i] = a[i] && b[i];
        }

        return m;
    }

    // ------------------------------------------------------------------ library adapters

    public static (double[] Values, int[] Shape) Call(Loss loss, Sample s, WeightCase w, bool float32)
    {
        LossInput<bool> mask = w.MaskInput();
        int[] ys = s.Shape.YShape, ps = s.Shape.PShape;
        if (float32)
        {
            var p = new LossInput<float>(s.PF, ps);
            LossInput<float> sw = w.AsFloat();
            Tensor<float> t = s.LabelType switch
            {
                LabelType.Int32 => ((SparseCategoricalCrossentropy)loss).Call(new LossInput<int>(Ints(s.Labels), ys), p, sw, mask),
                LabelType.Int64 => ((SparseCategoricalCrossentropy)loss).Call(new LossInput<long>(s.Labels, ys), p, sw, mask),
                _ => loss.Call(new LossInput<float>(s.YF, ys), p, sw, mask),
            };
            return ToArrays(t);
        }
        else
        {
            var p = new LossInput<double>(s.P, ps);
            LossInput<double> sw = w.AsDouble();
            Tensor<double> t = s.LabelType switch
            {
                LabelType.Int32 => ((SparseCategoricalCrossentropy)loss).Call(new LossInput<int>(Ints(s.Labels), ys), p, sw, mask),
                LabelType.Int64 => ((SparseCategoricalCrossentropy)loss).Call(new LossInput<long>(s.Labels, ys), p, sw, mask),
                _ => loss.Call(new LossInput<double>(s.Y, ys), p, sw, mask),
            };
            return ToArrays(t);
        }
    }

    public static double Compute(Loss loss, Sample s, WeightCase w, bool float32)
    {
        LossInput<bool> mask = w.MaskInput();
        int[] ys = s.Shape.YShape, ps = s.Shape.PShape;
        if (float32)
        {
            var p = new LossInput<float>(s.PF, ps);
            LossInput<float> sw = w.AsFloat();
            return s.LabelType switch
            {
                LabelType.Int32 => ((SparseCategoricalCrossentropy)loss).Compute(new LossInput<int>(Ints(s.Labels), ys), p, sw, mask),
                LabelType.Int64 => ((SparseCategoricalCrossentropy)loss).Compute(new LossInput<long>(s.Labels, ys), p, sw, mask),
                _ => loss.Compute(new LossInput<float>(s.YF, ys), p, sw, mask),
            };
        }
        else
        {
            var p = new LossInput<double>(s.P, ps);
            LossInput<double> sw = w.AsDouble();
            return s.LabelType switch
            {
                LabelType.Int32 => ((SparseCategoricalCrossentropy)loss).Compute(new LossInput<int>(Ints(s.Labels), ys), p, sw, mask),
                LabelType.Int64 => ((SparseCategoricalCrossentropy)loss).Compute(new LossInput<long>(s.Labels, ys), p, sw, mask),
                _ => loss.Compute(new LossInput<double>(s.Y, ys), p, sw, mask),
            };
        }
    }

    public static (double Value, double[] Gradient) ValueAndGradient(Loss loss, Sample s, WeightCase w, bool float32)
    {
        LossInput<bool> mask = w.MaskInput();
        int[] ys = s.Shape.YShape, ps = s.Shape.PShape;
        if (float32)
        {
            var p = new LossInput<float>(s.PF, ps);
            LossInput<float> sw = w.AsFloat();
            (float v, Tensor<float> g) = s.LabelType switch
            {
                LabelType.Int32 => ((SparseCategoricalCrossentropy)loss).ValueAndGradient(new LossInput<int>(Ints(s.Labels), ys), p, sw, mask),
                LabelType.Int64 => ((SparseCategoricalCrossentropy)loss).ValueAndGradient(new LossInput<long>(s.Labels, ys), p, sw, mask),
                _ => loss.ValueAndGradient(new LossInput<float>(s.YF, ys), p, sw, mask),
            };
            return (v, ToArrays(g).Values);
        }
        else
        {
            var p = new LossInput<double>(s.P, ps);
            LossInput<double> sw = w.AsDouble();
            (double v, Tensor<double> g) = s.LabelType switch
            {
                LabelType.Int32 => ((SparseCategoricalCrossentropy)loss).ValueAndGradient(new LossInput<int>(Ints(s.Labels), ys), p, sw, mask),
                LabelType.Int64 => ((SparseCategoricalCrossentropy)loss).ValueAndGradient(new LossInput<long>(s.Labels, ys), p, sw, mask),
                _ => loss.ValueAndGradient(new LossInput<double>(s.Y, ys), p, sw, mask),
            };
            return (v, ToArrays(g).Values);
        }
    }

    /// <summary>Loss.Backward. <paramref name="upstream"/> null means absent; <paramref name="upstreamShape"/> null means a scalar.</summary>
    public static double[] Backward(Loss loss, Sample s, WeightCase w, double[]? upstream, int[]? upstreamShape, bool float32)
    {
        LossInput<bool> mask = w.MaskInput();
        int[] ys = s.Shape.YShape, ps = s.Shape.PShape;
        if (float32)
        {
            var p = new LossInput<float>(s.PF, ps);
            LossInput<float> sw = w.AsFloat();
            LossInput<float> u = upstream is null ? default
                : upstreamShape is null ? (float)upstream[0] : new LossInput<float>(Array.ConvertAll(upstream, v => (float)v), upstreamShape);
            Tensor<float> g = s.LabelType switch
            {
                LabelType.Int32 => ((SparseCategoricalCrossentropy)loss).Backward(new LossInput<int>(Ints(s.Labels), ys), p, u, sw, mask),
                LabelType.Int64 => ((SparseCategoricalCrossentropy)loss).Backward(new LossInput<long>(s.Labels, ys), p, u, sw, mask),
                _ => loss.Backward(new LossInput<float>(s.YF, ys), p, u, sw, mask),
            };
            return ToArrays(g).Values;
        }
        else
        {
            var p = new LossInput<double>(s.P, ps);
            LossInput<double> sw = w.AsDouble();
            LossInput<double> u = upstream is null ? default
                : upstreamShape is null ? upstream[0] : new LossInput<double>(upstream, upstreamShape);
            Tensor<double> g = s.LabelType switch
            {
                LabelType.Int32 => ((SparseCategoricalCrossentropy)loss).Backward(new LossInput<int>(Ints(s.Labels), ys), p, u, sw, mask),
                LabelType.Int64 => ((SparseCategoricalCrossentropy)loss).Backward(new LossInput<long>(s.Labels, ys), p, u, sw, mask),
                _ => loss.Backward(new LossInput<double>(s.Y, ys), p, u, sw, mask),
            };
            return ToArrays(g).Values;
        }
    }

    public static int[] Ints(long[] labels) => Array.ConvertAll(labels, v => checked((int)v));

    public static (double[] Values, int[] Shape) ToArrays<T>(Tensor<T> t)
        where T : INumberBase<T>
    {
        var flat = new T[checked((int)t.FlattenedLength)];
        t.FlattenTo(flat);
        var shape = new int[t.Rank];
        for (int i = 0; i < shape.Length; i++)
        {
            shape[i] = checked((int)t.Lengths[i]);
        }

        return (Array.ConvertAll(flat, double.CreateTruncating), shape);
    }
}

/// <summary>Absolute + relative tolerance; NaN matches NaN and equal infinities match.</summary>
internal readonly record struct Tol(double Rel, double Abs)
{
    /// <summary>Float32 results against the double reference with float32 clip bounds.</summary>
    public static readonly Tol Float = new(1e-5, 1e-6);

    /// <summary>Float64 results against the double reference with float64 clip bounds.</summary>
    public static readonly Tol Double = new(1e-12, 1e-13);

    /// <summary>Analytic gradients against central finite differences of the reference.</summary>
    public static readonly Tol Gradient = new(1e-6, 1e-7);

    public bool Holds(double expected, double actual)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual))
        {
            return double.IsNaN(expected) && double.IsNaN(actual);
        }

        if (double.IsInfinity(expected) || double.IsInfinity(actual))
        {
            return expected == actual;
        }

        return Math.Abs(actual - expected) <= Abs + (Rel * Math.Abs(expected));
    }
}

/// <summary>Collects mismatches (with the seed and the case) and fails once at the end with all of them.</summary>
internal sealed class Mismatches
{
    private readonly List<string> _items = [];

    public int Checks { get; private set; }

    public void Value(string where, double expected, double actual, Tol tol)
    {
        Checks++;
        if (!tol.Holds(expected, actual))
        {
            _items.Add(string.Create(CultureInfo.InvariantCulture, $"{where}: expected {expected:R}, got {actual:R} (|diff| {Math.Abs(actual - expected):G3})"));
        }
    }

    public void Values(string where, double[] expected, double[] actual, Tol tol)
    {
        Checks++;
        if (expected.Length != actual.Length)
        {
            _items.Add($"{where}: expected {expected.Length} values, got {actual.Length}");
            return;
        }

        int bad = 0;
        string? first = null;
        for (int i = 0; i < expected.Length; i++)
        {
            if (!tol.Holds(expected[i], actual[i]))
            {
                bad++;
                first ??= string.Create(CultureInfo.InvariantCulture, $"[{i}] expected {expected[i]:R}, got {actual[i]:R}");
            }
        }

        if (bad > 0)
        {
            _items.Add($"{where}: {bad} of {expected.Length} values differ, first {first}");
        }
    }

    public void Shape(string where, int[] expected, int[] actual)
    {
        Checks++;
        if (!RefShape.SameShape(expected, actual))
        {
            _items.Add($"{where}: expected shape {RefShape.Format(expected)}, got {RefShape.Format(actual)}");
        }
    }

    public void Fail(string what) => _items.Add(what);

    public void True(bool condition, string what)
    {
        Checks++;
        if (!condition)
        {
            _items.Add(what);
        }
    }

    /// <summary>Fails with every collected mismatch; also fails when nothing was checked (a vacuous test).</summary>
    public void AssertNone(int minimumChecks = 1)
    {
        Assert.True(Checks >= minimumChecks, $"Only {Checks} checks ran (expected at least {minimumChecks}).");
        Assert.True(
            _items.Count == 0,
            $"{_items.Count} mismatch(es) in {Checks} checks:\n" + string.Join("\n", _items.Take(40)) + (_items.Count > 40 ? "\n…" : string.Empty));
    }
}
