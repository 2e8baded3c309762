// Vector256 kernel paths against the scalar paths of the same kernels (SharpLoss.Internals.KernelSwitch.ForceScalar on
// the test thread), for every pointwise and row loss, every length 0..67 (0..8·Vector256<float>.Count + 3: empty,
// pure tail, full vectors, full vectors + tail) and 1,000,003 elements, float and double, values and gradients.
// Expected values are the scalar path's; both paths must agree to a few ulps: 4e-6 relative for float, 1e-14 for
// double (per element; gradients, which involve cancellations such as σ(x) − y, relative to max(|a|, |b|, 0.1·max|g|));
// large sums to 1e-6 relative. Also: a repeated call is bit-identical, the core count does not change a bit, and the
// 1,000,003-element float BCE-from-logits sum agrees with the double reference (Reference/) to 1e-6 relative.
// Under DOTNET_EnableHWIntrinsic=0 both paths are scalar and the comparisons hold trivially.

using SharpLoss.Internals;
using SharpLoss.Tests.Properties;
using SharpLoss.Tests.Reference;

namespace SharpLoss.Tests.Kernels;

public class VectorScalarTests
{
    private const int Large = 1_000_003;

    private static readonly string[] PointwiseCases =
    [
        "bce_logits_k3", "bce_logits_ls_k3", "bce_probs_k3", "bce_probs_tfk", "bce_probs_ls_tfk", "mse_k3", "mae_k3", "huber_k3", "huber_delta03_k3",
        "mape_k3", "msle_k3", "msle_tfk", "logcosh_k3", "poisson_k3", "hinge_k3", "hinge_binary_k3", "squared_hinge_binary_k3", "kld_k3",
    ];

    /// <summary>
    /// Pointwise losses whose element values come from terms larger than the result that cancel (log-cosh's |x| + log1p(w),
    /// Poisson's p − y·log p, KLD's terms of either sign): the few-ulp differences between the vector exp/log and the
    /// runtime's are ulps of those terms, so the values are compared as <see cref="Kind.RowValues"/> (relative to
    /// max(|a|, |b|, 1)).
    /// </summary>
    private static readonly HashSet<string> CancellingPointwiseCases = ["logcosh_k3", "poisson_k3", "kld_k3"];

    private static readonly string[] RowCases =
        ["cce_logits_k3", "cce_logits_ls_k3", "cce_probs_k3", "cce_probs_ls_k3", "cce_logits_axis0_k3", "scce_logits_k3", "scce_logits_ls_k3", "scce_probs_k3", "scce_probs_ignore_ls_k3"];

    // tf.nn functions, and compat.v1 huber_loss (unreduced), whose v1 kernel has its own vector code.
    private static readonly string[] NnCases = ["sigmoid", "weighted", "softmax", "sparse", "v1-huber", "log-poisson", "log-poisson-full", "v1-hinge"];

    private static readonly bool[] ElementTypes = [true, false];

    // The 1,000,003-element runs use one variant per kernel (label smoothing and the gathered axis-0 rows run the same
    // vector code as their plain variants, and are covered by the 0..67 sweeps).
    private static readonly string[] LargePointwiseCases =
        ["bce_logits_k3", "bce_probs_k3", "bce_probs_tfk", "mse_k3", "mae_k3", "huber_k3", "mape_k3", "msle_k3", "logcosh_k3", "poisson_k3", "hinge_binary_k3", "kld_k3"];

    private static readonly string[] LargeRowCases = ["cce_logits_k3", "cce_probs_k3", "scce_logits_k3", "scce_probs_k3"];

    public static IEnumerable<object[]> PointwiseRows() => PointwiseCases.Select(c => new object[] { c });

    public static IEnumerable<object[]> RowRows() => RowCases.Select(c => new object[] { c });

    public static IEnumerable<object[]> LargePointwiseRows() => LargePointwiseCases.Select(c => new object[] { c });

    public static IEnumerable<object[]> LargeRowRows() => LargeRowCases.Select(c => new object[] { c });

