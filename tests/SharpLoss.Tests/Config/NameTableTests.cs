// Every identifier of SPEC E.1 (Keras 3 get: class names, function names, aliases; function and LossFunctionWrapper
// envelopes) and E.2 (tf.keras 2's extra aliases), and Model.compile's "crossentropy" / "ce" (E.1, last paragraph).
// Circle and CTC are left out here (their classes are added separately).

namespace SharpLoss.Tests.Config;

public class NameTableTests
{
    /// <summary>SPEC E.1 class names and the class each gives.</summary>
    public static readonly string[] Keras3ClassNames =
    [
        "KLDivergence", "Poisson", "BinaryCrossentropy", "BinaryFocalCrossentropy", "CategoricalCrossentropy", "CategoricalFocalCrossentropy",
        "SparseCategoricalCrossentropy", "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError",
        "CosineSimilarity", "LogCosh", "Huber", "Hinge", "SquaredHinge", "CategoricalHinge", "Dice", "Tversky",
    ];

    /// <summary>SPEC E.1 function names and aliases → class name.</summary>
    public static readonly (string Name, string Class)[] Keras3FunctionNames =
    [
        ("kl_divergence", "KLDivergence"), ("poisson", "Poisson"), ("binary_crossentropy", "BinaryCrossentropy"),
        ("binary_focal_crossentropy", "BinaryFocalCrossentropy"), ("categorical_crossentropy", "CategoricalCrossentropy"),
        ("categorical_focal_crossentropy", "CategoricalFocalCrossentropy"), ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"),
        ("mean_squared_error", "MeanSquaredError"), ("mean_absolute_error", "MeanAbsoluteError"), ("mean_absolute_percentage_error", "MeanAbsolutePercentageError"),
        ("mean_squared_logarithmic_error", "MeanSquaredLogarithmicError"), ("cosine_similarity", "CosineSimilarity"), ("log_cosh", "LogCosh"),
        ("huber", "Huber"), ("hinge", "Hinge"), ("squared_hinge", "SquaredHinge"), ("categorical_hinge", "CategoricalHinge"), ("dice", "Dice"),
        ("tversky", "Tversky"),
        ("bce", "BinaryCrossentropy"), ("BCE", "BinaryCrossentropy"), ("kld", "KLDivergence"), ("KLD", "KLDivergence"), ("mae", "MeanAbsoluteError"),
        ("MAE", "MeanAbsoluteError"), ("mse", "MeanSquaredError"), ("MSE", "MeanSquaredError"), ("mape", "MeanAbsolutePercentageError"),
        ("MAPE", "MeanAbsolutePercentageError"), ("msle", "MeanSquaredLogarithmicError"), ("MSLE", "MeanSquaredLogarithmicError"),
    ];

    /// <summary>SPEC E.2 names tf.keras 2's get resolves and Keras 3's rejects.</summary>
    public static readonly (string Name, string Class)[] TfKeras2OnlyNames =
    [
        ("kullback_leibler_divergence", "KLDivergence"), ("logcosh", "LogCosh"), ("huber_loss", "Huber"), ("cosine_proximity", "CosineSimilarity"), ("cosine", "CosineSimilarity"),
    ];

    public static IEnumerable<object[]> ClassRows() => Keras3ClassNames.Select(c => new object[] { c });

    public static IEnumerable<object[]> FunctionRows() => Keras3FunctionNames.Select(f => new object[] { f.Name, f.Class });

    public static IEnumerable<object[]> TfKeras2Rows() => TfKeras2OnlyNames.Select(f => new object[] { f.Name, f.Class });

    [Theory]
    [MemberData(nameof(ClassRows))]
    public void ClassName_GetsTheClass_UnderBothSemantics(string name)
    {
        Assert.Equal(name, Losses.Get(name).ClassName);
        if (name is not ("Dice" or "Tversky")) // Keras 3 only (SPEC B.23)
        {
            Assert.Equal(name, Losses.Get(name, LossSemantics.TfKeras2).ClassName);
        }

        Assert.Contains(name, Losses.Names);
        Assert.Equal(name, Losses.FromJson($"{{\"module\": \"keras.losses\", \"class_name\": \"{name}\", \"config\": {{}}, \"registered_name\": null}}").ClassName);
    }

    [Theory]
    [MemberData(nameof(FunctionRows))]
    public void FunctionNameOrAlias_GetsItsClass_InEveryForm(string name, string cls)
    {
        Assert.Equal(cls, Losses.Get(name).ClassName);
        if (cls is not ("Dice" or "Tversky")) // Keras 3 only (SPEC B.23)
        {
            Assert.Equal(cls, Losses.Get(name, LossSemantics.TfKeras2).ClassName);
        }

        Assert.Contains(name, Losses.Names);
        Assert.Equal(cls, Losses.FromJson($"\"{name}\"").ClassName);
        Assert.Equal(cls, Losses.FromJson($"{{\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"{name}\", \"registered_name\": \"function\"}}").ClassName);
        Loss wrapped = Losses.FromJson(
            $"{{\"module\": \"keras.src.losses.losses\", \"class_name\": \"LossFunctionWrapper\", \"config\": {{\"name\": \"w\", \"reduction\": \"sum\", \"fn\": " +
            $"{{\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"{name}\", \"registered_name\": \"function\"}}}}, \"registered_name\": \"LossFunctionWrapper\"}}");
        Assert.Equal(cls, wrapped.ClassName);
        Assert.Equal("w", wrapped.Name);
        Assert.Equal(Reduction.Sum, wrapped.Reduction);
    }

