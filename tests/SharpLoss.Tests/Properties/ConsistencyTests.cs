// Randomized consistency of the entry points (seeded; a failure prints the seed, the iteration and the call). For
// every Keras loss class, random shapes (valid, almost valid and invalid), options, reductions, semantics, weights,
// masks, label types and element types, with ordinary and extreme values:
//   Compute = ValueAndGradient's value = ValueAndGradientInto's (separate buffer and yPred's own buffer) = Call (reduced),
//   bit for bit; the three gradients bit for bit, and Backward with upstream 1 gives them too;
//   Sum = the sum of Call's values under Reduction.None (the sum rule), and the Sum gradient = Backward of None with
//   upstream ones, to rounding;
//   nothing but the ArgumentException family escapes (and InvalidOperationException for a number asked of
//   Reduction.None), and every entry point rejects the same call with the same exception type and argument.
// No expected value comes from a formula: each entry point is checked against the others.

using System.Numerics;
using System.Numerics.Tensors;

namespace SharpLoss.Tests.Properties;

public class ConsistencyTests
{
    private const int Iterations = 1500;

    /// <summary>Every loss class of the catalogue (by its Keras class name), each with its default options.</summary>
    public static TheoryData<string> CatalogueClasses => [.. Losses.Names.Where(n => char.IsUpper(n[0]) && n.Any(char.IsLower))];

