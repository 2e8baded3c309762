using System.Globalization;
using System.Text.Json;
using SharpLoss.Cli.Formats;

namespace SharpLoss.Cli.Tests;

/// <summary>list, config, config --convert, batch, --json, --histogram and the loss options taken from the library.</summary>
public class CommandTests : CliTestBase
{
    [Theory]
    [InlineData(new[] { "--help" }, "sharploss [command] [options]")]
    [InlineData(new[] { "-h" }, "sharploss [command] [options]")]
    [InlineData(new[] { "eval", "--help" }, "sharploss eval [<LOSS>] [options]")]
    [InlineData(new[] { "merge", "--help" }, "sharploss merge <STATE>... [options]")]
    [InlineData(new[] { "eval", "bce", "--help" }, "sharploss eval [<LOSS>] [options]")]
    public void Help_UsageNamesTheCommand_Sharploss(string[] args, string usage)
    {
        // In process the executable is the test host: its name must not reach the usage line either.
        var r = Run(args);
        Assert.True(r.Code == 0, r.Err);
        string[] lines = r.Out.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        int at = Array.IndexOf(lines, "Usage:");
        Assert.True(at >= 0, r.Out);
        Assert.Equal("  " + usage, lines[at + 1]);
        Assert.DoesNotContain(System.CommandLine.RootCommand.ExecutableName + " ", r.Out);
    }

    [Fact]
    public void List_ShowsEveryNameTheLibraryAccepts_WithOptionsAndDefaults()
    {
        var r = Run("list", "--json");
        Assert.True(r.Code == 0, r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        var names = doc.RootElement.EnumerateArray().SelectMany(e => e.GetProperty("names").EnumerateArray().Select(n => n.GetString())).ToHashSet();
        Assert.All(Losses.Names, n => Assert.Contains(n, names));
        JsonElement bce = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("loss").GetString() == "BinaryCrossentropy");
        Assert.Contains("bce", bce.GetProperty("names").EnumerateArray().Select(n => n.GetString()));
        Assert.False(bce.GetProperty("options").GetProperty("from_logits").GetBoolean());
        Assert.Equal(0, bce.GetProperty("options").GetProperty("label_smoothing").GetDouble());

        var table = Run("list");
        Assert.True(table.Code == 0, table.Err);
        Assert.Contains("--label-smoothing 0", table.Out);
        Assert.Contains("sparse_categorical_crossentropy", table.Out);
    }

    [Fact]
    public void Config_WritesTheLibrarysJson_WithOptionsAndSemantics()
    {
        var r = Run("config", "bce", "--from-logits", "--label-smoothing", "0.2");
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(new BinaryCrossentropy(fromLogits: true, labelSmoothing: 0.2).ToJson(), r.Out.Trim());

        var legacy = Run("config", "huber", "--delta", "2", "--semantics", "tfkeras2");
        Assert.True(legacy.Code == 0, legacy.Err);
        Assert.Equal(new Huber(delta: 2, semantics: LossSemantics.TfKeras2).ToJson(), legacy.Out.Trim());
    }

    [Fact]
    public void ConfigConvert_SwitchesEnvelopes_BothWays()
    {
        string keras3 = new BinaryCrossentropy(fromLogits: true).ToJson();
        var toLegacy = Run("config", "--convert", keras3);
        Assert.True(toLegacy.Code == 0, toLegacy.Err);
        Assert.Equal(new BinaryCrossentropy(fromLogits: true, semantics: LossSemantics.TfKeras2).ToJson(), toLegacy.Out.Trim());

        File.WriteAllText(PathOf("legacy.json"), toLegacy.Out);
        var back = Run("config", "--convert", PathOf("legacy.json"));
        Assert.True(back.Code == 0, back.Err);
        Assert.Equal(keras3, back.Out.Trim());
    }

