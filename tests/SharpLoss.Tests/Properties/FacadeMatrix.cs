// Shared inputs and reference wiring for the tf.nn and tf.compat.v1 facades (SPEC C, D, A.9). Expected values come
// from Reference/ (RefLosses, RefReduce.CompatV1); nothing here calls the library except the thin adapters.

using SharpLoss.Tests.Reference;

namespace SharpLoss.Tests.Properties;

/// <summary>A logits shape and the class axis of a softmax cross-entropy.</summary>
internal sealed record AxisCase(int[] Shape, int Axis)
{
    public override string ToString() => $"{RefShape.Format(Shape)} axis {Axis}";
}

internal static class FacadeMatrix
{
    public static readonly int[][] ElementShapes = [[7], [5, 3], [4, 3, 6], [2, 3, 4, 5], [0, 3]];

    public static readonly AxisCase[] SoftmaxAxes =
    [
        new([7], -1), new([5, 3], -1), new([5, 3], 0), new([4, 3, 6], 1), new([2, 3, 4, 5], -1), new([2, 3, 4, 5], 2), new([0, 3], -1), new([0, 3], 0),
    ];

    public static readonly int[][] SparseLogitShapes = [[7], [5, 3], [4, 3, 6], [2, 3, 4, 5], [0, 3]];

    /// <summary>Logits shapes of compat.v1 softmax_cross_entropy (classes last; the losses drop the last axis).</summary>
    public static readonly int[][] V1SoftmaxShapes = [[5, 3], [6, 4], [4, 3, 6], [0, 3]];

    public static readonly CompatV1.Reduction[] V1Reductions =
    [
        CompatV1.Reduction.None, CompatV1.Reduction.Sum, CompatV1.Reduction.Mean, CompatV1.Reduction.SumOverBatchSize, CompatV1.Reduction.SumByNonzeroWeights,
    ];

    public static IEnumerable<object[]> V1ReductionRows() => V1Reductions.Select(r => new object[] { r });

    public static string V1Name(CompatV1.Reduction r) => r switch
    {
        CompatV1.Reduction.None => "none",
        CompatV1.Reduction.Sum => "weighted_sum",
        CompatV1.Reduction.Mean => "weighted_mean",
        CompatV1.Reduction.SumOverBatchSize => "weighted_sum_over_batch_size",
        _ => "weighted_sum_by_nonzero_weights",
    };

    public static double[] Logits(Random rng, int n, bool extremes, double range = 6)
    {
        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = LossMatrix.Uniform(rng, -range, range);
            if (extremes && rng.NextDouble() < 0.12)
            {
                x[i] = (rng.Next(2) == 0 ? -1 : 1) * LossMatrix.Uniform(rng, 15, 40);
            }
        }