    public static IEnumerable<object[]> NnRows() => NnCases.Select(c => new object[] { c });

    private enum Kind
    {
        /// <summary>Per-element values without cancellation: relative to max(|a|, |b|).</summary>
        Values,

        /// <summary>Row losses log Σ exp(x − max) − … (absolute error a few ulps of 1, the log of a sum near 1), and the
        /// values of <see cref="CancellingPointwiseCases"/>: relative to max(|a|, |b|, 1).</summary>
        RowValues,

        /// <summary>Gradients (cancellations such as σ(x) − y): relative to max(|a|, |b|, 0.1·max|g|).</summary>
        Gradient,

        /// <summary>Reduced sums: relative to max(|a|, |b|), with the sum tolerance.</summary>
        Sum,
    }

    private sealed record Output(string Name, double[] Data, Kind Kind);

    private static string TypeName(bool float32) => float32 ? "float" : "double";

    private static T OnScalarPath<T>(Func<T> run)
    {
        bool previous = KernelSwitch.ForceScalar;
        KernelSwitch.ForceScalar = true;
        try
        {
            return run();
        }
        finally
        {
            KernelSwitch.ForceScalar = previous;
        }
    }

    private static T OnVectorPath<T>(Func<T> run)
    {
        bool previous = KernelSwitch.ForceScalar;
        KernelSwitch.ForceScalar = false;
        try
        {
            return run();
        }
        finally
        {
            KernelSwitch.ForceScalar = previous;
        }
    }

    /// <summary>Runs <paramref name="run"/> on both paths and compares every output.</summary>
    private static void CompareScalarAndVector(Mismatches m, string where, Func<List<Output>> run, bool float32, double sumRel, double? elementRel = null)
    {
        List<Output> vector = OnVectorPath(run);
        List<Output> scalar = OnScalarPath(run);
        Assert.Equal(scalar.Count, vector.Count);
        double rel = elementRel ?? (float32 ? 4e-6 : 1e-14);
        for (int k = 0; k < scalar.Count; k++)
        {
            Output s = scalar[k], v = vector[k];
            string name = $"{where} {s.Name}";
            m.True(s.Data.Length == v.Data.Length, $"{name}: scalar path gave {s.Data.Length} values, vector path {v.Data.Length}");
            if (s.Data.Length != v.Data.Length)
            {
                continue;
            }

            double floor = s.Kind == Kind.RowValues ? 1 : 0;
            if (s.Kind == Kind.Gradient)
            {
                foreach (double g in s.Data)
                {
                    floor = double.IsFinite(g) ? Math.Max(floor, 0.1 * Math.Abs(g)) : floor;
                }
            }

            double r = s.Kind == Kind.Sum ? sumRel : rel;
            int bad = 0;
            string? first = null;
            for (int i = 0; i < s.Data.Length; i++)
            {
                double a = s.Data[i], b = v.Data[i];
                bool ok = a.Equals(b) || Math.Abs(a - b) <= r * Math.Max(Math.Max(Math.Abs(a), Math.Abs(b)), floor);
                if (!ok)
                {
                    bad++;
                    first ??= $"[{i}] scalar {a:R}, vector {b:R}";
                }
            }

            m.True(bad == 0, $"{name}: {bad} of {s.Data.Length} differ beyond {r:G2} relative, first {first}");
        }
    }

    private static double[] Upstream(Random rng, int n)
    {
        var u = new double[n];
        for (int i = 0; i < n; i++)
        {
            u[i] = (float)LossMatrix.Uniform(rng, -2, 2);
        }

        return u;
    }

    private static WeightCase PerSample(Random rng, int n)
    {
        var w = new double[n];
        for (int i = 0; i < n; i++)
        {
            w[i] = (float)LossMatrix.Uniform(rng, 0.25, 2);
        }

        return new WeightCase { Name = "per-sample", Data = w, Shape = [n] };
    }

    private static readonly WeightCase NoWeight = new() { Name = "none" };

    // ------------------------------------------------------------------ pointwise losses

