// Serialization and look-up (SPEC E.1-E.3, K.10) of MeanAbsolutePercentageError, MeanSquaredLogarithmicError, LogCosh,
// Poisson, Hinge, SquaredHinge and KLDivergence. Every expected config and JSON string is copied from SPEC E.3 (Keras 3
// master block: name, reduction; tf.keras 2 block: reduction, name) or E.1 (envelope and name tables), with Python
// json.dumps spacing.

namespace SharpLoss.Tests.Config;

public class ElementwiseLossConfigTests
{
    /// <summary>(class name, default name) for the seven classes; none has a config key of its own (SPEC E.1 table).</summary>
    public static TheoryData<string, string> Classes => new()
    {
        { "MeanAbsolutePercentageError", "mean_absolute_percentage_error" },
        { "MeanSquaredLogarithmicError", "mean_squared_logarithmic_error" },
        { "LogCosh", "log_cosh" },
        { "Poisson", "poisson" },
        { "Hinge", "hinge" },
        { "SquaredHinge", "squared_hinge" },
        { "KLDivergence", "kl_divergence" },
    };

    private static Loss Make(string className, LossSemantics semantics = LossSemantics.Keras3, Reduction? reduction = null, string? name = null) => className switch
    {
        "MeanAbsolutePercentageError" => new MeanAbsolutePercentageError(reduction, name, semantics),
        "MeanSquaredLogarithmicError" => new MeanSquaredLogarithmicError(reduction, name, semantics),
        "LogCosh" => new LogCosh(reduction, name, semantics),
        "Poisson" => new Poisson(reduction, name, semantics),
        "Hinge" => new Hinge(reduction, name, semantics),
        "SquaredHinge" => new SquaredHinge(reduction, name, semantics),
        "KLDivergence" => new KLDivergence(reduction, name, semantics),
        _ => throw new ArgumentException(className),
    };

    [Theory]
    [MemberData(nameof(Classes))]
    public void ToJson_Keras3Default_IsTheExactKerasEnvelope(string className, string defaultName)
    {
        // SPEC E.1 envelope + E.3 Keras 3 block, e.g. "KLDivergence": {"name": "kl_divergence", "reduction": "sum_over_batch_size"}.
        string expected = $"{{\"module\": \"keras.losses\", \"class_name\": \"{className}\", \"config\": {{\"name\": \"{defaultName}\", \"reduction\": \"sum_over_batch_size\"}}, \"registered_name\": null}}";
        Assert.Equal(expected, Make(className).ToJson());
        Assert.Equal(className, Make(className).ClassName);
    }

    [Theory]
    [MemberData(nameof(Classes))]
    public void ToJson_TfKeras2Default_IsTheLegacyFormat(string className, string defaultName)
    {
        // SPEC E.3 tf.keras 2 block, e.g. "LogCosh": {"reduction": "auto", "name": "log_cosh"}; E.2 legacy envelope.
        string expected = $"{{\"class_name\": \"{className}\", \"config\": {{\"reduction\": \"auto\", \"name\": \"{defaultName}\"}}}}";
        Assert.Equal(expected, Make(className, LossSemantics.TfKeras2).ToJson());
    }

