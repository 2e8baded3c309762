// CTC (SPEC B.18, D, E.1, B.23): the published Keras case, a brute-force sum over every alignment in double (values and
// gradients, every label length, repeated labels, labels that need blanks between repeats, impossible labels), central
// finite differences, extreme logits, the tf.nn.ctc_loss arguments, reductions and weights, configs, names, thread-count
// bit-identity and bad inputs.

using System.Numerics.Tensors;
using SharpLoss.Tests.Reference;

namespace SharpLoss.Tests.Spec;

public class CtcTests
{
    // ---------------------------------------------------------------- brute-force reference (never calls the library)

    /// <summary>
    /// −log Σ_π Π_t softmax(x_t)[π_t] over every path π of T frames (C^T of them) whose collapse (merge repeats, then
    /// drop blanks) equals the label, and its gradient softmax(x_t)_c − Σ_{π: π_t = c} P(π) / Σ_π P(π), in double.
    /// Σ = 0 (no path) gives +∞ and a zero gradient.
    /// </summary>
    private static (double Loss, double[] Grad) BruteForce(double[] x, int time, int classes, int[] label, int blank = 0)
    {
        var logp = new double[time * classes];
        for (int t = 0; t < time; t++)
        {
            double m = double.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                m = Math.Max(m, x[(t * classes) + c]);
            }

            double sum = 0;
            for (int c = 0; c < classes; c++)
            {
                sum += Math.Exp(x[(t * classes) + c] - m);
            }

            for (int c = 0; c < classes; c++)
            {
                logp[(t * classes) + c] = x[(t * classes) + c] - m - Math.Log(sum);
            }
        }

        double total = 0;
        var byFrameClass = new double[time * classes];
        var path = new int[time];
        var collapsed = new List<int>();
        long count = (long)Math.Pow(classes, time);
        for (long n = 0; n < count; n++)
        {
            long rest = n;
            for (int t = 0; t < time; t++)
            {
                path[t] = (int)(rest % classes);
                rest /= classes;
            }

            collapsed.Clear();
            for (int t = 0; t < time; t++)
            {
                if (path[t] != blank && (t == 0 || path[t] != path[t - 1]))
                {
                    collapsed.Add(path[t]);
                }
            }

            if (!collapsed.SequenceEqual(label))
            {
                continue;
            }

            double lp = 0;
            for (int t = 0; t < time; t++)
            {
                lp += logp[(t * classes) + path[t]];
            }

            double p = Math.Exp(lp);
            total += p;
            for (int t = 0; t < time; t++)
            {
                byFrameClass[(t * classes) + path[t]] += p;
            }
        }

        var grad = new double[time * classes];
        if (total == 0)
        {
            return (double.PositiveInfinity, grad);
        }

        for (int i = 0; i < grad.Length; i++)
        {
            grad[i] = Math.Exp(logp[i]) - (byFrameClass[i] / total);
        }

