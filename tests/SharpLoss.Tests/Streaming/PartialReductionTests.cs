namespace SharpLoss.Tests.Streaming;

/// <summary>
/// Partial reductions (Loss.Partial, PartialReduction): the states of aligned blocks, merged in any order and grouping and
/// serialized on the way, finish to the bits of the one in-memory call; what cannot be reduced in parts is refused.
/// </summary>
public class PartialReductionTests
{
    private static float[] Seeded(int n, int seed, bool bits = false)
    {
        var r = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => bits ? r.Next(2) : (float)r.NextDouble())];
    }

    public static TheoryData<string, int, int, bool> Cases => new()
    {
        { "bce_logits", 70_001, 1, false },
        { "bce_d5", 40_003, 5, false },
        { "mse_weighted", 33_000, 10, true },
        { "mae_mean_with_sample_weight", 40_000, 1, true },
        { "cce_sum", 9_000, 12, false },
        { "cce_d5_mean_with_sample_weight", 40_000, 5, true },
        { "mae_d3_mean_with_sample_weight", 40_000, 3, true },

        // Rows longer than a 16384-element chunk: in memory their pieces run as chunks of their own (on every core), in
        // blocks one row after another; each row adds its pieces' sums in the same order.
        { "mse_long_rows", 7, 40_003, true },
    };

    private static Loss Make(string name) => name switch
    {
        "bce_logits" => new BinaryCrossentropy(fromLogits: true),
        "bce_d5" => new BinaryCrossentropy(labelSmoothing: 0.1),
        "mse_weighted" or "mse_long_rows" => new MeanSquaredError(),
        "mae_mean_with_sample_weight" or "mae_d3_mean_with_sample_weight" => new MeanAbsoluteError(reduction: Reduction.MeanWithSampleWeight),
        "cce_d5_mean_with_sample_weight" => new CategoricalCrossentropy(reduction: Reduction.MeanWithSampleWeight),
        _ => new CategoricalCrossentropy(reduction: Reduction.Sum),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Blocks_MergedInAnyOrder_FinishToTheInMemoryBits(string name, int rows, int cols, bool weighted)
    {
        Loss loss = Make(name);
        float[] y = Seeded(rows * cols, 1, bits: true), p = Seeded(rows * cols, 2), w = Seeded(rows, 3);
        float whole = weighted
            ? loss.Compute(new LossInput<float>(y, rows, cols), new LossInput<float>(p, rows, cols), new LossInput<float>(w, rows))
            : loss.Compute(new LossInput<float>(y, rows, cols), new LossInput<float>(p, rows, cols));

        PartialReduction Block(long first, long count)
        {
            int f = (int)first, n = (int)count;
            var yt = new LossInput<float>(y.AsSpan(f * cols, n * cols), n, cols);
            var yp = new LossInput<float>(p.AsSpan(f * cols, n * cols), n, cols);
            return weighted
                ? loss.Partial(yt, yp, new LossInput<float>(w.AsSpan(f, n), n), first, rows)
                : loss.Partial(yt, yp, default, first, rows);
        }

        // Row chunks of a power of two rows meet the weight sum's chunks of 16384 weights every 16384 rows at most, whatever
        // the row length: blocks stay small (rows of 5 classes under a weighted mean would otherwise align every 13.4M rows).
        long alignment = Block(0, 2).Alignment;
        Assert.InRange(alignment, 1, 16384);
        long block = alignment;
        var states = new List<PartialReduction>();
        for (long b = 0; b < rows; b += block)
        {
            // Through the text form, as shards hand their states on.
            states.Add(PartialReduction.Parse(Block(b, Math.Min(block, rows - b)).ToJson()));
        }

        Assert.True(states.Count >= 2, "the case should span several blocks");
        PartialReduction Fold(IEnumerable<PartialReduction> s) => s.Aggregate(PartialReduction.Merge);
        Assert.Equal(whole, Fold(states).Finish<float>());
        Assert.Equal(whole, Fold(Enumerable.Reverse(states)).Finish<float>());
        int half = states.Count / 2;
        Assert.Equal(whole, PartialReduction.Merge(Fold(states.Skip(half)), Fold(states.Take(half))).Finish<float>());
    }

    [Theory]
    [InlineData(LossSemantics.Keras3)]
    [InlineData(LossSemantics.TfKeras2)]
    public void IgnoreClass_BlocksWithTheBatchMaskCount_FinishToTheInMemoryBits(LossSemantics semantics)
    {
        // The mean over elements scales the ignore_class mask by total / valid of the whole batch: blocks given those
        // numbers have the whole call's weights; without them a block is refused.
        const int rows = 40_000, classes = 5;
        var loss = new SparseCategoricalCrossentropy(ignoreClass: 3, semantics: semantics);
        int[] ids = [.. Enumerable.Range(0, rows).Select(i => (i * 7) % classes)];
        float[] p = Seeded(rows * classes, 4).Select(v => 0.05f + v).ToArray();
        float whole = loss.Compute(new LossInput<int>(ids, rows), new LossInput<float>(p, rows, classes));
        var mask = new SharpLoss.Internals.BatchMask(rows, ids.LongCount(i => i != 3));
        PartialReduction Block(long first, long count, SharpLoss.Internals.BatchMask? m) =>
            loss.Partial(new LossInput<int>(ids.AsSpan((int)first, (int)count), (int)count), new LossInput<float>(p.AsSpan((int)first * classes, (int)count * classes), (int)count, classes), default, first, rows, m);

        Assert.Throws<NotSupportedException>(() => Block(0, 2, null));
        long alignment = Block(0, 2, mask).Alignment;
        var states = new List<PartialReduction>();
        for (long b = 0; b < rows; b += alignment)
        {
            states.Add(Block(b, Math.Min(alignment, rows - b), mask));
        }

        Assert.True(states.Count >= 2);
        Assert.Equal(whole, Enumerable.Reverse(states).Aggregate(PartialReduction.Merge).Finish<float>());
    }

    [Fact]
    public void OverlappingOrForeignStates_AreRejected()
    {
        var loss = new MeanSquaredError();
        float[] y = Seeded(40_000, 1), p = Seeded(40_000, 2);
        PartialReduction a = loss.Partial(new LossInput<float>(y.AsSpan(0, 16384), 16384, 1), new LossInput<float>(p.AsSpan(0, 16384), 16384, 1), default, 0, 40_000);
        Assert.Throws<ArgumentException>(() => PartialReduction.Merge(a, a));
        PartialReduction other = new MeanAbsoluteError().Partial(new LossInput<float>(y.AsSpan(16384, 100), 100, 1), new LossInput<float>(p.AsSpan(16384, 100), 100, 1), default, 16384, 40_000);
        Assert.Throws<ArgumentException>(() => PartialReduction.Merge(a, other));
        Assert.Throws<InvalidOperationException>(() => a.Finish<float>());
    }

    [Fact]
    public void UnalignedBlock_IsRejected()
    {
        var loss = new MeanSquaredError();
        float[] y = Seeded(100, 1), p = Seeded(100, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => loss.Partial(new LossInput<float>(y, 100, 1), new LossInput<float>(p, 100, 1), default, 1, 101));
    }

    [Fact]
    public void MaskedOrStridedLosses_AreRefused()
    {
        // ignore_class makes a mask whose weights depend on the whole batch; axis 0 reduces across rows.
        var scce = new SparseCategoricalCrossentropy(ignoreClass: 0);
        Assert.Throws<NotSupportedException>(() => scce.Partial(new LossInput<int>([0, 1], 2), new LossInput<float>([0.5f, 0.5f, 0.2f, 0.8f], 2, 2), default, 0, 2));
        var bce = new BinaryCrossentropy(axis: 0);
        Assert.Throws<NotSupportedException>(() => bce.Partial(new LossInput<float>([0, 1, 1, 0], 2, 2), new LossInput<float>([0.5f, 0.5f, 0.2f, 0.8f], 2, 2), default, 0, 2));
    }

    [Fact]
    public void RankOneInputs_AreOneSample_AndRefused()
    {
        // MSE on shape (N,) averages over the last axis: one per-sample loss for the whole batch, not one per row.
        Assert.Throws<NotSupportedException>(() => new MeanSquaredError().Partial(new LossInput<float>([1, 2, 3], 3), new LossInput<float>([1, 2, 4], 3), default, 0, 3));
    }

    [Fact]
    public void Parse_RejectsTextThatIsNoState()
    {
        Assert.Throws<FormatException>(() => PartialReduction.Parse("{\"format\": \"other\"}"));
        Assert.Throws<FormatException>(() => PartialReduction.Parse("not json"));
    }
}
