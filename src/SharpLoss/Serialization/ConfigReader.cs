using System.Globalization;
using SharpLoss.Internals;

namespace SharpLoss.Serialization;

/// <summary>
/// Reads a Keras config (already parsed into plain values) for one class, tracking which keys were used so
/// that unknown keys are rejected as Keras's <c>cls(**config)</c> rejects them.
/// </summary>
internal sealed class ConfigReader
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly string _className;

    public ConfigReader(string className, IEnumerable<KeyValuePair<string, object?>> config, LossSemantics semantics)
    {
        _className = className;
        Semantics = semantics;
        foreach (KeyValuePair<string, object?> kv in config)
        {
            _values[kv.Key] = kv.Value;
        }
    }

    public LossSemantics Semantics { get; }

    /// <summary>Whether a config reads as tf.keras 2 (its reduction is "auto").</summary>
    public static bool LooksTfKeras2(IEnumerable<KeyValuePair<string, object?>> config)
    {
        foreach (KeyValuePair<string, object?> kv in config)
        {
            if (kv.Key == "reduction" && kv.Value is string s && s == "auto")
            {
                return true;
            }
        }

        return false;
    }

    public string? Name()
    {
        if (!TryGet("name", out object? v) || v is null)
        {
            return null;
        }

        return v as string ?? throw Bad("name", "a string", v);
    }

    public Reduction? Reduction()
    {
        if (!TryGet("reduction", out object? v))
        {
            return null;
        }

        return v switch
        {
            null => SharpLoss.Reduction.None,
            "none" => SharpLoss.Reduction.None,
            "sum" => SharpLoss.Reduction.Sum,
            "sum_over_batch_size" => SharpLoss.Reduction.SumOverBatchSize,
            "mean" => SharpLoss.Reduction.Mean,
            "mean_with_sample_weight" => SharpLoss.Reduction.MeanWithSampleWeight,
            "auto" => SharpLoss.Reduction.Auto,
            _ => throw new ArgumentException(
                $"Invalid value for argument `reduction` in the config of {_className}. Expected one of 'sum_over_batch_size', 'sum', 'mean', " +
                $"'mean_with_sample_weight', 'none', null (or 'auto' for tf.keras 2). Received: reduction={Describe(v)}.", "config"),
        };
    }

    public bool Bool(string key, bool fallback)
    {
        if (!TryGet(key, out object? v))
        {
            return fallback;
        }

        return v is bool b ? b : throw Bad(key, "true or false", v);
    }

    public double Double(string key, double fallback)
    {
        if (!TryGet(key, out object? v))
        {
            return fallback;
        }

        return v switch
        {
            double d => d,
            float f => f,
            int i => i,
            long l => l,
            decimal m => (double)m,
            _ => throw Bad(key, "a number", v),
        };
    }

    public int Int(string key, int fallback)
    {
        if (!TryGet(key, out object? v))
        {
            return fallback;
        }

        return v switch
        {
            int i => i,
            long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
            double d when d == Math.Floor(d) && Math.Abs(d) < int.MaxValue => (int)d,
            _ => throw Bad(key, "an integer", v),
        };
    }

    public long? NullableLong(string key)
    {
        if (!TryGet(key, out object? v) || v is null)
        {
            return null;
        }

        return v switch
        {
            int i => i,
            long l => l,
            double d when d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
            _ => throw Bad(key, "an integer or null", v),
        };
    }

    /// <summary>Marks a key as accepted and ignored (for example tf.keras's <c>"fn"</c>).</summary>
    public void Ignore(string key) => _used.Add(key);

    /// <summary>Throws when the config has keys the class does not take.</summary>
    public void Done(IReadOnlyList<string> accepted)
    {
        foreach (string key in _values.Keys)
        {
            if (!_used.Contains(key))
            {
                throw new ArgumentException(
                    $"Unknown key '{key}' in the config of {_className}. Expected keys: {string.Join(", ", accepted)}. Received: {string.Join(", ", _values.Keys)}.",
                    "config");
            }
        }
    }

    private bool TryGet(string key, out object? value)
    {
        _used.Add(key);
        return _values.TryGetValue(key, out value);
    }

    private ArgumentException Bad(string key, string expected, object? v) =>
        new($"Invalid value for `{key}` in the config of {_className}. Expected {expected}. Received: {Describe(v)}.", "config");

    private static string Describe(object? v) => v switch
    {
        null => "null",
        string s => $"'{s}'",
        double d => Py.Float(d),
        bool b => b ? "true" : "false",
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "?",
    };
}