        return x;
    }

    public static double[] SoftLabels(Random rng, int n)
    {
        var z = new double[n];
        for (int i = 0; i < n; i++)
        {
            z[i] = rng.NextDouble() < 0.5 ? rng.Next(2) : rng.NextDouble();
        }

        return z;
    }

    /// <summary>Class-distribution labels along an axis: one-hot rows, normalized soft rows, and unnormalized rows.</summary>
    public static double[] DistributionLabels(Random rng, int[] shape, int axis, bool allowUnnormalized)
    {
        var y = new double[RefShape.Size(shape)];
        foreach (int[] row in LossMatrix.Rows(shape, RefShape.NormalizeAxis(axis, shape.Length)))
        {
            int kind = rng.Next(allowUnnormalized ? 3 : 2);
            int hot = rng.Next(Math.Max(row.Length, 1));
            double total = 0;
            for (int k = 0; k < row.Length; k++)
            {
                y[row[k]] = kind == 0 ? (k == hot ? 1 : 0) : rng.NextDouble();
                total += y[row[k]];
            }

            for (int k = 0; k < row.Length && kind == 1 && total > 0; k++)
            {
                y[row[k]] /= total;
            }
        }

        return y;
    }

    public static long[] ClassIds(Random rng, int n, int classes)
    {
        var labels = new long[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = rng.Next(classes);
        }

        return labels;
    }

    /// <summary>
    /// compat.v1 weightings for losses of <paramref name="lossShape"/> (SPEC A.9): none, scalar, scalar 0, all-ones
    /// shape, per-sample (N, 1, …), per-element with a zero, a (1, …, T) row, and for rank ≥ 2 a rank-1 (N,) weight that
    /// v1 must reject (the reference throws for it).
    /// </summary>
    public static List<WeightCase> V1Weightings(int[] lossShape, Random rng)
    {
        var list = new List<WeightCase>
        {
            new() { Name = "none" },
            new() { Name = "scalar", IsScalar = true, Scalar = 0.75 },
            new() { Name = "scalar zero", IsScalar = true, Scalar = 0 },
        };

        int rank = lossShape.Length;
        if (rank == 0)
        {
            return list;
        }

        var ones = new int[rank];
        Array.Fill(ones, 1);
        list.Add(Weights("all-ones shape", ones, rng, withZero: false));
        var sample = (int[])ones.Clone();
        sample[0] = lossShape[0];
        list.Add(Weights("per-sample", sample, rng, withZero: true));
        list.Add(Weights("per-element", lossShape, rng, withZero: true));
        if (rank >= 2)
        {
            var row = (int[])ones.Clone();
            row[^1] = lossShape[^1];
            list.Add(Weights("last-axis row", row, rng, withZero: false));
            list.Add(Weights("rank-1 (N,) (invalid in v1)", [lossShape[0]], rng, withZero: false));
        }

        return list;
    }

    private static WeightCase Weights(string name, int[] shape, Random rng, bool withZero)
    {
        int n = RefShape.Size(shape);
        var w = new double[n];
        for (int i = 0; i < n; i++)
        {
            w[i] = (float)LossMatrix.Uniform(rng, 0.25, 2.0);
        }

        if (withZero && n >= 2)
        {
            w[rng.Next(n)] = 0;
        }

        return new WeightCase { Name = name, Data = w, Shape = shape };
    }

    /// <summary>RefReduce.CompatV1 with a weighting.</summary>
    public static RefResult V1Reduce(double[] losses, int[] lossShape, WeightCase w, CompatV1.Reduction r)
    {
        var (v, s, scalar) = RefReduce.CompatV1(losses, lossShape, w.RefWeight, w.RefWeightShape, V1Name(r));
        return new RefResult(v, s, scalar);
    }

    /// <summary>Softmax cross-entropy losses of compat.v1 (labels smoothed toward 1/K, K = the labels' last dimension).</summary>
    public static (double[] Values, int[] Shape) V1SoftmaxLosses(double[] labels, double[] logits, int[] shape, double labelSmoothing) =>
        RefLosses.CategoricalCrossentropy(labels, logits, shape, fromLogits: true, labelSmoothing, axis: -1, float32: false);

    /// <summary>(p − l)² or |p − l| per element (compat.v1 mean_squared_error / absolute_difference).</summary>
    public static double[] V1Elementwise(double[] labels, double[] predictions, bool squared)
    {
        var e = new double[predictions.Length];
        for (int i = 0; i < e.Length; i++)
        {
            double d = predictions[i] - labels[i];
            e[i] = squared ? d * d : Math.Abs(d);
        }

        return e;
    }

    /// <summary>Predictions l + d with |d| in [0, δ − 0.05] or [δ + 0.05, δ + 1.5] (random sign): both sides of δ, and
    /// away from it, where the Huber term's second derivative jumps (finite differences need that).</summary>
    public static double[] HuberPredictions(Random rng, double[] labels, double delta)
    {
        var p = new double[labels.Length];
        for (int i = 0; i < p.Length; i++)
        {
            double sign = rng.Next(2) == 0 ? -1 : 1;
            double d = rng.Next(2) == 0 ? LossMatrix.Uniform(rng, 0, Math.Max(0, delta - 0.05)) : LossMatrix.Uniform(rng, delta + 0.05, delta + 1.5);
            p[i] = labels[i] + (sign * d);
        }

        return p;
    }

    public static LossInput<float> F(double[] data, int[] shape) => new(Array.ConvertAll(data, v => (float)v), shape);

    public static LossInput<double> D(double[] data, int[] shape) => new(data, shape);
}