    /// <summary>
    /// Every pointwise driver mode: (n, 1) with Sum (flat pass, with and without gradient), with per-sample weights
    /// (element-wise pass), Reduction.None values and Backward (element-wise pass with per-sample output / weights),
    /// and (2, n) rows (row pass: per-sample means, Backward, SumOverBatchSize gradient).
    /// </summary>
    private static Func<List<Output>> PointwiseOutputs(LossCase c, int n, bool float32, int seed, bool all)
    {
        // Inputs are generated once, outside the closure that runs on both paths.
        var rng = new Random(seed);
        Sample col = LossMatrix.Generate(c, new ShapeCase([n, 1], [n, 1]), rng, smooth: false, float32);
        double[] upstream = Upstream(rng, n);
        WeightCase weights = PerSample(rng, n);
        Sample rows = LossMatrix.Generate(c, ShapeCase.Dense(2, n), rng, smooth: false, float32);
        double[] rowUpstream = Upstream(rng, 2);
        Loss sum = c.Make(Reduction.Sum), none = c.Make(Reduction.None), mean = c.Make(Reduction.SumOverBatchSize);
        Kind values = CancellingPointwiseCases.Contains(c.Id) ? Kind.RowValues : Kind.Values;
        return () =>
        {
            var outputs = new List<Output>();
            var (v, g) = LossMatrix.ValueAndGradient(sum, col, NoWeight, float32);
            outputs.Add(new("sum value (flat)", [v], Kind.Sum));
            outputs.Add(new("sum gradient (flat)", g, Kind.Gradient));
            outputs.Add(new("values (element-wise)", LossMatrix.Call(none, col, NoWeight, float32).Values, values));
            outputs.Add(new("Backward (element-wise)", LossMatrix.Backward(none, col, NoWeight, upstream, [n], float32), Kind.Gradient));
            if (!all)
            {
                return outputs;
            }

            outputs.Add(new("Compute sum (flat)", [LossMatrix.Compute(sum, col, NoWeight, float32)], Kind.Sum));
            var (vw, gw) = LossMatrix.ValueAndGradient(sum, col, weights, float32);
            outputs.Add(new("weighted sum value (element-wise)", [vw], Kind.Sum));
            outputs.Add(new("weighted sum gradient (element-wise)", gw, Kind.Gradient));
            outputs.Add(new("row means (rows)", LossMatrix.Call(none, rows, NoWeight, float32).Values, values));
            outputs.Add(new("row Backward (rows)", LossMatrix.Backward(none, rows, NoWeight, rowUpstream, [2], float32), Kind.Gradient));
            var (vr, gr) = LossMatrix.ValueAndGradient(mean, rows, NoWeight, float32);
            outputs.Add(new("row mean value", [vr], Kind.Sum));
            outputs.Add(new("row mean gradient", gr, Kind.Gradient));
            return outputs;
        };
    }

    [Theory]
    [MemberData(nameof(PointwiseRows))]
    public void PointwiseLoss_EveryLength0To67_VectorPathMatchesScalarPath(string caseId)
    {
        LossCase c = LossMatrix.Cases[caseId];
        var m = new Mismatches();
        for (int n = 0; n <= 67; n++)
        {
            foreach (bool f32 in ElementTypes)
            {
                int seed = LossMatrix.Seed($"vs/{caseId}/{n}/{TypeName(f32)}");
                CompareScalarAndVector(m, $"{caseId} n={n} {TypeName(f32)} (seed {seed})", PointwiseOutputs(c, n, f32, seed, all: true), f32, f32 ? 4e-6 : 1e-14);
            }
        }

        m.AssertNone(minimumChecks: 68 * 2 * 11);
    }

    [Theory]
    [MemberData(nameof(LargePointwiseRows))]
    public void PointwiseLoss_1000003Elements_VectorPathMatchesScalarPath(string caseId)
    {
        LossCase c = LossMatrix.Cases[caseId];
        var m = new Mismatches();
        foreach (bool f32 in ElementTypes)
        {
            int seed = LossMatrix.Seed($"vs-large/{caseId}/{TypeName(f32)}");
            CompareScalarAndVector(m, $"{caseId} n={Large} {TypeName(f32)} (seed {seed})", PointwiseOutputs(c, Large, f32, seed, all: false), f32, 1e-6);
        }

        m.AssertNone(minimumChecks: 8);
    }

