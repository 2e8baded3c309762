using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;
using SharpLoss.Internals;

namespace SharpLoss.Serialization;

/// <summary>Writes JSON exactly as Python's <c>json.dumps</c> does by default (", " and ": " separators, ASCII only).</summary>
internal static class JsonFormat
{
    public static string Envelope(string className, OrderedDictionary<string, object?> config, bool legacy, string module = "keras.losses", string? registeredName = null)
    {
        var sb = new StringBuilder("{");
        if (!legacy)
        {
            sb.Append("\"module\": ");
            WriteString(sb, module);
            sb.Append(", ");
        }

        sb.Append("\"class_name\": ");
        WriteString(sb, className);
        sb.Append(", \"config\": ");
        Value(sb, config);
        if (!legacy)
        {
            sb.Append(", \"registered_name\": ");
            if (registeredName is null)
            {
                sb.Append("null");
            }
            else
            {
                WriteString(sb, registeredName);
            }
        }

        return sb.Append('}').ToString();
    }

    public static string Object(OrderedDictionary<string, object?> config)
    {
        var sb = new StringBuilder();
        Value(sb, config);
        return sb.ToString();
    }

    private static void Value(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case string s:
                WriteString(sb, s);
                break;
            case double d:
                sb.Append(Py.Float(d));
                break;
            case float f:
                sb.Append(Py.Float(f));
                break;
            case int or long or BigInteger:
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case OrderedDictionary<string, object?> dict:
                sb.Append('{');
                bool first = true;
                foreach (KeyValuePair<string, object?> kv in dict)
                {
                    if (!first)
                    {
                        sb.Append(", ");
                    }

                    first = false;
                    WriteString(sb, kv.Key);
                    sb.Append(": ");
                    Value(sb, kv.Value);
                }

                sb.Append('}');
                break;
            case IEnumerable list:
                sb.Append('[');
                bool firstItem = true;
                foreach (object? item in list)
                {
                    if (!firstItem)
                    {
                        sb.Append(", ");
                    }

                    firstItem = false;
                    Value(sb, item);
                }

                sb.Append(']');
                break;
            default:
                throw new NotSupportedException($"Cannot serialize a config value of type {value.GetType()}.");
        }
    }

    /// <summary>Writes <paramref name="s"/> as a JSON string literal, escaped as <c>json.dumps</c> does (ASCII only; every
    /// other UTF-16 unit, a lone surrogate included, as <c>\uXXXX</c>).</summary>
    public static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>A key or string as the messages show it: in double quotes, escaped as JSON, clipped to 100 characters.</summary>
    public static string Quote(string s)
    {
        string shown = s.Length <= 100 ? s : string.Concat(s.AsSpan(0, 100), "…");
        var sb = new StringBuilder();
        WriteString(sb, shown);
        return sb.ToString();
    }
}