    [Theory]
    [MemberData(nameof(TfKeras2Rows))]
    public void TfKeras2Alias_ResolvesOnlyUnderTfKeras2(string name, string cls)
    {
        Assert.Equal(cls, Losses.Get(name, LossSemantics.TfKeras2).ClassName);
        Assert.Contains(name, Losses.TfKeras2Names);
        Assert.DoesNotContain(name, Losses.Names);
        var e = Assert.Throws<ArgumentException>(() => Losses.Get(name));
        Assert.Contains("tf.keras 2 name", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CategoricalGeneralizedCrossEntropy")]
    [InlineData("categorical_generalized_cross_entropy")]
    [InlineData("Loss")]
    [InlineData("LossFunctionWrapper")]
    public void NamesKeras3GetRejects_AreRejectedWithAReason(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => Losses.Get(name));
        Assert.Equal("identifier", e.ParamName);
        Assert.True(e.Message.Contains("does not resolve", StringComparison.Ordinal) || e.Message.Contains("does not implement", StringComparison.Ordinal), e.Message);
    }

    [Theory]
    [InlineData("binary_crossentropx", "binary_crossentropy")]
    [InlineData("MeanSquaredErorr", "MeanSquaredError")]
    [InlineData("tf.nn.log_poison_loss", "tf.nn.log_poisson_loss")]
    public void UnknownName_SuggestsTheClosest(string name, string suggestion)
    {
        var e = Assert.Throws<ArgumentException>(() => Losses.Get(name));
        Assert.Contains($"Did you mean '{suggestion}'", e.Message, StringComparison.Ordinal);
    }

    // ---- Model.compile's "crossentropy" / "ce" ----

    [Theory]
    [InlineData("crossentropy", new[] { 8, 1 }, new[] { 8, 1 }, "BinaryCrossentropy")]     // y_pred last dimension 1
    [InlineData("ce", new[] { 8 }, new[] { 8, 1 }, "BinaryCrossentropy")]                  // binary wins over the rank rule
    [InlineData("crossentropy", new[] { 8 }, new[] { 8, 5 }, "SparseCategoricalCrossentropy")]       // rank(y_true) < rank(y_pred)
    [InlineData("CrossEntropy", new[] { 8, 1 }, new[] { 8, 5 }, "SparseCategoricalCrossentropy")]    // y_true last 1, y_pred last > 1
    [InlineData("CE", new[] { 8, 5 }, new[] { 8, 5 }, "CategoricalCrossentropy")]
    [InlineData("crossentropy", new[] { 2, 7, 5 }, new[] { 2, 7, 5 }, "CategoricalCrossentropy")]
    [InlineData("crossentropy", new[] { 2, 7 }, new[] { 2, 7, 5 }, "SparseCategoricalCrossentropy")]
    public void ForCompile_Crossentropy_PicksAsModelCompile(string identifier, int[] yTrue, int[] yPred, string expected)
    {
        Loss loss = Losses.ForCompile(identifier, yTrue, yPred);
        Assert.Equal(expected, loss.ClassName);
        Assert.Equal(identifier, loss.Name); // LossFunctionWrapper(fn, name=identifier)
        Assert.Equal(Reduction.SumOverBatchSize, loss.Reduction);
    }

    [Fact]
    public void ForCompile_OtherIdentifiers()
    {
        Loss mse = Losses.ForCompile("mse", [4], [4]);
        Assert.Equal("MeanSquaredError", mse.ClassName);
        Assert.Equal("mse", mse.Name);
        Assert.Equal("mean_squared_error", Losses.ForCompile("MeanSquaredError", [4], [4]).Name);
        Assert.Equal("tf.nn.log_poisson_loss", "tf.nn." + Losses.ForCompile("tf.nn.log_poisson_loss", [4], [4]).ClassName);
        Assert.Equal("mean_squared_error", Losses.ForCompile("mse", [4], [4], LossSemantics.TfKeras2).Name);
        var tfk = Assert.Throws<ArgumentException>(() => Losses.ForCompile("crossentropy", [4], [4, 1], LossSemantics.TfKeras2));
        Assert.Equal("identifier", tfk.ParamName);
        var unknown = Assert.Throws<ArgumentException>(() => Losses.ForCompile("crossentropi", [4], [4, 1]));
        Assert.Contains("Did you mean", unknown.Message, StringComparison.Ordinal);
        Assert.Equal("yPredShape", Assert.Throws<ArgumentException>(() => Losses.ForCompile("ce", [], [])).ParamName);
        Assert.Throws<ArgumentNullException>(() => Losses.ForCompile(null!, [1], [1]));

        // The chosen loss computes as the class itself: BCE on (3, 1) probabilities.
        float[,] y = { { 0 }, { 1 }, { 1 } }, p = { { 0.2f }, { 0.6f }, { 0.9f } };
        Assert.Equal(new BinaryCrossentropy().Compute(y, p), Losses.ForCompile("ce", [3, 1], [3, 1]).Compute(y, p));
    }
}
