// Which semantics Losses.FromJson picks (SPEC 0.2 and 0.10) and how an explicit semantics overrides it.
// The envelopes are those of SPEC E.1 (Keras 3: class, function, LossFunctionWrapper) and E.2 (tf.keras 2: legacy
// {"class_name", "config"} and the new format with "reduction": "auto"). The two BCE numbers are SPEC 0.2's:
// BinaryCrossentropy()([0, 0, 1, 1], [1, 1, 1, 0]) = 12.000716 in Keras 3 and 11.522857 in tf.keras 2.x.

namespace SharpLoss.Tests.Config;

public class SemanticsSelectionTests
{
    private static readonly float[] SeedTrue = [0, 0, 1, 1];
    private static readonly float[] SeedPred = [1, 1, 1, 0];

    private const string Keras3Bce = "{\"module\": \"keras.losses\", \"class_name\": \"BinaryCrossentropy\", \"config\": {\"name\": \"binary_crossentropy\", \"reduction\": \"sum_over_batch_size\", \"from_logits\": false, \"label_smoothing\": 0.0, \"axis\": -1}, \"registered_name\": null}";
    private const string LegacyBce = "{\"class_name\": \"BinaryCrossentropy\", \"config\": {\"reduction\": \"sum\", \"name\": \"binary_crossentropy\", \"from_logits\": false, \"label_smoothing\": 0.0, \"axis\": -1}}";
    private const string LegacyAutoBce = "{\"class_name\": \"BinaryCrossentropy\", \"config\": {\"reduction\": \"auto\", \"name\": \"binary_crossentropy\", \"from_logits\": false, \"label_smoothing\": 0.0, \"axis\": -1}}";
    private const string NewFormatAutoBce = "{\"module\": \"keras.losses\", \"class_name\": \"BinaryCrossentropy\", \"config\": {\"reduction\": \"auto\", \"name\": \"binary_crossentropy\", \"from_logits\": false, \"label_smoothing\": 0.0, \"axis\": -1}, \"registered_name\": null}";
    private const string ClassOnlyBce = "{\"class_name\": \"BinaryCrossentropy\"}";
    private const string FunctionBce = "{\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"binary_crossentropy\", \"registered_name\": \"function\"}";
    private const string WrapperBce = "{\"module\": \"keras.src.losses.losses\", \"class_name\": \"LossFunctionWrapper\", \"config\": {\"name\": \"bce\", \"reduction\": \"sum_over_batch_size\", \"fn\": {\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"binary_crossentropy\", \"registered_name\": \"function\"}}, \"registered_name\": \"LossFunctionWrapper\"}";
    private const string WrapperAutoBce = "{\"class_name\": \"LossFunctionWrapper\", \"config\": {\"reduction\": \"auto\", \"name\": \"bce\", \"fn\": \"binary_crossentropy\"}}";

    private static float Seed(Loss loss) => loss.Compute(SeedTrue, SeedPred);

    [Fact]
    public void FromJson_BareString_IsKeras3AndGivesTheKeras3Number()
    {
        // SPEC 0.10: Keras 3 saves compile(loss="binary_crossentropy") as the bare string; SPEC 0.2: Keras 3 gives 12.000716.
        Loss loss = Losses.FromJson("\"binary_crossentropy\"");
        Assert.IsType<BinaryCrossentropy>(loss);
        Assert.Equal(LossSemantics.Keras3, loss.Semantics);
        Assert.Equal(Reduction.SumOverBatchSize, loss.Reduction);
        float v = Seed(loss);
        Assert.True(Math.Abs(v - 12.000716) <= 1e-6, $"expected 12.000716 (SPEC 0.2, Keras 3), got {v:R}");
    }

    [Fact]
    public void FromJson_BareStringWithTfKeras2_GivesTheTfKeras2Number()
    {
        // SPEC 0.2: tf.keras 2.x gives 11.522857 on the same call.
        Loss loss = Losses.FromJson("\"binary_crossentropy\"", LossSemantics.TfKeras2);
        Assert.Equal(LossSemantics.TfKeras2, loss.Semantics);
        Assert.Equal(Reduction.Auto, loss.Reduction);
        float v = Seed(loss);
        Assert.True(Math.Abs(v - 11.522857) <= 1e-6, $"expected 11.522857 (SPEC 0.2, tf.keras 2), got {v:R}");

        Assert.Equal(LossSemantics.Keras3, Losses.FromJson("\"bce\"", LossSemantics.Keras3).Semantics);
        Assert.Equal(LossSemantics.Keras3, Losses.FromJson("\"bce\"", null).Semantics);
    }

