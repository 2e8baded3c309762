// The Vector256 paths of the focal cross-entropies and the categorical hinge against their scalar paths
// (KernelSwitch.ForceScalar), per-sample values and gradients, float and double, over every length 0..67 (the vector body
// and every tail) and a long row, with the integral γ (repeated squaring) and non-integral γ (exp/log in double) forms of
// the focal factor.

using SharpLoss.Internals;

namespace SharpLoss.Tests.Kernels;

public class CatalogueVectorScalarTests
{
    /// <summary>Named configurations: each builds the loss with Reduction.None and says how to draw its inputs.</summary>
    private sealed record Case(string Id, Func<Reduction, Loss> Make, Input Input);

    private enum Input
    {
        /// <summary>Labels mostly 0/1, some soft; probabilities in (0, 1), some at 0 and 1 (clip boundaries).</summary>
        BinaryProbabilities,

        /// <summary>As <see cref="BinaryProbabilities"/> with logits in [−8, 8], some ±1e4.</summary>
        BinaryLogits,

        /// <summary>Soft label rows; probability rows (not normalized), some entries 0.</summary>
        CategoricalProbabilities,

        /// <summary>Soft label rows; logits in [−6, 6].</summary>
        CategoricalLogits,

        /// <summary>One-hot label rows (vectors of zero labels take a shortcut); probability rows, some entries 0.</summary>
        CategoricalOneHot,

        /// <summary>Class ids; probability rows.</summary>
        SparseProbabilities,

        /// <summary>Class ids; logits.</summary>
        SparseLogits,

        /// <summary>One-hot label rows with ties among the negatives' scores; scores in [−2, 2] on a grid.</summary>
        Hinge,
    }

    private static readonly Case[] Cases =
    [
        new("bfce_g2", r => new BinaryFocalCrossentropy(reduction: r), Input.BinaryProbabilities),
        new("bfce_g0", r => new BinaryFocalCrossentropy(gamma: 0, reduction: r), Input.BinaryProbabilities),
        new("bfce_g1_balance_ls", r => new BinaryFocalCrossentropy(true, 0.3, 1, labelSmoothing: 0.1, reduction: r), Input.BinaryProbabilities),
        new("bfce_g1.5", r => new BinaryFocalCrossentropy(gamma: 1.5, reduction: r), Input.BinaryProbabilities),
        new("bfce_g0.5_logits", r => new BinaryFocalCrossentropy(gamma: 0.5, fromLogits: true, reduction: r), Input.BinaryLogits),
        new("bfce_g3_logits", r => new BinaryFocalCrossentropy(gamma: 3, fromLogits: true, reduction: r), Input.BinaryLogits),
        new("bfce_g2_tfk", r => new BinaryFocalCrossentropy(true, reduction: r, semantics: LossSemantics.TfKeras2), Input.BinaryProbabilities),
        new("bfce_g2.5_logits_tfk", r => new BinaryFocalCrossentropy(gamma: 2.5, fromLogits: true, labelSmoothing: 0.2, reduction: r, semantics: LossSemantics.TfKeras2), Input.BinaryLogits),
        new("cfce_g2", r => new CategoricalFocalCrossentropy(reduction: r), Input.CategoricalProbabilities),
        new("cfce_g1.5_ls", r => new CategoricalFocalCrossentropy(gamma: 1.5, labelSmoothing: 0.1, reduction: r), Input.CategoricalProbabilities),
        new("cfce_g2_onehot", r => new CategoricalFocalCrossentropy(reduction: r), Input.CategoricalOneHot),
        new("cfce_g1.5_onehot_logits", r => new CategoricalFocalCrossentropy(gamma: 1.5, fromLogits: true, reduction: r), Input.CategoricalOneHot),
        new("cfce_g2_logits", r => new CategoricalFocalCrossentropy(fromLogits: true, reduction: r), Input.CategoricalLogits),
        new("cfce_g0.7_logits", r => new CategoricalFocalCrossentropy(gamma: 0.7, fromLogits: true, reduction: r), Input.CategoricalLogits),
        new("scfce_g2", r => new SparseCategoricalFocalCrossentropy(reduction: r), Input.SparseProbabilities),
        new("scfce_g2.5_logits", r => new SparseCategoricalFocalCrossentropy(gamma: 2.5, fromLogits: true, reduction: r), Input.SparseLogits),
        new("categorical_hinge", r => new CategoricalHinge(r), Input.Hinge),
    ];

    public static TheoryData<string> Ids => new(Cases.Select(c => c.Id));

    private static (double[] Y, double[] P, int[] YShape) Draw(Input input, int rows, int k, Random rng)
    {
        var p = new double[rows * k];
        var y = new double[rows * k];
        var ids = new double[rows];
        for (int i = 0; i < p.Length; i++)
        {
            int pick = rng.Next(20);
            switch (input)
            {
                case Input.BinaryProbabilities:
                    y[i] = pick < 2 ? rng.NextDouble() : rng.Next(2);
                    p[i] = pick == 3 ? 0 : pick == 4 ? 1 : rng.NextDouble();
                    break;
                case Input.BinaryLogits:
                    y[i] = pick < 2 ? rng.NextDouble() : rng.Next(2);
                    p[i] = pick == 3 ? -1e4 : pick == 4 ? 1e4 : (rng.NextDouble() * 16) - 8;
                    break;
                case Input.CategoricalOneHot:
                    p[i] = pick == 3 ? 0 : rng.NextDouble();
                    break;
                case Input.CategoricalProbabilities or Input.SparseProbabilities:
                    y[i] = rng.NextDouble();
                    p[i] = pick == 3 ? 0 : rng.NextDouble();
                    break;
                case Input.CategoricalLogits or Input.SparseLogits:
                    y[i] = rng.NextDouble();
                    p[i] = (rng.NextDouble() * 12) - 6;
                    break;
                case Input.Hinge:
                    p[i] = Math.Round((rng.NextDouble() * 4) - 2, 1);
                    break;
            }
        }

        for (int r = 0; r < rows && k > 0; r++)
        {
            ids[r] = rng.Next(k);
            if (input is Input.Hinge or Input.CategoricalOneHot)
            {
                y[(r * k) + (int)ids[r]] = 1;
            }
        }

        bool sparse = input is Input.SparseProbabilities or Input.SparseLogits;
        return sparse ? (ids, p, [rows]) : (y, p, [rows, k]);
    }

