// Serialization and look-up (SPEC E.1-E.3, 0.2, K.10) for the six losses SharpLoss implements.
// Every expected config and JSON string below is copied from SPEC E.3 (Keras 3 master block and tf.keras 2 block)
// or E.1 (envelopes), with Python json.dumps spacing (", " and ": "), 0.0 for floats and null for None.

namespace SharpLoss.Tests.Config;

public class ConfigTests
{
    private static Loss Make(string className, LossSemantics semantics = LossSemantics.Keras3) => className switch
    {
        "BinaryCrossentropy" => new BinaryCrossentropy(semantics: semantics),
        "CategoricalCrossentropy" => new CategoricalCrossentropy(semantics: semantics),
        "SparseCategoricalCrossentropy" => new SparseCategoricalCrossentropy(semantics: semantics),
        "MeanSquaredError" => new MeanSquaredError(semantics: semantics),
        "MeanAbsoluteError" => new MeanAbsoluteError(semantics: semantics),
        "Huber" => new Huber(semantics: semantics),
        _ => throw new ArgumentException(className),
    };

    private static void AssertConfig(OrderedDictionary<string, object?> config, params (string Key, object? Value)[] expected)
    {
        Assert.Equal(expected.Select(e => e.Key), config.Keys);
        foreach ((string key, object? value) in expected)
        {
            object? actual = config[key];
            Assert.True(Equals(value, actual), $"{key}: expected {value ?? "null"} ({value?.GetType().Name}), actual {actual ?? "null"} ({actual?.GetType().Name})");
        }
    }

    // ------------------------------------------------------------------ GetConfig: keys, order, values (SPEC E.3)

    [Fact]
    public void GetConfig_Keras3_BinaryAndCategorical_MatchSpecE3()
    {
        // "BinaryCrossentropy": {"name": "binary_crossentropy", "reduction": "sum_over_batch_size", "from_logits": false, "label_smoothing": 0.0, "axis": -1}
        AssertConfig(new BinaryCrossentropy().GetConfig(), ("name", "binary_crossentropy"), ("reduction", "sum_over_batch_size"), ("from_logits", false), ("label_smoothing", 0.0), ("axis", -1));
        AssertConfig(new CategoricalCrossentropy().GetConfig(), ("name", "categorical_crossentropy"), ("reduction", "sum_over_batch_size"), ("from_logits", false), ("label_smoothing", 0.0), ("axis", -1));
    }