    [Theory]
    [InlineData("\"binary_crossentropy\"", LossSemantics.Keras3)]
    [InlineData(Keras3Bce, LossSemantics.Keras3)]
    [InlineData(NewFormatAutoBce, LossSemantics.TfKeras2)]
    [InlineData(LegacyBce, LossSemantics.TfKeras2)]
    [InlineData(LegacyAutoBce, LossSemantics.TfKeras2)]
    [InlineData(ClassOnlyBce, LossSemantics.Keras3)]
    [InlineData("{\"class_name\": \"BinaryCrossentropy\", \"config\": null}", LossSemantics.Keras3)]
    [InlineData(FunctionBce, LossSemantics.Keras3)]
    [InlineData(WrapperBce, LossSemantics.Keras3)]
    [InlineData(WrapperAutoBce, LossSemantics.TfKeras2)]
    public void FromJson_NullSemantics_InfersFromTheEnvelope(string json, LossSemantics expected)
    {
        // SPEC 0.10: only a legacy envelope (no "module", a "config" object) or "reduction": "auto" selects tf.keras 2.
        Loss inferred = Losses.FromJson(json);
        Assert.IsType<BinaryCrossentropy>(inferred);
        Assert.Equal(expected, inferred.Semantics);
        Assert.Equal(expected, Losses.FromJson(json, null).Semantics);

        // The seed call gives the number of the semantics chosen (SPEC 0.2). Rank-1 inputs give one per-sample value, so
        // LegacyBce's reduction "sum" gives the same number.
        double want = expected == LossSemantics.Keras3 ? 12.000716 : 11.522857;
        float v = Seed(inferred);
        Assert.True(Math.Abs(v - want) <= 1e-6, $"expected {want} (SPEC 0.2), got {v:R}");
    }

    [Theory]
    [InlineData("\"binary_crossentropy\"")]
    [InlineData(Keras3Bce)]
    [InlineData(LegacyBce)]
    [InlineData(ClassOnlyBce)]
    [InlineData(FunctionBce)]
    [InlineData(WrapperBce)]
    [InlineData("{\"class_name\": \"LossFunctionWrapper\", \"config\": {\"name\": \"bce\", \"fn\": \"binary_crossentropy\"}}")]
    public void FromJson_ExplicitSemantics_OverridesEveryEnvelope(string json)
    {
        foreach (LossSemantics s in new[] { LossSemantics.Keras3, LossSemantics.TfKeras2 })
        {
            Loss loss = Losses.FromJson(json, s);
            Assert.IsType<BinaryCrossentropy>(loss);
            Assert.Equal(s, loss.Semantics);

            // SPEC 0.2: 12.000716 (Keras 3) / 11.522857 (tf.keras 2); one per-sample value, so "sum" gives the same.
            double want = s == LossSemantics.Keras3 ? 12.000716 : 11.522857;
            float v = Seed(loss);
            Assert.True(Math.Abs(v - want) <= 1e-6, $"{s}: expected {want} (SPEC 0.2), got {v:R}");
        }
    }