    // ------------------------------------------------------------------ row losses

    /// <summary>(3, K) rows (or (K, 3) for a class axis 0): per-sample values, Backward, mean and weighted-sum gradients.</summary>
    private static Func<List<Output>> RowOutputs(LossCase c, int k, int rowCount, bool float32, int seed)
    {
        var rng = new Random(seed);
        ShapeCase shape = c.Kind == LossKind.Scce ? ShapeCase.Sparse(rowCount, k) : c.Axis == 0 ? ShapeCase.Dense(k, rowCount) : ShapeCase.Dense(rowCount, k);
        Sample s = LossMatrix.Generate(c, shape, rng, smooth: false, float32, LabelType.Int32);
        double[] upstream = Upstream(rng, rowCount);
        WeightCase weights = PerSample(rng, rowCount);
        Loss none = c.Make(Reduction.None), mean = c.Make(Reduction.SumOverBatchSize), sum = c.Make(Reduction.Sum);
        return () =>
        {
            var outputs = new List<Output>();
            outputs.Add(new("row losses", LossMatrix.Call(none, s, NoWeight, float32).Values, Kind.RowValues));
            outputs.Add(new("Backward", LossMatrix.Backward(none, s, NoWeight, upstream, [rowCount], float32), Kind.Gradient));
            var (v, g) = LossMatrix.ValueAndGradient(mean, s, NoWeight, float32);
            outputs.Add(new("mean value", [v], Kind.Sum));
            outputs.Add(new("mean gradient", g, Kind.Gradient));
            var (vw, gw) = LossMatrix.ValueAndGradient(sum, s, weights, float32);
            outputs.Add(new("weighted sum value", [vw], Kind.Sum));
            outputs.Add(new("weighted sum gradient", gw, Kind.Gradient));
            return outputs;
        };
    }

    [Theory]
    [MemberData(nameof(RowRows))]
    public void RowLoss_EveryClassCount0To67_VectorPathMatchesScalarPath(string caseId)
    {
        LossCase c = LossMatrix.Cases[caseId];
        var m = new Mismatches();
        for (int k = c.Kind == LossKind.Scce ? 1 : 0; k <= 67; k++)
        {
            foreach (bool f32 in ElementTypes)
            {
                int seed = LossMatrix.Seed($"vs-rows/{caseId}/{k}/{TypeName(f32)}");
                CompareScalarAndVector(m, $"{caseId} K={k} {TypeName(f32)} (seed {seed})", RowOutputs(c, k, 3, f32, seed), f32, f32 ? 4e-6 : 1e-14);
            }
        }

        m.AssertNone(minimumChecks: 67 * 2 * 6);
    }

    [Theory]
    [MemberData(nameof(LargeRowRows))]
    public void RowLoss_1000003Elements_VectorPathMatchesScalarPath(string caseId)
    {
        LossCase c = LossMatrix.Cases[caseId];
        var m = new Mismatches();
        foreach (bool f32 in ElementTypes)
        {
            int seed = LossMatrix.Seed($"vs-rows-large/{caseId}/{TypeName(f32)}");

            // One row of 1,000,003 classes (vectorized max / exp / sums over a long row) ...
            CompareScalarAndVector(m, $"{caseId} 1×{Large} {TypeName(f32)} (seed {seed})", RowOutputs(c, Large, 1, f32, seed), f32, 1e-6, f32 ? 4e-6 : 1e-12);

            // ... and 76,923 rows of 13 classes (999,999 elements: many chunks, a vector body and a tail per row).
            CompareScalarAndVector(m, $"{caseId} 76923×13 {TypeName(f32)} (seed {seed})", RowOutputs(c, 13, 76_923, f32, seed), f32, 1e-6);
        }

        m.AssertNone(minimumChecks: 24);
    }

