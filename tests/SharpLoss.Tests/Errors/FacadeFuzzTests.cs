// The function forms (Losses.*), tf.nn (Nn.*) and tf.compat.v1 (CompatV1.*) on random shapes, options and values,
// valid and invalid alike (seeded; a failure prints the seed, the iteration and the call): nothing but the
// ArgumentException family escapes, and a gradient that is returned has the shape of the predictions.

using System.Numerics.Tensors;

namespace SharpLoss.Tests.Errors;

public class FacadeFuzzTests
{
    private const int Iterations = 1500;

    [Theory]
    [InlineData(7)]
    [InlineData(20261207)]
    public void RandomFacadeCalls_OnlyArgumentExceptions(int seed)
    {
        var rng = new Random(seed);
        var failures = new List<string>();
        int ok = 0, rejected = 0;
        for (int it = 0; it < Iterations && failures.Count < 10; it++)
        {
            int[] ps = Shape(rng, null);
            int[] ys = Shape(rng, ps);
            int[] ws = Shape(rng, ps.Length > 0 ? ps[..^1] : ps);
            float[] p = Data(rng, Size(ps));
            float[] y = Data(rng, Size(ys));
            float[] w = Data(rng, Size(ws));
            int[] ids = Array.ConvertAll(y, v => float.IsFinite(v) ? (int)(v * 3) : -1);
            int axis = rng.Next(-3, 3);
            double option = new[] { 0, 0.1, 1, -0.5, double.NaN, 2.5 }[rng.Next(6)];
            int reduction = rng.Next(7) - 1; // one out of range
            bool weighted = rng.Next(3) > 0;
            bool scalarWeight = rng.Next(3) == 0;
            int which = rng.Next(29);
            string context = $"seed {seed}, iteration {it}, call {which}, yTrue {Tuple(ys)}, yPred {Tuple(ps)}, weights {(weighted ? scalarWeight ? "scalar" : Tuple(ws) : "none")}, axis {axis}, option {option}, reduction {reduction}";
            try
            {
                var r = (CompatV1.Reduction)reduction;
                LossInput<float> Weights() => !weighted ? default : scalarWeight ? 0.5f : new LossInput<float>(w, ws);
                Tensor<float> result = which switch
                {
                    0 => Nn.SigmoidCrossEntropyWithLogits(new LossInput<float>(y, ys), new LossInput<float>(p, ps)),
                    1 => Nn.SigmoidCrossEntropyWithLogitsGradient(new LossInput<float>(y, ys), new LossInput<float>(p, ps), Weights()),
                    2 => Nn.WeightedCrossEntropyWithLogits(new LossInput<float>(y, ys), new LossInput<float>(p, ps), scalarWeight ? (float)option : new LossInput<float>(w, ws)),
                    3 => Nn.WeightedCrossEntropyWithLogitsGradient(new LossInput<float>(y, ys), new LossInput<float>(p, ps), (float)option, Weights()),
                    4 => Nn.SoftmaxCrossEntropyWithLogits(new LossInput<float>(y, ys), new LossInput<float>(p, ps), axis),
                    5 => Nn.SoftmaxCrossEntropyWithLogitsGradient(new LossInput<float>(y, ys), new LossInput<float>(p, ps), axis, Weights()),
                    6 => Nn.SparseSoftmaxCrossEntropyWithLogits(new LossInput<int>(ids, ys), new LossInput<float>(p, ps)),
                    7 => Nn.SparseSoftmaxCrossEntropyWithLogitsGradient(new LossInput<long>(Array.ConvertAll(ids, v => (long)v), ys), new LossInput<float>(p, ps), Weights()),
                    8 => CompatV1.SoftmaxCrossEntropy(new LossInput<float>(y, ys), new LossInput<float>(p, ps), Weights(), option, r),
                    9 => CompatV1.SoftmaxCrossEntropyGradient(new LossInput<float>(y, ys), new LossInput<float>(p, ps), Weights(), option, r),
                    10 => CompatV1.MeanSquaredError(new LossInput<float>(y, ys), new LossInput<float>(p, ps), Weights(), r),
                    11 => CompatV1.MeanSquaredErrorGradient(new LossInput<float>(y, ys), new LossInput<float>(p, ps), Weights(), r),
                    12 => CompatV1.AbsoluteDifference(new LossInput<float>(y, ys), new LossInput<float>(p, ps), Weights(), r),
                    13 => CompatV1.HuberLoss(new LossInput<float>(y, ys), new LossInput<float>(p, ps), Weights(), option, r),
                    14 => CompatV1.HuberLossGradient(new LossInput<float>(y, ys), new LossInput<float>(p, ps), Weights(), option, r),
                    15 => CompatV1.ComputeWeightedLoss(new LossInput<float>(p, ps), Weights(), r),
                    16 => Losses.BinaryCrossentropy(new LossInput<float>(y, ys), new LossInput<float>(p, ps), rng.Next(2) == 0, option, axis),
                    17 => Losses.CategoricalCrossentropy(new LossInput<float>(y, ys), new LossInput<float>(p, ps), rng.Next(2) == 0, option, axis, LossSemantics.TfKeras2),
                    18 => Losses.SparseCategoricalCrossentropy(new LossInput<int>(ids, ys), new LossInput<float>(p, ps), rng.Next(2) == 0, rng.Next(3) == 0 ? 0 : null, axis),
                    19 => Losses.MeanSquaredError(new LossInput<float>(y, ys), new LossInput<float>(p, ps)),
                    20 => Losses.MeanAbsoluteError(new LossInput<float>(y, ys), new LossInput<float>(p, ps), LossSemantics.TfKeras2),
                    21 => Losses.MeanAbsolutePercentageError(new LossInput<float>(y, ys), new LossInput<float>(p, ps)),
                    22 => Losses.MeanSquaredLogarithmicError(new LossInput<float>(y, ys), new LossInput<float>(p, ps), LossSemantics.TfKeras2),
                    23 => Losses.LogCosh(new LossInput<float>(y, ys), new LossInput<float>(p, ps)),
                    24 => Losses.Poisson(new LossInput<float>(y, ys), new LossInput<float>(p, ps)),
                    25 => Losses.Hinge(new LossInput<float>(y, ys), new LossInput<float>(p, ps), LossSemantics.TfKeras2),
                    26 => Losses.SquaredHinge(new LossInput<float>(y, ys), new LossInput<float>(p, ps)),
                    27 => Losses.KLDivergence(new LossInput<float>(y, ys), new LossInput<float>(p, ps)),
                    _ => Losses.Huber(new LossInput<float>(y, ys), new LossInput<float>(p, ps), option),
                };

                bool gradient = which is 1 or 3 or 5 or 7 or 9 or 11 or 14;
                if (gradient && result.FlattenedLength != p.Length)
                {
                    failures.Add($"{context}: a gradient of {result.FlattenedLength} elements for yPred of {p.Length}");
                }

                ok++;
            }
            catch (ArgumentException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                failures.Add($"{context}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.True(ok > Iterations / 10 && rejected > Iterations / 10, $"valid {ok}, rejected {rejected}");
    }

    private static int[] Shape(Random rng, int[]? near)
    {
        if (near is not null && rng.Next(3) > 0)
        {
            return rng.Next(4) switch
            {
                0 => near,
                1 => [.. near, 1],
                2 => near.Length > 0 ? near[..^1] : near,
                _ => near,
            };
        }

        int rank = rng.Next(5);
        var s = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            s[i] = rng.Next(8) == 0 ? 0 : rng.Next(1, 5);
        }

        return s;
    }

    private static float[] Data(Random rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = rng.Next(25) == 0 ? new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 3e38f, -0f }[rng.Next(5)] : (float)rng.NextDouble();
        }

        return a;
    }

    private static int Size(int[] shape) => shape.Aggregate(1, (a, d) => a * d);

    private static string Tuple(int[] s) => "(" + string.Join(", ", s) + (s.Length == 1 ? ",)" : ")");
}
