using SharpLoss.Kernels;

namespace SharpLoss.Tests.Kernels;

/// <summary>
/// Short softmax rows go through the kernels two at a time. A row's loss and gradient must not depend on whether it
/// was paired: a batch of 7 rows (three pairs and one single row) gives, bit for bit, what each row gives alone (a
/// batch of one row is never paired). With <see cref="Reduction.Sum"/> a row's gradient depends on that row only.
/// </summary>
public class RowPairTests
{
    public static TheoryData<int> ClassCounts => new() { 8, 13, 32, 67, 300, RowDriver.PairMaxClasses };

    [Theory]
    [MemberData(nameof(ClassCounts))]
    public void CategoricalCrossentropyLogits_PairedRows_SameBitsAsRowsAlone(int k)
    {
        foreach (double smoothing in new[] { 0.0, 0.1 })
        {
            Check(k, new CategoricalCrossentropy(fromLogits: true, labelSmoothing: smoothing, reduction: Reduction.Sum), sparse: false, $"CCE ls={smoothing}");
        }
    }

    [Theory]
    [MemberData(nameof(ClassCounts))]
    public void SparseCategoricalCrossentropyLogits_PairedRows_SameBitsAsRowsAlone(int k)
    {
        foreach (double smoothing in new[] { 0.0, 0.1 })
        {
            Check(k, new SparseCategoricalCrossentropy(fromLogits: true, labelSmoothing: smoothing, reduction: Reduction.Sum), sparse: true, $"SCCE ls={smoothing}");
        }

        // Row 2 is ignored: rows 0-1 pair, 2 is skipped, 3-4 and 5-6 pair.
        Check(k, new SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: 3, reduction: Reduction.Sum), sparse: true, "SCCE ignore_class=3");
    }

    private static void Check(int k, Loss loss, bool sparse, string what)
    {
        var sl = loss as SparseCategoricalCrossentropy;
        const int Rows = 7;
        var rng = new Random(7100 + k);
        float[] x = new float[Rows * k], y = new float[Rows * k];
        double[] xd = new double[Rows * k], yd = new double[Rows * k];
        int[] ids = new int[Rows];
        for (int i = 0; i < x.Length; i++)
        {
            xd[i] = (rng.NextDouble() * 12) - 6;
            yd[i] = rng.NextDouble() / k;
            x[i] = (float)xd[i];
            y[i] = (float)yd[i];
        }

        for (int r = 0; r < Rows; r++)
        {
            ids[r] = r == 2 ? 3 : rng.Next(k);
        }

        float[] g = new float[x.Length], gAlone = new float[k];
        double[] gd = new double[x.Length], gdAlone = new double[k];
        float total = sparse
            ? sl!.ValueAndGradientInto(new LossInput<int>(ids, Rows), new LossInput<float>(x, Rows, k), g)
            : loss.ValueAndGradientInto(new LossInput<float>(y, Rows, k), new LossInput<float>(x, Rows, k), g);
        double totalD = sparse
            ? sl!.ValueAndGradientInto(new LossInput<int>(ids, Rows), new LossInput<double>(xd, Rows, k), gd)
            : loss.ValueAndGradientInto(new LossInput<double>(yd, Rows, k), new LossInput<double>(xd, Rows, k), gd);
        double sumAlone = 0, sumAloneD = 0;
        for (int r = 0; r < Rows; r++)
        {
            Range row = (r * k)..((r + 1) * k);
            float l = sparse
                ? sl!.ValueAndGradientInto(new LossInput<int>(ids.AsSpan(r, 1), 1), new LossInput<float>(x.AsSpan(row), 1, k), gAlone)
                : loss.ValueAndGradientInto(new LossInput<float>(y.AsSpan(row), 1, k), new LossInput<float>(x.AsSpan(row), 1, k), gAlone);
            double ld = sparse
                ? sl!.ValueAndGradientInto(new LossInput<int>(ids.AsSpan(r, 1), 1), new LossInput<double>(xd.AsSpan(row), 1, k), gdAlone)
                : loss.ValueAndGradientInto(new LossInput<double>(yd.AsSpan(row), 1, k), new LossInput<double>(xd.AsSpan(row), 1, k), gdAlone);
            Assert.True(gAlone.AsSpan().SequenceEqual(g.AsSpan(row)), $"{what} K={k} float: row {r}'s gradient differs from the row alone");
            Assert.True(gdAlone.AsSpan().SequenceEqual(gd.AsSpan(row)), $"{what} K={k} double: row {r}'s gradient differs from the row alone");
            sumAlone += l;
            sumAloneD += ld;
        }

        // The batch adds the rows' float losses in double and rounds once; the rows alone were each rounded already,
        // and their float values are exact in double: the same sum, rounded the same way.
        Assert.Equal(BitConverter.SingleToInt32Bits((float)sumAlone), BitConverter.SingleToInt32Bits(total));
        Assert.Equal(sumAloneD, totalD);
    }
}