    // ------------------------------------------------------------------ tf.nn

    private static Func<List<Output>> NnOutputs(string fn, int n, bool float32, int seed)
    {
        var rng = new Random(seed);
        bool elementwise = fn is "sigmoid" or "weighted" or "v1-huber" or "log-poisson" or "log-poisson-full" or "v1-hinge";
        int k = fn == "sparse" ? Math.Max(n, 1) : n;
        int[] shape = elementwise ? [n] : [3, k];
        int size = elementwise ? n : 3 * k;
        double[] y = fn switch
        {
            "softmax" => FacadeMatrix.DistributionLabels(rng, shape, -1, allowUnnormalized: true),
            "sparse" => [],
            _ => FacadeMatrix.SoftLabels(rng, n),
        };
        long[] ids = fn == "sparse" ? FacadeMatrix.ClassIds(rng, 3, k) : [];
        double[] x = FacadeMatrix.Logits(rng, size, extremes: true);
        double[] u = Upstream(rng, elementwise ? n : 3);
        int[] uShape = elementwise ? [n] : [3];
        if (float32)
        {
            (y, x) = (LossMatrix.Round32(y), LossMatrix.Round32(x));
        }

        const double q = 1.7;
        const double delta = 0.9;
        return () =>
        {
            var outputs = new List<Output>();
            LossInput<long> labels = fn == "sparse" ? new LossInput<long>(ids, 3) : default;
            if (float32)
            {
                LossInput<float> ly = fn == "sparse" ? default : FacadeMatrix.F(y, shape), lx = FacadeMatrix.F(x, shape), lu = FacadeMatrix.F(u, uShape);
                switch (fn)
                {
                    case "sigmoid":
                        outputs.Add(new("values", LossMatrix.ToArrays(Nn.SigmoidCrossEntropyWithLogits(ly, lx)).Values, Kind.Values));
                        outputs.Add(new("gradient", LossMatrix.ToArrays(Nn.SigmoidCrossEntropyWithLogitsGradient(ly, lx, lu)).Values, Kind.Gradient));
                        outputs.Add(new("gradient, no upstream", LossMatrix.ToArrays(Nn.SigmoidCrossEntropyWithLogitsGradient(ly, lx)).Values, Kind.Gradient));
                        break;
                    case "weighted":
                        outputs.Add(new("values", LossMatrix.ToArrays(Nn.WeightedCrossEntropyWithLogits(ly, lx, (float)q)).Values, Kind.Values));
                        outputs.Add(new("gradient", LossMatrix.ToArrays(Nn.WeightedCrossEntropyWithLogitsGradient(ly, lx, (float)q, lu)).Values, Kind.Gradient));
                        outputs.Add(new("gradient, no upstream", LossMatrix.ToArrays(Nn.WeightedCrossEntropyWithLogitsGradient(ly, lx, (float)q)).Values, Kind.Gradient));
                        break;
                    case "log-poisson" or "log-poisson-full":
                        outputs.Add(new("values", LossMatrix.ToArrays(Nn.LogPoissonLoss(ly, lx, fn == "log-poisson-full")).Values, Kind.Values));
                        outputs.Add(new("gradient", LossMatrix.ToArrays(Nn.LogPoissonLossGradient(ly, lx, fn == "log-poisson-full", lu)).Values, Kind.Gradient));
                        break;
                    case "v1-hinge":
                        outputs.Add(new("values", LossMatrix.ToArrays(CompatV1.HingeLoss(ly, lx, default, CompatV1.Reduction.None)).Values, Kind.Values));
                        outputs.Add(new("gradient", LossMatrix.ToArrays(CompatV1.HingeLossGradient(ly, lx, default, CompatV1.Reduction.None, lu)).Values, Kind.Gradient));
                        break;
                    case "v1-huber":
                        outputs.Add(new("values", LossMatrix.ToArrays(CompatV1.HuberLoss(ly, lx, default, delta, CompatV1.Reduction.None)).Values, Kind.Values));
                        outputs.Add(new("gradient", LossMatrix.ToArrays(CompatV1.HuberLossGradient(ly, lx, default, delta, CompatV1.Reduction.None, lu)).Values, Kind.Gradient));
                        outputs.Add(new("gradient, no upstream", LossMatrix.ToArrays(CompatV1.HuberLossGradient(ly, lx, default, delta, CompatV1.Reduction.None)).Values, Kind.Gradient));
                        break;
                    case "softmax":
                        outputs.Add(new("values", LossMatrix.ToArrays(Nn.SoftmaxCrossEntropyWithLogits(ly, lx)).Values, Kind.RowValues));
                        outputs.Add(new("gradient", LossMatrix.ToArrays(Nn.SoftmaxCrossEntropyWithLogitsGradient(ly, lx, -1, lu)).Values, Kind.Gradient));
                        break;
                    default:
                        outputs.Add(new("values", LossMatrix.ToArrays(Nn.SparseSoftmaxCrossEntropyWithLogits(labels, lx)).Values, Kind.RowValues));
                        outputs.Add(new("gradient", LossMatrix.ToArrays(Nn.SparseSoftmaxCrossEntropyWithLogitsGradient(labels, lx, lu)).Values, Kind.Gradient));
                        break;
                }
            }
            else
            {
                LossInput<double> ly = fn == "sparse" ? default : FacadeMatrix.D(y, shape), lx = FacadeMatrix.D(x, shape), lu = FacadeMatrix.D(u, uShape);
                switch (fn)
                {
                    case "sigmoid":
                        outputs.Add(new("values", LossMatrix.ToArrays(Nn.SigmoidCrossEntropyWithLogits(ly, lx)).Values, Kind.Values));
                        outputs.Add(new("gradient", LossMatrix.ToArrays(Nn.SigmoidCrossEntropyWithLogitsGradient(ly, lx, lu)).Values, Kind.Gradient));
                        outputs.Add(new("gradient, no upstream", LossMatrix.ToArrays(Nn.SigmoidCrossEntropyWithLogitsGradient(ly, lx)).Values, Kind.Gradient));
                        break;
                    case "weighted":
                        outputs.Add(new("values", LossMatrix.ToArrays(Nn.WeightedCrossEntropyWithLogits(ly, lx, q)).Values, Kind.Values));
                        outputs.Add(new("gradient", LossMatrix.ToArrays(Nn.WeightedCrossEntropyWithLogitsGradient(ly, lx, q, lu)).Values, Kind.Gradient));
                        outputs.Add(new("gradient, no upstream", LossMatrix.ToArrays(Nn.WeightedCrossEntropyWithLogitsGradient(ly, lx, q)).Values, Kind.Gradient));
                        break;
                    case "log-poisson" or "log-poisson-full":
                        outputs.Add(new("values", LossMatrix.ToArrays(Nn.LogPoissonLoss(ly, lx, fn == "log-poisson-full")).Values, Kind.Values));
                        outputs.Add(new("gradient", LossMatrix.ToArrays(Nn.LogPoissonLossGradient(ly, lx, fn == "log-poisson-full", lu)).Values, Kind.Gradient));
                        break;
                    case "v1-hinge":
                        outputs.Add(new("values", LossMatrix.ToArrays(CompatV1.HingeLoss(ly, lx, default, CompatV1.Reduction.None)).Values, Kind.Values));
                        outputs.Add(new("gradient", LossMatrix.ToArrays(CompatV1.HingeLossGradient(ly, lx, default, CompatV1.Reduction.None, lu)).Values, Kind.Gradient));
                        break;
                    case "v1-huber":
                        outputs.Add(new("values", LossMatrix.ToArrays(CompatV1.HuberLoss(ly, lx, default, delta, CompatV1.Reduction.None)).Values, Kind.Values));
                        outputs.Add(new("gradient", LossMatrix.ToArrays(CompatV1.HuberLossGradient(ly, lx, default, delta, CompatV1.Reduction.None, lu)).Values, Kind.Gradient));
                        outputs.Add(new("gradient, no upstream", LossMatrix.ToArrays(CompatV1.HuberLossGradient(ly, lx, default, delta, CompatV1.Reduction.None)).Values, Kind.Gradient));
                        break;
                    case "softmax":
                        outputs.Add(new("values", LossMatrix.ToArrays(Nn.SoftmaxCrossEntropyWithLogits(ly, lx)).Values, Kind.RowValues));
                        outputs.Add(new("gradient", LossMatrix.ToArrays(Nn.SoftmaxCrossEntropyWithLogitsGradient(ly, lx, -1, lu)).Values, Kind.Gradient));
                        break;
                    default:
                        outputs.Add(new("values", LossMatrix.ToArrays(Nn.SparseSoftmaxCrossEntropyWithLogits(labels, lx)).Values, Kind.RowValues));
                        outputs.Add(new("gradient", LossMatrix.ToArrays(Nn.SparseSoftmaxCrossEntropyWithLogitsGradient(labels, lx, lu)).Values, Kind.Gradient));
                        break;
                }
            }

            return outputs;
        };
    }

