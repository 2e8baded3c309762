// The tf.nn and tf.compat.v1.losses functions as Loss objects: Losses.Get by qualified name, the
// {"module": "tf.nn" | "tf.compat.v1.losses", "class_name": <function>, "config": {<arguments>}} envelope (read by FromJson,
// written by ToJson), and the same numbers as the static functions (bit for bit: both run one implementation, so the
// expected values here come from the static facades, whose own values are checked against the reference elsewhere) plus
// the published docstring numbers.

using SharpLoss.Tests.Properties;

namespace SharpLoss.Tests.Config;

public class TfFunctionObjectTests
{
    public static readonly string[] FunctionNames =
    [
        "tf.nn.sigmoid_cross_entropy_with_logits", "tf.nn.weighted_cross_entropy_with_logits", "tf.nn.softmax_cross_entropy_with_logits",
        "tf.nn.sparse_softmax_cross_entropy_with_logits", "tf.nn.log_poisson_loss",
        "tf.compat.v1.losses.absolute_difference", "tf.compat.v1.losses.cosine_distance", "tf.compat.v1.losses.hinge_loss",
        "tf.compat.v1.losses.huber_loss", "tf.compat.v1.losses.log_loss", "tf.compat.v1.losses.mean_pairwise_squared_error",
        "tf.compat.v1.losses.mean_squared_error", "tf.compat.v1.losses.sigmoid_cross_entropy", "tf.compat.v1.losses.softmax_cross_entropy",
        "tf.compat.v1.losses.sparse_softmax_cross_entropy",
    ];

    public static IEnumerable<object[]> FunctionRows() => FunctionNames.Select(n => new object[] { n });

    [Fact]
    public void Names_ListEveryFunction()
    {
        foreach (string name in FunctionNames)
        {
            Assert.Contains(name, Losses.Names);
            Assert.Contains(name, Losses.TfKeras2Names);
        }
    }

    [Theory]
    [MemberData(nameof(FunctionRows))]
    public void ToJson_RoundTripsThroughFromJson(string name)
    {
        Loss loss = Build(name);
        string json = loss.ToJson();
        string module = name.StartsWith("tf.nn.", StringComparison.Ordinal) ? "tf.nn" : "tf.compat.v1.losses";
        Assert.StartsWith($"{{\"module\": \"{module}\", \"class_name\": \"{name[(module.Length + 1)..]}\", \"config\": {{", json, StringComparison.Ordinal);
        Loss back = Losses.FromJson(json);
        Assert.Equal(json, back.ToJson());
        Assert.Equal(loss.GetType(), back.GetType());
        Assert.Equal(name[(module.Length + 1)..], back.ClassName);
    }

    [Fact]
    public void ToJson_WritesTheFunctionArguments()
    {
        Assert.Equal(
            "{\"module\": \"tf.nn\", \"class_name\": \"weighted_cross_entropy_with_logits\", \"config\": {\"pos_weight\": 1.5}, \"registered_name\": null}",
            Losses.FromJson("{\"module\": \"tf.nn\", \"class_name\": \"weighted_cross_entropy_with_logits\", \"config\": {\"pos_weight\": 1.5}}").ToJson());
        Assert.Equal(
            "{\"module\": \"tf.compat.v1.losses\", \"class_name\": \"sigmoid_cross_entropy\", \"config\": {\"label_smoothing\": 0.2, \"reduction\": \"weighted_sum_by_nonzero_weights\"}, \"registered_name\": null}",
            Losses.FromJson("{\"module\": \"tf.compat.v1.losses\", \"class_name\": \"sigmoid_cross_entropy\", \"config\": {\"label_smoothing\": 0.2}}").ToJson());
        Assert.Equal(
            "{\"module\": \"tf.compat.v1.losses\", \"class_name\": \"cosine_distance\", \"config\": {\"axis\": 0, \"reduction\": \"none\"}, \"registered_name\": null}",
            Losses.FromJson("{\"module\": \"tf.compat.v1.losses\", \"class_name\": \"cosine_distance\", \"config\": {\"dim\": 0, \"reduction\": \"none\"}}").ToJson());
        Assert.Equal( // as the README shows it
            "{\"module\": \"tf.compat.v1.losses\", \"class_name\": \"log_loss\", \"config\": {\"epsilon\": 1e-07, \"reduction\": \"weighted_sum_by_nonzero_weights\"}, \"registered_name\": null}",
            Losses.Get("tf.compat.v1.losses.log_loss").ToJson());
        Assert.Equal("{}", Formatted(Losses.Get("tf.nn.sigmoid_cross_entropy_with_logits").GetConfig()));
        Assert.Equal("{\"compute_full_loss\": false}", Formatted(Losses.Get("tf.nn.log_poisson_loss").GetConfig()));
        Assert.Equal("{\"delta\": 1.0, \"reduction\": \"weighted_sum_by_nonzero_weights\"}", Formatted(Losses.Get("tf.compat.v1.losses.huber_loss").GetConfig()));
    }