    [Fact]
    public void Eval_WithConfig_EqualsTheSameLossByName()
    {
        string y = Npy("y.npy", NdArray.Of(Bits(200, 1), [100, 2])), p = Npy("p.npy", NdArray.Of(Floats(200, 2), [100, 2]));
        var byName = Run("eval", "bce", "--from-logits", "--label-smoothing", "0.1", "--y-true", y, "--y-pred", p);
        File.WriteAllText(PathOf("c.json"), new BinaryCrossentropy(fromLogits: true, labelSmoothing: 0.1).ToJson());
        var byConfig = Run("eval", "--config", PathOf("c.json"), "--y-true", y, "--y-pred", p);
        Assert.True(byName.Code == 0 && byConfig.Code == 0, byName.Err + byConfig.Err);
        Assert.Equal(byName.Out, byConfig.Out);
        var json = Run("eval", "bce", "--from-logits", "--label-smoothing", "0.1", "--y-true", y, "--y-pred", p, "--json");
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal(float.Parse(byName.Out.Trim(), CultureInfo.InvariantCulture), (float)doc.RootElement.GetProperty("value").GetDouble());
        Assert.Equal("float32", doc.RootElement.GetProperty("dtype").GetString());
        Assert.True(doc.RootElement.GetProperty("config").GetProperty("config").GetProperty("from_logits").GetBoolean());
    }

    [Fact]
    public void Eval_Histogram_CountsEverySample()
    {
        string y = Npy("y.npy", NdArray.Of(Bits(200, 1), [100, 2])), p = Npy("p.npy", NdArray.Of(Probabilities(200, 2), [100, 2]));
        var r = Run("eval", "bce", "--y-true", y, "--y-pred", p, "--histogram");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("per-sample losses (100)", r.Out);
        float[] values = [.. Enumerable.Range(0, 100).Select(i => (float)i), float.NaN, float.PositiveInfinity];
        var h = new Histogram();
        h.AddRange<float>(values);
        h.AddCounts<float>(values);
        Assert.Equal(102, h.Total);
        Assert.Equal(2, h.NonFinite);
        Assert.Equal((0, 99), (h.Low, h.High));
        Assert.All(h.Counts, c => Assert.Equal(10, c));

        // In blocks: the range over every block first, then the counts, give the same bins.
        var blocks = new Histogram();
        foreach (float[] part in values.Chunk(7))
        {
            blocks.AddRange<float>(part);
        }

        foreach (float[] part in values.Chunk(7))
        {
            blocks.AddCounts<float>(part);
        }

        Assert.Equal(h.Counts, blocks.Counts);
    }

    [Fact]
    public void Help_ListsTheLossOwnOptions()
    {
        var r = Run("eval", "binary_focal_crossentropy", "--help");
        Assert.Equal(0, r.Code);
        Assert.Contains("--gamma", r.Out);
        Assert.Contains("--apply-class-balancing", r.Out);
    }

