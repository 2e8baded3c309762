// Custom losses (ElementwiseLoss, RowLoss) and their registration. Expected numbers come from plain loops in double
// written here (independent of the drivers), from built-in losses where the two coincide, and from central finite
// differences for the gradients.

using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Tests.Reference;

namespace SharpLoss.Tests.Custom;

/// <summary>s·(p − y)² per element, mean over the last axis: MeanSquaredError for s = 1.</summary>
public sealed class ScaledSquaredError(double scale = 1.0, Reduction? reduction = null, string? name = null)
    : ElementwiseLoss(reduction, name)
{
    public double Scale { get; } = scale;

    protected override T Evaluate<T>(T yTrue, T yPred, out T derivative)
    {
        T s = T.CreateChecked(Scale), e = yPred - yTrue;
        derivative = (s + s) * e;
        return s * e * e;
    }
}

/// <summary>‖p − y‖ + margin per row; gradient (p − y)/‖p − y‖ (0 at p = y).</summary>
public sealed class EuclideanDistance(double margin = 0, Reduction? reduction = null, string? name = null, LossSemantics semantics = LossSemantics.Keras3)
    : RowLoss(reduction, name, semantics)
{
    public double Margin { get; } = margin;

    protected override T Evaluate<T>(ReadOnlySpan<T> yTrue, ReadOnlySpan<T> yPred, Span<T> gradient)
    {
        T sum = T.Zero;
        for (int i = 0; i < yPred.Length; i++)
        {
            sum += (yPred[i] - yTrue[i]) * (yPred[i] - yTrue[i]);
        }

        T norm = T.Sqrt(sum);
        for (int i = 0; i < gradient.Length; i++)
        {
            gradient[i] = norm == T.Zero ? T.Zero : (yPred[i] - yTrue[i]) / norm;
        }

        return norm + T.CreateChecked(Margin);
    }
}

/// <summary>Σ(p − y)²/K per row: MeanSquaredError written as a row loss.</summary>
public sealed class RowMeanSquared(Reduction? reduction = null, string? name = null) : RowLoss(reduction, name)
{
    protected override T Evaluate<T>(ReadOnlySpan<T> yTrue, ReadOnlySpan<T> yPred, Span<T> gradient)
    {
        T sum = T.Zero, k = T.CreateChecked(yPred.Length);
        for (int i = 0; i < yPred.Length; i++)
        {
            T e = yPred[i] - yTrue[i];
            sum += e * e;
            if (!gradient.IsEmpty)
            {
                gradient[i] = (e + e) / k;
            }
        }

        return sum / k;
    }
}

// Classes for the registration errors, one per test so that each registers once per process.
public sealed class DuplicateTypeLoss(Reduction? reduction = null, string? name = null) : ElementwiseLoss(reduction, name)
{
    protected override T Evaluate<T>(T yTrue, T yPred, out T derivative) => derivative = T.Zero;
}

public sealed class DuplicateNameLossA(Reduction? reduction = null, string? name = null) : ElementwiseLoss(reduction, name)
{
    protected override T Evaluate<T>(T yTrue, T yPred, out T derivative) => derivative = T.Zero;
}

public sealed class DuplicateNameLossB(Reduction? reduction = null, string? name = null) : ElementwiseLoss(reduction, name)
{
    protected override T Evaluate<T>(T yTrue, T yPred, out T derivative) => derivative = T.Zero;
}

public sealed class RacedLoss(Reduction? reduction = null, string? name = null) : ElementwiseLoss(reduction, name)
{
    protected override T Evaluate<T>(T yTrue, T yPred, out T derivative) => derivative = T.Zero;
}

public sealed class NoDefaultLoss(double scale, Reduction? reduction = null, string? name = null) : ElementwiseLoss(reduction, name)
{
    public double Scale { get; } = scale;

    protected override T Evaluate<T>(T yTrue, T yPred, out T derivative) => derivative = T.Zero;
}

public sealed class StringOptionLoss(string mode = "a", Reduction? reduction = null, string? name = null) : ElementwiseLoss(reduction, name)
{
    public string Mode { get; } = mode;