    [Fact]
    public void FromJson_PublishedDocstringNumbers()
    {
        // SPEC C / keras-docstring-cases.json: softmax_cross_entropy, label_smoothing 0.2, weights [0.3, 0.7] → 0.57618.
        Loss softmax = Losses.FromJson("{\"module\": \"tf.compat.v1.losses\", \"class_name\": \"softmax_cross_entropy\", \"config\": {\"label_smoothing\": 0.2, \"reduction\": \"weighted_sum_by_nonzero_weights\"}}");
        Assert.Equal(0.57618f, softmax.Compute(new float[,] { { 0, 1, 0 }, { 0, 0, 1 } }, new float[,] { { 0.05f, 0.95f, 0 }, { 0.1f, 0.8f, 0.1f } }, new float[] { 0.3f, 0.7f }), 4);
        // mean_squared_error, weights [0, 1, 0.25]: 1.0 under SBNZW, 0.66667 under SUM_OVER_BATCH_SIZE.
        Assert.Equal(1.0, Losses.Get("tf.compat.v1.losses.mean_squared_error").Compute(new double[] { 1, 2, 3 }, new double[] { 1, 3, 5 }, new double[] { 0, 1, 0.25 }), 6);
        Loss sobs = Losses.FromJson("{\"module\": \"tf.compat.v1.losses\", \"class_name\": \"mean_squared_error\", \"config\": {\"reduction\": \"weighted_sum_over_batch_size\"}}");
        Assert.Equal(0.66667, sobs.Compute(new double[] { 1, 2, 3 }, new double[] { 1, 3, 5 }, new double[] { 0, 1, 0.25 }), 4);
        // tf.nn.weighted_cross_entropy_with_logits docs, pos_weight 1.5.
        Loss weighted = Losses.FromJson("{\"module\": \"tf.nn\", \"class_name\": \"weighted_cross_entropy_with_logits\", \"config\": {\"pos_weight\": 1.5}}");
        double[] got = LossMatrix.ToArrays(weighted.Call(new float[] { 1, 0.5f, 0 }, new float[] { 1.5f, -0.1f, -10 })).Values;
        Assert.Equal(0.30211994, got[0], 1e-6);
        Assert.Equal(0.88049585, got[1], 1e-6);
        Assert.Equal(4.5398899e-05, got[2], 1e-8);
        // tf.nn.sigmoid_cross_entropy_with_logits docs.
        double[] sig = LossMatrix.ToArrays(Losses.Get("tf.nn.sigmoid_cross_entropy_with_logits").Call(new float[] { 0, 0, 0, 1, 1, 1, 0.5f }, new float[] { 1, -1, 0, 1, -1, 0, 0 })).Values;
        Assert.Equal([1.3132617, 0.3132617, 0.6931472, 0.3132617, 1.3132617, 0.6931472, 0.6931472], sig.Select(v => Math.Round(v, 7)));
    }

