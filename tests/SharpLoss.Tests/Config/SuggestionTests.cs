// Unknown loss names: the message suggests the closest known names and still lists them all, and the exception names
// the .NET parameter (identifier for Get, json for FromJson, className for FromConfig). The known names are those of
// SPEC E.1 (Keras 3 get's table, for the six classes SharpLoss implements) and E.2 ("huber_loss", tf.keras 2 only).

namespace SharpLoss.Tests.Config;

public class SuggestionTests
{
    [Theory]
    [InlineData("binary_crossentropyy", "'binary_crossentropy'")]
    [InlineData("binary-crossentropy", "'binary_crossentropy'")]
    [InlineData("binary_crosentropy", "'binary_crossentropy'")]
    [InlineData("binray_crossentropy", "'binary_crossentropy'")]
    [InlineData("BinaryCrossEntropy", "'BinaryCrossentropy'")]
    [InlineData("categorical_crossentrophy", "'categorical_crossentropy'")]
    [InlineData("sparse_categorical_crossentropy ", "'sparse_categorical_crossentropy'")]
    [InlineData("mean_squared_eror", "'mean_squared_error'")]
    [InlineData("MeanAbsoluteErorr", "'MeanAbsoluteError'")]
    [InlineData("hubr", "'huber'")]
    [InlineData("Huber_", "'Huber'")]
    [InlineData("Bce", "'bce'")]
    [InlineData("Mse", "'mse'")]
    [InlineData(" mse", "'mse'")]
    [InlineData("maee", "'mae'")]
    [InlineData("huber_loss", "'huber'")]
    public void Get_Misspelled_SuggestsTheClosestNameAndListsAll(string identifier, string suggestion)
    {
        var e = Assert.Throws<ArgumentException>(() => Losses.Get(identifier));
        Assert.Equal("identifier", e.ParamName);
        Assert.Contains($"'{identifier}'", e.Message, StringComparison.Ordinal);
        int didYouMean = e.Message.IndexOf("Did you mean ", StringComparison.Ordinal);
        Assert.True(didYouMean >= 0, e.Message);
        int end = e.Message.IndexOf('?', didYouMean);
        Assert.Contains(suggestion, e.Message[didYouMean..end], StringComparison.Ordinal);

        // The full list is still there.
        Assert.Contains($"Expected one of: {string.Join(", ", Losses.Names)}.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_HuberLossUnderKeras3_SaysItIsATfKeras2Name()
    {
        // SPEC E.1: Keras 3's get rejects "huber_loss"; SPEC E.2: tf.keras 2's resolves it.
        var e = Assert.Throws<ArgumentException>(() => Losses.Get("huber_loss"));
        Assert.Contains("TfKeras2", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("crossentropy")]
    [InlineData("ce")]
    [InlineData("CE")]
    public void Get_CompileOnlyNames_PointToTheThreeCrossentropies(string identifier)
    {
        // SPEC E.1: Model.compile accepts "crossentropy"/"ce" and picks one of the three from the shapes; get does not.
        var e = Assert.Throws<ArgumentException>(() => Losses.Get(identifier));
        Assert.Contains("compile", e.Message, StringComparison.Ordinal);
        Assert.Contains("'sparse_categorical_crossentropy'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("xyz")]
    [InlineData("")]
    [InlineData("q")]
    public void Get_NothingClose_ListsTheNamesWithoutASuggestion(string identifier)
    {
        var e = Assert.Throws<ArgumentException>(() => Losses.Get(identifier));
        Assert.DoesNotContain("Did you mean", e.Message, StringComparison.Ordinal);
        Assert.Contains("Expected one of: BCE, BinaryCrossentropy,", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_KerasLossSharpLossLacks_SaysSo()
    {
        // SPEC E.1 lists LossFunctionWrapper among the names Keras 3's get resolves.
        var e = Assert.Throws<ArgumentException>(() => Losses.Get("LossFunctionWrapper"));
        Assert.Contains("does not implement", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_HugeName_AnswersQuickly()
    {
        // The distance is bounded by the length difference, so a long name is not compared character by character.
        string name = new('a', 2_000_000);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<ArgumentException>(() => Losses.Get(name));
        Assert.True(watch.ElapsedMilliseconds < 2000, $"{watch.ElapsedMilliseconds} ms");
        Assert.True(e.Message.Length < 2000, $"message of {e.Message.Length} characters");
    }

    [Fact]
    public void FromJson_UnknownBareString_SuggestsAndNamesJson()
    {
        var e = Assert.Throws<ArgumentException>(() => Losses.FromJson("\"binary_crossentropyy\""));
        Assert.Equal("json", e.ParamName);
        Assert.Contains("Did you mean 'binary_crossentropy'?", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_UnknownClassName_SuggestsAndNamesJson()
    {
        var e = Assert.Throws<ArgumentException>(() => Losses.FromJson("{\"module\": \"keras.losses\", \"class_name\": \"BinaryCrossEntropy\", \"config\": {}, \"registered_name\": null}"));
        Assert.Equal("json", e.ParamName);
        Assert.Contains("Did you mean 'BinaryCrossentropy'?", e.Message, StringComparison.Ordinal);
        Assert.Contains("Expected one of: BinaryCrossentropy, ", e.Message, StringComparison.Ordinal);
        Assert.Contains("SparseCategoricalCrossentropy", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_UnknownFunctionOrWrapperFn_SuggestsAndNamesJson()
    {
        var f = Assert.Throws<ArgumentException>(() => Losses.FromJson("{\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"mean_absolute_eror\", \"registered_name\": \"function\"}"));
        Assert.Equal("json", f.ParamName);
        Assert.Contains("Did you mean 'mean_absolute_error'?", f.Message, StringComparison.Ordinal);

        var w = Assert.Throws<ArgumentException>(() => Losses.FromJson("{\"module\": \"keras.src.losses.losses\", \"class_name\": \"LossFunctionWrapper\", \"config\": {\"name\": \"m\", \"reduction\": \"sum\", \"fn\": \"mean_squard_error\"}, \"registered_name\": \"LossFunctionWrapper\"}"));
        Assert.Equal("json", w.ParamName);
        Assert.Contains("Did you mean 'mean_squared_error'?", w.Message, StringComparison.Ordinal);

        var d = Assert.Throws<ArgumentException>(() => Losses.FromJson("{\"class_name\": \"LossFunctionWrapper\", \"config\": {\"name\": \"m\", \"fn\": {\"class_name\": \"function\", \"config\": \"hubber\"}}}"));
        Assert.Equal("json", d.ParamName);
        Assert.Contains("Did you mean 'huber'?", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfig_UnknownClass_SuggestsAndNamesClassName()
    {
        var e = Assert.Throws<ArgumentException>(() => Losses.FromConfig("MeanSquaredErrror", []));
        Assert.Equal("className", e.ParamName);
        Assert.Contains("Did you mean 'MeanSquaredError'?", e.Message, StringComparison.Ordinal);
        var alias = Assert.Throws<ArgumentException>(() => Losses.FromConfig("mean_squared_error", []));
        Assert.Contains("Did you mean 'MeanSquaredError'?", alias.Message, StringComparison.Ordinal);
    }
}