    [Theory]
    [InlineData(NewFormatAutoBce)]
    [InlineData(LegacyAutoBce)]
    [InlineData(WrapperAutoBce)]
    [InlineData("{\"module\": \"keras.losses\", \"class_name\": \"MeanSquaredError\", \"config\": {\"reduction\": \"auto\"}, \"registered_name\": null}")]
    public void FromJson_ExplicitKeras3WithAutoReduction_ThrowsNamingJson(string json)
    {
        // SPEC A.3 / E.1: Keras 3 rejects reduction "auto" (the reduction ValueError); the caller asked for Keras 3.
        var e = Assert.Throws<ArgumentException>(() => Losses.FromJson(json, LossSemantics.Keras3));
        Assert.Equal("json", e.ParamName);
        Assert.Contains("'auto'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Keras 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("TfKeras2", e.Message, StringComparison.Ordinal);

        // Inferred, the same JSON is tf.keras 2.
        Assert.Equal(LossSemantics.TfKeras2, Losses.FromJson(json).Semantics);
    }

    [Theory]
    [InlineData("mean")]
    [InlineData("mean_with_sample_weight")]
    public void FromJson_ExplicitTfKeras2WithAKeras3OnlyReduction_ThrowsNamingJson(string reduction)
    {
        // SPEC A.3: "mean" and "mean_with_sample_weight" are Keras 3.7+ reductions; tf.keras 2's Reduction has neither.
        string json = $"{{\"module\": \"keras.losses\", \"class_name\": \"Huber\", \"config\": {{\"name\": \"h\", \"reduction\": \"{reduction}\", \"delta\": 1.0}}, \"registered_name\": null}}";
        Assert.Equal(LossSemantics.Keras3, Losses.FromJson(json).Semantics);
        var e = Assert.Throws<ArgumentException>(() => Losses.FromJson(json, LossSemantics.TfKeras2));
        Assert.Equal("json", e.ParamName);
        Assert.Contains(reduction, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfig_ExplicitKeras3WithAuto_ThrowsNamingConfig()
    {
        KeyValuePair<string, object?>[] config = [new("reduction", "auto")];
        var e = Assert.Throws<ArgumentException>(() => Losses.FromConfig("Huber", config, LossSemantics.Keras3));
        Assert.Equal("config", e.ParamName);
        Assert.Contains("'auto'", e.Message, StringComparison.Ordinal);
        var typed = Assert.Throws<ArgumentException>(() => Huber.FromConfig(config, LossSemantics.Keras3));
        Assert.Equal("config", typed.ParamName);
    }

    [Fact]
    public void FromJson_WrapperAndFunctionEnvelopes_HonourTheSemantics()
    {
        // The wrapper's name and reduction come from its config; "fn" picks the class (SPEC E.1).
        Loss wrapped = Losses.FromJson(WrapperBce, LossSemantics.TfKeras2);
        Assert.Equal("bce", wrapped.Name);
        Assert.Equal(Reduction.SumOverBatchSize, wrapped.Reduction);
        Assert.Equal(LossSemantics.TfKeras2, wrapped.Semantics);

        // "huber_loss" is a tf.keras 2 alias only (SPEC E.1/E.2): the function envelope resolves it under TfKeras2 only.
        string huberLoss = "{\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"huber_loss\", \"registered_name\": \"function\"}";
        Assert.Equal("json", Assert.Throws<ArgumentException>(() => Losses.FromJson(huberLoss)).ParamName);
        Assert.IsType<Huber>(Losses.FromJson(huberLoss, LossSemantics.TfKeras2));
        string wrapperHuberLoss = "{\"class_name\": \"LossFunctionWrapper\", \"config\": {\"name\": \"h\", \"fn\": \"huber_loss\"}}";
        Assert.IsType<Huber>(Losses.FromJson(wrapperHuberLoss));
        Assert.Equal("json", Assert.Throws<ArgumentException>(() => Losses.FromJson(wrapperHuberLoss, LossSemantics.Keras3)).ParamName);
    }

    [Fact]
    public void FromJson_Overloads_AreUnambiguous()
    {
        // These compile (no ambiguity between FromJson(string) and FromJson(string, LossSemantics?)) and agree.
        Func<string, Loss> oneArgument = Losses.FromJson;
        Func<string, LossSemantics?, Loss> twoArguments = Losses.FromJson;
        Assert.Equal(oneArgument(LegacyBce).ToJson(), twoArguments(LegacyBce, null).ToJson());
        Assert.Equal(LossSemantics.Keras3, Losses.FromJson(LegacyBce, LossSemantics.Keras3).Semantics);
        Assert.Equal(LossSemantics.TfKeras2, Losses.FromJson(LegacyBce, semantics: null).Semantics);
    }

    [Fact]
    public void FromJson_UndefinedSemanticsValue_ThrowsArgumentOutOfRange()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.FromJson("\"mse\"", (LossSemantics)7));
        Assert.Equal("semantics", e.ParamName);
        Assert.Equal("semantics", Assert.Throws<ArgumentOutOfRangeException>(() => Losses.FromConfig("Huber", [], (LossSemantics)(-1))).ParamName);
        Assert.Equal("semantics", Assert.Throws<ArgumentOutOfRangeException>(() => Losses.Get("no such loss", (LossSemantics)2)).ParamName);
    }
}