    [Theory]
    [MemberData(nameof(FunctionRows))]
    public void LossObject_GivesTheStaticFunctionsNumbers(string name)
    {
        var rng = new Random(LossMatrix.Seed("tf-object/" + name));
        Loss loss = Build(name);
        bool sparse = name.Contains("sparse", StringComparison.Ordinal);
        int[] shape = [4, 3];
        int[] labelShape = sparse ? [4] : shape;
        double[] y = sparse ? [0, 2, 1, 2] : Enumerable.Range(0, 12).Select(_ => name.Contains("log_loss", StringComparison.Ordinal) || name.Contains("sigmoid", StringComparison.Ordinal) || name.Contains("hinge", StringComparison.Ordinal) ? (double)rng.Next(2) : LossMatrix.Uniform(rng, 0, 3)).ToArray();
        double[] x = Enumerable.Range(0, 12).Select(_ => name.Contains("log_loss", StringComparison.Ordinal) ? LossMatrix.Uniform(rng, 0.05, 0.95) : LossMatrix.Uniform(rng, -2, 2)).ToArray();
        bool v1 = name.StartsWith("tf.compat", StringComparison.Ordinal);
        bool perRow = sparse || name.EndsWith("softmax_cross_entropy", StringComparison.Ordinal);
        double[] w = name.Contains("cosine", StringComparison.Ordinal) || perRow ? [1, 0, 2, 0.5] : [1, 0, 2, 0.5, 1, 1, 0, 3, 1, 1, 2, 1];
        int[] wShape = name.Contains("cosine", StringComparison.Ordinal) ? [4, 1] : perRow ? [4] : shape;
        var yd = new LossInput<double>(y, labelShape);
        var xd = new LossInput<double>(x, shape);
        LossInput<double> wd = v1 ? new LossInput<double>(w, wShape) : default;
        var (expected, expectedShape) = LossMatrix.ToArrays(Static(name, y, labelShape, x, shape, v1 ? w : null, wShape));
        var (got, gotShape) = LossMatrix.ToArrays(loss.Call(yd, xd, wd));
        Assert.Equal(expectedShape, gotShape);
        Assert.Equal(expected, got);
        double[] expectedGrad = LossMatrix.ToArrays(StaticGradient(name, y, labelShape, x, shape, v1 ? w : null, wShape)).Values;
        if (loss.Reduction == Reduction.None)
        {
            Assert.Throws<InvalidOperationException>(() => loss.Compute(new LossInput<double>(y, labelShape), new LossInput<double>(x, shape)));
            var ones = new double[expected.Length];
            Array.Fill(ones, 1.0);
            Assert.Equal(expectedGrad, LossMatrix.ToArrays(loss.Backward(yd, xd, new LossInput<double>(ones, expectedShape), wd)).Values);
        }
        else
        {
            Assert.Equal(expected[0], loss.Compute(yd, xd, wd));
            var (value, gradient) = loss.ValueAndGradient(yd, xd, wd);
            Assert.Equal(expected[0], value);
            Assert.Equal(expectedGrad, LossMatrix.ToArrays(gradient).Values);
            Assert.Equal(expectedGrad, LossMatrix.ToArrays(loss.Backward(yd, xd, 1.0, wd)).Values);
        }
    }

    [Fact]
    public void RequiredArguments_MissingAtCreation_AreNamedWhenCalled()
    {
        // TensorFlow raises for a missing axis / pos_weight when the function is called; the objects can be created, listed
        // (their config shows null) and configured later, and a call without the argument names it.
        float[,] y = { { 1, 0 } }, p = { { 0.5f, 0.5f } };
        Loss cosine = Losses.Get("tf.compat.v1.losses.cosine_distance");
        Assert.Null(cosine.GetConfig()["axis"]);
        var axis = Assert.Throws<ArgumentException>(() => cosine.Compute(y, p));
        Assert.Equal("axis", axis.ParamName);
        Assert.Contains("You must specify argument `axis`", axis.Message, StringComparison.Ordinal);

        Loss weighted = Losses.Get("tf.nn.weighted_cross_entropy_with_logits");
        Assert.Null(weighted.GetConfig()["pos_weight"]);
        var pos = Assert.Throws<ArgumentException>(() => weighted.Call(y, p));
        Assert.Equal("posWeight", pos.ParamName);
        Assert.Contains("pos_weight", pos.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => weighted.Backward(y, p, 1f));

        // The config it writes (pos_weight null) reads back to the same object.
        Assert.Equal(weighted.ToJson(), Losses.FromJson(weighted.ToJson()).ToJson());
        Assert.Equal(cosine.ToJson(), Losses.FromJson(cosine.ToJson()).ToJson());

        Loss fromJson = Losses.FromJson("{\"module\": \"tf.compat.v1.losses\", \"class_name\": \"cosine_distance\", \"config\": {}}");
        Assert.Contains("axis", Assert.Throws<ArgumentException>(() => fromJson.ValueAndGradient(y, p)).Message, StringComparison.Ordinal);

        // Given later through the config, the argument makes a working loss: 1 - (1 * 0.5 + 0 * 0.5) = 0.5 (hand derivation).
        Loss configured = Losses.FromJson("{\"module\": \"tf.compat.v1.losses\", \"class_name\": \"cosine_distance\", \"config\": {\"axis\": 1}}");
        Assert.Equal(0.5f, configured.Compute(y, p));
    }