    [Theory]
    [MemberData(nameof(NnRows))]
    public void NnFunction_EveryLength0To67_VectorPathMatchesScalarPath(string fn)
    {
        var m = new Mismatches();
        for (int n = 0; n <= 67; n++)
        {
            foreach (bool f32 in ElementTypes)
            {
                int seed = LossMatrix.Seed($"vs-nn/{fn}/{n}/{TypeName(f32)}");
                CompareScalarAndVector(m, $"nn {fn} n={n} {TypeName(f32)} (seed {seed})", NnOutputs(fn, n, f32, seed), f32, f32 ? 4e-6 : 1e-14);
            }
        }

        m.AssertNone(minimumChecks: 68 * 2 * 2);
    }

    [Theory]
    [InlineData("sigmoid")]
    [InlineData("weighted")]
    [InlineData("v1-huber")]
    [InlineData("log-poisson")]
    [InlineData("v1-hinge")]
    public void NnElementwise_1000003Elements_VectorPathMatchesScalarPath(string fn)
    {
        var m = new Mismatches();
        foreach (bool f32 in ElementTypes)
        {
            int seed = LossMatrix.Seed($"vs-nn-large/{fn}/{TypeName(f32)}");
            CompareScalarAndVector(m, $"nn {fn} n={Large} {TypeName(f32)} (seed {seed})", NnOutputs(fn, Large, f32, seed), f32, 1e-6);
        }

        m.AssertNone(minimumChecks: 6);
    }