        return (-Math.Log(total), grad);
    }

    private static double[] RandomLogits(Random rng, int n, double scale = 2.0)
    {
        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (rng.NextDouble() * 2 - 1) * scale;
        }

        return x;
    }

    /// <summary>Labels for a brute-force row: random ids in [1, C), then the hand-picked repeats of this length.</summary>
    private static IEnumerable<int[]> LabelsOfLength(Random rng, int length, int classes)
    {
        yield return [.. Enumerable.Range(0, length).Select(_ => 1 + rng.Next(classes - 1))];
        if (length >= 2)
        {
            // Every id the same: L − 1 blanks are required between the repeats.
            yield return [.. Enumerable.Repeat(1, length)];
        }

        if (length >= 3 && classes >= 3)
        {
            // A repeat in the middle: 1 2 2 1 ...
            yield return [.. Enumerable.Range(0, length).Select(i => i is 1 or 2 ? 2 : 1)];
        }
    }

    public static TheoryData<int, int> Sizes()
    {
        var data = new TheoryData<int, int>();
        for (int t = 1; t <= 6; t++)
        {
            for (int c = 2; c <= 4; c++)
            {
                data.Add(t, c);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Ctc_EveryLabelLength_MatchesBruteForceValueAndGradient(int time, int classes)
    {
        var rng = new Random((time * 10) + classes);
        double[] x = RandomLogits(rng, time * classes);
        var loss = new CTC(Reduction.Sum);
        int checkedLabels = 0;

        // Every length from 0 to T + 1: the longer ones (and the repeats that need more blanks than frames) are impossible.
        for (int length = 0; length <= time + 1; length++)
        {
            foreach (int[] label in LabelsOfLength(rng, length, classes))
            {
                (double expected, double[] expectedGrad) = BruteForce(x, time, classes, label);

                // Keras's padding: one trailing 0 after the label.
                var padded = new int[1, length + 1];
                for (int i = 0; i < length; i++)
                {
                    padded[0, i] = label[i];
                }

                (double value, Tensor<double> grad) = loss.ValueAndGradient(padded, new LossInput<double>(x, 1, time, classes));
                string where = $"T={time}, C={classes}, label=[{string.Join(",", label)}]";
                if (double.IsPositiveInfinity(expected))
                {
                    Assert.True(double.IsPositiveInfinity(value), $"{where}: expected +inf (no alignment), got {value}");
                    Assert.All(grad.ToArray(), g => Assert.Equal(0.0, g));
                }
                else
                {
                    Assert.True(Math.Abs(value - expected) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"{where}: {value} vs brute force {expected}");
                    double[] got = grad.ToArray();
                    for (int i = 0; i < got.Length; i++)
                    {
                        Assert.True(Math.Abs(got[i] - expectedGrad[i]) <= 1e-12, $"{where}: grad[{i}] {got[i]} vs brute force {expectedGrad[i]}");
                    }
                }

                checkedLabels++;
            }
        }

        Assert.True(checkedLabels >= time + 2);
    }

    [Fact]
    public void Ctc_FloatInputs_MatchBruteForceToFloatPrecision()
    {
        var rng = new Random(7);
        const int time = 6, classes = 4;
        double[] x = RandomLogits(rng, time * classes);
        int[] label = [2, 2, 3];
        (double expected, double[] expectedGrad) = BruteForce(x, time, classes, label);
        float[] xf = [.. x.Select(v => (float)v)];
        (float value, Tensor<float> grad) = new CTC(Reduction.Sum).ValueAndGradient(new int[,] { { 2, 2, 3 } }, new LossInput<float>(xf, 1, time, classes));
        Assert.Equal(expected, value, 1e-5);
        float[] got = grad.ToArray();
        for (int i = 0; i < got.Length; i++)
        {
            Assert.Equal(expectedGrad[i], got[i], 1e-5);
        }
    }

    // ---------------------------------------------------------------- published number (SPEC J)

    /// <summary>keras losses_test.py CTCTest.test_correctness: y_pred = (arange(24).reshape(2, 4, 3) − 12)/100, labels
    /// [[1, 2, 1, 0], [1, 2, 0, 2]], mean 2.448645 (the case file; atol 1e-6). The second row's label length is 3 (its
    /// non-zero count), so its label is [1, 2, 0]; the independent double-precision forward pass of the case (a Python
    /// transcription of SPEC B.18's TensorFlow state machine) gives 2.442931466 and 2.454360005, mean 2.448645736.</summary>
    private static readonly float[] PublishedLogits = [.. Enumerable.Range(0, 24).Select(i => (float)((i - 12) / 100.0))];

    [Fact]
    public void Ctc_PublishedKerasCase_MatchesInEveryLabelType()
    {
        var loss = new CTC();
        int[,] ids = { { 1, 2, 1, 0 }, { 1, 2, 0, 2 } };
        long[,] ids64 = { { 1, 2, 1, 0 }, { 1, 2, 0, 2 } };
        float[,] idsF = { { 1, 2, 1, 0 }, { 1, 2, 0, 2 } };
        var p = new LossInput<float>(PublishedLogits, 2, 4, 3);
        Assert.Equal(2.448645, loss.Compute(ids, p), 1e-6);
        Assert.Equal(2.448645, loss.Compute(ids64, p), 1e-6);
        Assert.Equal(2.448645, loss.Compute(idsF, p), 1e-6);
        double[] pd = [.. PublishedLogits.Select(v => (double)v)];
        Assert.Equal(2.448645736, loss.Compute(ids, new LossInput<double>(pd, 2, 4, 3)), 1e-8);
        Tensor<float> perSample = Losses.Ctc(ids, p);
        Assert.Equal(2.442931466, perSample[0], 1e-6);
        Assert.Equal(2.454360005, perSample[1], 1e-6);
    }

    // ---------------------------------------------------------------- finite differences, extreme logits

    [Fact]
    public void Ctc_Gradient_MatchesCentralFiniteDifferences()
    {
        var rng = new Random(11);
        const int batch = 3, time = 7, classes = 5;
        double[] x = RandomLogits(rng, batch * time * classes);
        int[,] labels = { { 1, 2, 2, 0 }, { 3, 3, 3, 0 }, { 4, 1, 2, 3 } };
        double[] w = [0.5, 2.0, 1.0];
        var loss = new CTC();
        double F(double[] v) => loss.Compute(labels, new LossInput<double>(v, batch, time, classes), w);
        double[] expected = FiniteDifference.Gradient(F, x);
        (_, Tensor<double> grad) = loss.ValueAndGradient(labels, new LossInput<double>(x, batch, time, classes), w);
        double[] got = grad.ToArray();
        for (int i = 0; i < got.Length; i++)
        {
            Assert.True(Math.Abs(got[i] - expected[i]) <= 1e-7, $"grad[{i}] {got[i]} vs finite difference {expected[i]}");
        }
    }

    [Fact]
    public void Ctc_ExtremeLogits_StayFinite()
    {
        // Logits of ±1e4: every frame's softmax is one-hot to within e^-20000, so probabilities underflow; in log space
        // every feasible label keeps a finite loss (TensorFlow's log-space forward-backward is finite here too).
        var rng = new Random(3);
        const int batch = 4, time = 12, classes = 5;
        var x = new double[batch * time * classes];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = rng.Next(3) switch { 0 => -1e4, 1 => 1e4, _ => 0 };
        }

        int[,] labels = { { 1, 2, 3, 4 }, { 4, 4, 4, 0 }, { 2, 0, 0, 0 }, { 1, 1, 2, 2 } };
        var loss = new CTC(Reduction.None);
        Tensor<double> values = loss.Call(labels, new LossInput<double>(x, batch, time, classes));
        Tensor<double> grad = loss.Backward(labels, new LossInput<double>(x, batch, time, classes), new double[] { 1, 1, 1, 1 });
        Assert.All(values.ToArray(), v => Assert.True(double.IsFinite(v) && v > 1e3, $"loss {v}"));
        Assert.All(grad.ToArray(), g => Assert.True(double.IsFinite(g)));

        float[] xf = [.. x.Select(v => (float)v)];
        Tensor<float> valuesF = loss.Call(labels, new LossInput<float>(xf, batch, time, classes));
        Tensor<float> gradF = loss.Backward(labels, new LossInput<float>(xf, batch, time, classes), new float[] { 1, 1, 1, 1 });
        for (int b = 0; b < batch; b++)
        {
            Assert.True(float.IsFinite(valuesF[b]));
            Assert.Equal(values[b], valuesF[b], values[b] * 1e-6);
        }

        Assert.All(gradF.ToArray(), g => Assert.True(float.IsFinite(g)));
    }

    [Fact]
    public void Ctc_ImpossibleLabel_IsInfiniteWithZeroGradient()
    {
        // [1, 1] needs three frames (1, blank, 1); two frames cannot produce it. [1, 2] fits in two.
        var loss = new CTC(Reduction.None);
        double[] x = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
        int[,] labels = { { 1, 1 }, { 1, 2 } };
        Tensor<double> v = loss.Call(labels, new LossInput<double>(x, 2, 2, 3));
        Assert.True(double.IsPositiveInfinity(v[0]));
        Assert.True(double.IsFinite(v[1]));
        Tensor<double> g = loss.Backward(labels, new LossInput<double>(x, 2, 2, 3), new double[] { 1, 1 });
        Assert.All(g.ToArray().Take(6), e => Assert.Equal(0.0, e));
        Assert.Contains(g.ToArray().Skip(6), e => e != 0);
    }

    // ---------------------------------------------------------------- tf.nn.ctc_loss arguments

    [Fact]
    public void NnCtcLoss_TimeMajorBlankAndLengths_MatchBruteForce()
    {
        var rng = new Random(5);
        const int batch = 3, time = 5, classes = 4, blank = 2;
        double[] bm = RandomLogits(rng, batch * time * classes);
        int[,] labels = { { 1, 3, 3 }, { 0, 1, 2 }, { 3, 0, 0 } };
        int[] labelLength = [3, 2, 1];
        int[] logitLength = [5, 4, 3];

        // Time-major copy of the batch-major logits.
        var tm = new double[bm.Length];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < time; t++)
            {
                Array.Copy(bm, ((b * time) + t) * classes, tm, ((t * batch) + b) * classes, classes);
            }
        }

        Tensor<double> losses = Nn.CtcLoss(labels, new LossInput<double>(tm, time, batch, classes), labelLength, logitLength, logitsTimeMajor: true, blankIndex: blank);
        Tensor<double> lossesBm = Nn.CtcLoss(labels, new LossInput<double>(bm, batch, time, classes), labelLength, logitLength, logitsTimeMajor: false, blankIndex: blank - classes);
        Tensor<double> grad = Nn.CtcLossGradient(labels, new LossInput<double>(tm, time, batch, classes), labelLength, logitLength, new double[] { 1, 2, 3 }, true, blank);
        for (int b = 0; b < batch; b++)
        {
            int[] label = [.. Enumerable.Range(0, labelLength[b]).Select(i => labels[b, i])];
            double[] rows = bm.AsSpan(b * time * classes, logitLength[b] * classes).ToArray();
            (double expected, double[] expectedGrad) = BruteForce(rows, logitLength[b], classes, label, blank);
            Assert.Equal(expected, losses[b], 1e-12);
            Assert.Equal(expected, lossesBm[b], 1e-12);
            for (int t = 0; t < time; t++)
            {
                for (int c = 0; c < classes; c++)
                {
                    double e = t < logitLength[b] ? (b + 1) * expectedGrad[(t * classes) + c] : 0.0;
                    Assert.Equal(e, grad[t, b, c], 1e-12);
                }
            }
        }
    }

    [Fact]
    public void NnCtcLoss_NoLengths_UseKerasConventions()
    {
        int[,] ids = { { 1, 2, 1, 0 }, { 1, 2, 0, 2 } };
        Tensor<float> nn = Nn.CtcLoss(ids, new LossInput<float>(PublishedLogits, 2, 4, 3), logitsTimeMajor: false);
        Tensor<float> keras = Losses.Ctc(ids, new LossInput<float>(PublishedLogits, 2, 4, 3));
        Assert.Equal(keras.ToArray(), nn.ToArray());
    }

    // ---------------------------------------------------------------- reductions, weights, precision, threads

    [Fact]
    public void Ctc_ReductionsAndSampleWeights_FollowKeras()
    {
        var rng = new Random(21);
        const int batch = 3, time = 4, classes = 3;
        double[] x = RandomLogits(rng, batch * time * classes);
        int[,] labels = { { 1, 2 }, { 2, 0 }, { 1, 1 } };
        int[][] rows = [[1, 2], [2], [1, 1]];
        double[] l = [.. Enumerable.Range(0, batch).Select(b => BruteForce(x.AsSpan(b * time * classes, time * classes).ToArray(), time, classes, rows[b]).Loss)];
        double[] w = [0.5, 0, 2];
        var p = new LossInput<double>(x, batch, time, classes);
        double weighted = (l[0] * w[0]) + (l[1] * w[1]) + (l[2] * w[2]);

        // SPEC A.3: sum_over_batch_size divides by the element count, mean_with_sample_weight by Σw, sum by 1.
        Assert.Equal(l.Sum() / 3, new CTC().Compute(labels, p), 1e-12);
        Assert.Equal(weighted / 3, new CTC().Compute(labels, p, w), 1e-12);
        Assert.Equal(weighted / 2.5, new CTC(Reduction.MeanWithSampleWeight).Compute(labels, p, w), 1e-12);
        Assert.Equal(weighted, new CTC(Reduction.Sum).Compute(labels, p, w), 1e-12);
        Assert.Equal(l.Sum() * 2 / 3, new CTC(Reduction.Mean).Compute(labels, p, 2.0), 1e-12);
        Tensor<double> none = new CTC(Reduction.None).Call(labels, p, w);
        Assert.Equal(1, none.Rank);
        Assert.Equal(batch, (int)none.Lengths[0]);
        for (int b = 0; b < batch; b++)
        {
            Assert.Equal(l[b] * w[b], none[b], 1e-12);
        }
    }

    [Fact]
    public void Ctc_FloatAndDouble_Agree()
    {
        var rng = new Random(8);
        const int batch = 5, time = 30, classes = 6;
        double[] x = RandomLogits(rng, batch * time * classes, 4);
        int[,] labels = new int[batch, 8];
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < 2 + b; i++)
            {
                labels[b, i] = 1 + rng.Next(classes - 1);
            }
        }

        float[] xf = [.. x.Select(v => (float)v)];
        var loss = new CTC();
        (double vd, Tensor<double> gd) = loss.ValueAndGradient(labels, new LossInput<double>(x, batch, time, classes));
        (float vf, Tensor<float> gf) = loss.ValueAndGradient(labels, new LossInput<float>(xf, batch, time, classes));
        Assert.Equal(vd, vf, vd * 1e-5);
        double[] a = gd.ToArray();
        float[] f = gf.ToArray();
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], f[i], 1e-5);
        }
    }

    [Fact]
    public void Ctc_OneOrTwoThreads_BitIdentical()
    {
        var rng = new Random(13);
        const int batch = 64, time = 50, classes = 8, maxLabel = 10;
        float[] x = [.. RandomLogits(rng, batch * time * classes, 3).Select(v => (float)v)];
        var labels = new int[batch, maxLabel];
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < 1 + (b % maxLabel); i++)
            {
                labels[b, i] = 1 + rng.Next(classes - 1);
            }
        }

        var one = new CTC { MaxDegreeOfParallelism = 1 };
        var two = new CTC { MaxDegreeOfParallelism = 2 };
        var p = new LossInput<float>(x, batch, time, classes);
        (float v1, Tensor<float> g1) = one.ValueAndGradient(labels, p);
        (float v2, Tensor<float> g2) = two.ValueAndGradient(labels, p);
        Assert.Equal(BitConverter.SingleToInt32Bits(v1), BitConverter.SingleToInt32Bits(v2));
        Assert.True(g1.ToArray().AsSpan().SequenceEqual(g2.ToArray()));
    }

    [Fact]
    public void Ctc_GradientIntoPredictionsBuffer_EqualsSeparateBuffer()
    {
        var rng = new Random(17);
        const int batch = 3, time = 6, classes = 4;
        float[] x = [.. RandomLogits(rng, batch * time * classes).Select(v => (float)v)];
        int[,] labels = { { 1, 2 }, { 3, 3 }, { 2, 0 } };
        var loss = new CTC();
        var separate = new float[x.Length];
        float v1 = loss.ValueAndGradientInto(labels, new LossInput<float>(x, batch, time, classes), separate);
        float[] inPlace = (float[])x.Clone();
        float v2 = loss.ValueAndGradientInto(labels, new LossInput<float>(inPlace, batch, time, classes), inPlace);
        Assert.Equal(v1, v2);
        Assert.Equal(separate, inPlace);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Ctc_SpanPath_AllocatesNothing(int degree)
    {
        var rng = new Random(23);
        const int batch = 16, time = 40, classes = 6;
        float[] xf = [.. RandomLogits(rng, batch * time * classes).Select(v => (float)v)];
        double[] xd = RandomLogits(rng, batch * time * classes);
        int[] ids = [.. Enumerable.Range(0, batch * 5).Select(i => i % 5 == 4 ? 0 : 1 + (i % (classes - 1)))];
        var gf = new float[xf.Length];
        var gd = new double[xd.Length];
        var loss = new CTC { MaxDegreeOfParallelism = degree };
        Assert.Equal(0, Performance.AllocationTests.SteadyState(() => loss.ValueAndGradientInto(new LossInput<int>(ids, batch, 5), new LossInput<float>(xf, batch, time, classes), gf), 50));
        Assert.Equal(0, Performance.AllocationTests.SteadyState(() => loss.ValueAndGradientInto(new LossInput<int>(ids, batch, 5), new LossInput<double>(xd, batch, time, classes), gd), 50));
    }

    // ---------------------------------------------------------------- config and names (SPEC E.1, E.3, B.23)

    [Fact]
    public void Ctc_Config_RoundTripsThroughJsonAndConfig()
    {
        const string json = "{\"module\": \"keras.losses\", \"class_name\": \"CTC\", \"config\": {\"name\": \"ctc\", \"reduction\": \"sum_over_batch_size\"}, \"registered_name\": null}";
        Assert.Equal(json, new CTC().ToJson());
        var back = Assert.IsType<CTC>(Losses.FromJson(json));
        Assert.Equal("ctc", back.Name);
        var custom = new CTC(Reduction.Sum, "my_ctc");
        var again = Assert.IsType<CTC>(Losses.FromJson(custom.ToJson()));
        Assert.Equal(Reduction.Sum, again.Reduction);
        Assert.Equal("my_ctc", again.Name);
        var fromConfig = CTC.FromConfig(custom.GetConfig());
        Assert.Equal(custom.ToJson(), fromConfig.ToJson());
    }

    [Fact]
    public void Ctc_Names_ResolveUnderKeras3Only()
    {
        Assert.IsType<CTC>(Losses.Get("ctc"));
        Assert.IsType<CTC>(Losses.Get("CTC"));
        Assert.Contains("ctc", Losses.Names);
        Assert.Throws<ArgumentException>(() => Losses.Get("ctc", LossSemantics.TfKeras2));
        var e = Assert.Throws<ArgumentException>(() => new CTC(semantics: LossSemantics.TfKeras2));
        Assert.Equal("semantics", e.ParamName);
        Assert.Contains("Keras 3", e.Message, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- bad input

    [Fact]
    public void Ctc_BadInput_ThrowsNamingTheArgument()
    {
        var loss = new CTC();
        LossInput<float> P() => new(PublishedLogits, 2, 4, 3);

        var id = Assert.Throws<ArgumentOutOfRangeException>(() => loss.Compute(new int[,] { { 1, 3 }, { 1, 0 } }, P()));
        Assert.Equal("yTrue", id.ParamName);
        Assert.Contains("[0, 3)", id.Message, StringComparison.Ordinal);
        Assert.Contains("yTrue[0, 1] = 3", id.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => loss.Compute(new int[,] { { -1, 0 }, { 1, 0 } }, P()));

        var rank = Assert.Throws<ArgumentException>(() => loss.Compute(new int[] { 1, 2 }, P()));
        Assert.Equal("yTrue", rank.ParamName);
        Assert.Contains("(batch_size, max_length)", rank.Message, StringComparison.Ordinal);

        var logits = Assert.Throws<ArgumentException>(() => loss.Compute(new int[,] { { 1 }, { 2 } }, new LossInput<float>(PublishedLogits, 2, 12)));
        Assert.Equal("yPred", logits.ParamName);
        Assert.Contains("(batch_size, max_length, num_classes)", logits.Message, StringComparison.Ordinal);
        Assert.Contains("yPred.shape=(2, 12)", logits.Message, StringComparison.Ordinal);

        var batch = Assert.Throws<ArgumentException>(() => loss.Compute(new int[,] { { 1 }, { 2 }, { 1 } }, P()));
        Assert.Equal("yTrue", batch.ParamName);
        Assert.Contains("2 rows", batch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NnCtcLoss_BadLengths_ThrowNamingTheArgument()
    {
        int[,] ids = { { 1, 2, 1, 0 }, { 1, 2, 0, 2 } };
        LossInput<float> Tm() => new(PublishedLogits, 4, 2, 3);

        var longer = Assert.Throws<ArgumentOutOfRangeException>(() => Nn.CtcLoss(ids, Tm(), new[] { 3, 2 }, new[] { 4, 5 }));
        Assert.Equal("logitLength", longer.ParamName);
        Assert.Contains("[0, 4]", longer.Message, StringComparison.Ordinal);
        Assert.Contains("logitLength[1] = 5", longer.Message, StringComparison.Ordinal);

        var label = Assert.Throws<ArgumentOutOfRangeException>(() => Nn.CtcLoss(ids, Tm(), new[] { 5, 2 }));
        Assert.Equal("labelLength", label.ParamName);

        var count = Assert.Throws<ArgumentException>(() => Nn.CtcLoss(ids, Tm(), new[] { 1, 2, 3 }));
        Assert.Equal("labelLength", count.ParamName);
        Assert.Contains("2 entries", count.Message, StringComparison.Ordinal);

        var blank = Assert.Throws<ArgumentOutOfRangeException>(() => Nn.CtcLoss(ids, Tm(), blankIndex: 3));
        Assert.Equal("blankIndex", blank.ParamName);

        var labelsRank = Assert.Throws<ArgumentException>(() => Nn.CtcLoss(new[] { 1, 2 }, Tm()));
        Assert.Equal("labels", labelsRank.ParamName);
        Assert.Contains("labels", labelsRank.Message, StringComparison.Ordinal);

        var idRange = Assert.Throws<ArgumentOutOfRangeException>(() => Nn.CtcLoss(new int[,] { { 1, 7 }, { 1, 0 } }, Tm()));
        Assert.Equal("labels", idRange.ParamName);
    }
}