    protected override T Evaluate<T>(T yTrue, T yPred, out T derivative) => derivative = T.Zero;
}

public sealed class NoPropertyLoss(double scale = 1, Reduction? reduction = null, string? name = null) : ElementwiseLoss(reduction, name)
{
    private readonly double _scale = scale;

    protected override T Evaluate<T>(T yTrue, T yPred, out T derivative) => derivative = T.CreateChecked(_scale);
}

public sealed class NoReductionLoss(string? name = null) : ElementwiseLoss(null, name)
{
    protected override T Evaluate<T>(T yTrue, T yPred, out T derivative) => derivative = T.Zero;
}

/// <summary>The registrations the tests share, made once per process.</summary>
internal static class Registered
{
    public static readonly string Scaled = Losses.Register<ScaledSquaredError>("Tests");
    public static readonly string Euclidean = Losses.Register<EuclideanDistance>("Tests", "Euclid");
}

public class CustomLossTests
{
    // y, p of shape [3, 4]; per-sample weights; a mask over the 3 samples.
    private static readonly double[] Y = [0, 1, 2, 3, 1, 1, 1, 1, -2, 0.5, 4, 0];
    private static readonly double[] P = [0.5, 1.5, 1, 3.25, 0, 2, 1, 1.5, -1, 0.25, 3, 1];
    private static readonly double[] W = [0.5, 2, 1.5];
    private static readonly bool[] M = [true, false, true];

    public static TheoryData<Reduction> Reductions => [Reduction.SumOverBatchSize, Reduction.Sum, Reduction.Mean, Reduction.MeanWithSampleWeight];

    /// <summary>Per-sample s·mean((p − y)²) by loops.</summary>
    private static double[] ScaledPerSample(double s, double[] y, double[] p, int k)
    {
        var l = new double[y.Length / k];
        for (int i = 0; i < l.Length; i++)
        {
            for (int j = 0; j < k; j++)
            {
                double e = p[(i * k) + j] - y[(i * k) + j];
                l[i] += s * e * e / k;
            }
        }

        return l;
    }

    /// <summary>Keras 3's reduction of per-sample losses l with weights w and a mask (SPEC A.1, A.3): the mask folds into
    /// the weights as total/valid under the means, as 0/1 otherwise.</summary>
    private static double Reduce(double[] l, double[]? w, bool[]? m, Reduction r)
    {
        int n = l.Length, valid = m?.Count(b => b) ?? n;
        double sum = 0, weightSum = 0;
        for (int i = 0; i < n; i++)
        {
            double mw = m is null ? 1 : !m[i] ? 0 : r is Reduction.SumOverBatchSize or Reduction.Mean ? (double)n / valid : 1;
            double wi = (w?[i] ?? 1) * mw;
            sum += l[i] * wi;
            weightSum += wi;
        }

        return r switch
        {
            Reduction.Sum => sum,
            Reduction.MeanWithSampleWeight when w is not null || m is not null => sum / weightSum,
            _ => sum / n,
        };
    }

    [Theory]
    [MemberData(nameof(Reductions))]
    public void Elementwise_MatchesLoops_AllReductions_WeightsAndMask(Reduction reduction)
    {
        var loss = new ScaledSquaredError(2.5, reduction);
        double[] l = ScaledPerSample(2.5, Y, P, 4);
        var y = Tensor.Create(Y, [3, 4]);
        var p = Tensor.Create(P, [3, 4]);

        Assert.Equal(Reduce(l, null, null, reduction), loss.Compute(y, p), 1e-13);
        Assert.Equal(Reduce(l, W, null, reduction), loss.Compute(y, p, W), 1e-13);
        Assert.Equal(Reduce(l, W, M, reduction), loss.Compute(y, p, W, M), 1e-13);

        float[] yF = [.. Y.Select(v => (float)v)], pF = [.. P.Select(v => (float)v)];
        float[] wF = [.. W.Select(v => (float)v)];
        var yT = Tensor.Create(yF, [3, 4]);
        var pT = Tensor.Create(pF, [3, 4]);
        double expected = Reduce(l, W, M, reduction);
        Assert.Equal(expected, loss.Compute(yT, pT, wF, M), 1e-6 * Math.Max(1, Math.Abs(expected)));
    }

