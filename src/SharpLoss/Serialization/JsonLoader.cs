using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace SharpLoss.Serialization;

/// <summary>
/// Reads JSON text into plain values with System.Text.Json's <see cref="Utf8JsonReader"/> (RFC 8259, at most 64 levels
/// of nesting): objects become <see cref="OrderedDictionary{TKey, TValue}"/> (string keys, document order), arrays
/// <see cref="List{T}"/>, strings <see cref="string"/>, <c>true</c>/<c>false</c> <see cref="bool"/>, <c>null</c> null,
/// integer literals <see cref="long"/> (or <see cref="BigInteger"/> beyond the range of long), other numbers
/// <see cref="double"/> (<c>1e400</c> is infinity, as in Python).
/// </summary>
/// <remarks>
/// A <c>\uXXXX</c> escape of a lone surrogate gives that UTF-16 unit (as Python's <c>json.loads</c> does), so every .NET
/// string <see cref="JsonFormat"/> writes comes back unchanged. Rejected, each with an <see cref="ArgumentException"/>
/// naming the parameter given to <see cref="Parse"/>: text that is not one JSON value (the reader's message gives the line
/// and byte position), invalid UTF-16 such as an unescaped lone surrogate, and a key that appears twice in one object (at
/// any depth; the message gives the key and its path).
/// </remarks>
internal static class JsonLoader
{
    /// <summary>Integer literals with more digits than this are read as <see cref="double"/> (parsing a huge
    /// <see cref="BigInteger"/> costs quadratic time, and no config value needs one).</summary>
    private const int MaxBigIntegerDigits = 1000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses a complete JSON text.</summary>
    /// <param name="text">The JSON text.</param>
    /// <param name="paramName">The parameter named by the exceptions.</param>
    /// <returns>The value (see the class summary for the types).</returns>
    /// <exception cref="ArgumentException">The text is not one well-formed JSON value, or has a duplicate key.</exception>
    public static object? Parse(string text, string paramName)
    {
        byte[] utf8;
        try
        {
            utf8 = StrictUtf8.GetBytes(text);
        }
        catch (EncoderFallbackException e)
        {
            throw Malformed($"invalid UTF-16: unpaired surrogate U+{(int)e.CharUnknown:X4} at index {e.Index.ToString(CultureInfo.InvariantCulture)} (a lone surrogate must be written as the escape \\u{(int)e.CharUnknown:x4}).", paramName);
        }

        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 64 });
            reader.Read();
            object? value = ReadValue(ref reader, "$", paramName);
            reader.Read(); // returns false at the end of the text; throws on anything after the value
            return value;
        }
        catch (JsonException e)
        {
            throw Malformed(e.Message, paramName);
        }
    }

    private static object? ReadValue(ref Utf8JsonReader reader, string path, string paramName)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    string key = ReadString(ref reader);
                    reader.Read();
                    if (!obj.TryAdd(key, ReadValue(ref reader, $"{path}[{JsonFormat.Quote(key)}]", paramName)))
                    {
                        throw Malformed($"duplicate key {JsonFormat.Quote(key)} in the object at {path}; a key may appear only once.", paramName);
                    }
                }

                return obj;
            case JsonTokenType.StartArray:
                var list = new List<object?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    list.Add(ReadValue(ref reader, string.Create(CultureInfo.InvariantCulture, $"{path}[{list.Count}]"), paramName));
                }

                return list;
            case JsonTokenType.String:
                return ReadString(ref reader);
            case JsonTokenType.Number:
                return ReadNumber(Encoding.UTF8.GetString(reader.ValueSpan));
            default:
                return reader.TokenType == JsonTokenType.True ? true : reader.TokenType == JsonTokenType.False ? false : null;
        }
    }

    /// <summary>A number literal the reader has checked against the JSON grammar: an integer is exact (long, else
    /// BigInteger up to <see cref="MaxBigIntegerDigits"/> digits); anything else a double (±infinity beyond its range).</summary>
    private static object ReadNumber(string literal) =>
        literal.AsSpan().IndexOfAny('.', 'e', 'E') >= 0 ? double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture)
        : long.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l) ? (object)l
        : literal.Length <= MaxBigIntegerDigits ? (object)BigInteger.Parse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
        : double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>The current string or property name, decoded by the reader; or, when its escapes encode a lone surrogate
    /// (which the reader refuses to decode), by <see cref="Unescape"/>.</summary>
    private static string ReadString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return Unescape(reader.ValueSpan);
        }
    }

    /// <summary>Decodes the escapes of a string token the reader has already validated: each <c>\uXXXX</c> is one UTF-16
    /// unit, a lone surrogate included.</summary>
    private static string Unescape(ReadOnlySpan<byte> utf8)
    {
        var sb = new StringBuilder(utf8.Length);
        int backslash;
        while ((backslash = utf8.IndexOf((byte)'\\')) >= 0)
        {
            sb.Append(Encoding.UTF8.GetString(utf8[..backslash]));
            byte e = utf8[backslash + 1];
            sb.Append(e switch
            {
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                (byte)'n' => '\n',
                (byte)'r' => '\r',
                (byte)'t' => '\t',
                (byte)'u' => (char)ushort.Parse(utf8.Slice(backslash + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture),
                _ => (char)e, // '"', '\\' or '/'
            });
            utf8 = utf8[(backslash + (e == (byte)'u' ? 6 : 2))..];
        }

        return sb.Append(Encoding.UTF8.GetString(utf8)).ToString();
    }

    private static ArgumentException Malformed(string what, string paramName) =>
        new($"Expected a JSON loss config. Received malformed JSON: {what}", paramName);
}