    [Fact]
    public void GetConfig_Keras3_SparseCategorical_MatchesSpecE3WithAxis()
    {
        // Keras 3 master keeps "axis" (SPEC F#14); ignore_class None → null; Keras 3.16 adds "label_smoothing" after "axis" (SPEC B.5).
        AssertConfig(new SparseCategoricalCrossentropy().GetConfig(), ("name", "sparse_categorical_crossentropy"), ("reduction", "sum_over_batch_size"), ("from_logits", false), ("ignore_class", null), ("axis", -1), ("label_smoothing", 0.0));
        AssertConfig(new SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: 4, axis: 1).GetConfig(), ("name", "sparse_categorical_crossentropy"), ("reduction", "sum_over_batch_size"), ("from_logits", true), ("ignore_class", 4), ("axis", 1), ("label_smoothing", 0.0));
    }

    [Fact]
    public void GetConfig_Keras3_Regression_HasOnlyNameAndReduction()
    {
        AssertConfig(new MeanSquaredError().GetConfig(), ("name", "mean_squared_error"), ("reduction", "sum_over_batch_size"));
        AssertConfig(new MeanAbsoluteError().GetConfig(), ("name", "mean_absolute_error"), ("reduction", "sum_over_batch_size"));
    }

    [Fact]
    public void GetConfig_Keras3_Huber_MatchesSpecE3WithDelta()
    {
        // "Huber": {"name": "huber_loss", "reduction": "sum_over_batch_size", "delta": 1.0} (Keras 3 master keeps delta, SPEC F#14).
        AssertConfig(new Huber().GetConfig(), ("name", "huber_loss"), ("reduction", "sum_over_batch_size"), ("delta", 1.0));
        AssertConfig(new Huber(0.8, Reduction.Sum, "h").GetConfig(), ("name", "h"), ("reduction", "sum"), ("delta", 0.8));
    }

    [Fact]
    public void GetConfig_TfKeras2_EveryClass_ReductionComesFirstAndIsAuto()
    {
        // SPEC E.3 tf.keras 2.x block and E.2 key-order table.
        AssertConfig(new BinaryCrossentropy(semantics: LossSemantics.TfKeras2).GetConfig(), ("reduction", "auto"), ("name", "binary_crossentropy"), ("from_logits", false), ("label_smoothing", 0.0), ("axis", -1));
        AssertConfig(new CategoricalCrossentropy(semantics: LossSemantics.TfKeras2).GetConfig(), ("reduction", "auto"), ("name", "categorical_crossentropy"), ("from_logits", false), ("label_smoothing", 0.0), ("axis", -1));
        AssertConfig(new SparseCategoricalCrossentropy(semantics: LossSemantics.TfKeras2).GetConfig(), ("reduction", "auto"), ("name", "sparse_categorical_crossentropy"), ("from_logits", false), ("ignore_class", null));
        AssertConfig(new MeanSquaredError(semantics: LossSemantics.TfKeras2).GetConfig(), ("reduction", "auto"), ("name", "mean_squared_error"));
        AssertConfig(new MeanAbsoluteError(semantics: LossSemantics.TfKeras2).GetConfig(), ("reduction", "auto"), ("name", "mean_absolute_error"));
        AssertConfig(new Huber(semantics: LossSemantics.TfKeras2).GetConfig(), ("reduction", "auto"), ("name", "huber_loss"), ("delta", 1.0));
    }

    [Theory]
    [InlineData(Reduction.None, "none")]
    [InlineData(Reduction.Sum, "sum")]
    [InlineData(Reduction.SumOverBatchSize, "sum_over_batch_size")]
    [InlineData(Reduction.Mean, "mean")]
    [InlineData(Reduction.MeanWithSampleWeight, "mean_with_sample_weight")]
    public void GetConfig_Keras3Reduction_IsItsKerasString(Reduction reduction, string expected)
    {
        // SPEC A.3 reduction strings.
        Assert.Equal(expected, new MeanSquaredError(reduction).GetConfig()["reduction"]);
    }

    // ------------------------------------------------------------------ ToJson (SPEC E.1 / E.3 / E.2)

    [Theory]
    [InlineData("BinaryCrossentropy", "{\"module\": \"keras.losses\", \"class_name\": \"BinaryCrossentropy\", \"config\": {\"name\": \"binary_crossentropy\", \"reduction\": \"sum_over_batch_size\", \"from_logits\": false, \"label_smoothing\": 0.0, \"axis\": -1}, \"registered_name\": null}")]
    [InlineData("CategoricalCrossentropy", "{\"module\": \"keras.losses\", \"class_name\": \"CategoricalCrossentropy\", \"config\": {\"name\": \"categorical_crossentropy\", \"reduction\": \"sum_over_batch_size\", \"from_logits\": false, \"label_smoothing\": 0.0, \"axis\": -1}, \"registered_name\": null}")]
    [InlineData("SparseCategoricalCrossentropy", "{\"module\": \"keras.losses\", \"class_name\": \"SparseCategoricalCrossentropy\", \"config\": {\"name\": \"sparse_categorical_crossentropy\", \"reduction\": \"sum_over_batch_size\", \"from_logits\": false, \"ignore_class\": null, \"axis\": -1, \"label_smoothing\": 0.0}, \"registered_name\": null}")]
    [InlineData("MeanSquaredError", "{\"module\": \"keras.losses\", \"class_name\": \"MeanSquaredError\", \"config\": {\"name\": \"mean_squared_error\", \"reduction\": \"sum_over_batch_size\"}, \"registered_name\": null}")]
    [InlineData("MeanAbsoluteError", "{\"module\": \"keras.losses\", \"class_name\": \"MeanAbsoluteError\", \"config\": {\"name\": \"mean_absolute_error\", \"reduction\": \"sum_over_batch_size\"}, \"registered_name\": null}")]
    [InlineData("Huber", "{\"module\": \"keras.losses\", \"class_name\": \"Huber\", \"config\": {\"name\": \"huber_loss\", \"reduction\": \"sum_over_batch_size\", \"delta\": 1.0}, \"registered_name\": null}")]
    public void ToJson_Keras3Default_IsTheExactKerasEnvelope(string className, string expected)
    {
        Assert.Equal(expected, Make(className).ToJson());
    }

    [Theory]
    [InlineData("BinaryCrossentropy", "{\"class_name\": \"BinaryCrossentropy\", \"config\": {\"reduction\": \"auto\", \"name\": \"binary_crossentropy\", \"from_logits\": false, \"label_smoothing\": 0.0, \"axis\": -1}}")]
    [InlineData("CategoricalCrossentropy", "{\"class_name\": \"CategoricalCrossentropy\", \"config\": {\"reduction\": \"auto\", \"name\": \"categorical_crossentropy\", \"from_logits\": false, \"label_smoothing\": 0.0, \"axis\": -1}}")]
    [InlineData("SparseCategoricalCrossentropy", "{\"class_name\": \"SparseCategoricalCrossentropy\", \"config\": {\"reduction\": \"auto\", \"name\": \"sparse_categorical_crossentropy\", \"from_logits\": false, \"ignore_class\": null}}")]
    [InlineData("MeanSquaredError", "{\"class_name\": \"MeanSquaredError\", \"config\": {\"reduction\": \"auto\", \"name\": \"mean_squared_error\"}}")]
    [InlineData("MeanAbsoluteError", "{\"class_name\": \"MeanAbsoluteError\", \"config\": {\"reduction\": \"auto\", \"name\": \"mean_absolute_error\"}}")]
    [InlineData("Huber", "{\"class_name\": \"Huber\", \"config\": {\"reduction\": \"auto\", \"name\": \"huber_loss\", \"delta\": 1.0}}")]
    public void ToJson_TfKeras2Default_IsTheLegacyFormat(string className, string expected)
    {
        Assert.Equal(expected, Make(className, LossSemantics.TfKeras2).ToJson());
    }

    [Fact]
    public void ToJson_NonDefaultValues_UsePythonSpellings()
    {
        // Python: json.dumps(0.1) = "0.1", json.dumps(1.0) = "1.0", True → true, ints unchanged.
        Assert.Equal(
            "{\"module\": \"keras.losses\", \"class_name\": \"BinaryCrossentropy\", \"config\": {\"name\": \"my_bce\", \"reduction\": \"sum\", \"from_logits\": true, \"label_smoothing\": 0.1, \"axis\": 0}, \"registered_name\": null}",
            new BinaryCrossentropy(fromLogits: true, labelSmoothing: 0.1, axis: 0, reduction: Reduction.Sum, name: "my_bce").ToJson());
        Assert.Equal(
            "{\"module\": \"keras.losses\", \"class_name\": \"CategoricalCrossentropy\", \"config\": {\"name\": \"categorical_crossentropy\", \"reduction\": \"mean_with_sample_weight\", \"from_logits\": false, \"label_smoothing\": 1.0, \"axis\": -1}, \"registered_name\": null}",
            new CategoricalCrossentropy(labelSmoothing: 1.0, reduction: Reduction.MeanWithSampleWeight).ToJson());
        Assert.Equal(
            "{\"module\": \"keras.losses\", \"class_name\": \"SparseCategoricalCrossentropy\", \"config\": {\"name\": \"sparse_categorical_crossentropy\", \"reduction\": \"sum_over_batch_size\", \"from_logits\": true, \"ignore_class\": -1, \"axis\": -1, \"label_smoothing\": 0.0}, \"registered_name\": null}",
            new SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: -1).ToJson());
    }

    [Fact]
    public void ToJson_NonAsciiAndQuotesInName_AreEscapedAsPythonDoes()
    {
        // json.dumps('café "x"') = "\"caf\\u00e9 \\\"x\\\"\"" (ensure_ascii=True, lowercase hex).
        string json = new MeanSquaredError(name: "café \"x\"").ToJson();
        Assert.Contains("\"name\": \"caf\\u00e9 \\\"x\\\"\"", json, StringComparison.Ordinal);
        Assert.Equal("café \"x\"", Losses.FromJson(json).Name);
    }

    // ------------------------------------------------------------------ FromJson

    [Fact]
    public void FromJson_Keras3Envelope_SelectsKeras3WithTheGivenValues()
    {
        Loss loss = Losses.FromJson("{\"module\": \"keras.losses\", \"class_name\": \"BinaryCrossentropy\", \"config\": {\"name\": \"b\", \"reduction\": \"mean\", \"from_logits\": true, \"label_smoothing\": 0.25, \"axis\": -2}, \"registered_name\": null}");
        var bce = Assert.IsType<BinaryCrossentropy>(loss);
        Assert.Equal(LossSemantics.Keras3, bce.Semantics);
        Assert.Equal("b", bce.Name);
        Assert.Equal(Reduction.Mean, bce.Reduction);
        Assert.True(bce.FromLogits);
        Assert.Equal(0.25, bce.LabelSmoothing);
        Assert.Equal(-2, bce.Axis);
    }

    [Fact]
    public void FromJson_NewFormatTfKerasWithAuto_SelectsTfKeras2()
    {
        // SPEC E.2 new format (module present) with "reduction": "auto"; SPEC 0.2: "auto" selects TfKeras2.
        Loss loss = Losses.FromJson("{\"module\": \"keras.losses\", \"class_name\": \"CategoricalCrossentropy\", \"config\": {\"reduction\": \"auto\", \"name\": \"categorical_crossentropy\", \"from_logits\": false, \"label_smoothing\": 0.0, \"axis\": -1}, \"registered_name\": null}");
        Assert.IsType<CategoricalCrossentropy>(loss);
        Assert.Equal(LossSemantics.TfKeras2, loss.Semantics);
        Assert.Equal(Reduction.Auto, loss.Reduction);
    }

    [Fact]
    public void FromJson_LegacyFormatWithoutModule_SelectsTfKeras2EvenWithoutAuto()
    {
        // SPEC 0.2: no "module" key selects TfKeras2.
        Loss loss = Losses.FromJson("{\"class_name\": \"MeanSquaredError\", \"config\": {\"reduction\": \"sum\", \"name\": \"mse_loss\"}}");
        Assert.IsType<MeanSquaredError>(loss);
        Assert.Equal(LossSemantics.TfKeras2, loss.Semantics);
        Assert.Equal(Reduction.Sum, loss.Reduction);
        Assert.Equal("mse_loss", loss.Name);
    }

    [Fact]
    public void FromJson_TfKerasSavingV3FnKey_IsAccepted()
    {
        // SPEC E.2: under .keras (saving v3) serialization tf.keras appends "fn": "<function name>".
        Loss loss = Losses.FromJson("{\"class_name\": \"BinaryCrossentropy\", \"config\": {\"reduction\": \"auto\", \"name\": \"binary_crossentropy\", \"from_logits\": true, \"label_smoothing\": 0.0, \"axis\": -1, \"fn\": \"binary_crossentropy\"}}");
        var bce = Assert.IsType<BinaryCrossentropy>(loss);
        Assert.True(bce.FromLogits);
        Assert.Equal(LossSemantics.TfKeras2, bce.Semantics);
    }

    [Fact]
    public void FromJson_MissingKeys_TakeTheirDefaults()
    {
        // SPEC E.1: {"class_name": "CategoricalCrossentropy", "config": {"from_logits": true}} works, other keys default.
        var cce = Assert.IsType<CategoricalCrossentropy>(Losses.FromJson("{\"class_name\": \"CategoricalCrossentropy\", \"config\": {\"from_logits\": true}}"));
        Assert.True(cce.FromLogits);
        Assert.Equal(0.0, cce.LabelSmoothing);
        Assert.Equal(-1, cce.Axis);
        Assert.Equal("categorical_crossentropy", cce.Name);
        Assert.Equal(Reduction.Auto, cce.Reduction);

        var scce = Assert.IsType<SparseCategoricalCrossentropy>(Losses.FromJson("{\"module\": \"keras.losses\", \"class_name\": \"SparseCategoricalCrossentropy\", \"config\": {}, \"registered_name\": null}"));
        Assert.Equal(LossSemantics.Keras3, scce.Semantics);
        Assert.Equal(Reduction.SumOverBatchSize, scce.Reduction);
        Assert.Null(scce.IgnoreClass);
        Assert.False(scce.FromLogits);
        Assert.Equal(-1, scce.Axis);
        Assert.Equal("sparse_categorical_crossentropy", scce.Name);
    }

    [Fact]
    public void FromJson_NullReductionAndIntegerLiterals_AreAccepted()
    {
        // Keras 3 reduction=None serializes as null; json integers where floats are expected (label_smoothing 0).
        Loss loss = Losses.FromJson("{\"module\": \"keras.losses\", \"class_name\": \"BinaryCrossentropy\", \"config\": {\"name\": \"binary_crossentropy\", \"reduction\": null, \"from_logits\": false, \"label_smoothing\": 0, \"axis\": -1}, \"registered_name\": null}");
        Assert.Equal(Reduction.None, loss.Reduction);
        Assert.Equal(0.0, ((BinaryCrossentropy)loss).LabelSmoothing);
        Assert.Equal(0.0, loss.GetConfig()["label_smoothing"]);
    }

    [Theory]
    [InlineData("{\"module\": \"keras.losses\", \"class_name\": \"MeanSquaredError\", \"config\": {\"name\": \"x\", \"reduction\": \"sum\", \"delta\": 1.0}, \"registered_name\": null}", "delta")]
    [InlineData("{\"module\": \"keras.losses\", \"class_name\": \"BinaryCrossentropy\", \"config\": {\"from_logit\": true}, \"registered_name\": null}", "from_logit")]
    [InlineData("{\"class_name\": \"CategoricalCrossentropy\", \"config\": {\"reduction\": \"auto\", \"ignore_class\": 1}}", "ignore_class")]
    [InlineData("{\"module\": \"keras.losses\", \"class_name\": \"MeanAbsoluteError\", \"config\": {\"dtype\": \"float32\"}, \"registered_name\": null}", "dtype")]
    public void FromJson_UnknownKey_ThrowsArgumentExceptionNamingTheKey(string json, string key)
    {
        // SPEC E.1: from_config is cls(**config); unknown keys raise.
        var e = Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson(json));
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_TfKerasSparseCategoricalWithAxis_ThrowsBecauseTheTfKerasClassHasNoAxis()
    {
        // SPEC B.5 / E.2: the tf.keras 2 SparseCategoricalCrossentropy class has no `axis` parameter (config keys
        // reduction, name, from_logits, ignore_class), so cls(**config) rejects "axis".
        var e = Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson("{\"class_name\": \"SparseCategoricalCrossentropy\", \"config\": {\"reduction\": \"auto\", \"name\": \"sparse_categorical_crossentropy\", \"from_logits\": false, \"ignore_class\": null, \"axis\": -1}}"));
        Assert.Contains("axis", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_ModuleNull_Throws()
    {
        // SPEC E.1: a class config whose "module" is explicitly null raises ("Cannot deserialize object of type ...").
        var e = Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson("{\"module\": null, \"class_name\": \"MeanSquaredError\", \"config\": {}, \"registered_name\": null}"));
        Assert.Contains("MeanSquaredError", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"module\": \"keras.src.losses.losses\", \"class_name\": \"LossFunctionWrapper\", \"config\": {\"name\": \"mse\", \"reduction\": \"sum_over_batch_size\"}, \"registered_name\": \"LossFunctionWrapper\"}", "LossFunctionWrapper")]
    [InlineData("{\"class_name\": \"NotALoss\", \"config\": {}}", "NotALoss")]
    public void FromJson_UnknownClass_Throws(string json, string className)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson(json));
        Assert.Contains(className, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_FunctionEnvelope_GivesTheDefaultKeras3Loss()
    {
        // SPEC E.1: {"module": "builtins", "class_name": "function", "config": "mean_squared_error", "registered_name": "function"}.
        Loss loss = Losses.FromJson("{\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"mean_squared_error\", \"registered_name\": \"function\"}");
        Assert.IsType<MeanSquaredError>(loss);
        Assert.Equal(LossSemantics.Keras3, loss.Semantics);
        Assert.Equal(Reduction.SumOverBatchSize, loss.Reduction);
        Assert.Equal("mean_squared_error", loss.Name);
    }

    [Fact]
    public void FromJson_BadInput_ThrowsArgumentFamily()
    {
        Assert.Throws<ArgumentNullException>(() => Losses.FromJson(null!));
        Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson("{\"class_name\": "));
        Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson("[1, 2]"));
        Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson("{\"config\": {}}"));
        var e = Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson("{\"module\": \"keras.losses\", \"class_name\": \"BinaryCrossentropy\", \"config\": {\"from_logits\": \"yes\"}, \"registered_name\": null}"));
        Assert.Contains("from_logits", e.Message, StringComparison.Ordinal);
        var r = Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson("{\"module\": \"keras.losses\", \"class_name\": \"MeanSquaredError\", \"config\": {\"reduction\": \"foo\"}, \"registered_name\": null}"));
        Assert.Contains("foo", r.Message, StringComparison.Ordinal);
        Assert.Contains("reduction", r.Message, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ "auto" under Keras 3 (SPEC A.3, K.10)

    [Fact]
    public void Auto_UnderKeras3_Throws()
    {
        var ctor = Assert.ThrowsAny<ArgumentException>(() => new MeanSquaredError(Reduction.Auto));
        Assert.Contains("auto", ctor.Message, StringComparison.Ordinal);
        var config = new[] { new KeyValuePair<string, object?>("reduction", "auto") };
        var fromConfig = Assert.ThrowsAny<ArgumentException>(() => MeanSquaredError.FromConfig(config, LossSemantics.Keras3));
        Assert.Contains("auto", fromConfig.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>(() => Losses.FromConfig("BinaryCrossentropy", config, LossSemantics.Keras3));

        // Without an explicit semantics, "auto" selects tf.keras 2 instead (SPEC 0.2).
        Assert.Equal(LossSemantics.TfKeras2, MeanSquaredError.FromConfig(config).Semantics);
    }

    // ------------------------------------------------------------------ Losses.Get (SPEC E.1)

    [Theory]
    [InlineData("BinaryCrossentropy", typeof(BinaryCrossentropy))]
    [InlineData("CategoricalCrossentropy", typeof(CategoricalCrossentropy))]
    [InlineData("SparseCategoricalCrossentropy", typeof(SparseCategoricalCrossentropy))]
    [InlineData("MeanSquaredError", typeof(MeanSquaredError))]
    [InlineData("MeanAbsoluteError", typeof(MeanAbsoluteError))]
    [InlineData("Huber", typeof(Huber))]
    [InlineData("binary_crossentropy", typeof(BinaryCrossentropy))]
    [InlineData("categorical_crossentropy", typeof(CategoricalCrossentropy))]
    [InlineData("sparse_categorical_crossentropy", typeof(SparseCategoricalCrossentropy))]
    [InlineData("mean_squared_error", typeof(MeanSquaredError))]
    [InlineData("mean_absolute_error", typeof(MeanAbsoluteError))]
    [InlineData("huber", typeof(Huber))]
    [InlineData("bce", typeof(BinaryCrossentropy))]
    [InlineData("BCE", typeof(BinaryCrossentropy))]
    [InlineData("mse", typeof(MeanSquaredError))]
    [InlineData("MSE", typeof(MeanSquaredError))]
    [InlineData("mae", typeof(MeanAbsoluteError))]
    [InlineData("MAE", typeof(MeanAbsoluteError))]
    public void Get_EveryNameAndAlias_GivesADefaultInstance(string identifier, Type type)
    {
        Loss loss = Losses.Get(identifier);
        Assert.IsType(type, loss);
        Assert.Equal(LossSemantics.Keras3, loss.Semantics);
        Assert.Equal(Reduction.SumOverBatchSize, loss.Reduction);
        Assert.Equal(Make(type.Name).ToJson(), loss.ToJson());
        Assert.Contains(identifier, Losses.Names);

        Loss tfk = Losses.Get(identifier, LossSemantics.TfKeras2);
        Assert.IsType(type, tfk);
        Assert.Equal(LossSemantics.TfKeras2, tfk.Semantics);
        Assert.Equal(Reduction.Auto, tfk.Reduction);
    }

    [Theory]
    [InlineData("crossentropy")]
    [InlineData("ce")]
    [InlineData("Bce")]
    [InlineData("Mse")]
    [InlineData("binary-crossentropy")]
    [InlineData("BinaryCrossEntropy")]
    [InlineData("huber_loss")]
    [InlineData("")]
    [InlineData(" mse")]
    public void Get_UnknownName_ThrowsArgumentExceptionNamingIt(string identifier)
    {
        // SPEC E.1: names are case-sensitive; "crossentropy"/"ce" are accepted by compile() only; huber_loss is not a Keras 3 name.
        var e = Assert.ThrowsAny<ArgumentException>(() => Losses.Get(identifier));
        Assert.Equal("identifier", e.ParamName);
        Assert.Contains($"'{identifier}'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(identifier, Losses.Names);
    }

    [Fact]
    public void Get_HuberLoss_OnlyUnderTfKeras2()
    {
        // SPEC E.1: Keras 3's get does not accept "huber_loss" (Get_UnknownName covers the throw); SPEC E.2: tf.keras 2's
        // get resolves every name of its module namespace, "huber_loss" included.
        var huber = Assert.IsType<Huber>(Losses.Get("huber_loss", LossSemantics.TfKeras2));
        Assert.Equal(LossSemantics.TfKeras2, huber.Semantics);
        Assert.Equal(Reduction.Auto, huber.Reduction);
        Assert.Equal(1.0, huber.Delta);
        Assert.Equal("huber_loss", huber.Name);
        Assert.Contains("huber_loss", Losses.TfKeras2Names);
        Assert.DoesNotContain("huber_loss", Losses.Names);
        // tf.keras 2 adds five names to Keras 3's table for the implemented classes: huber_loss, logcosh,
        // kullback_leibler_divergence, cosine and cosine_proximity (SPEC E.1's "not accepted by Keras 3 get" list).
        Assert.Equal(Losses.Names.Count + 5, Losses.TfKeras2Names.Count);

        // A bare JSON string is a Keras 3 identifier (SPEC 0.10), so "huber_loss" resolves only when tf.keras 2 is asked for.
        var bare = Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson("\"huber_loss\""));
        Assert.Equal("json", bare.ParamName);
        var tfkBare = Assert.IsType<Huber>(Losses.FromJson("\"huber_loss\"", LossSemantics.TfKeras2));
        Assert.Equal(LossSemantics.TfKeras2, tfkBare.Semantics);

        // The Keras 3 function envelope resolves with Keras 3's table: "huber" yes, "huber_loss" no.
        Assert.IsType<Huber>(Losses.FromJson("{\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"huber\", \"registered_name\": \"function\"}"));
        var e = Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson("{\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"huber_loss\", \"registered_name\": \"function\"}"));
        Assert.Contains("'huber_loss'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => Losses.Get(null!));
    }

    // ------------------------------------------------------------------ exact round trips

    [Theory]
    [InlineData(0.1)]
    [InlineData(1.0 / 3.0)]
    [InlineData(1e-7)]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void RoundTrip_LabelSmoothing_SurvivesExactly(double labelSmoothing)
    {
        foreach (LossSemantics s in new[] { LossSemantics.Keras3, LossSemantics.TfKeras2 })
        {
            var bce = (BinaryCrossentropy)Losses.FromJson(new BinaryCrossentropy(labelSmoothing: labelSmoothing, semantics: s).ToJson());
            var cce = (CategoricalCrossentropy)Losses.FromJson(new CategoricalCrossentropy(labelSmoothing: labelSmoothing, semantics: s).ToJson());
            Assert.Equal(labelSmoothing, bce.LabelSmoothing);
            Assert.Equal(labelSmoothing, cce.LabelSmoothing);
            Assert.Equal(s, bce.Semantics);
        }
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(1.0 / 3.0)]
    [InlineData(1e-7)]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(1e300)]
    public void RoundTrip_HuberDelta_SurvivesExactly(double delta)
    {
        foreach (LossSemantics s in new[] { LossSemantics.Keras3, LossSemantics.TfKeras2 })
        {
            var huber = (Huber)Losses.FromJson(new Huber(delta, semantics: s).ToJson());
            Assert.Equal(delta, huber.Delta);
            Assert.Equal(s, huber.Semantics);
        }
    }

    [Fact]
    public void RoundTrip_SparseLabelSmoothingExtension_Survives()
    {
        // SPEC 0.9 extension: label_smoothing for SCCE round-trips through the config.
        var scce = (SparseCategoricalCrossentropy)Losses.FromJson(new SparseCategoricalCrossentropy(labelSmoothing: 0.1).ToJson());
        Assert.Equal(0.1, scce.LabelSmoothing);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("my loss")]
    [InlineData("ünïcödé ∑")]
    [InlineData("back\\slash \"quote\" tab\t nl\n")]
    public void RoundTrip_Name_Survives(string name)
    {
        foreach (LossSemantics s in new[] { LossSemantics.Keras3, LossSemantics.TfKeras2 })
        {
            Assert.Equal(name, Losses.FromJson(new MeanAbsoluteError(name: name, semantics: s).ToJson()).Name);
            Assert.Equal(name, Losses.FromJson(new SparseCategoricalCrossentropy(name: name, semantics: s).ToJson()).Name);
        }
    }

    [Theory]
    [InlineData(Reduction.None, LossSemantics.Keras3)]
    [InlineData(Reduction.Sum, LossSemantics.Keras3)]
    [InlineData(Reduction.SumOverBatchSize, LossSemantics.Keras3)]
    [InlineData(Reduction.Mean, LossSemantics.Keras3)]
    [InlineData(Reduction.MeanWithSampleWeight, LossSemantics.Keras3)]
    [InlineData(Reduction.None, LossSemantics.TfKeras2)]
    [InlineData(Reduction.Sum, LossSemantics.TfKeras2)]
    [InlineData(Reduction.SumOverBatchSize, LossSemantics.TfKeras2)]
    [InlineData(Reduction.Auto, LossSemantics.TfKeras2)]
    public void RoundTrip_EveryReduction_SurvivesWithItsSemantics(Reduction reduction, LossSemantics semantics)
    {
        Loss[] losses =
        [
            new BinaryCrossentropy(reduction: reduction, semantics: semantics),
            new CategoricalCrossentropy(reduction: reduction, semantics: semantics),
            new SparseCategoricalCrossentropy(reduction: reduction, semantics: semantics),
            new MeanSquaredError(reduction, semantics: semantics),
            new MeanAbsoluteError(reduction, semantics: semantics),
            new Huber(0.25, reduction, semantics: semantics),
        ];
        foreach (Loss loss in losses)
        {
            Loss back = Losses.FromJson(loss.ToJson());
            Assert.Equal(reduction, back.Reduction);
            Assert.Equal(semantics, back.Semantics);
            Assert.Equal(loss.ToJson(), back.ToJson());

            Loss fromConfig = Losses.FromConfig(loss.ClassName, loss.GetConfig(), semantics);
            Assert.Equal(loss.ToJson(), fromConfig.ToJson());
        }
    }
}
