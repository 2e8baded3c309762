using System.Collections;
using System.Globalization;
using System.Numerics;
using SharpLoss.Internals;

namespace SharpLoss.Serialization;

/// <summary>
/// Reads a Keras config (already parsed into plain values) for one class, tracking which keys were used so
/// that unknown keys are rejected as Keras's <c>cls(**config)</c> rejects them. Every error is an
/// <see cref="ArgumentException"/> naming <see cref="ParamName"/> (<c>config</c> for <c>FromConfig</c>, <c>json</c>
/// for <c>FromJson</c>).
/// </summary>
internal sealed class ConfigReader
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);
    private readonly List<string> _keys = [];
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly string _className;

    /// <summary>Takes the config's pairs; a null key or a key given twice is rejected.</summary>
    public ConfigReader(string className, IEnumerable<KeyValuePair<string, object?>> config, LossSemantics semantics, string paramName)
    {
        _className = className;
        Semantics = semantics;
        ParamName = paramName;
        foreach (KeyValuePair<string, object?> kv in config)
        {
            if (kv.Key is null)
            {
                throw new ArgumentException($"The config of {className} has a null key. Expected string keys.", paramName);
            }

            if (!_values.TryAdd(kv.Key, kv.Value))
            {
                throw new ArgumentException($"Duplicate key {JsonFormat.Quote(kv.Key)} in the config of {className}: a key may appear only once.", paramName);
            }

            _keys.Add(kv.Key);
        }
    }

    public LossSemantics Semantics { get; }

    /// <summary>The parameter the errors name.</summary>
    public string ParamName { get; }

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

        return v as string ?? throw Bad("name", "a string or null", v);
    }

    /// <summary>The reduction, checked against <see cref="Semantics"/> (Keras 3 rejects "auto"; tf.keras 2 has no "mean"
    /// or "mean_with_sample_weight").</summary>
    public Reduction? Reduction()
    {
        if (!TryGet("reduction", out object? v))
        {
            return null;
        }

        Reduction reduction = v switch
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
                $"'mean_with_sample_weight', 'none', null (or 'auto' for tf.keras 2). Received: reduction={Describe(v)}.", ParamName),
        };

        if (Semantics == LossSemantics.Keras3 && reduction == SharpLoss.Reduction.Auto)
        {
            throw new ArgumentException(
                $"Invalid value for argument `reduction` in the config of {_className}: 'auto' is the tf.keras 2.x default, which Keras 3 rejects " +
                "(Keras 3 expects one of 'sum_over_batch_size', 'sum', 'mean', 'mean_with_sample_weight', 'none', null). Received: reduction='auto' " +
                "with LossSemantics.Keras3 requested. Read the config with LossSemantics.TfKeras2, or without a semantics to let 'auto' select tf.keras 2.",
                ParamName);
        }

        if (Semantics == LossSemantics.TfKeras2 && reduction is SharpLoss.Reduction.Mean or SharpLoss.Reduction.MeanWithSampleWeight)
        {
            throw new ArgumentException(
                $"Invalid value for argument `reduction` in the config of {_className}: tf.keras 2.x expects one of 'auto', 'none', 'sum', " +
                $"'sum_over_batch_size'. Received: reduction={Describe(v)} with LossSemantics.TfKeras2 (the reduction exists in Keras 3.7+ only; " +
                "read the config with LossSemantics.Keras3).",
                ParamName);
        }

        return reduction;
    }

    /// <summary>A <c>tf.compat.v1.losses.Reduction</c> string (<c>"weighted_sum_by_nonzero_weights"</c>, …).</summary>
    public CompatV1.Reduction V1Reduction(string key, CompatV1.Reduction fallback)
    {
        if (!TryGet(key, out object? v))
        {
            return fallback;
        }

        return v switch
        {
            "none" => CompatV1.Reduction.None,
            "weighted_sum" => CompatV1.Reduction.Sum,
            "weighted_mean" => CompatV1.Reduction.Mean,
            "weighted_sum_over_batch_size" => CompatV1.Reduction.SumOverBatchSize,
            "weighted_sum_by_nonzero_weights" => CompatV1.Reduction.SumByNonzeroWeights,
            _ => throw new ArgumentException(
                $"Invalid Reduction Key {Describe(v)} in the config of {_className}. Key should be one of (none, weighted_sum, weighted_mean, " +
                "weighted_sum_over_batch_size, weighted_sum_by_nonzero_weights).", ParamName),
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
            decimal m => (double)m,
            BigInteger b => (double)b,
            _ when TryGetInteger(v, out long l) => l,
            _ => throw Bad(key, "a number", v),
        };
    }

    public int Int(string key, int fallback)
    {
        if (!TryGet(key, out object? v))
        {
            return fallback;
        }

        return TryGetInteger(v, out long l) && l is >= int.MinValue and <= int.MaxValue
            ? (int)l
            : throw Bad(key, "a 32-bit integer", v);
    }

    /// <summary>A focal loss's <c>alpha</c>: a number, or a list of numbers (null reads as the default).</summary>
    public FocalAlpha? Alpha(string key)
    {
        if (!TryGet(key, out object? v) || v is null)
        {
            return null;
        }

        if (v is not string && v is IEnumerable list)
        {
            var weights = new List<double>();
            foreach (object? item in list)
            {
                weights.Add(item switch
                {
                    double d => d,
                    float f => f,
                    decimal m => (double)m,
                    BigInteger b => (double)b,
                    _ when TryGetInteger(item, out long l) => l,
                    _ => throw Bad(key, "a number or a list of numbers", v),
                });
            }

            return new FocalAlpha(weights);
        }

        return new FocalAlpha(v switch
        {
            double d => d,
            float f => f,
            decimal m => (double)m,
            BigInteger b => (double)b,
            _ when TryGetInteger(v, out long l) => l,
            _ => throw Bad(key, "a number or a list of numbers", v),
        });
    }

    /// <summary>A number or null (an argument not given, e.g. a required one configured later).</summary>
    public double? NullableDouble(string key) => TryGet(key, out object? v) && v is null ? null : Double(key, double.NaN);

    public int? NullableInt(string key)
    {
        if (!TryGet(key, out object? v) || v is null)
        {
            return null;
        }

        return TryGetInteger(v, out long l) && l is >= int.MinValue and <= int.MaxValue
            ? (int)l
            : throw Bad(key, "a 32-bit integer or null", v);
    }

    /// <summary>An axis or a set of axes: an integer (one axis), a list of integers (Keras's tuple axis) or null (every axis).</summary>
    public IReadOnlyList<int>? NullableAxes(string key, IReadOnlyList<int>? fallback)
    {
        if (!TryGet(key, out object? v))
        {
            return fallback;
        }

        if (v is null)
        {
            return null;
        }

        if (TryGetInteger(v, out long single) && single is >= int.MinValue and <= int.MaxValue)
        {
            return [(int)single];
        }

        if (v is System.Collections.IEnumerable list and not string)
        {
            var axes = new List<int>();
            foreach (object? item in list)
            {
                if (!TryGetInteger(item, out long l) || l is < int.MinValue or > int.MaxValue)
                {
                    throw Bad(key, "an integer, a list of integers or null", v);
                }

                axes.Add((int)l);
            }

            return axes;
        }

        throw Bad(key, "an integer, a list of integers or null", v);
    }

    /// <summary>Whether the config has <paramref name="key"/> (without marking it read).</summary>
    public bool Contains(string key) => _values.ContainsKey(key);

    /// <summary>Marks a key as accepted and ignored (for example tf.keras's <c>"fn"</c>).</summary>
    public void Ignore(string key) => _used.Add(key);

    /// <summary>Throws when the config has keys the class does not take.</summary>
    public void Done(IReadOnlyList<string> accepted)
    {
        foreach (string key in _keys)
        {
            if (!_used.Contains(key))
            {
                string semantics = Semantics == LossSemantics.TfKeras2 ? " (tf.keras 2.x)" : string.Empty;
                throw new ArgumentException(
                    $"Unknown key {JsonFormat.Quote(key)} in the config of {_className}{semantics}. Expected keys: {string.Join(", ", accepted)}. " +
                    $"Received: {string.Join(", ", _keys.Select(JsonFormat.Quote))}.",
                    ParamName);
            }
        }
    }

    /// <summary>An error about the value of <paramref name="key"/>.</summary>
    public ArgumentException Bad(string key, string expected, object? v) =>
        new($"Invalid value for `{key}` in the config of {_className}. Expected {expected}. Received: {Describe(v)}.", ParamName);

    /// <summary>A config value as the messages show it.</summary>
    public static string Describe(object? v) => v switch
    {
        null => "null",
        string s => $"'{(s.Length <= 100 ? s : string.Concat(s.AsSpan(0, 100), "…"))}'",
        double d => Py.Float(d),
        float f => Py.Float(f),
        bool b => b ? "true" : "false",
        BigInteger b => Clip(b.ToString(CultureInfo.InvariantCulture)),
        sbyte or byte or short or ushort or int or uint or long or ulong or decimal => Convert.ToString(v, CultureInfo.InvariantCulture)!,
        IDictionary or IDictionary<string, object?> or IReadOnlyDictionary<string, object?> => "an object",
        IEnumerable => "an array",
        _ => $"a value of type {v.GetType().Name}",
    };

    private static string Clip(string s) => s.Length <= 40 ? s : $"{s.AsSpan(0, 20)}…({s.Length} digits)";

    /// <summary>An integral value of any .NET integer type, an integral float or a <see cref="BigInteger"/> within
    /// the range of <see cref="long"/>.</summary>
    private static bool TryGetInteger(object? v, out long value)
    {
        switch (v)
        {
            case int i: value = i; return true;
            case long l: value = l; return true;
            case short s: value = s; return true;
            case sbyte sb: value = sb; return true;
            case byte b: value = b; return true;
            case ushort us: value = us; return true;
            case uint ui: value = ui; return true;
            case ulong ul when ul <= long.MaxValue: value = (long)ul; return true;
            case BigInteger big when big >= long.MinValue && big <= long.MaxValue: value = (long)big; return true;
            case double d when d == Math.Floor(d) && d >= -9.2e18 && d <= 9.2e18: value = (long)d; return true;
            case float f when f == MathF.Floor(f) && f >= -9.2e18f && f <= 9.2e18f: value = (long)f; return true;
            case decimal m when m == decimal.Floor(m) && m >= long.MinValue && m <= long.MaxValue: value = (long)m; return true;
            default: value = 0; return false;
        }
    }

    private bool TryGet(string key, out object? value)
    {
        _used.Add(key);
        return _values.TryGetValue(key, out value);
    }
}
