using System.Globalization;
using System.Numerics;
using System.Text;

namespace SharpLoss.Serialization;

/// <summary>
/// Reads JSON text into plain values, as Python's <c>json.loads</c> does and as <see cref="JsonFormat"/> writes it:
/// objects become <see cref="OrderedDictionary{TKey, TValue}"/> (string keys, document order), arrays
/// <see cref="List{T}"/>, strings <see cref="string"/>, <c>true</c>/<c>false</c> <see cref="bool"/>, <c>null</c> null,
/// integer literals <see cref="long"/> (or <see cref="BigInteger"/> beyond the range of long), other numbers
/// <see cref="double"/> (<c>1e400</c> is infinity, as in Python).
/// </summary>
/// <remarks>
/// <para>The grammar is RFC 8259's, plus Python's <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> tokens (which
/// <c>json.dumps</c> writes). A <c>\uXXXX</c> escape of a lone surrogate gives that UTF-16 unit, so every .NET string
/// the writer escapes comes back unchanged; an unescaped lone surrogate in the text is invalid UTF-16 and is rejected.</para>
/// <para>Rejected, each with an <see cref="ArgumentException"/> naming the parameter given to <see cref="Parse"/> and the
/// position: anything outside the grammar (comments, single quotes, trailing commas, leading zeros, unescaped control
/// characters, a byte-order mark, text after the value), a key that appears twice in one object (at any depth; the
/// message gives the key and its path), and nesting deeper than <see cref="MaxDepth"/>.</para>
/// </remarks>
internal ref struct JsonParser
{
    /// <summary>The deepest nesting of objects and arrays accepted (System.Text.Json's default).</summary>
    public const int MaxDepth = 64;

    /// <summary>Integer literals with more digits than this are read as <see cref="double"/> (parsing a huge
    /// <see cref="BigInteger"/> costs quadratic time, and no config value needs one).</summary>
    private const int MaxBigIntegerDigits = 1000;

    private readonly ReadOnlySpan<char> _text;
    private readonly string _paramName;
    private readonly List<string> _path;
    private int _pos;

    private JsonParser(string text, string paramName)
    {
        _text = text;
        _paramName = paramName;
        _path = [];
        _pos = 0;
    }

    /// <summary>Parses a complete JSON text.</summary>
    /// <param name="text">The JSON text.</param>
    /// <param name="paramName">The parameter named by the exceptions.</param>
    /// <returns>The value (see the class remarks for the types).</returns>
    /// <exception cref="ArgumentException">The text is not one well-formed JSON value.</exception>
    public static object? Parse(string text, string paramName)
    {
        var parser = new JsonParser(text, paramName);
        parser.SkipWhitespace();
        if (parser._pos == parser._text.Length)
        {
            throw parser.Error(text.Length == 0 ? "the text is empty" : "the text holds only whitespace");
        }

        object? value = parser.ReadValue(0);
        parser.SkipWhitespace();
        if (parser._pos != parser._text.Length)
        {
            throw parser.Error($"unexpected {parser.Describe(parser._pos)} after the end of the JSON value");
        }

        return value;
    }

    private object? ReadValue(int depth)
    {
        char c = _text[_pos];
        switch (c)
        {
            case '{':
                return ReadObject(depth + 1);
            case '[':
                return ReadArray(depth + 1);
            case '"':
                return ReadString();
            case 't':
                ReadLiteral("true");
                return true;
            case 'f':
                ReadLiteral("false");
                return false;
            case 'n':
                ReadLiteral("null");
                return null;
            case 'N':
                ReadLiteral("NaN");
                return double.NaN;
            case 'I':
                ReadLiteral("Infinity");
                return double.PositiveInfinity;
            case '-' when _pos + 1 < _text.Length && _text[_pos + 1] == 'I':
                _pos++;
                ReadLiteral("Infinity");
                return double.NegativeInfinity;
            case '-':
            case >= '0' and <= '9':
                return ReadNumber();
            default:
                throw Error($"unexpected {Describe(_pos)}; expected a JSON value");
        }
    }

    private OrderedDictionary<string, object?> ReadObject(int depth)
    {
        CheckDepth(depth);
        _pos++; // '{'
        var obj = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        SkipWhitespace();
        if (Peek() == '}')
        {
            _pos++;
            return obj;
        }

        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"')
            {
                throw Error($"unexpected {Describe(_pos)}; expected a property name in double quotes");
            }

            int keyStart = _pos;
            string key = ReadString();
            SkipWhitespace();
            Expect(':', "':' after a property name");
            SkipWhitespace();
            RequireMore("a value");
            _path.Add(key);
            object? value = ReadValue(depth);
            _path.RemoveAt(_path.Count - 1);
            if (!obj.TryAdd(key, value))
            {
                throw Error($"duplicate key {Quote(key)} in the object at {PathText()}; a key may appear only once", keyStart);
            }

            SkipWhitespace();
            char c = Peek();
            if (c == ',')
            {
                _pos++;
                continue;
            }

            if (c == '}')
            {
                _pos++;
                return obj;
            }

            throw Error($"unexpected {Describe(_pos)}; expected ',' or '}}' in an object");
        }
    }

    private List<object?> ReadArray(int depth)
    {
        CheckDepth(depth);
        _pos++; // '['
        var list = new List<object?>();
        SkipWhitespace();
        if (Peek() == ']')
        {
            _pos++;
            return list;
        }

        while (true)
        {
            SkipWhitespace();
            RequireMore("a value");
            _path.Add(string.Create(CultureInfo.InvariantCulture, $"[{list.Count}]"));
            list.Add(ReadValue(depth));
            _path.RemoveAt(_path.Count - 1);
            SkipWhitespace();
            char c = Peek();
            if (c == ',')
            {
                _pos++;
                continue;
            }

            if (c == ']')
            {
                _pos++;
                return list;
            }

            throw Error($"unexpected {Describe(_pos)}; expected ',' or ']' in an array");
        }
    }

    private string ReadString()
    {
        int start = _pos;
        _pos++; // opening quote
        StringBuilder? sb = null;
        int runStart = _pos;
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error("unterminated string", start);
            }

            char c = _text[_pos];
            if (c == '"')
            {
                string s = sb is null ? _text[runStart.._pos].ToString() : sb.Append(_text[runStart.._pos]).ToString();
                _pos++;
                return s;
            }

            if (c == '\\')
            {
                sb ??= new StringBuilder();
                sb.Append(_text[runStart.._pos]);
                sb.Append(ReadEscape());
                runStart = _pos;
                continue;
            }

            if (c < 0x20)
            {
                throw Error($"unescaped control character U+{(int)c:X4} in a string (write it as \\u{(int)c:x4})");
            }

            if (char.IsHighSurrogate(c) && _pos + 1 < _text.Length && char.IsLowSurrogate(_text[_pos + 1]))
            {
                _pos += 2;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                throw Error($"invalid UTF-16: unpaired surrogate U+{(int)c:X4} in a string (a lone surrogate must be written as the escape \\u{(int)c:x4})");
            }

            _pos++;
        }
    }

    private char ReadEscape()
    {
        int start = _pos;
        _pos++; // backslash
        if (_pos >= _text.Length)
        {
            throw Error("unterminated escape sequence", start);
        }

        char e = _text[_pos++];
        switch (e)
        {
            case '"': return '"';
            case '\\': return '\\';
            case '/': return '/';
            case 'b': return '\b';
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'u':
                int code = 0;
                for (int k = 0; k < 4; k++)
                {
                    int digit = _pos < _text.Length ? HexValue(_text[_pos]) : -1;
                    if (digit < 0)
                    {
                        throw Error("invalid \\u escape: expected four hexadecimal digits", start);
                    }

                    code = (code << 4) | digit;
                    _pos++;
                }

                return (char)code;
            default:
                _pos--;
                throw Error($"invalid escape sequence '\\' followed by {Describe(_pos)}", start);
        }
    }

    private object ReadNumber()
    {
        int start = _pos;
        if (_text[_pos] == '-')
        {
            _pos++;
        }

        if (_pos >= _text.Length || !char.IsAsciiDigit(_text[_pos]))
        {
            throw Error("invalid number: expected a digit after '-'", start);
        }

        if (_text[_pos] == '0' && _pos + 1 < _text.Length && char.IsAsciiDigit(_text[_pos + 1]))
        {
            throw Error("invalid number: leading zeros are not allowed", start);
        }

        SkipDigits();
        bool integer = true;
        if (_pos < _text.Length && _text[_pos] == '.')
        {
            integer = false;
            _pos++;
            if (_pos >= _text.Length || !char.IsAsciiDigit(_text[_pos]))
            {
                throw Error("invalid number: expected a digit after '.'", start);
            }

            SkipDigits();
        }

        if (_pos < _text.Length && _text[_pos] is 'e' or 'E')
        {
            integer = false;
            _pos++;
            if (_pos < _text.Length && _text[_pos] is '+' or '-')
            {
                _pos++;
            }

            if (_pos >= _text.Length || !char.IsAsciiDigit(_text[_pos]))
            {
                throw Error("invalid number: expected a digit in the exponent", start);
            }

            SkipDigits();
        }

        ReadOnlySpan<char> literal = _text[start.._pos];
        if (integer)
        {
            if (long.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
            {
                return l;
            }

            if (literal.Length <= MaxBigIntegerDigits)
            {
                return BigInteger.Parse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            }
        }

        // The literal matches the JSON grammar, which double.Parse accepts; values beyond its range are ±infinity.
        return double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private void SkipDigits()
    {
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
        {
            _pos++;
        }
    }

    private void ReadLiteral(string literal)
    {
        if (!_text[_pos..].StartsWith(literal, StringComparison.Ordinal))
        {
            throw Error($"unexpected {Describe(_pos)}; expected a JSON value");
        }

        _pos += literal.Length;
    }

    private void SkipWhitespace()
    {
        while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or '\n' or '\r')
        {
            _pos++;
        }
    }

    private readonly char Peek()
    {
        if (_pos >= _text.Length)
        {
            throw Error("unexpected end of the text");
        }

        return _text[_pos];
    }

    private void Expect(char c, string what)
    {
        if (Peek() != c)
        {
            throw Error($"unexpected {Describe(_pos)}; expected {what}");
        }

        _pos++;
    }

    private readonly void RequireMore(string what)
    {
        if (_pos >= _text.Length)
        {
            throw Error($"unexpected end of the text; expected {what}");
        }
    }

    private readonly void CheckDepth(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error($"objects and arrays are nested deeper than {MaxDepth} levels");
        }
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private readonly string Describe(int pos)
    {
        if (pos >= _text.Length)
        {
            return "end of the text";
        }

        char c = _text[pos];
        return c is >= ' ' and <= '~' ? $"character '{c}'" : $"character U+{(int)c:X4}";
    }

    private readonly string PathText()
    {
        var sb = new StringBuilder("$");
        foreach (string segment in _path)
        {
            if (segment.StartsWith('['))
            {
                sb.Append(segment);
            }
            else
            {
                sb.Append('[').Append(Quote(segment)).Append(']');
            }
        }

        return sb.ToString();
    }

    /// <summary>A key or string as the messages show it: in double quotes, escaped as JSON, clipped to 100 characters.</summary>
    internal static string Quote(string s)
    {
        string shown = s.Length <= 100 ? s : string.Concat(s.AsSpan(0, 100), "…");
        var sb = new StringBuilder();
        JsonFormat.WriteString(sb, shown);
        return sb.ToString();
    }

    private readonly ArgumentException Error(string what) => Error(what, _pos);

    private readonly ArgumentException Error(string what, int pos) =>
        new($"Expected a JSON loss config. Received malformed JSON: {what} (at index {pos.ToString(CultureInfo.InvariantCulture)}).", _paramName);
}