    // ------------------------------------------------------------------ determinism and accuracy of large sums

    private static (float[] X, float[] Y) LargeLogits(int seed)
    {
        var rng = new Random(seed);
        var x = new float[Large];
        var y = new float[Large];
        for (int i = 0; i < Large; i++)
        {
            x[i] = (float)LossMatrix.Uniform(rng, -8, 8);
            y[i] = rng.NextDouble() < 0.5 ? rng.Next(2) : (float)rng.NextDouble();
        }

        return (x, y);
    }

    [Fact]
    public void RepeatedCall_1000003Floats_IsBitIdentical()
    {
        const int seed = 20261123;
        var (x, y) = LargeLogits(seed);
        var yIn = new LossInput<float>(y, Large, 1);
        var xIn = new LossInput<float>(x, Large, 1);
        var bce = new BinaryCrossentropy(fromLogits: true, reduction: Reduction.Sum);
        var (v1, g1) = bce.ValueAndGradient(yIn, xIn);
        var (v2, g2) = bce.ValueAndGradient(yIn, xIn);
        Assert.True(BitConverter.SingleToInt32Bits(v1) == BitConverter.SingleToInt32Bits(v2), $"BCE sum differs between two calls: {v1:R} vs {v2:R} (seed {seed})");
        Assert.True(g1.SequenceEqual(g2), $"BCE gradients differ between two calls (seed {seed})");

        // Rows: 9,901 × 101 logits (many chunks).
        var rows = new LossInput<float>(x.AsSpan(0, 9901 * 101), 9901, 101);
        var probs = new float[9901 * 101];
        for (int i = 0; i < probs.Length; i++)
        {
            probs[i] = y[i];
        }

        var labels = new LossInput<float>(probs, 9901, 101);
        var cce = new CategoricalCrossentropy(fromLogits: true);
        var (c1, h1) = cce.ValueAndGradient(labels, rows);
        var (c2, h2) = cce.ValueAndGradient(labels, rows);
        Assert.True(BitConverter.SingleToInt32Bits(c1) == BitConverter.SingleToInt32Bits(c2), $"CCE mean differs between two calls: {c1:R} vs {c2:R} (seed {seed})");
        Assert.True(h1.SequenceEqual(h2), $"CCE gradients differ between two calls (seed {seed})");
    }