    [Fact]
    public void Batch_OneLinePerCase_InOrder_ErrorsDoNotStopIt()
    {
        string bce = new BinaryCrossentropy(fromLogits: true).ToJson();
        string[] cases =
        [
            // keras.losses.BinaryCrossentropy docstring, from_logits: [[0, 1], [0, 0]] vs [[-18.6, 0.51], [2.94, -12.8]] gives 0.8654.
            $"{{\"config\": {bce}, \"y_true\": [[0, 1], [0, 0]], \"y_pred\": [[-18.6, 0.51], [2.94, -12.8]]}}",
            "{\"config\": \"bcee\", \"y_true\": [1], \"y_pred\": [1]}",
            // MeanSquaredError docstring with sample_weight [0.7, 0.3]: 0.25; its gradient 2·w·(p − y)/(D·N) per element.
            "{\"config\": \"mse\", \"y_true\": [[0, 1], [0, 0]], \"y_pred\": [[1, 1], [1, 0]], \"sample_weight\": [0.7, 0.3], \"grad\": true}",
            "{\"config\": \"mse\", \"y_true\": [[0, 1], [0]], \"y_pred\": [[1, 1], [1, 0]]}",
            $"{{\"config\": {new MeanAbsoluteError(reduction: Reduction.None).ToJson()}, \"y_true\": [[0, 1], [0, 0]], \"y_pred\": [[1, 1], [1, 0]]}}",
        ];
        var r = RunWithInput(string.Join("\n", cases) + "\n", "batch");
        Assert.Equal(0, r.Code);
        string[] lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        using (var d = JsonDocument.Parse(lines[0]))
        {
            Assert.Equal(0.8654, d.RootElement.GetProperty("value").GetDouble(), 1e-4);
            Assert.Equal(0, d.RootElement.GetProperty("shape").GetArrayLength());
        }

        Assert.Contains("Did you mean 'bce'?", JsonDocument.Parse(lines[1]).RootElement.GetProperty("error").GetString());
        using (var d = JsonDocument.Parse(lines[2]))
        {
            Assert.Equal(0.25, d.RootElement.GetProperty("value").GetDouble(), 1e-7);
            double[] g = [.. d.RootElement.GetProperty("grad").EnumerateArray().SelectMany(row => row.EnumerateArray()).Select(v => v.GetDouble())];
            // 2·w·(p − y)/(2·2): w 0.7 for row 0 (errors 1, 0), 0.3 for row 1 (errors 1, 0).
            Assert.Equal([0.35, 0, 0.15, 0], g.Select(v => Math.Round(v, 6)));
        }

        Assert.Contains("ragged", JsonDocument.Parse(lines[3]).RootElement.GetProperty("error").GetString());
        using (var d = JsonDocument.Parse(lines[4]))
        {
            // Per-sample MAE: rows (|1-0| + |1-1|)/2 = 0.5 and (|1-0| + 0)/2 = 0.5.
            Assert.Equal([0.5, 0.5], d.RootElement.GetProperty("value").EnumerateArray().Select(v => v.GetDouble()));
            Assert.Equal([2L], d.RootElement.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()));
        }
    }

    [Fact]
    public void Batch_TensorFlowFunctions_InTheSameEnvelope()
    {
        string[] cases =
        [
            // tf.nn.weighted_cross_entropy_with_logits, pos_weight q = 1.5, logits 0.5 (hand derivation): z = 1 gives
            // q·log(1 + e^-0.5) = 0.7111155, z = 0 gives 0.5 + log(1 + e^-0.5) = 0.974077; gradients
            // (1 - z) - (1 + (q - 1)z)·σ(-x) = -1.5·0.3775407 = -0.566311 and 1 - 0.3775407 = 0.6224593.
            "{\"config\": {\"module\": \"tf.nn\", \"class_name\": \"weighted_cross_entropy_with_logits\", \"config\": {\"pos_weight\": 1.5}}, \"y_true\": [[1, 0]], \"y_pred\": [[0.5, 0.5]], \"grad\": true}",
            // A required argument left out: an error line naming it.
            "{\"config\": {\"module\": \"tf.compat.v1.losses\", \"class_name\": \"cosine_distance\", \"config\": {}}, \"y_true\": [[1, 0]], \"y_pred\": [[0.5, 0.5]]}",
            // tf.compat.v1.losses.cosine_distance, axis 1: 1 - (1·0.5 + 0·0.5) = 0.5 (hand derivation).
            "{\"config\": {\"module\": \"tf.compat.v1.losses\", \"class_name\": \"cosine_distance\", \"config\": {\"axis\": 1}}, \"y_true\": [[1, 0]], \"y_pred\": [[0.5, 0.5]]}",
        ];
        var r = RunWithInput(string.Join("\n", cases) + "\n", "batch");
        Assert.Equal(0, r.Code);
        string[] lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        using (var d = JsonDocument.Parse(lines[0]))
        {
            double[] v = [.. d.RootElement.GetProperty("value").EnumerateArray().SelectMany(row => row.EnumerateArray()).Select(x => x.GetDouble())];
            double[] g = [.. d.RootElement.GetProperty("grad").EnumerateArray().SelectMany(row => row.EnumerateArray()).Select(x => x.GetDouble())];
            Assert.Equal(0.7111155, v[0], 1e-6);
            Assert.Equal(0.974077, v[1], 1e-6);
            Assert.Equal(-0.566311, g[0], 1e-6);
            Assert.Equal(0.6224593, g[1], 1e-6);
        }

        Assert.Contains("axis", JsonDocument.Parse(lines[1]).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0.5, JsonDocument.Parse(lines[2]).RootElement.GetProperty("value").GetDouble(), 1e-7);
    }
}