    [Theory]
    [InlineData(20261207)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomCalls_EveryEntryPointAgrees(int seed) => RandomCalls(seed, null, Iterations);

    /// <summary>The same checks for every class of the catalogue, built from its class name with default options and a
    /// random reduction and semantics (a class tf.keras 2 lacks is skipped under tf.keras 2).</summary>
    [Theory]
    [MemberData(nameof(CatalogueClasses))]
    public void RandomCalls_EveryCatalogueClass_EveryEntryPointAgrees(string className) =>
        RandomCalls(className.Length * 7919, className, Iterations / 2);

    private static void RandomCalls(int seed, string? className, int iterations)
    {
        var rng = new Random(seed);
        var failures = new List<string>();
        int valid = 0, rejected = 0;
        for (int it = 0; it < iterations && failures.Count < 10; it++)
        {
            Case c = Case.Random(rng, className);
            string context = $"seed {seed}, iteration {it}: {c}";
            try
            {
                bool ok = rng.Next(2) == 0 ? Check<float>(c, rng, FloatApi.Instance, failures, context) : Check<double>(c, rng, DoubleApi.Instance, failures, context);
                if (ok)
                {
                    valid++;
                }
                else
                {
                    rejected++;
                }
            }
            catch (Exception e)
            {
                failures.Add($"{context}: unexpected {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));

        // The generator must produce both kinds of call in earnest, or the test checks little.
        Assert.True(valid > iterations / 4 && rejected > iterations / 20, $"valid {valid}, rejected {rejected}");
    }

    /// <summary>Runs every entry point on one case; returns whether the call was valid.</summary>
    private static bool Check<T>(Case c, Random rng, Api<T> api, List<string> failures, string context)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Loss? loss = Construct(() => c.Make(c.Reduction));
        if (loss is null)
        {
            return false;
        }

        Inputs<T> x = Inputs<T>.From(c);
        bool none = c.Reduction == Reduction.None;

        // Compute (or Call for reduction none) decides whether the call is valid.
        Outcome<T> compute = Outcome<T>.Of(() => none ? default : api.Compute(loss, x));
        Outcome<T> vag = Outcome<T>.Of(() => api.ValueAndGradient(loss, x));
        Outcome<T> into = Outcome<T>.Of(() => api.Into(loss, x, aliased: false));
        Outcome<T> aliased = Outcome<T>.Of(() => api.Into(loss, x, aliased: true));
        Outcome<T> call = Outcome<T>.Of(() => api.Call(loss, x));
        Outcome<T> backward = Outcome<T>.Of(() => api.Backward(loss, x, call.Result?.Values.Length is int n && none ? n : -1, call.Result?.Shape));
        foreach ((string name, Outcome<T> o) in new[] { ("Compute", compute), ("ValueAndGradient", vag), ("ValueAndGradientInto", into), ("ValueAndGradientInto over yPred", aliased), ("Call", call), ("Backward", backward) })
        {
            if (o.Error is not null and not ArgumentException and not InvalidOperationException)
            {
                failures.Add($"{context}: {name} threw {o.Error.GetType().Name}: {o.Error.Message}\n{o.Error.StackTrace}");
                return false;
            }

            if (o.Error is InvalidOperationException && !(none && name.StartsWith("ValueAndGradient", StringComparison.Ordinal)))
            {
                failures.Add($"{context}: {name} threw InvalidOperationException: {o.Error.Message}");
                return false;
            }
        }

        if (none)
        {
            foreach (Outcome<T> o in new[] { vag, into, aliased })
            {
                if (o.Error is not InvalidOperationException && !(o.Error is ArgumentException && call.Error is ArgumentException))
                {
                    failures.Add($"{context}: reduction none: expected InvalidOperationException from ValueAndGradient, got {Describe(o)}");
                }
            }

            SameRejection(context, "Backward", call, backward, failures);
            if (call.Error is not null)
            {
                return false;
            }
        }
        else
        {
            foreach ((string name, Outcome<T> o) in new[] { ("ValueAndGradient", vag), ("ValueAndGradientInto", into), ("ValueAndGradientInto over yPred", aliased), ("Call", call), ("Backward", backward) })
            {
                SameRejection(context, name, compute, o, failures);
            }

            if (compute.Error is not null || vag.Error is not null || into.Error is not null || aliased.Error is not null || call.Error is not null || backward.Error is not null)
            {
                return false;
            }

            T v = compute.Result!.Value;
            foreach ((string name, T other) in new[] { ("ValueAndGradient", vag.Result!.Value), ("ValueAndGradientInto", into.Result!.Value), ("ValueAndGradientInto over yPred", aliased.Result!.Value) })
            {
                if (!SameBits(v, other))
                {
                    failures.Add($"{context}: Compute {v:R} but {name} {other:R}");
                }
            }

            // Keras 3 returns values of shape (0,) (an empty batch) as the empty tensor; Compute documents 0 for them.
            bool emptyBatch = call.Result!.Values.Length == 0 && call.Result.Shape.SequenceEqual([0]) && c.Semantics == LossSemantics.Keras3;
            if (emptyBatch ? !SameBits(v, T.Zero) : call.Result.Values.Length != 1 || !SameBits(v, call.Result.Values[0]))
            {
                failures.Add($"{context}: Compute {v:R} but Call [{string.Join(", ", call.Result.Values)}]");
            }

            T[] g = vag.Result!.Gradient!;
            foreach ((string name, T[] other) in new[] { ("ValueAndGradientInto", into.Result!.Gradient!), ("ValueAndGradientInto over yPred", aliased.Result!.Gradient!), ("Backward(1)", backward.Result!.Gradient!) })
            {
                int at = FirstDifference(g, other);
                if (at >= 0)
                {
                    failures.Add($"{context}: gradient of ValueAndGradient [{at}] = {g[at]:R} but {name} {other[at]:R}");
                }
            }
        }

        // The sum rule, against the same loss with reductions Sum and None.
        if (c.Semantics == LossSemantics.Keras3 || !none)
        {
            SumRule(c, api, x, failures, context);
        }

        return true;
    }

    private static void SumRule<T>(Case c, Api<T> api, Inputs<T> x, List<string> failures, string context)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Loss sum = c.Make(Reduction.Sum), none = c.Make(Reduction.None);
        (T value, T[] gradient) = api.ValueAndGradient(sum, x) is { } r ? (r.Value, r.Gradient!) : default;
        Result<T> values = api.Call(none, x);
        Result<T> vjp = api.Backward(none, x, values.Values.Length, values.Shape);
        bool single = typeof(T) == typeof(float);
        double exact = 0, magnitude = 0;
        foreach (T t in values.Values)
        {
            exact += double.CreateTruncating(t);
            magnitude += Math.Abs(double.CreateTruncating(t));
        }

        // The exact sum in T: beyond T's range it is ±∞ there too. Values of +∞ and −∞ without a NaN (products l·w that
        // overflow T with weights of both signs) sum to NaN, where Sum, accumulating in double, may see ±∞: either is
        // accepted. A NaN value must give NaN.
        exact = double.CreateTruncating(T.CreateTruncating(exact));
        bool overflowOnly = double.IsNaN(exact) && !values.Values.Any(T.IsNaN);
        if (overflowOnly ? double.IsFinite(double.CreateTruncating(value)) : !Close(double.CreateTruncating(value), exact, magnitude, single))
        {
            failures.Add($"{context}: Sum {value:R} but Σ of the values of reduction none {exact:R} (Σ|v| {magnitude:R}) inputs: yPred=[{string.Join(",", x.P)}] yTrue=[{string.Join(",", x.Case.Y)}] sampleWeight=[{string.Join(",", x.W)}] mask=[{string.Join(",", x.Case.Mask ?? [])}] values=[{string.Join(",", values.Values)}]");
        }

        double gMagnitude = gradient.Sum(t => double.IsFinite(double.CreateTruncating(t)) ? Math.Abs(double.CreateTruncating(t)) : 0) / Math.Max(1, gradient.Length);
        for (int i = 0; i < gradient.Length; i++)
        {
            double a = double.CreateTruncating(gradient[i]), b = double.CreateTruncating(vjp.Gradient![i]);
            if (!Close(a, b, Math.Abs(b) + gMagnitude, single))
            {
                failures.Add($"{context}: Sum gradient [{i}] {a:R} but Backward of reduction none with upstream ones {b:R}");
                return;
            }
        }
    }

    private static bool Close(double a, double b, double magnitude, bool single)
    {
        if (double.IsNaN(a) || double.IsNaN(b))
        {
            return double.IsNaN(a) && double.IsNaN(b);
        }

        if (double.IsInfinity(a) || double.IsInfinity(b))
        {
            return a == b || double.IsInfinity(magnitude);
        }

        return Math.Abs(a - b) <= (single ? 1e-5 : 1e-12) * magnitude + (single ? 1e-30 : 1e-300);
    }

    private static void SameRejection<T>(string context, string name, Outcome<T> reference, Outcome<T> other, List<string> failures)
    {
        Exception? a = reference.Error, b = other.Error;
        if (a is null && b is null)
        {
            return;
        }

        if (a is null || b is null || a.GetType() != b.GetType() || (a as ArgumentException)?.ParamName != (b as ArgumentException)?.ParamName)
        {
            failures.Add($"{context}: {name} and the reference entry point disagree: {Describe(reference)} vs {Describe(other)}");
        }
    }

    private static string Describe<T>(Outcome<T> o) => o.Error is null ? "success" : $"{o.Error.GetType().Name}({(o.Error as ArgumentException)?.ParamName}): {o.Error.Message}";

    private static Loss? Construct(Func<Loss> make)
    {
        try
        {
            return make();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool SameBits<T>(T a, T b)
        where T : unmanaged, IFloatingPointIeee754<T> => (T.IsNaN(a) && T.IsNaN(b)) || a.Equals(b) && T.IsNegative(a) == T.IsNegative(b);

    private static int FirstDifference<T>(T[] a, T[] b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Length != b.Length)
        {
            return 0;
        }

        for (int i = 0; i < a.Length; i++)
        {
            if (!SameBits(a[i], b[i]))
            {
                return i;
            }
        }

        return -1;
    }

    // ------------------------------------------------------------------ the random case

    private enum Labels
    {
        Values,
        Int32,
        Int64,
    }

    private sealed class Case
    {
        public LossKind Kind;
        public LossSemantics Semantics;
        public Reduction Reduction;
        public bool FromLogits;
        public double LabelSmoothing;
        public int Axis = -1;
        public int? IgnoreClass;
        public double Delta = 1;
        public int[] YShape = [];
        public int[] PShape = [];
        public double[] Y = [];
        public double[] P = [];
        public Labels LabelType;
        public int WeightKind; // 0 none, 1 scalar, 2 tensor
        public double ScalarWeight;
        public int[] WShape = [];
        public double[] W = [];
        public bool[]? Mask;
        public int[] MShape = [];

        /// <summary>A catalogue class built by name with its default options (null: <see cref="Kind"/> with the random options).</summary>
        public string? ClassName;

        public Loss Make(Reduction reduction) => ClassName is not null
            ? Losses.FromConfig(ClassName, [new("reduction", reduction == Reduction.None ? null : ReductionName(reduction))], Semantics)
            : new LossCase
            {
                Id = string.Empty,
                Kind = Kind,
                Semantics = Semantics,
                FromLogits = FromLogits,
                LabelSmoothing = LabelSmoothing,
                Axis = Axis,
                IgnoreClass = IgnoreClass,
                Delta = Delta,
                Shapes = [],
            }.Make(reduction);

        public static Case Random(Random rng, string? className = null)
        {
            var c = new Case { Kind = (LossKind)rng.Next(Enum.GetValues<LossKind>().Length), ClassName = className };
            c.Semantics = rng.Next(4) == 0 ? LossSemantics.TfKeras2 : LossSemantics.Keras3;
            Reduction[] reductions = c.Semantics == LossSemantics.Keras3
                ? [Reduction.None, Reduction.Sum, Reduction.SumOverBatchSize, Reduction.Mean, Reduction.MeanWithSampleWeight]
                : [Reduction.Auto, Reduction.None, Reduction.Sum, Reduction.SumOverBatchSize];
            c.Reduction = reductions[rng.Next(reductions.Length)];
            c.FromLogits = rng.Next(2) == 0;
            c.LabelSmoothing = rng.Next(3) switch { 0 => rng.NextDouble(), 1 => rng.Next(8) == 0 ? 1 : 0, _ => 0 };
            c.Axis = rng.Next(4) == 0 ? rng.Next(-3, 3) : -1;
            c.IgnoreClass = rng.Next(3) == 0 ? rng.Next(-1, 3) : null;
            c.Delta = new[] { 1.0, 0.5, 0, 2.5 }[rng.Next(4)];

            c.PShape = RandomShape(rng);
            if (className == "Circle" && rng.Next(4) != 0)
            {
                // Circle takes a batch of embeddings, (N, D), only: mostly those, so that enough calls are valid.
                c.PShape = [1 + rng.Next(6), 1 + rng.Next(5)];
            }

            bool sparse = className is null ? c.Kind == LossKind.Scce
                : className.StartsWith("Sparse", StringComparison.Ordinal) || className is "CategoricalGeneralizedCrossEntropy" or "Circle";
            int[] perSample = c.PShape.Length > 0 ? c.PShape[..^1] : [];
            c.YShape = rng.Next(6) switch
            {
                0 => RandomShape(rng),
                1 => [.. (sparse ? perSample : c.PShape), 1],
                2 when !sparse && c.PShape.Length > 0 => c.PShape[..^1],
                _ => sparse ? perSample : c.PShape,
            };

            int classes = c.PShape.Length > 0 ? Math.Max(1, c.PShape[^1]) : 1;
            c.LabelType = sparse && className is null ? (Labels)rng.Next(3) : Labels.Values;
            c.Y = new double[Size(c.YShape)];
            for (int i = 0; i < c.Y.Length; i++)
            {
                c.Y[i] = sparse
                    ? rng.Next(25) == 0 ? rng.Next(-2, classes + 2) : c.LabelType == Labels.Values && rng.Next(10) == 0 ? rng.Next(classes) + 0.5 : rng.Next(classes)
                    : rng.Next(3) == 0 ? rng.Next(2) : rng.NextDouble();
            }

            c.P = new double[Size(c.PShape)];
            for (int i = 0; i < c.P.Length; i++)
            {
                c.P[i] = rng.Next(30) == 0 ? Extreme(rng)
                    : className is null && (c.FromLogits || c.Kind is LossKind.Mse or LossKind.Mae or LossKind.Huber or LossKind.Mape or LossKind.Msle or LossKind.LogCosh or LossKind.Hinge or LossKind.SquaredHinge)
                        ? (rng.NextDouble() * 10) - 5 : rng.NextDouble();
            }

            c.WeightKind = rng.Next(3);
            c.ScalarWeight = rng.Next(5) == 0 ? 0 : rng.NextDouble() * 2;
            c.WShape = rng.Next(5) switch
            {
                0 => RandomShape(rng),
                1 => [.. perSample, 1],
                2 => perSample.Length > 0 ? perSample[..1] : [1],
                _ => perSample,
            };
            c.W = new double[Size(c.WShape)];
            for (int i = 0; i < c.W.Length; i++)
            {
                c.W[i] = rng.Next(8) == 0 ? 0 : rng.Next(40) == 0 ? Extreme(rng) : rng.NextDouble() * 2;
            }

            if (rng.Next(3) == 0)
            {
                c.MShape = rng.Next(4) == 0 ? RandomShape(rng) : perSample;
                c.Mask = new bool[Size(c.MShape)];
                for (int i = 0; i < c.Mask.Length; i++)
                {
                    c.Mask[i] = rng.Next(4) != 0;
                }
            }

            return c;
        }

        public override string ToString() => ClassName is not null
            ? $"{ClassName} (defaults) {Semantics} {Reduction} yTrue {Tuple(YShape)} yPred {Tuple(PShape)} weight {(WeightKind == 0 ? "none" : WeightKind == 1 ? $"scalar {ScalarWeight:R}" : Tuple(WShape))} mask {(Mask is null ? "none" : Tuple(MShape))}"
            : $"{Kind} {Semantics} {Reduction} logits={FromLogits} ls={LabelSmoothing:R} axis={Axis} ignore={IgnoreClass?.ToString() ?? "null"} delta={Delta} " +
            $"yTrue {Tuple(YShape)} {LabelType} yPred {Tuple(PShape)} weight {(WeightKind == 0 ? "none" : WeightKind == 1 ? $"scalar {ScalarWeight:R}" : Tuple(WShape))} " +
            $"mask {(Mask is null ? "none" : Tuple(MShape))}";

        private static double Extreme(Random rng) => new[] { 0.0, 1, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e30, -1e30, 1e-40, 3e38, -3e38 }[rng.Next(11)];

        private static int[] RandomShape(Random rng)
        {
            int rank = rng.Next(5);
            var s = new int[rank];
            for (int i = 0; i < rank; i++)
            {
                s[i] = rng.Next(10) == 0 ? 0 : rng.Next(1, 6);
            }

            return s;
        }

        private static string Tuple(int[] s) => "(" + string.Join(", ", s) + (s.Length == 1 ? ",)" : ")");
    }

    private static int Size(int[] shape) => shape.Aggregate(1, (a, d) => a * d);

    private static string ReductionName(Reduction r) => r switch
    {
        Reduction.Sum => "sum",
        Reduction.Mean => "mean",
        Reduction.MeanWithSampleWeight => "mean_with_sample_weight",
        Reduction.Auto => "auto",
        _ => "sum_over_batch_size",
    };

    // ------------------------------------------------------------------ typed inputs and the API for one element type

    private sealed class Inputs<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public required Case Case { get; init; }

        public required T[] Y { get; init; }

        public required int[] Y32 { get; init; }

        public required long[] Y64 { get; init; }

        public required T[] P { get; init; }

        public required T[] W { get; init; }

        public T Scalar { get; init; }

        public static Inputs<T> From(Case c) => new()
        {
            Case = c,
            Y = Array.ConvertAll(c.Y, T.CreateTruncating),
            Y32 = Array.ConvertAll(c.Y, v => (int)v),
            Y64 = Array.ConvertAll(c.Y, v => (long)v),
            P = Array.ConvertAll(c.P, T.CreateTruncating),
            W = Array.ConvertAll(c.W, T.CreateTruncating),
            Scalar = T.CreateTruncating(c.ScalarWeight),
        };
    }

    private sealed record Result<T>(T Value, T[]? Gradient, T[] Values, int[] Shape);

    private readonly struct Outcome<T>
    {
        public Result<T>? Result { get; init; }

        public Exception? Error { get; init; }

        public static Outcome<T> Of(Func<Result<T>?> run)
        {
            try
            {
                return new Outcome<T> { Result = run() };
            }
            catch (Exception e)
            {
                return new Outcome<T> { Error = e };
            }
        }
    }

    /// <summary>The entry points for one element type (the public API is overloaded, not generic).</summary>
    private abstract class Api<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public abstract Result<T> Compute(Loss loss, Inputs<T> x);

        public abstract Result<T> ValueAndGradient(Loss loss, Inputs<T> x);

        public abstract Result<T> Into(Loss loss, Inputs<T> x, bool aliased);

        public abstract Result<T> Call(Loss loss, Inputs<T> x);

        /// <summary>upstreamCount &lt; 0: a scalar 1; otherwise ones of <paramref name="upstreamShape"/>.</summary>
        public abstract Result<T> Backward(Loss loss, Inputs<T> x, int upstreamCount, int[]? upstreamShape);
    }

    private sealed class FloatApi : Api<float>
    {
        public static readonly FloatApi Instance = new();

        public override Result<float> Compute(Loss loss, Inputs<float> x)
        {
            Case c = x.Case;
            var p = new LossInput<float>(x.P, c.PShape);
            LossInput<float> w = c.WeightKind switch { 0 => default, 1 => x.Scalar, _ => new LossInput<float>(x.W, c.WShape) };
            LossInput<bool> m = c.Mask is null ? default : new LossInput<bool>(c.Mask, c.MShape);
            float v = (loss, c.LabelType) switch
            {
                (SparseCategoricalCrossentropy s, Labels.Int32) => s.Compute(new LossInput<int>(x.Y32, c.YShape), p, w, m),
                (SparseCategoricalCrossentropy s, Labels.Int64) => s.Compute(new LossInput<long>(x.Y64, c.YShape), p, w, m),
                _ => loss.Compute(new LossInput<float>(x.Y, c.YShape), p, w, m),
            };
            return new(v, null, [v], []);
        }

        public override Result<float> ValueAndGradient(Loss loss, Inputs<float> x)
        {
            Case c = x.Case;
            var p = new LossInput<float>(x.P, c.PShape);
            LossInput<float> w = c.WeightKind switch { 0 => default, 1 => x.Scalar, _ => new LossInput<float>(x.W, c.WShape) };
            LossInput<bool> m = c.Mask is null ? default : new LossInput<bool>(c.Mask, c.MShape);
            (float v, Tensor<float> g) = (loss, c.LabelType) switch
            {
                (SparseCategoricalCrossentropy s, Labels.Int32) => s.ValueAndGradient(new LossInput<int>(x.Y32, c.YShape), p, w, m),
                (SparseCategoricalCrossentropy s, Labels.Int64) => s.ValueAndGradient(new LossInput<long>(x.Y64, c.YShape), p, w, m),
                _ => loss.ValueAndGradient(new LossInput<float>(x.Y, c.YShape), p, w, m),
            };
            return new(v, Flat(g, x.P.Length), [v], []);
        }

        public override Result<float> Into(Loss loss, Inputs<float> x, bool aliased)
        {
            Case c = x.Case;
            float[] pData = aliased ? (float[])x.P.Clone() : x.P;
            float[] grad = aliased ? pData : new float[x.P.Length];
            var p = new LossInput<float>(pData, c.PShape);
            LossInput<float> w = c.WeightKind switch { 0 => default, 1 => x.Scalar, _ => new LossInput<float>(x.W, c.WShape) };
            LossInput<bool> m = c.Mask is null ? default : new LossInput<bool>(c.Mask, c.MShape);
            float v = (loss, c.LabelType) switch
            {
                (SparseCategoricalCrossentropy s, Labels.Int32) => s.ValueAndGradientInto(new LossInput<int>(x.Y32, c.YShape), p, grad, w, m),
                (SparseCategoricalCrossentropy s, Labels.Int64) => s.ValueAndGradientInto(new LossInput<long>(x.Y64, c.YShape), p, grad, w, m),
                _ => loss.ValueAndGradientInto(new LossInput<float>(x.Y, c.YShape), p, grad, w, m),
            };
            return new(v, grad, [v], []);
        }

        public override Result<float> Call(Loss loss, Inputs<float> x)
        {
            Case c = x.Case;
            var p = new LossInput<float>(x.P, c.PShape);
            LossInput<float> w = c.WeightKind switch { 0 => default, 1 => x.Scalar, _ => new LossInput<float>(x.W, c.WShape) };
            LossInput<bool> m = c.Mask is null ? default : new LossInput<bool>(c.Mask, c.MShape);
            Tensor<float> t = (loss, c.LabelType) switch
            {
                (SparseCategoricalCrossentropy s, Labels.Int32) => s.Call(new LossInput<int>(x.Y32, c.YShape), p, w, m),
                (SparseCategoricalCrossentropy s, Labels.Int64) => s.Call(new LossInput<long>(x.Y64, c.YShape), p, w, m),
                _ => loss.Call(new LossInput<float>(x.Y, c.YShape), p, w, m),
            };
            float[] values = Flat(t, checked((int)t.FlattenedLength));
            return new(values.Length > 0 ? values[0] : 0, null, values, t.Lengths.ToArray().Select(d => (int)d).ToArray());
        }

        public override Result<float> Backward(Loss loss, Inputs<float> x, int upstreamCount, int[]? upstreamShape)
        {
            Case c = x.Case;
            var p = new LossInput<float>(x.P, c.PShape);
            LossInput<float> w = c.WeightKind switch { 0 => default, 1 => x.Scalar, _ => new LossInput<float>(x.W, c.WShape) };
            LossInput<bool> m = c.Mask is null ? default : new LossInput<bool>(c.Mask, c.MShape);
            float[] ones = upstreamCount < 0 ? [] : Enumerable.Repeat(1f, upstreamCount).ToArray();
            LossInput<float> u = upstreamCount < 0 ? 1f : new LossInput<float>(ones, upstreamShape!);
            Tensor<float> g = (loss, c.LabelType) switch
            {
                (SparseCategoricalCrossentropy s, Labels.Int32) => s.Backward(new LossInput<int>(x.Y32, c.YShape), p, u, w, m),
                (SparseCategoricalCrossentropy s, Labels.Int64) => s.Backward(new LossInput<long>(x.Y64, c.YShape), p, u, w, m),
                _ => loss.Backward(new LossInput<float>(x.Y, c.YShape), p, u, w, m),
            };
            return new(0, Flat(g, x.P.Length), [], []);
        }

        private static float[] Flat(Tensor<float> t, int n)
        {
            var a = new float[n];
            t.FlattenTo(a);
            return a;
        }
    }

    private sealed class DoubleApi : Api<double>
    {
        public static readonly DoubleApi Instance = new();

        public override Result<double> Compute(Loss loss, Inputs<double> x)
        {
            Case c = x.Case;
            var p = new LossInput<double>(x.P, c.PShape);
            LossInput<double> w = c.WeightKind switch { 0 => default, 1 => x.Scalar, _ => new LossInput<double>(x.W, c.WShape) };
            LossInput<bool> m = c.Mask is null ? default : new LossInput<bool>(c.Mask, c.MShape);
            double v = (loss, c.LabelType) switch
            {
                (SparseCategoricalCrossentropy s, Labels.Int32) => s.Compute(new LossInput<int>(x.Y32, c.YShape), p, w, m),
                (SparseCategoricalCrossentropy s, Labels.Int64) => s.Compute(new LossInput<long>(x.Y64, c.YShape), p, w, m),
                _ => loss.Compute(new LossInput<double>(x.Y, c.YShape), p, w, m),
            };
            return new(v, null, [v], []);
        }

        public override Result<double> ValueAndGradient(Loss loss, Inputs<double> x)
        {
            Case c = x.Case;
            var p = new LossInput<double>(x.P, c.PShape);
            LossInput<double> w = c.WeightKind switch { 0 => default, 1 => x.Scalar, _ => new LossInput<double>(x.W, c.WShape) };
            LossInput<bool> m = c.Mask is null ? default : new LossInput<bool>(c.Mask, c.MShape);
            (double v, Tensor<double> g) = (loss, c.LabelType) switch
            {
                (SparseCategoricalCrossentropy s, Labels.Int32) => s.ValueAndGradient(new LossInput<int>(x.Y32, c.YShape), p, w, m),
                (SparseCategoricalCrossentropy s, Labels.Int64) => s.ValueAndGradient(new LossInput<long>(x.Y64, c.YShape), p, w, m),
                _ => loss.ValueAndGradient(new LossInput<double>(x.Y, c.YShape), p, w, m),
            };
            return new(v, Flat(g, x.P.Length), [v], []);
        }

        public override Result<double> Into(Loss loss, Inputs<double> x, bool aliased)
        {
            Case c = x.Case;
            double[] pData = aliased ? (double[])x.P.Clone() : x.P;
            double[] grad = aliased ? pData : new double[x.P.Length];
            var p = new LossInput<double>(pData, c.PShape);
            LossInput<double> w = c.WeightKind switch { 0 => default, 1 => x.Scalar, _ => new LossInput<double>(x.W, c.WShape) };
            LossInput<bool> m = c.Mask is null ? default : new LossInput<bool>(c.Mask, c.MShape);
            double v = (loss, c.LabelType) switch
            {
                (SparseCategoricalCrossentropy s, Labels.Int32) => s.ValueAndGradientInto(new LossInput<int>(x.Y32, c.YShape), p, grad, w, m),
                (SparseCategoricalCrossentropy s, Labels.Int64) => s.ValueAndGradientInto(new LossInput<long>(x.Y64, c.YShape), p, grad, w, m),
                _ => loss.ValueAndGradientInto(new LossInput<double>(x.Y, c.YShape), p, grad, w, m),
            };
            return new(v, grad, [v], []);
        }

        public override Result<double> Call(Loss loss, Inputs<double> x)
        {
            Case c = x.Case;
            var p = new LossInput<double>(x.P, c.PShape);
            LossInput<double> w = c.WeightKind switch { 0 => default, 1 => x.Scalar, _ => new LossInput<double>(x.W, c.WShape) };
            LossInput<bool> m = c.Mask is null ? default : new LossInput<bool>(c.Mask, c.MShape);
            Tensor<double> t = (loss, c.LabelType) switch
            {
                (SparseCategoricalCrossentropy s, Labels.Int32) => s.Call(new LossInput<int>(x.Y32, c.YShape), p, w, m),
                (SparseCategoricalCrossentropy s, Labels.Int64) => s.Call(new LossInput<long>(x.Y64, c.YShape), p, w, m),
                _ => loss.Call(new LossInput<double>(x.Y, c.YShape), p, w, m),
            };
            double[] values = Flat(t, checked((int)t.FlattenedLength));
            return new(values.Length > 0 ? values[0] : 0, null, values, t.Lengths.ToArray().Select(d => (int)d).ToArray());
        }

        public override Result<double> Backward(Loss loss, Inputs<double> x, int upstreamCount, int[]? upstreamShape)
        {
            Case c = x.Case;
            var p = new LossInput<double>(x.P, c.PShape);
            LossInput<double> w = c.WeightKind switch { 0 => default, 1 => x.Scalar, _ => new LossInput<double>(x.W, c.WShape) };
            LossInput<bool> m = c.Mask is null ? default : new LossInput<bool>(c.Mask, c.MShape);
            double[] ones = upstreamCount < 0 ? [] : Enumerable.Repeat(1.0, upstreamCount).ToArray();
            LossInput<double> u = upstreamCount < 0 ? 1.0 : new LossInput<double>(ones, upstreamShape!);
            Tensor<double> g = (loss, c.LabelType) switch
            {
                (SparseCategoricalCrossentropy s, Labels.Int32) => s.Backward(new LossInput<int>(x.Y32, c.YShape), p, u, w, m),
                (SparseCategoricalCrossentropy s, Labels.Int64) => s.Backward(new LossInput<long>(x.Y64, c.YShape), p, u, w, m),
                _ => loss.Backward(new LossInput<double>(x.Y, c.YShape), p, u, w, m),
            };
            return new(0, Flat(g, x.P.Length), [], []);
        }

        private static double[] Flat(Tensor<double> t, int n)
        {
            var a = new double[n];
            t.FlattenTo(a);
            return a;
        }
    }
}
