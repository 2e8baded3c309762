namespace SharpLoss.Serialization;

/// <summary>Collects a loss's config keys in order.</summary>
internal sealed class ConfigWriter(LossSemantics semantics)
{
    public LossSemantics Semantics { get; } = semantics;

    public OrderedDictionary<string, object?> Config { get; } = new(StringComparer.Ordinal);

    public void Add(string key, object? value) => Config.Add(key, value);
}