    [Fact]
    public async Task MaxDegreeOfParallelism_OneCoreVersusAllCoresVersusOtherThread_IsBitIdentical()
    {
        const int seed = 777;
        var (x, y) = LargeLogits(seed);
        var w = new float[Large];
        var rng = new Random(seed + 1);
        for (int i = 0; i < Large; i++)
        {
            w[i] = (float)LossMatrix.Uniform(rng, 0.25, 2);
        }

        (float Value, float[] Gradient) Run(int degree)
        {
            var loss = new BinaryCrossentropy(fromLogits: true, reduction: Reduction.SumOverBatchSize) { MaxDegreeOfParallelism = degree };
            var (v, g) = loss.ValueAndGradient(new LossInput<float>(y, Large, 1), new LossInput<float>(x, Large, 1), new LossInput<float>(w, Large));
            var flat = new float[Large];
            g.FlattenTo(flat);
            return (v, flat);
        }

        var one = Run(1);
        var all = Run(0);
        var other = await Task.Run(() => Run(0));
        Assert.True(BitConverter.SingleToInt32Bits(one.Value) == BitConverter.SingleToInt32Bits(all.Value), $"1 core {one.Value:R} vs all cores {all.Value:R} (seed {seed})");
        Assert.True(BitConverter.SingleToInt32Bits(one.Value) == BitConverter.SingleToInt32Bits(other.Value), $"this thread {one.Value:R} vs another thread {other.Value:R} (seed {seed})");
        Assert.True(one.Gradient.AsSpan().SequenceEqual(all.Gradient), $"gradients differ between 1 core and all cores (seed {seed})");
        Assert.True(one.Gradient.AsSpan().SequenceEqual(other.Gradient), $"gradients differ between threads (seed {seed})");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BceFromLogitsSum_1000003Floats_MatchesDoubleReferenceSum(bool forceScalar)
    {
        const int seed = 4242;
        var (x, y) = LargeLogits(seed);

        // Expected: the double-precision oracle on the same float32 values (Reference/RefLosses + RefReduce.Keras3 "sum").
        double[] xd = Array.ConvertAll(x, v => (double)v), yd = Array.ConvertAll(y, v => (double)v);
        var (perSample, shape) = RefLosses.BinaryCrossentropy(yd, xd, [Large, 1], fromLogits: true, labelSmoothing: 0, axis: -1, tfKeras2: false, float32: true);
        double expected = RefReduce.Keras3(perSample, shape, null, null, null, "sum").Scalar!.Value;

        var bce = new BinaryCrossentropy(fromLogits: true, reduction: Reduction.Sum);
        float got = forceScalar
            ? OnScalarPath(() => bce.Compute(new LossInput<float>(y, Large, 1), new LossInput<float>(x, Large, 1)))
            : OnVectorPath(() => bce.Compute(new LossInput<float>(y, Large, 1), new LossInput<float>(x, Large, 1)));
        double rel = Math.Abs(got - expected) / expected;
        Assert.True(rel <= 1e-6, $"float sum {got:R} vs double reference {expected:R}: relative error {rel:G3} > 1e-6 (seed {seed}, scalar path: {forceScalar})");
    }
}