    [Theory]
    [MemberData(nameof(Classes))]
    public void FromJson_ConfigsKerasWrites_ReadBackEqual(string className, string defaultName)
    {
        foreach (Loss loss in new[] { Make(className, reduction: Reduction.MeanWithSampleWeight, name: "n"), Make(className, LossSemantics.TfKeras2, Reduction.Sum) })
        {
            Loss back = Losses.FromJson(loss.ToJson());
            Assert.IsType(loss.GetType(), back);
            Assert.Equal(loss.ToJson(), back.ToJson());
            Assert.Equal(loss.Semantics, back.Semantics);
        }

        // tf.keras 2's .keras format appends "fn" to the config (SPEC E.2); Keras 3 rejects unknown keys such as "delta".
        string withFn = $"{{\"class_name\": \"{className}\", \"config\": {{\"reduction\": \"auto\", \"name\": \"{defaultName}\", \"fn\": \"{defaultName}\"}}}}";
        Assert.Equal(LossSemantics.TfKeras2, Losses.FromJson(withFn).Semantics);
        var e = Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson($"{{\"module\": \"keras.losses\", \"class_name\": \"{className}\", \"config\": {{\"delta\": 1.0}}, \"registered_name\": null}}"));
        Assert.Equal("json", e.ParamName);
        Assert.Contains("delta", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MeanAbsolutePercentageError", typeof(MeanAbsolutePercentageError))]
    [InlineData("mean_absolute_percentage_error", typeof(MeanAbsolutePercentageError))]
    [InlineData("mape", typeof(MeanAbsolutePercentageError))]
    [InlineData("MAPE", typeof(MeanAbsolutePercentageError))]
    [InlineData("MeanSquaredLogarithmicError", typeof(MeanSquaredLogarithmicError))]
    [InlineData("mean_squared_logarithmic_error", typeof(MeanSquaredLogarithmicError))]
    [InlineData("msle", typeof(MeanSquaredLogarithmicError))]
    [InlineData("MSLE", typeof(MeanSquaredLogarithmicError))]
    [InlineData("LogCosh", typeof(LogCosh))]
    [InlineData("log_cosh", typeof(LogCosh))]
    [InlineData("Poisson", typeof(Poisson))]
    [InlineData("poisson", typeof(Poisson))]
    [InlineData("Hinge", typeof(Hinge))]
    [InlineData("hinge", typeof(Hinge))]
    [InlineData("SquaredHinge", typeof(SquaredHinge))]
    [InlineData("squared_hinge", typeof(SquaredHinge))]
    [InlineData("KLDivergence", typeof(KLDivergence))]
    [InlineData("kl_divergence", typeof(KLDivergence))]
    [InlineData("kld", typeof(KLDivergence))]
    [InlineData("KLD", typeof(KLDivergence))]
    public void Get_EveryKeras3NameAndAlias_GivesADefaultInstance(string identifier, Type type)
    {
        // SPEC E.1 table keys: class names, function names and the aliases mape/MAPE, msle/MSLE, kld/KLD.
        Loss loss = Losses.Get(identifier);
        Assert.IsType(type, loss);
        Assert.Equal(Reduction.SumOverBatchSize, loss.Reduction);
        Assert.Contains(identifier, Losses.Names);
        Assert.Equal(Make(type.Name).ToJson(), loss.ToJson());
        Assert.IsType(type, Losses.FromJson($"\"{identifier}\""));
        Assert.IsType(type, Losses.Get(identifier, LossSemantics.TfKeras2));
    }

    [Theory]
    [InlineData("logcosh", typeof(LogCosh))]
    [InlineData("kullback_leibler_divergence", typeof(KLDivergence))]
    public void Get_TfKeras2OnlyAliases_ResolveOnlyUnderTfKeras2(string identifier, Type type)
    {
        // SPEC E.1: Keras 3's get does not accept "logcosh" or "kullback_leibler_divergence"; SPEC E.2: tf.keras 2's does.
        var e = Assert.ThrowsAny<ArgumentException>(() => Losses.Get(identifier));
        Assert.Contains("tf.keras 2 name", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(identifier, Losses.Names);
        Loss loss = Losses.Get(identifier, LossSemantics.TfKeras2);
        Assert.IsType(type, loss);
        Assert.Equal(Reduction.Auto, loss.Reduction);
        Assert.Contains(identifier, Losses.TfKeras2Names);
    }

    [Fact]
    public void Get_CaseSensitiveMisspellings_SuggestTheName()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Losses.Get("kl_divergance"));
        Assert.Contains("Did you mean 'kl_divergence'?", e.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>(() => Losses.Get("Mape"));
    }
}
