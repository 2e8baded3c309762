using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SharpLoss.Cli;

/// <summary>
/// Builds losses from what the library knows: a name <see cref="Losses.Get(string, LossSemantics)"/> accepts, its
/// <see cref="Loss.GetConfig"/> keys as options (with their defaults), or a Keras config read by
/// <see cref="Losses.FromJson(string, LossSemantics?)"/>. Nothing about a particular loss is written here.
/// </summary>
internal static class LossResolver
{
    public static LossSemantics? ParseSemantics(string? text) => text switch
    {
        null => null,
        "keras3" or "keras" => LossSemantics.Keras3,
        "tfkeras2" or "tf.keras2" or "tf_keras" => LossSemantics.TfKeras2,
        _ => throw new CliException($"--semantics: expected 'keras3' or 'tfkeras2'. Received: '{text}'."),
    };

    public static Loss Get(string name, LossSemantics? semantics)
    {
        try
        {
            return Losses.Get(name, semantics ?? LossSemantics.Keras3);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"Unknown loss '{name}'. {Plain(e)}", e);
        }
    }

    /// <summary>A config given as a file or as JSON text.</summary>
    public static Loss FromConfig(string fileOrJson, LossSemantics? semantics)
    {
        string text = fileOrJson;
        string trimmed = fileOrJson.TrimStart();
        if (!(trimmed.StartsWith('{') || trimmed.StartsWith('"')))
        {
            if (!File.Exists(fileOrJson))
            {
                throw new CliException($"--config: no such file '{fileOrJson}' (and not JSON text).");
            }

            text = File.ReadAllText(fileOrJson);
        }

        try
        {
            return Losses.FromJson(text, semantics);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--config: {Plain(e)}", e);
        }
    }

    /// <summary>The loss's options: its config keys and their defaults, as the library writes them.</summary>
    public static IEnumerable<KeyValuePair<string, object?>> Options(Loss loss) => loss.GetConfig();

    /// <summary>The flag of a config key: <c>from_logits</c> → <c>--from-logits</c>.</summary>
    public static string Flag(string key) => "--" + key.Replace('_', '-');

    /// <summary>The loss with some config keys replaced (values as typed on the command line).</summary>
    public static Loss With(Loss loss, IReadOnlyDictionary<string, string> values, LossSemantics? semantics)
    {
        if (values.Count == 0)
        {
            return loss;
        }

        JsonNode root = JsonNode.Parse(loss.ToJson())!;
        JsonObject config = root["config"]!.AsObject();
        OrderedDictionary<string, object?> defaults = loss.GetConfig();
        foreach (var (key, text) in values)
        {
            config[key] = Value(text, defaults.GetValueOrDefault(key));
        }

        try
        {
            return Losses.FromJson(root.ToJsonString(), semantics ?? loss.Semantics);
        }
        catch (ArgumentException e)
        {
            throw new CliException(Plain(e), e);
        }
    }

    /// <summary>A command-line value as JSON: numbers, true/false/null and JSON arrays or strings as such; other text as a
    /// string; text for a key whose default is a string stays a string.</summary>
    private static JsonNode? Value(string text, object? def)
    {
        if (def is string)
        {
            return JsonValue.Create(text);
        }

        if (def is bool && bool.TryParse(text, out bool b))
        {
            return JsonValue.Create(b);
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    /// <summary>Text for a default in help and listings.</summary>
    public static string Show(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => s,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Show)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>An exception's message without .NET's " (Parameter 'x')" suffix.</summary>
    public static string Plain(Exception e)
    {
        string m = e.Message;
        int i = m.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        return i >= 0 ? m[..i] : m;
    }
}
