// Loss objects are documented as immutable and safe to share across threads (Loss remarks). One instance per loss
// is shared by a Parallel.For over a few hundred different inputs (fixed seeds); every result must be bit-identical
// to the sequential run of the same calls (SPEC 0.5: deterministic whatever the number of threads).

using System.Numerics.Tensors;

namespace SharpLoss.Tests.Spec;

public class ThreadSafetyTests
{
    private const int Calls = 300;

    private sealed record Input(float[] Y, int[] YShape, int[]? Labels, float[] P, int[] PShape, float[]? Weight, bool[]? Mask);

    public static TheoryData<string> Keys => new() { "bce", "cce", "scce", "scce-ignore", "mse", "mae", "huber" };

    private static Loss Make(string key) => key switch
    {
        "bce" => new BinaryCrossentropy(labelSmoothing: 0.1),
        "cce" => new CategoricalCrossentropy(fromLogits: true),
        "scce" => new SparseCategoricalCrossentropy(reduction: Reduction.MeanWithSampleWeight),
        "scce-ignore" => new SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: 0),
        "mse" => new MeanSquaredError(Reduction.Sum),
        "mae" => new MeanAbsoluteError(semantics: LossSemantics.TfKeras2),

        // δ = 0.3: the uniform [0, 1] inputs give errors on both sides of δ.
        "huber" => new Huber(delta: 0.3, reduction: Reduction.MeanWithSampleWeight),
        _ => throw new ArgumentException(key),
    };

    private static Input MakeInput(string key, int seed)
    {
        var rng = new Random(seed);

        // Mostly small batches; every 50th call is large enough (> 16K elements) for the chunked multi-core path.
        int n = seed % 50 == 0 ? 7000 : 1 + rng.Next(64);
        const int k = 3;
        float[] p = SpecAssert.Uniform(rng, n * k, key.StartsWith("scce", StringComparison.Ordinal) || key == "cce" ? -3 : 0.01, 0.99);
        float[]? w = rng.Next(2) == 0 ? SpecAssert.Uniform(rng, n, 0, 2) : null;
        bool[]? m = rng.Next(3) == 0 ? Enumerable.Range(0, n).Select(_ => rng.Next(4) != 0).ToArray() : null;
        if (key.StartsWith("scce", StringComparison.Ordinal))
        {
            int[] labels = Enumerable.Range(0, n).Select(_ => rng.Next(k)).ToArray();
            return new Input([], [n], labels, p, [n, k], w, key == "scce-ignore" ? null : m);
        }

        float[] y = key == "cce" ? SpecAssert.OneHotRows(rng, n, k, out _) : SpecAssert.Uniform(rng, n * k, 0, 1);
        return new Input(y, [n, k], null, p, [n, k], w, m);
    }

    private static (float Value, float[] Gradient, double[] PerSample) Run(Loss loss, Loss none, Input input)
    {
        LossInput<float> w = input.Weight is null ? default : new LossInput<float>(input.Weight, input.Weight.Length);
        LossInput<bool> m = input.Mask is null ? default : new LossInput<bool>(input.Mask, input.Mask.Length);
        var p = new LossInput<float>(input.P, input.PShape);
        var grad = new float[input.P.Length];
        float value;
        Tensor<float> per;
        if (input.Labels is not null)
        {
            var scce = (SparseCategoricalCrossentropy)loss;
            value = scce.ValueAndGradientInto(new LossInput<int>(input.Labels, input.YShape), p, grad, w, m);
            per = ((SparseCategoricalCrossentropy)none).Call(new LossInput<int>(input.Labels, input.YShape), new LossInput<float>(input.P, input.PShape), w, m);
        }
        else
        {
            var y = new LossInput<float>(input.Y, input.YShape);
            value = loss.ValueAndGradientInto(y, p, grad, w, m);
            per = none.Call(new LossInput<float>(input.Y, input.YShape), new LossInput<float>(input.P, input.PShape), w, m);
        }

        return (value, grad, SpecAssert.Values(per));
    }

    private static Loss NoneTwin(Loss loss) => loss switch
    {
        BinaryCrossentropy b => new BinaryCrossentropy(b.FromLogits, b.LabelSmoothing, b.Axis, Reduction.None, semantics: b.Semantics),
        CategoricalCrossentropy c => new CategoricalCrossentropy(c.FromLogits, c.LabelSmoothing, c.Axis, Reduction.None, semantics: c.Semantics),
        SparseCategoricalCrossentropy s => new SparseCategoricalCrossentropy(s.FromLogits, s.IgnoreClass, Reduction.None, semantics: s.Semantics),
        MeanSquaredError e => new MeanSquaredError(Reduction.None, semantics: e.Semantics),
        Huber h => new Huber(h.Delta, Reduction.None, semantics: h.Semantics),
        _ => new MeanAbsoluteError(Reduction.None, semantics: loss.Semantics),
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void SharedInstance_ParallelCalls_MatchSequentialCallsBitForBit(string key)
    {
        Loss loss = Make(key);
        Loss none = NoneTwin(loss);
        Input[] inputs = Enumerable.Range(0, Calls).Select(i => MakeInput(key, 1000 + i)).ToArray();

        var sequential = new (float Value, float[] Gradient, double[] PerSample)[Calls];
        for (int i = 0; i < Calls; i++)
        {
            sequential[i] = Run(loss, none, inputs[i]);
        }

        var parallel = new (float Value, float[] Gradient, double[] PerSample)[Calls];
        Parallel.For(0, Calls, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(4, Environment.ProcessorCount) }, i => parallel[i] = Run(loss, none, inputs[i]));

        for (int i = 0; i < Calls; i++)
        {
            string context = $"{key}, seed {1000 + i}";
            Assert.True(BitConverter.SingleToInt32Bits(sequential[i].Value) == BitConverter.SingleToInt32Bits(parallel[i].Value), $"{context}: value {sequential[i].Value:R} vs {parallel[i].Value:R}");
            Assert.True(sequential[i].Gradient.AsSpan().SequenceEqual(parallel[i].Gradient), $"{context}: gradients differ");
            Assert.True(sequential[i].PerSample.AsSpan().SequenceEqual(parallel[i].PerSample), $"{context}: per-sample values differ");
        }

        // The instance is unchanged by the concurrent use.
        Assert.Equal(Make(key).ToJson(), loss.ToJson());
    }
}
