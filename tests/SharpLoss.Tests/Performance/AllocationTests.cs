// The span path allocates nothing for every loss class: ValueAndGradientInto with caller buffers, 1K elements
// ([32 x 32] rows, or 1024 x 1 element-wise), float and double, on one thread and on two.

namespace SharpLoss.Tests.Performance;

public class AllocationTests
{
    private const int Rows = 32, Classes = 32;

    /// <summary>Every loss class with options that reach its less common paths (logits, smoothing, per-class α, balancing).</summary>
    private static Loss Make(string name, int degree) => name switch
    {
        "BinaryCrossentropy" => new BinaryCrossentropy(fromLogits: true) { MaxDegreeOfParallelism = degree },
        "BinaryFocalCrossentropy" => new BinaryFocalCrossentropy(true, gamma: 1.5) { MaxDegreeOfParallelism = degree },
        "CategoricalCrossentropy" => new CategoricalCrossentropy(labelSmoothing: 0.1) { MaxDegreeOfParallelism = degree },
        "CategoricalFocalCrossentropy" => new CategoricalFocalCrossentropy(Enumerable.Repeat(0.25, Classes).ToArray(), fromLogits: true) { MaxDegreeOfParallelism = degree },
        "SparseCategoricalCrossentropy" => new SparseCategoricalCrossentropy(fromLogits: true) { MaxDegreeOfParallelism = degree },
        "SparseCategoricalFocalCrossentropy" => new SparseCategoricalFocalCrossentropy(fromLogits: true) { MaxDegreeOfParallelism = degree },
        "CategoricalGeneralizedCrossEntropy" => new CategoricalGeneralizedCrossEntropy() { MaxDegreeOfParallelism = degree },
        "MeanSquaredError" => new MeanSquaredError() { MaxDegreeOfParallelism = degree },
        "MeanAbsoluteError" => new MeanAbsoluteError() { MaxDegreeOfParallelism = degree },
        "MeanAbsolutePercentageError" => new MeanAbsolutePercentageError() { MaxDegreeOfParallelism = degree },
        "MeanSquaredLogarithmicError" => new MeanSquaredLogarithmicError() { MaxDegreeOfParallelism = degree },
        "Huber" => new Huber() { MaxDegreeOfParallelism = degree },
        "LogCosh" => new LogCosh() { MaxDegreeOfParallelism = degree },
        "Hinge" => new Hinge() { MaxDegreeOfParallelism = degree },
        "SquaredHinge" => new SquaredHinge() { MaxDegreeOfParallelism = degree },
        "CategoricalHinge" => new CategoricalHinge() { MaxDegreeOfParallelism = degree },
        "KLDivergence" => new KLDivergence() { MaxDegreeOfParallelism = degree },
        "Poisson" => new Poisson() { MaxDegreeOfParallelism = degree },
        "CosineSimilarity" => new CosineSimilarity() { MaxDegreeOfParallelism = degree },
        "Dice" => new Dice(axis: [1]) { MaxDegreeOfParallelism = degree },
        "Tversky" => new Tversky(0.3, 0.7, axis: [1]) { MaxDegreeOfParallelism = degree },
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in SharpLoss.Serialization.Catalog.ClassNames)
        {
            if (name is "CTC" or "Circle")
            {
                // Inputs of their own shapes (logit sequences, embedding batches): checked in CtcTests and CircleTests.
                continue;
            }

            foreach (int degree in new[] { 1, 2 })
            {
                data.Add(name, degree);
            }
        }

        return data;
    }

    /// <summary>One ValueAndGradientInto call over caller buffers (class ids for the sparse losses), as a delegate made once.</summary>
    private static Func<double> Call(Loss loss, float[] y, int[] ids, float[] p, float[] grad) => loss is ClassIdLoss sparse
        ? () => sparse.ValueAndGradientInto(new LossInput<int>(ids, Rows), new LossInput<float>(p.AsSpan(), Rows, Classes), grad)
        : () => loss.ValueAndGradientInto(new LossInput<float>(y.AsSpan(), Rows, Classes), new LossInput<float>(p.AsSpan(), Rows, Classes), grad);

    private static Func<double> Call(Loss loss, double[] y, int[] ids, double[] p, double[] grad) => loss is ClassIdLoss sparse
        ? () => sparse.ValueAndGradientInto(new LossInput<int>(ids, Rows), new LossInput<double>(p.AsSpan(), Rows, Classes), grad)
        : () => loss.ValueAndGradientInto(new LossInput<double>(y.AsSpan(), Rows, Classes), new LossInput<double>(p.AsSpan(), Rows, Classes), grad);

    /// <summary>The inputs of a [32 x 32] call (one-hot labels and their class ids, probabilities) and the call over them.</summary>
    private static Func<double> MakeCall(Loss loss, bool float32)
    {
        var rng = new Random(5);
        int n = Rows * Classes;
        double[] y = new double[n], p = new double[n];
        int[] ids = new int[Rows];
        for (int r = 0; r < Rows; r++)
        {
            ids[r] = rng.Next(Classes);
            y[(r * Classes) + ids[r]] = 1;
        }

        for (int i = 0; i < n; i++)
        {
            p[i] = 0.01 + (0.98 * rng.NextDouble());
        }

        return float32
            ? Call(loss, Array.ConvertAll(y, v => (float)v), ids, Array.ConvertAll(p, v => (float)v), new float[n])
            : Call(loss, y, ids, p, new double[n]);
    }

    /// <summary>
    /// Bytes the calling thread allocated over a round of <paramref name="callsPerRound"/> calls, once a round allocates
    /// nothing (the JIT's tiering allocates while it recompiles hot methods), or in the last of 30 rounds.
    /// </summary>
    internal static long SteadyState(Func<double> call, int callsPerRound)
    {
        long allocated = -1;
        double sum = 0;
        for (int round = 0; round < 30 && allocated != 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < callsPerRound; i++)
            {
                sum += call();
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated != 0)
            {
                Thread.Sleep(50);
            }
        }

        Assert.True(double.IsFinite(sum));
        return allocated;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SpanPath_1K_AllocatesNothing(string className, int degree)
    {
        Loss loss = Make(className, degree);
        Assert.Equal(0, SteadyState(MakeCall(loss, float32: true), 200));
        Assert.Equal(0, SteadyState(MakeCall(loss, float32: false), 200));
    }
}