    [Fact]
    public void BadConfigs_AreRejectedNamingJson()
    {
        var key = Assert.Throws<ArgumentException>(() => Losses.FromJson("{\"module\": \"tf.nn\", \"class_name\": \"log_poisson_loss\", \"config\": {\"name\": \"x\"}}"));
        Assert.Equal("json", key.ParamName);
        Assert.Contains("Unknown key \"name\"", key.Message, StringComparison.Ordinal);
        var reduction = Assert.Throws<ArgumentException>(() => Losses.FromJson("{\"module\": \"tf.compat.v1.losses\", \"class_name\": \"log_loss\", \"config\": {\"reduction\": \"sum_over_batch_size\"}}"));
        Assert.Contains("Invalid Reduction Key", reduction.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<ArgumentException>(() => Losses.FromJson("{\"module\": \"tf.nn\", \"class_name\": \"sigmoid_cross_entropy\", \"config\": {}}"));
        Assert.Contains("tf.nn.sigmoid_cross_entropy_with_logits", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownQualifiedName_SuggestsTheClosest()
    {
        var e = Assert.Throws<ArgumentException>(() => Losses.Get("tf.nn.sigmoid_cross_entropy"));
        Assert.Contains("Did you mean 'tf.nn.sigmoid_cross_entropy_with_logits'", e.Message, StringComparison.Ordinal);
        var v1 = Assert.Throws<ArgumentException>(() => Losses.Get("tf.compat.v1.losses.logloss"));
        Assert.Contains("'tf.compat.v1.losses.log_loss'", v1.Message, StringComparison.Ordinal);
    }

    private static Loss Build(string name) => name switch
    {
        "tf.compat.v1.losses.cosine_distance" => Losses.FromJson("{\"module\": \"tf.compat.v1.losses\", \"class_name\": \"cosine_distance\", \"config\": {\"axis\": 1}}"),
        "tf.nn.weighted_cross_entropy_with_logits" => Losses.FromJson("{\"module\": \"tf.nn\", \"class_name\": \"weighted_cross_entropy_with_logits\", \"config\": {\"pos_weight\": 0.75}}"),
        "tf.compat.v1.losses.huber_loss" => Losses.FromJson("{\"module\": \"tf.compat.v1.losses\", \"class_name\": \"huber_loss\", \"config\": {\"delta\": 0.5, \"reduction\": \"weighted_mean\"}}"),
        "tf.compat.v1.losses.sigmoid_cross_entropy" => Losses.FromJson("{\"module\": \"tf.compat.v1.losses\", \"class_name\": \"sigmoid_cross_entropy\", \"config\": {\"label_smoothing\": 0.1, \"reduction\": \"weighted_sum\"}}"),
        "tf.compat.v1.losses.softmax_cross_entropy" => Losses.FromJson("{\"module\": \"tf.compat.v1.losses\", \"class_name\": \"softmax_cross_entropy\", \"config\": {\"label_smoothing\": 0.2, \"reduction\": \"none\"}}"),
        "tf.compat.v1.losses.log_loss" => Losses.FromJson("{\"module\": \"tf.compat.v1.losses\", \"class_name\": \"log_loss\", \"config\": {\"epsilon\": 1e-3, \"reduction\": \"weighted_sum_over_batch_size\"}}"),
        "tf.nn.log_poisson_loss" => Losses.FromJson("{\"module\": \"tf.nn\", \"class_name\": \"log_poisson_loss\", \"config\": {\"compute_full_loss\": true}}"),
        "tf.nn.softmax_cross_entropy_with_logits" => Losses.FromJson("{\"module\": \"tf.nn\", \"class_name\": \"softmax_cross_entropy_with_logits\", \"config\": {\"axis\": 0}}"),
        _ => Losses.Get(name),
    };

    private static System.Numerics.Tensors.Tensor<double> Static(string name, double[] y, int[] ys, double[] x, int[] xs, double[]? w, int[] ws)
    {
        var l = new LossInput<double>(y, ys);
        var p = new LossInput<double>(x, xs);
        LossInput<double> wt = w is null ? default : new LossInput<double>(w, ws);
        long[] ids = Array.ConvertAll(y, v => (long)v);
        return name switch
        {
            "tf.nn.sigmoid_cross_entropy_with_logits" => Nn.SigmoidCrossEntropyWithLogits(l, p),
            "tf.nn.weighted_cross_entropy_with_logits" => Nn.WeightedCrossEntropyWithLogits(l, p, 0.75),
            "tf.nn.softmax_cross_entropy_with_logits" => Nn.SoftmaxCrossEntropyWithLogits(l, p, 0),
            "tf.nn.sparse_softmax_cross_entropy_with_logits" => Nn.SparseSoftmaxCrossEntropyWithLogits(new LossInput<long>(ids, ys), p),
            "tf.nn.log_poisson_loss" => Nn.LogPoissonLoss(l, p, computeFullLoss: true),
            "tf.compat.v1.losses.absolute_difference" => CompatV1.AbsoluteDifference(l, p, wt),
            "tf.compat.v1.losses.cosine_distance" => CompatV1.CosineDistance(l, p, 1, wt),
            "tf.compat.v1.losses.hinge_loss" => CompatV1.HingeLoss(l, p, wt),
            "tf.compat.v1.losses.huber_loss" => CompatV1.HuberLoss(l, p, wt, 0.5, CompatV1.Reduction.Mean),
            "tf.compat.v1.losses.log_loss" => CompatV1.LogLoss(l, p, wt, 1e-3, CompatV1.Reduction.SumOverBatchSize),
            "tf.compat.v1.losses.mean_pairwise_squared_error" => CompatV1.MeanPairwiseSquaredError(l, p, wt),
            "tf.compat.v1.losses.mean_squared_error" => CompatV1.MeanSquaredError(l, p, wt),
            "tf.compat.v1.losses.sigmoid_cross_entropy" => CompatV1.SigmoidCrossEntropy(l, p, wt, 0.1, CompatV1.Reduction.Sum),
            "tf.compat.v1.losses.softmax_cross_entropy" => CompatV1.SoftmaxCrossEntropy(l, p, wt, 0.2, CompatV1.Reduction.None),
            _ => CompatV1.SparseSoftmaxCrossEntropy(new LossInput<long>(ids, ys), p, wt),
        };
    }

    private static System.Numerics.Tensors.Tensor<double> StaticGradient(string name, double[] y, int[] ys, double[] x, int[] xs, double[]? w, int[] ws)
    {
        var l = new LossInput<double>(y, ys);
        var p = new LossInput<double>(x, xs);
        LossInput<double> wt = w is null ? default : new LossInput<double>(w, ws);
        long[] ids = Array.ConvertAll(y, v => (long)v);
        return name switch
        {
            "tf.nn.sigmoid_cross_entropy_with_logits" => Nn.SigmoidCrossEntropyWithLogitsGradient(l, p),
            "tf.nn.weighted_cross_entropy_with_logits" => Nn.WeightedCrossEntropyWithLogitsGradient(l, p, 0.75),
            "tf.nn.softmax_cross_entropy_with_logits" => Nn.SoftmaxCrossEntropyWithLogitsGradient(l, p, 0),
            "tf.nn.sparse_softmax_cross_entropy_with_logits" => Nn.SparseSoftmaxCrossEntropyWithLogitsGradient(new LossInput<long>(ids, ys), p),
            "tf.nn.log_poisson_loss" => Nn.LogPoissonLossGradient(l, p, computeFullLoss: true),
            "tf.compat.v1.losses.absolute_difference" => CompatV1.AbsoluteDifferenceGradient(l, p, wt),
            "tf.compat.v1.losses.cosine_distance" => CompatV1.CosineDistanceGradient(l, p, 1, wt),
            "tf.compat.v1.losses.hinge_loss" => CompatV1.HingeLossGradient(l, p, wt),
            "tf.compat.v1.losses.huber_loss" => CompatV1.HuberLossGradient(l, p, wt, 0.5, CompatV1.Reduction.Mean),
            "tf.compat.v1.losses.log_loss" => CompatV1.LogLossGradient(l, p, wt, 1e-3, CompatV1.Reduction.SumOverBatchSize),
            "tf.compat.v1.losses.mean_pairwise_squared_error" => CompatV1.MeanPairwiseSquaredErrorGradient(l, p, wt),
            "tf.compat.v1.losses.mean_squared_error" => CompatV1.MeanSquaredErrorGradient(l, p, wt),
            "tf.compat.v1.losses.sigmoid_cross_entropy" => CompatV1.SigmoidCrossEntropyGradient(l, p, wt, 0.1, CompatV1.Reduction.Sum),
            "tf.compat.v1.losses.softmax_cross_entropy" => CompatV1.SoftmaxCrossEntropyGradient(l, p, wt, 0.2, CompatV1.Reduction.None),
            _ => CompatV1.SparseSoftmaxCrossEntropyGradient(new LossInput<long>(ids, ys), p, wt),
        };
    }

    private static string Formatted(OrderedDictionary<string, object?> config) =>
        "{" + string.Join(", ", config.Select(kv => $"\"{kv.Key}\": {(kv.Value switch { string s => $"\"{s}\"", bool b => b ? "true" : "false", double d => d.ToString("0.0##", System.Globalization.CultureInfo.InvariantCulture), _ => Convert.ToString(kv.Value, System.Globalization.CultureInfo.InvariantCulture) })}")) + "}";
}