    private static (double[] Values, double[] Gradient) Run(Case c, double[] y, int[] yShape, double[] p, int[] pShape, bool float32, bool scalar)
    {
        bool previous = KernelSwitch.ForceScalar;
        KernelSwitch.ForceScalar = scalar;
        try
        {
            Loss none = c.Make(Reduction.None), sum = c.Make(Reduction.Sum);
            if (float32)
            {
                float[] yf = Array.ConvertAll(y, v => (float)v), pf = Array.ConvertAll(p, v => (float)v);
                var values = none.Call(new LossInput<float>(yf, yShape), new LossInput<float>(pf, pShape)).ToArray();
                var (_, grad) = sum.ValueAndGradient(new LossInput<float>(yf, yShape), new LossInput<float>(pf, pShape));
                return (Array.ConvertAll(values, v => (double)v), Array.ConvertAll(grad.ToArray(), v => (double)v));
            }

            var vd = none.Call(new LossInput<double>(y, yShape), new LossInput<double>(p, pShape)).ToArray();
            var (_, gd) = sum.ValueAndGradient(new LossInput<double>(y, yShape), new LossInput<double>(p, pShape));
            return (vd, gd.ToArray());
        }
        finally
        {
            KernelSwitch.ForceScalar = previous;
        }
    }

    /// <summary>Equal, both NaN, or within <paramref name="rel"/> of max(|a|, |b|, floor).</summary>
    private static int Differences(double[] a, double[] b, double rel, double floor, out string? first)
    {
        int bad = 0;
        first = null;
        for (int i = 0; i < a.Length; i++)
        {
            if (!(a[i].Equals(b[i]) || Math.Abs(a[i] - b[i]) <= rel * Math.Max(Math.Max(Math.Abs(a[i]), Math.Abs(b[i])), floor)))
            {
                bad++;
                first ??= $"[{i}] scalar {a[i]:R}, vector {b[i]:R}";
            }
        }

        return bad;
    }

    private static void Compare(Case c, int rows, int k, int seed, List<string> failures)
    {
        var rng = new Random(seed);
        (double[] y, double[] p, int[] yShape) = Draw(c.Input, rows, k, rng);
        int[] pShape = [rows, k];
        foreach (bool float32 in new[] { true, false })
        {
            var scalar = Run(c, y, yShape, p, pShape, float32, scalar: true);
            var vector = Run(c, y, yShape, p, pShape, float32, scalar: false);

            // The vector exp/log are within a few ulps of the runtime's: 4e-6 relative in float, 1e-13 in double.
            double rel = float32 ? 4e-6 : 1e-13;
            double gradFloor = scalar.Gradient.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max() * 0.1;
            string where = $"{c.Id} {(float32 ? "float" : "double")} [{rows} x {k}]";
            if (Differences(scalar.Values, vector.Values, rel, 1e-30, out string? fv) > 0)
            {
                failures.Add($"{where} values: {fv}");
            }

            if (Differences(scalar.Gradient, vector.Gradient, rel, gradFloor, out string? fg) > 0)
            {
                failures.Add($"{where} gradient: {fg}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void EveryLength0To67_VectorPathMatchesScalarPath(string id)
    {
        Case c = Cases.Single(x => x.Id == id);
        var failures = new List<string>();
        for (int k = 0; k <= 67; k++)
        {
            if (k == 0 && c.Input is Input.SparseProbabilities or Input.SparseLogits)
            {
                continue;   // a class id needs a class
            }

            Compare(c, 3, k, 1000 + k, failures);
        }

        Compare(c, 2, 1003, 7, failures);
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
    }

    [Fact]
    public void CategoricalHinge_TiesAcrossTheVectorBodyAndTail_ShareTheGradient()
    {
        // One-hot label at 0; the negatives' maximum 0.5 appears at entries 3, 9 (vector body) and 17 (tail, k = 18):
        // z = 0.5 − 0.1 + 1 = 1.4 ≥ 0, so each tie gets 1/3 and the label entry −1 (hand derivation, SPEC B.14 gradient).
        var y = new float[18];
        var p = new float[18];
        y[0] = 1;
        p[0] = 0.1f;
        p[3] = p[9] = p[17] = 0.5f;
        var (value, grad) = new CategoricalHinge(Reduction.Sum).ValueAndGradient(new LossInput<float>(y, 1, 18), new LossInput<float>(p, 1, 18));
        Assert.Equal(1.4f, value, 6);
        float[] g = grad.ToArray();
        Assert.Equal(-1f, g[0]);
        foreach (int i in new[] { 3, 9, 17 })
        {
            Assert.Equal(1f / 3, g[i], 6);
        }

        Assert.Equal(0, g.Where((_, i) => i is not (0 or 3 or 9 or 17)).Count(v => v != 0));
    }
}