    [Fact]
    public void Elementwise_NoneReduction_GivesWeightedPerSampleValues()
    {
        double[] l = ScaledPerSample(2.5, Y, P, 4);
        Tensor<double> values = new ScaledSquaredError(2.5, Reduction.None).Call(Tensor.Create(Y, [3, 4]), Tensor.Create(P, [3, 4]), W, M);
        double[] expected = [l[0] * W[0], 0, l[2] * W[2]];
        Assert.Equal([3], values.Lengths.ToArray());
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i], values[i], 1e-13);
        }
    }

    [Theory]
    [MemberData(nameof(Reductions))]
    public void Elementwise_ScaleOne_EqualsMeanSquaredError(Reduction reduction)
    {
        var custom = new ScaledSquaredError(1, reduction);
        var mse = new MeanSquaredError(reduction);
        var y = Tensor.Create(Y, [3, 4]);
        var p = Tensor.Create(P, [3, 4]);
        Assert.Equal(mse.Compute(y, p, W, M), custom.Compute(y, p, W, M), 1e-14);
        (double v1, Tensor<double> g1) = custom.ValueAndGradient(y, p, W, M);
        (double v2, Tensor<double> g2) = mse.ValueAndGradient(y, p, W, M);
        Assert.Equal(v2, v1, 1e-14);
        for (int i = 0; i < P.Length; i++)
        {
            Assert.Equal(g2[i / 4, i % 4], g1[i / 4, i % 4], 1e-14);
        }

        // Rank alignment as for the built-in: y of shape [3] against p of shape [3, 1].
        double[] y3 = [1, 2, 3], p3 = [1.5, 2, 2];
        Assert.Equal(mse.Compute(y3, Tensor.Create(p3, [3, 1])), custom.Compute(y3, Tensor.Create(p3, [3, 1])), 1e-15);
    }

    [Fact]
    public void Elementwise_Gradient_MatchesFiniteDifferences()
    {
        var loss = new ScaledSquaredError(2.5);
        (_, Tensor<double> g) = loss.ValueAndGradient(Tensor.Create(Y, [3, 4]), Tensor.Create(P, [3, 4]), W, M);
        double[] fd = FiniteDifference.Gradient(x => loss.Compute(Tensor.Create(Y, [3, 4]), Tensor.Create(x, [3, 4]), W, M), P);
        double[] got = [.. g];
        for (int i = 0; i < fd.Length; i++)
        {
            Assert.Equal(fd[i], got[i], 1e-7);
        }
    }

    [Fact]
    public void Row_MatchesLoopsAndFiniteDifferences()
    {
        var loss = new EuclideanDistance(0.25, Reduction.SumOverBatchSize);
        var l = new double[3];
        for (int i = 0; i < 3; i++)
        {
            double s = 0;
            for (int j = 0; j < 4; j++)
            {
                s += (P[(i * 4) + j] - Y[(i * 4) + j]) * (P[(i * 4) + j] - Y[(i * 4) + j]);
            }

            l[i] = Math.Sqrt(s) + 0.25;
        }

        var y = Tensor.Create(Y, [3, 4]);
        foreach (Reduction r in (Reduction[])[Reduction.SumOverBatchSize, Reduction.Sum, Reduction.MeanWithSampleWeight])
        {
            Assert.Equal(Reduce(l, W, M, r), new EuclideanDistance(0.25, r).Compute(y, Tensor.Create(P, [3, 4]), W, M), 1e-13);
        }

        (_, Tensor<double> g) = loss.ValueAndGradient(y, Tensor.Create(P, [3, 4]), W, M);
        double[] fd = FiniteDifference.Gradient(x => loss.Compute(y, Tensor.Create(x, [3, 4]), W, M), P);
        double[] got = [.. g];
        for (int i = 0; i < fd.Length; i++)
        {
            Assert.Equal(fd[i], got[i], 1e-7);
        }

        // Backward with a per-sample upstream under Reduction.None: row i's gradient times u_i · w_i.
        double[] u = [1, -2, 3];
        Tensor<double> back = new EuclideanDistance(0.25, Reduction.None).Backward(y, Tensor.Create(P, [3, 4]), u, W);
        double[] fdBack = FiniteDifference.Gradient(
            x =>
            {
                Tensor<double> v = new EuclideanDistance(0.25, Reduction.None).Call(y, Tensor.Create(x, [3, 4]), W);
                return (v[0] * u[0]) + (v[1] * u[1]) + (v[2] * u[2]);
            },
            P);
        double[] gotBack = [.. back];
        for (int i = 0; i < fdBack.Length; i++)
        {
            Assert.Equal(fdBack[i], gotBack[i], 1e-7);
        }
    }

    [Theory]
    [MemberData(nameof(Reductions))]
    public void Row_MeanSquared_EqualsMeanSquaredError(Reduction reduction)
    {
        var y = Tensor.Create(Y, [3, 4]);
        var p = Tensor.Create(P, [3, 4]);
        (double v1, Tensor<double> g1) = new RowMeanSquared(reduction).ValueAndGradient(y, p, W, M);
        (double v2, Tensor<double> g2) = new MeanSquaredError(reduction).ValueAndGradient(y, p, W, M);
        Assert.Equal(v2, v1, 1e-14);
        Assert.Equal([.. g2], [.. g1], (a, b) => Math.Abs(a - b) <= 1e-14);

        float[] yF = [.. Y.Select(v => (float)v)], pF = [.. P.Select(v => (float)v)];
        float f1 = new RowMeanSquared(reduction).Compute(Tensor.Create(yF, [3, 4]), Tensor.Create(pF, [3, 4]));
        float f2 = new MeanSquaredError(reduction).Compute(Tensor.Create(yF, [3, 4]), Tensor.Create(pF, [3, 4]));
        Assert.Equal(f2, f1, 1e-5f);
    }

    [Fact]
    public void Row_ShapeMismatch_NamesBothShapes()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => new EuclideanDistance().Compute(Tensor.Create(new double[6], [2, 3]), Tensor.Create(new double[8], [2, 4])));
        Assert.Equal("yTrue", e.ParamName);
        Assert.Contains("(2, 3)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2, 4)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneAndTwoThreads_AreBitIdentical()
    {
        // 2048 × 40 = 81920 elements: more than four chunks of 16 Ki, so two threads do split the work.
        const int n = 2048, k = 40;
        var rng = new Random(7);
        float[] y = new float[n * k], p = new float[n * k], w = new float[n];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = (float)rng.NextDouble();
            p[i] = (float)(rng.NextDouble() * 2);
        }

        for (int i = 0; i < n; i++)
        {
            w[i] = (float)rng.NextDouble();
        }

        foreach (Func<int, Loss> make in (Func<int, Loss>[])[
            d => new ScaledSquaredError(1.5) { MaxDegreeOfParallelism = d },
            d => new EuclideanDistance(0.1) { MaxDegreeOfParallelism = d }])
        {
            var yt = Tensor.Create(y, [n, k]);
            var pt = Tensor.Create(p, [n, k]);
            (float v1, Tensor<float> g1) = make(1).ValueAndGradient(yt, pt, w);
            (float v2, Tensor<float> g2) = make(2).ValueAndGradient(yt, pt, w);
            Assert.Equal(BitConverter.SingleToInt32Bits(v1), BitConverter.SingleToInt32Bits(v2));
            Assert.True(g1.SequenceEqual(g2));
            Assert.Equal(
                BitConverter.DoubleToInt64Bits(make(1).Compute(Tensor.Create(y.Select(v => (double)v).ToArray(), [n, k]), Tensor.Create(p.Select(v => (double)v).ToArray(), [n, k]))),
                BitConverter.DoubleToInt64Bits(make(2).Compute(Tensor.Create(y.Select(v => (double)v).ToArray(), [n, k]), Tensor.Create(p.Select(v => (double)v).ToArray(), [n, k]))));
        }
    }

    [Fact]
    public void Config_KeysFromConstructor_DefaultNameInSnakeCase()
    {
        var loss = new ScaledSquaredError(2.5);
        Assert.Equal("scaled_squared_error", loss.Name);
        Assert.Equal("ScaledSquaredError", loss.ClassName);
        Assert.Equal(["name", "reduction", "scale"], loss.GetConfig().Keys);
        Assert.Equal(2.5, loss.GetConfig()["scale"]);
    }

    [Fact]
    public void Json_RoundTrip_UnderRegisteredName()
    {
        Assert.Equal("Tests>ScaledSquaredError", Registered.Scaled);
        var loss = new ScaledSquaredError(2.5, Reduction.Sum, "sq");

        // The Keras 3 envelope register_keras_serializable gives (SPEC E.1): the module, then "package>Name".
        string json = loss.ToJson();
        Assert.Equal(
            "{\"module\": \"SharpLoss.Tests.Custom\", \"class_name\": \"ScaledSquaredError\", \"config\": {\"name\": \"sq\", \"reduction\": \"sum\", \"scale\": 2.5}, \"registered_name\": \"Tests>ScaledSquaredError\"}",
            json);

        var back = Assert.IsType<ScaledSquaredError>(Losses.FromJson(json));
        Assert.Equal(2.5, back.Scale);
        Assert.Equal("sq", back.Name);
        Assert.Equal(Reduction.Sum, back.Reduction);
        Assert.Equal(json, back.ToJson());
        var y = Tensor.Create(Y, [3, 4]);
        var p = Tensor.Create(P, [3, 4]);
        Assert.Equal(loss.Compute(y, p, W), back.Compute(y, p, W));

        // Keras looks the registered name up whatever the module says.
        Assert.IsType<ScaledSquaredError>(Losses.FromJson(json.Replace("SharpLoss.Tests.Custom", "my_module", StringComparison.Ordinal)));
        Assert.Contains("Tests>ScaledSquaredError", Losses.RegisteredNames);
    }

    [Fact]
    public void Get_RegisteredName_GivesDefaultInstance()
    {
        var loss = Assert.IsType<EuclideanDistance>(Losses.Get(Registered.Euclidean));
        Assert.Equal(0.0, loss.Margin);
        Assert.Equal("euclidean_distance", loss.Name);
        Assert.Equal(Reduction.SumOverBatchSize, loss.Reduction);
        Assert.IsType<EuclideanDistance>(Losses.FromJson("\"Tests>Euclid\""));
    }

    [Fact]
    public void Json_TfKeras2Legacy_RoundTrip()
    {
        _ = Registered.Euclidean;
        var loss = new EuclideanDistance(0.5, semantics: LossSemantics.TfKeras2);

        // tf.keras 2's legacy format names a registered class by its registered name.
        string json = loss.ToJson();
        Assert.Equal("{\"class_name\": \"Tests>Euclid\", \"config\": {\"reduction\": \"auto\", \"name\": \"euclidean_distance\", \"margin\": 0.5}}", json);
        var back = Assert.IsType<EuclideanDistance>(Losses.FromJson(json));
        Assert.Equal(LossSemantics.TfKeras2, back.Semantics);
        Assert.Equal(0.5, back.Margin);
    }

    [Fact]
    public void Json_BadConfigValue_NamesJson()
    {
        _ = Registered.Scaled;
        var e = Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson(
            "{\"module\": \"m\", \"class_name\": \"ScaledSquaredError\", \"config\": {\"scale\": \"big\"}, \"registered_name\": \"Tests>ScaledSquaredError\"}"));
        Assert.Equal("json", e.ParamName);
        Assert.Contains("scale", e.Message, StringComparison.Ordinal);

        e = Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson(
            "{\"module\": \"m\", \"class_name\": \"ScaledSquaredError\", \"config\": {\"offset\": 1}, \"registered_name\": \"Tests>ScaledSquaredError\"}"));
        Assert.Equal("json", e.ParamName);
        Assert.Contains("offset", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownRegisteredName_IsAClearError()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson(
            "{\"module\": \"m\", \"class_name\": \"Nope\", \"config\": {}, \"registered_name\": \"Nowhere>Nope\"}"));
        Assert.Equal("json", e.ParamName);
        Assert.Contains("'Nowhere>Nope'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Losses.Register", e.Message, StringComparison.Ordinal);

        e = Assert.ThrowsAny<ArgumentException>(() => Losses.Get("Nowhere>Nope"));
        Assert.Equal("identifier", e.ParamName);
        Assert.Contains("Losses.Register", e.Message, StringComparison.Ordinal);

        // An unregistered custom loss still writes JSON (registered_name = class name, as Keras), which does not read back.
        string json = new RowMeanSquared().ToJson();
        Assert.Contains("\"registered_name\": \"RowMeanSquared\"", json, StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson(json));
    }

    [Fact]
    public void Register_Errors()
    {
        AssertBad(() => Losses.Register<MeanSquaredError>("Tests"), "TLoss", "built-in");
        AssertBad(() => Losses.Register<ElementwiseLoss>("Tests"), "TLoss", "abstract");
        AssertBad(() => Losses.Register<ScaledSquaredError>("Tests", "mse"), "name", "built-in");
        AssertBad(() => Losses.Register<ScaledSquaredError>("Tests", "MeanSquaredError"), "name", "built-in");
        AssertBad(() => Losses.Register<ScaledSquaredError>("Te>sts"), "package", "'>'");
        AssertBad(() => Losses.Register<ScaledSquaredError>("Tests", string.Empty), "name", "non-empty");
        AssertBad(() => Losses.Register<NoDefaultLoss>("Tests"), "TLoss", "`scale` without one");
        AssertBad(() => Losses.Register<StringOptionLoss>("Tests"), "TLoss", "`mode` of type String");
        AssertBad(() => Losses.Register<NoPropertyLoss>("Tests"), "TLoss", "scale");
        AssertBad(() => Losses.Register<NoReductionLoss>("Tests"), "TLoss", "`reduction`");
        Assert.Throws<ArgumentNullException>(() => Losses.Register<ScaledSquaredError>(null!));

        Assert.Equal("Dup>DuplicateTypeLoss", Losses.Register<DuplicateTypeLoss>("Dup"));
        AssertBad(() => Losses.Register<DuplicateTypeLoss>("Other"), "TLoss", "already registered as 'Dup>DuplicateTypeLoss'");

        Assert.Equal("Dup>Same", Losses.Register<DuplicateNameLossA>("Dup", "Same"));
        AssertBad(() => Losses.Register<DuplicateNameLossB>("Dup", "Same"), "name", "DuplicateNameLossA");

        static void AssertBad(Func<string> register, string param, string fragment)
        {
            var e = Assert.ThrowsAny<ArgumentException>(() => register());
            Assert.Equal(param, e.ParamName);
            Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Register_Concurrent_OneWinner()
    {
        // Eight threads register one class under eight names at once: exactly one succeeds, the others see it registered.
        int wins = 0, losses = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            try
            {
                Losses.Register<RacedLoss>("Race", $"R{i}");
                Interlocked.Increment(ref wins);
            }
            catch (ArgumentException)
            {
                Interlocked.Increment(ref losses);
            }
        });

        Assert.Equal(1, wins);
        Assert.Equal(7, losses);
        Assert.Single(Losses.RegisteredNames, n => n.StartsWith("Race>", StringComparison.Ordinal));
    }

    [Fact]
    public void SharedInstance_ConcurrentCalls_AgreeBitForBit()
    {
        var loss = new ScaledSquaredError(3);
        var y = Tensor.Create(Y, [3, 4]);
        double expected = loss.Compute(y, Tensor.Create(P, [3, 4]), W);
        var results = new double[16];
        Parallel.For(0, results.Length, i => results[i] = loss.Compute(Tensor.Create(Y, [3, 4]), Tensor.Create(P, [3, 4]), W));
        Assert.All(results, r => Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(r)));
    }
}
