using SharpLoss.Internals;

namespace SharpLoss.Tests.Performance;

/// <summary>
/// Determinism across thread counts, the allocation-free span path, and the accuracy of large sums. These are
/// properties, not timings: nothing here measures speed.
/// </summary>
public class ParallelismTests
{
    private const int Large = (1 << 20) + 37; // 64 chunks of 16 Ki plus a ragged tail: the parallel path runs.

    private static float[] Random(int n, int seed, float lo, float hi)
    {
        var rng = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = lo + ((hi - lo) * (float)rng.NextDouble());
        }

        return a;
    }

    private static float[] Binary(int n, int seed)
    {
        var rng = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = rng.Next(2);
        }

        return a;
    }

    public static TheoryData<string> PointwiseLosses => new() { "bce-logits", "bce-probs", "bce-probs-tfk2", "mse", "mae", "huber", "logcosh", "hinge", "kld" };

    private static Loss Make(string kind, int degree) => kind switch
    {
        "bce-logits" => new BinaryCrossentropy(fromLogits: true) { MaxDegreeOfParallelism = degree },
        "bce-probs" => new BinaryCrossentropy() { MaxDegreeOfParallelism = degree },
        "bce-probs-tfk2" => new BinaryCrossentropy(semantics: LossSemantics.TfKeras2) { MaxDegreeOfParallelism = degree },
        "mse" => new MeanSquaredError() { MaxDegreeOfParallelism = degree },
        "mae" => new MeanAbsoluteError() { MaxDegreeOfParallelism = degree },

        // δ = 0.5 so that errors in [0, 1] fall on both sides of δ.
        "huber" => new Huber(delta: 0.5) { MaxDegreeOfParallelism = degree },

        // Binary labels: the hinge losses convert them, after a scan of all of them; KLD sums over the (last) axis.
        "logcosh" => new LogCosh() { MaxDegreeOfParallelism = degree },
        "hinge" => new Hinge() { MaxDegreeOfParallelism = degree },
        "kld" => new KLDivergence() { MaxDegreeOfParallelism = degree },
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(PointwiseLosses))]
    public void PointwiseValueAndGradient_OneVersusManyThreads_BitIdentical(string kind)
    {
        float[] y = Binary(Large, 1);
        float[] p = kind == "bce-logits" ? Random(Large, 2, -8, 8) : Random(Large, 2, 0, 1);
        var g1 = new float[Large];
        var g2 = new float[Large];
        var gAll = new float[Large];
        float v1 = Make(kind, 1).ValueAndGradientInto(y, p, g1);
        float v2 = Make(kind, 2).ValueAndGradientInto(y, p, g2);
        float vAll = Make(kind, 0).ValueAndGradientInto(y, p, gAll);
        Assert.Equal(BitConverter.SingleToInt32Bits(v1), BitConverter.SingleToInt32Bits(v2));
        Assert.Equal(BitConverter.SingleToInt32Bits(v1), BitConverter.SingleToInt32Bits(vAll));
        Assert.True(g1.AsSpan().SequenceEqual(g2), "gradients differ between 1 and 2 threads");
        Assert.True(g1.AsSpan().SequenceEqual(gAll), "gradients differ between 1 thread and all cores");
    }

    [Fact]
    public void WeightedRows_OneVersusManyThreads_BitIdentical()
    {
        // (N, 3) BCE with per-sample weights and Reduction.None: the per-row path with a per-sample output.
        int n = Large / 3;
        float[] y = Binary(n * 3, 3), p = Random(n * 3, 4, -5, 5), w = Random(n, 5, 0, 2);
        var one = new BinaryCrossentropy(fromLogits: true, reduction: Reduction.None) { MaxDegreeOfParallelism = 1 };
        var two = new BinaryCrossentropy(fromLogits: true, reduction: Reduction.None) { MaxDegreeOfParallelism = 2 };
        var yIn = new LossInput<float>(y, n, 3);
        var pIn = new LossInput<float>(p, n, 3);
        float[] a = one.Call(yIn, pIn, w).ToArray(), b = two.Call(new LossInput<float>(y, n, 3), new LossInput<float>(p, n, 3), w).ToArray();
        Assert.True(a.AsSpan().SequenceEqual(b));
        var ga = new float[n * 3];
        var gb = new float[n * 3];
        var mean1 = new BinaryCrossentropy(fromLogits: true) { MaxDegreeOfParallelism = 1 };
        var mean2 = new BinaryCrossentropy(fromLogits: true) { MaxDegreeOfParallelism = 2 };
        float va = mean1.ValueAndGradientInto(new LossInput<float>(y, n, 3), new LossInput<float>(p, n, 3), ga, w);
        float vb = mean2.ValueAndGradientInto(new LossInput<float>(y, n, 3), new LossInput<float>(p, n, 3), gb, w);
        Assert.Equal(BitConverter.SingleToInt32Bits(va), BitConverter.SingleToInt32Bits(vb));
        Assert.True(ga.AsSpan().SequenceEqual(gb));
    }

    [Fact]
    public void RowsLongerThanAChunk_OneVersusManyThreads_BitIdentical_AndEqualToTheReference()
    {
        // Rows of 40,003 elements (two pieces of 16384 and a ragged third), per-sample weights, Reduction.None: each row's
        // pieces run as chunks of their own, on both cores, and the row adds their sums in order.
        const int rows = 5, d = 40_003;
        float[] y = Binary(rows * d, 40), p = Random(rows * d, 41, 0.02f, 0.98f), w = Random(rows, 42, 0, 2);
        var one = new BinaryCrossentropy(reduction: Reduction.None) { MaxDegreeOfParallelism = 1 };
        var two = new BinaryCrossentropy(reduction: Reduction.None) { MaxDegreeOfParallelism = 2 };
        float[] a = one.Call(new LossInput<float>(y, rows, d), new LossInput<float>(p, rows, d), w).ToArray();
        float[] b = two.Call(new LossInput<float>(y, rows, d), new LossInput<float>(p, rows, d), w).ToArray();
        Assert.True(a.AsSpan().SequenceEqual(b), "per-sample losses differ between 1 and 2 threads");
        for (int r = 0; r < rows; r++)
        {
            // The double-precision reference: w_r · mean over the row of −log(y ? p : 1 − p) (p is inside the clip range).
            double sum = 0;
            for (int j = 0; j < d; j++)
            {
                int i = (r * d) + j;
                sum -= Math.Log(y[i] == 1 ? p[i] : 1 - (double)p[i]);
            }

            Assert.Equal(w[r] * (sum / d), a[r], 2e-6 * Math.Abs(w[r] * sum / d));
        }

        // A rank-1 input is one such row (Keras's mean over the last axis gives a scalar): value and gradient.
        var g1 = new float[Large];
        var g2 = new float[Large];
        float[] y1 = Binary(Large, 43), p1 = Random(Large, 44, 0.02f, 0.98f);
        float v1 = new MeanSquaredError() { MaxDegreeOfParallelism = 1 }.ValueAndGradientInto(y1, p1, g1);
        float v2 = new MeanSquaredError() { MaxDegreeOfParallelism = 2 }.ValueAndGradientInto(y1, p1, g2);
        Assert.Equal(BitConverter.SingleToInt32Bits(v1), BitConverter.SingleToInt32Bits(v2));
        Assert.True(g1.AsSpan().SequenceEqual(g2), "gradients differ between 1 and 2 threads");
        double mse = 0;
        for (int i = 0; i < Large; i++)
        {
            mse += ((double)y1[i] - p1[i]) * ((double)y1[i] - p1[i]);
        }

        Assert.Equal(mse / Large, v1, 1e-6 * (mse / Large));
        Assert.Equal(2 * ((double)p1[7] - y1[7]) / Large, g1[7], 1e-6 * Math.Abs(2 * ((double)p1[7] - y1[7]) / Large));
    }

    [Fact]
    public void SoftmaxRows_OneVersusManyThreads_BitIdentical()
    {
        const int rows = 4096, k = 100; // 25 chunks of rows
        float[] logits = Random(rows * k, 6, -6, 6);
        var onehot = new float[rows * k];
        var ids = new int[rows];
        var rng = new Random(7);
        for (int r = 0; r < rows; r++)
        {
            ids[r] = rng.Next(k);
            onehot[(r * k) + ids[r]] = 1;
        }

        var g1 = new float[rows * k];
        var g2 = new float[rows * k];
        float c1 = new CategoricalCrossentropy(fromLogits: true) { MaxDegreeOfParallelism = 1 }.ValueAndGradientInto(new LossInput<float>(onehot, rows, k), new LossInput<float>(logits, rows, k), g1);
        float c2 = new CategoricalCrossentropy(fromLogits: true) { MaxDegreeOfParallelism = 2 }.ValueAndGradientInto(new LossInput<float>(onehot, rows, k), new LossInput<float>(logits, rows, k), g2);
        Assert.Equal(BitConverter.SingleToInt32Bits(c1), BitConverter.SingleToInt32Bits(c2));
        Assert.True(g1.AsSpan().SequenceEqual(g2));

        float s1 = new SparseCategoricalCrossentropy(fromLogits: true) { MaxDegreeOfParallelism = 1 }.ValueAndGradientInto(new LossInput<int>(ids, rows), new LossInput<float>(logits, rows, k), g1);
        float s2 = new SparseCategoricalCrossentropy(fromLogits: true) { MaxDegreeOfParallelism = 2 }.ValueAndGradientInto(new LossInput<int>(ids, rows), new LossInput<float>(logits, rows, k), g2);
        Assert.Equal(BitConverter.SingleToInt32Bits(s1), BitConverter.SingleToInt32Bits(s2));
        Assert.True(g1.AsSpan().SequenceEqual(g2));

        // Sparse and one-hot categorical agree (same math on the same rows).
        Assert.Equal(c1, s1, 1e-6f);
    }

    [Theory]
    [InlineData("bce-logits")]
    [InlineData("bce-probs")]
    [InlineData("mse")]
    [InlineData("mae")]
    [InlineData("huber")]
    [InlineData("logcosh")]
    [InlineData("hinge")]
    [InlineData("kld")]
    [InlineData("cce")]
    [InlineData("scce")]
    public void SpanPath_1KElements_AllocatesNothing(string kind) => Assert.Equal(0, SteadyStateAllocation(kind, 1000, 0, 200));

    [Theory]
    [InlineData("bce-logits")]
    [InlineData("mse")]
    [InlineData("cce")]
    [InlineData("scce")]
    public void SpanPath_ParallelPass_AllocatesNothing(string kind)
    {
        // 1,048,570 elements (10 classes a row for the softmax losses), 64 chunks on two cores: the calling thread and a
        // thread-pool helper share the pass.
        Assert.Equal(0, SteadyStateAllocation(kind, (1 << 20) - 6, 2, 20));
    }

    [Fact]
    public void ParallelPasses_FromManyThreadsAtOnce_BitIdenticalToOneThread()
    {
        // Four threads each run 25 two-core passes while the thread pool is busy with the others' helpers: helpers start
        // late, find their pass finished, or arrive while the calling thread's shared state serves its next pass.
        float[] y = Binary(Large, 30), p = Random(Large, 31, -8, 8);
        float expected = Make("bce-logits", 1).ValueAndGradientInto(y, p, new float[Large]);
        var loss = Make("bce-logits", 2);
        var mismatches = new int[4];
        var threads = new Thread[4];
        for (int t = 0; t < threads.Length; t++)
        {
            int id = t;
            threads[t] = new Thread(() =>
            {
                var grad = new float[Large];
                for (int i = 0; i < 25; i++)
                {
                    if (BitConverter.SingleToInt32Bits(loss.ValueAndGradientInto(y, p, grad)) != BitConverter.SingleToInt32Bits(expected))
                    {
                        mismatches[id]++;
                    }
                }
            });
            threads[t].Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.Equal(new int[4], mismatches);
    }

    /// <summary>Bytes the calling thread allocated over a round of calls, once a round allocates nothing or after 30 rounds.</summary>
    private static long SteadyStateAllocation(string kind, int n, int degree, int callsPerRound)
    {
        float[] y = Binary(n, 8), p = Random(n, 9, 0.01f, 0.99f), grad = new float[n];
        int[] ids = new int[n / 10];
        Loss loss = kind switch
        {
            "cce" => new CategoricalCrossentropy() { MaxDegreeOfParallelism = degree },
            "scce" => new SparseCategoricalCrossentropy() { MaxDegreeOfParallelism = degree },
            _ => Make(kind, degree),
        };

        return AllocationTests.SteadyState(() => RunOnce(kind, loss, y, p, ids, grad), callsPerRound);
    }

    private static float RunOnce(string kind, Loss loss, float[] y, float[] p, int[] ids, float[] grad)
    {
        int n = y.Length;
        ReadOnlySpan<float> ys = y, ps = p;
        if (kind == "scce")
        {
            return ((SparseCategoricalCrossentropy)loss).ValueAndGradientInto(new LossInput<int>(ids, n / 10), new LossInput<float>(ps, n / 10, 10), grad);
        }

        return kind == "cce"
            ? loss.ValueAndGradientInto(new LossInput<float>(ys, n / 10, 10), new LossInput<float>(ps, n / 10, 10), grad)
            : loss.ValueAndGradientInto(new LossInput<float>(ys, n), new LossInput<float>(ps, n), grad);
    }

    public static TheoryData<string, int, bool> FlatPasses
    {
        get
        {
            // 3 chunks of 16 Ki + 61, and 512 chunks + 61: a gradient over 32 MiB, written with streaming stores by MSE and
            // Huber (ordinary ones by BCE, whose loop is bound by its arithmetic). The last chunk, 61 elements, is 3
            // Vector512 or 7 Vector256 vectors and a scalar tail.
            var data = new TheoryData<string, int, bool>();
            foreach (string kind in new[] { "bce-logits", "bce-probs", "mse", "huber" })
            {
                data.Add(kind, (3 * 16 * 1024) + 61, false);
                data.Add(kind, (3 * 16 * 1024) + 61, true);
                data.Add(kind, (512 * 16 * 1024) + 61, true);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(FlatPasses))]
    public void FlatMean_WithinTwoRoundingsOfTheExactMeanOfItsElementLosses(string kind, int n, bool gradient)
    {
        // The reference: the loss's own float32 element values (Reduction.None on shape (n, 1), one per sample), added in
        // double. The flat pass widens each element's loss to double and adds in double (in another order: far below a
        // float rounding), and its mean is rounded to float: within one rounding, 2^-24 relative, of the reference; two
        // are allowed. A vector left out or counted twice moves the mean by at least 1/n relative of a typical element,
        // far beyond that.
        float[] y = kind.StartsWith("bce", StringComparison.Ordinal) ? Binary(n, 20) : Random(n, 20, -1, 1);
        float[] p = kind == "bce-logits" ? Random(n, 21, -8, 8) : Random(n, 21, 0, 1);
        Loss none = kind switch
        {
            "bce-logits" => new BinaryCrossentropy(fromLogits: true, reduction: Reduction.None),
            "bce-probs" => new BinaryCrossentropy(reduction: Reduction.None),
            "mse" => new MeanSquaredError(Reduction.None),
            _ => new Huber(delta: 0.5, reduction: Reduction.None),
        };
        float[] elements = none.Call(new LossInput<float>(y, n, 1), new LossInput<float>(p, n, 1)).ToArray();
        double exact = 0;
        foreach (float e in elements)
        {
            exact += e;
        }

        exact /= n;
        Loss mean = Make(kind, 0);
        float value = gradient ? mean.ValueAndGradientInto(y, p, new float[n]) : mean.Compute(y, p);
        double relative = Math.Abs(value - exact) / exact;
        Assert.True(relative <= 2 * Math.Pow(2, -24), $"{kind}, n = {n}: mean {value:R}, exact {exact:R}, relative error {relative:E2}");
    }

    [Fact]
    public void Sum_16MElements_WithinOneUlpOfExactDoubleSum()
    {
        // The exact value: the float32 element terms (y - p)^2, summed in double. The bound is 1e-7 relative.
        const int n = 16 * 1024 * 1024;
        float[] y = Random(n, 10, -1, 1), p = Random(n, 11, -1, 1);
        double exact = 0;
        for (int i = 0; i < n; i++)
        {
            float d = y[i] - p[i];
            exact += d * d;
        }

        // Shape (n, 1): one per-sample loss per element, so Reduction.Sum adds 16M terms.
        float sum = new MeanSquaredError(Reduction.Sum).Compute(new LossInput<float>(y, n, 1), new LossInput<float>(p, n, 1));
        Assert.True(Math.Abs(sum - exact) / exact <= 1e-7, $"sum {sum}, exact {exact}, relative error {Math.Abs(sum - exact) / exact:E2}");

        // The naive float accumulation TensorPrimitives-style is far worse: a sanity check that the bound is not trivial.
        float naive = 0;
        for (int i = 0; i < n; i++)
        {
            float d = y[i] - p[i];
            naive += d * d;
        }

        Assert.True(Math.Abs(naive - exact) / exact > 1e-6, $"naive float sum unexpectedly accurate: {naive} vs {exact}");
    }

    [Fact]
    public void ScalarAndVectorPaths_LargeInput_AgreeClosely()
    {
        float[] y = Binary(Large, 12), p = Random(Large, 13, -10, 10);
        var loss = new BinaryCrossentropy(fromLogits: true);
        var gv = new float[Large];
        var gs = new float[Large];
        float vv = loss.ValueAndGradientInto(y, p, gv);
        float vs;
        KernelSwitch.ForceScalar = true;
        try
        {
            vs = new BinaryCrossentropy(fromLogits: true) { MaxDegreeOfParallelism = 1 }.ValueAndGradientInto(y, p, gs);
        }
        finally
        {
            KernelSwitch.ForceScalar = false;
        }

        Assert.Equal(vs, vv, 1e-6f * Math.Abs(vs));
        for (int i = 0; i < Large; i++)
        {
            Assert.True(Math.Abs(gv[i] - gs[i]) <= 1e-12f + (4e-6f * Math.Abs(gs[i])), $"gradient {i}: vector {gv[i]} vs scalar {gs[i]}");
        }
    }

    [Fact]
    public void LargeSoftmaxGradient_MisalignedRows_SameBitsAsSmallBatches()
    {
        // 8400 x 1001 floats (a 33.6 MB gradient, many chunks on every core), rows of 1001 classes starting at every
        // misalignment. With Reduction.Sum each row's gradient depends on that row only, so rows cut out into a small
        // batch (one chunk, the calling thread) must come back bit for bit. Labels cover the class in the last full
        // vector, the scalar tail (class 1000) and the first class.
        const int rows = 8400, k = 1001;
        var rng = new Random(33);
        float[] logits = new float[rows * k], targets = new float[rows * k];
        int[] labels = new int[rows];
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = (float)((rng.NextDouble() * 8) - 4);
            targets[i] = (float)rng.NextDouble() / k;
        }

        for (int r = 0; r < rows; r++)
        {
            labels[r] = (r % 4) switch { 0 => 0, 1 => 1000, 2 => 999, _ => rng.Next(k) };
        }

        var sparse = new SparseCategoricalCrossentropy(fromLogits: true, reduction: Reduction.Sum);
        var dense = new CategoricalCrossentropy(fromLogits: true, reduction: Reduction.Sum);
        float[] sparseGrad = new float[rows * k], denseGrad = new float[rows * k];
        sparse.ValueAndGradientInto(new LossInput<int>(labels, rows), new LossInput<float>(logits, rows, k), sparseGrad);
        dense.ValueAndGradientInto(new LossInput<float>(targets, rows, k), new LossInput<float>(logits, rows, k), denseGrad);

        foreach (int first in new[] { 0, 1, 7, 4095, 8390 })
        {
            const int m = 10;
            float[] part = logits.AsSpan(first * k, m * k).ToArray();
            float[] partTargets = targets.AsSpan(first * k, m * k).ToArray();
            float[] small = new float[m * k];
            sparse.ValueAndGradientInto(new LossInput<int>(labels.AsSpan(first, m), m), new LossInput<float>(part, m, k), small);
            Assert.True(small.AsSpan().SequenceEqual(sparseGrad.AsSpan(first * k, m * k)), $"sparse: rows {first}..{first + m} differ from the large batch's gradient");
            dense.ValueAndGradientInto(new LossInput<float>(partTargets, m, k), new LossInput<float>(part, m, k), small);
            Assert.True(small.AsSpan().SequenceEqual(denseGrad.AsSpan(first * k, m * k)), $"dense: rows {first}..{first + m} differ from the large batch's gradient");
        }
    }
}
