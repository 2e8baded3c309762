// Losses.FromJson on text that is not well-formed JSON, and on strings with lone UTF-16 surrogates.
// The writer escapes every non-ASCII UTF-16 unit as \uXXXX, as Python's json.dumps (ensure_ascii=True) does, lone
// surrogates included: json.dumps("a\ud800b") == '"a\\ud800b"', and json.loads reads it back as "a\ud800b".
// RFC 8259 is the grammar; Python's json.loads also reads NaN, Infinity and -Infinity, but no valid config holds them,
// so SharpLoss rejects them. RFC 8259 leaves duplicate names undefined (Python keeps the last one); SharpLoss rejects them.
// Cases are looped in facts rather than theory rows: xunit stores attribute strings as UTF-8, which has no lone surrogates.

using System.Text;

namespace SharpLoss.Tests.Config;

public class JsonSyntaxTests
{
    private const string HuberHead = "{\"module\": \"keras.losses\", \"class_name\": \"Huber\", \"config\": {\"name\": ";
    private const string HuberTail = ", \"reduction\": \"sum\", \"delta\": 1.0}, \"registered_name\": null}";

    private static Loss[] EveryClass(string name, LossSemantics s) =>
    [
        new BinaryCrossentropy(name: name, semantics: s),
        new CategoricalCrossentropy(name: name, semantics: s),
        new SparseCategoricalCrossentropy(name: name, semantics: s),
        new MeanSquaredError(name: name, semantics: s),
        new MeanAbsoluteError(name: name, semantics: s),
        new Huber(name: name, semantics: s),
    ];

    private static string Show(string s)
    {
        var sb = new StringBuilder();
        foreach (char c in s.Length > 80 ? s[..80] : s)
        {
            sb.Append(c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:x4}");
        }

        return sb.ToString();
    }

    [Fact]
    public void FromJson_LoneSurrogateInName_RoundTripsExactly()
    {
        // The brief's case: new Huber(name: "a\ud800b").ToJson() threw InvalidOperationException on reading back.
        Assert.Equal("a\ud800b", Losses.FromJson(new Huber(name: "a\ud800b").ToJson()).Name);

        string[] names = ["a\ud800b", "\ud800", "\udc00", "x\udfff", "\ud800\ud800", "\udc00\ud800", "end\ud83d", "\ude00start", "pair \ud83d\ude00 ok", "\ud800\udc00\udc00"];
        foreach (string name in names)
        {
            foreach (LossSemantics s in new[] { LossSemantics.Keras3, LossSemantics.TfKeras2 })
            {
                foreach (Loss loss in EveryClass(name, s))
                {
                    string json = loss.ToJson();
                    Loss back = Losses.FromJson(json);
                    Assert.True(name == back.Name, $"{loss.ClassName}/{s}: {Show(name)} came back as {Show(back.Name)}");
                    Assert.Equal(json, back.ToJson());
                }
            }
        }
    }

    [Fact]
    public void FromJson_EveryUtf16Unit_RoundTripsInAName()
    {
        // Each surrogate (U+D800-U+DFFF) alone, so each is a lone one; every other UTF-16 unit in names of 64 units.
        for (int c = 0xD800; c <= 0xDFFF; c++)
        {
            string name = ((char)c).ToString();
            Loss back = Losses.FromJson(new MeanSquaredError(name: name).ToJson());
            Assert.True(back.Name == name, $"U+{c:X4} came back as {Show(back.Name)}");
        }

        var units = Enumerable.Range(0, 0x10000).Where(c => c is < 0xD800 or > 0xDFFF).Select(c => (char)c).ToArray();
        for (int start = 0; start < units.Length; start += 64)
        {
            string name = new(units, start, Math.Min(64, units.Length - start));
            Loss back = Losses.FromJson(new Huber(name: name, semantics: LossSemantics.TfKeras2).ToJson());
            Assert.True(back.Name == name, $"units from U+{(int)name[0]:X4}: came back as {Show(back.Name)}");
        }
    }

    [Fact]
    public void FromJson_HandWrittenEscapes_DecodeAsJsonSays()
    {
        // RFC 8259 section 7: \uXXXX in either case; a surrogate pair in two escapes is one code point; \/ is '/'.
        (string Escaped, string Expected)[] cases =
        [
            ("\\ud800", "\ud800"),
            ("\\uDC00", "\udc00"),
            ("\\ud83d\\ude00", "\ud83d\ude00"),
            ("\\uD83D\\uDE00", "😀"),
            ("\\ud83dx\\ude00", "\ud83dx\ude00"),
            ("\\u0000", "\0"),
            ("\\u00e9", "é"),
            ("\\/\\\\\\\"\\b\\f\\n\\r\\t", "/\\\"\b\f\n\r\t"),
            ("caf\\u00E9 \ud83d\ude00", "café 😀"),
            ("", ""),
        ];
        foreach ((string escaped, string expected) in cases)
        {
            Loss loss = Losses.FromJson(HuberHead + "\"" + escaped + "\"" + HuberTail);
            Assert.True(expected == loss.Name, $"{escaped}: got {Show(loss.Name)}");
        }

        // The same escapes in a key and in a bare string.
        Assert.IsType<MeanSquaredError>(Losses.FromJson("\"\\u006dse\""));
        Assert.IsType<Huber>(Losses.FromJson("{\"class_n\\u0061me\": \"Huber\"}"));
    }

    [Fact]
    public void FromJson_MalformedJson_ThrowsArgumentExceptionNamingJson()
    {
        string deepArrays = new string('[', 100_000) + new string(']', 100_000);
        string deepInConfig = HuberHead + new string('[', 65) + new string(']', 65) + HuberTail;
        string[] cases =
        [
            "", " ", "\t\r\n", "{", "}", "[", "]", "{\"class_name\": ", "{\"class_name\": \"Huber\"", "{\"class_name\": \"Huber\",}",
            "{\"class_name\" \"Huber\"}", "{\"class_name\": \"Huber\" \"config\": {}}", "{class_name: \"Huber\"}", "{'class_name': 'Huber'}",
            "\"mse", "\"mse\" x", "\"mse\"\"mae\"", "{} {}", "\"mse\",", "\"mse\"]", "[1,]", "[1 2]", "[,1]", "{,}", "{\"a\":}",
            "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\u\"", "\"\\", "\"\\U0041\"", "\"\\'\"", "\"a\u0001b\"", "\"tab\tin string\"",
            "\"new\nline\"", "\"\0\"", "\ud800", "\"\ud800\"", "\"\udc00\"", "\"x\ud83d\"", "\"\ude00\ud83d\"", HuberHead + "\"\udfff\"" + HuberTail,
            "\ufeff\"mse\"", "\u00a0\"mse\"", "\"mse\"\u2028", "\0", deepArrays, deepInConfig, "01", "-01", "1.", ".5", "-", "+1", "1e",
            "1e+", "1.e5", "0x10", "1_000", "--1", "- 1", "tru", "nul", "True", "None", "nan", "inf", "-inf", "Infinit", "NaNa",
            "NaN", "Infinity", "-Infinity",
            "/* c */ \"mse\"", "\"mse\" // c", "# c\n\"mse\"", "{\"class_name\": \"Huber\", \"config\": {\"delta\": 1.0,}}",
            HuberHead + "\"n\"" + ", \"delta\": 01}" + ", \"registered_name\": null}", "{\"class_name\": \"Huber\"}}", "{\"a\" : 1 : 2}",
            "\"\\ud800\\\"", "[\"a\" \"b\"]", "{\"class_name\": \"Huber\", \"config\": {\"delta\": 1.0}, }", "{\"class_name\"}",
        ];
        var failures = new List<string>();
        foreach (string json in cases)
        {
            try
            {
                Loss loss = Losses.FromJson(json);
                failures.Add($"{Show(json)}: accepted as {loss}");
            }
            catch (ArgumentException e) when (e.GetType() == typeof(ArgumentException) && e.ParamName == "json")
            {
                if (!e.Message.Contains("malformed JSON", StringComparison.Ordinal))
                {
                    failures.Add($"{Show(json)}: message does not say it is malformed: {e.Message}");
                }
            }
            catch (Exception e)
            {
                failures.Add($"{Show(json)}: {e.GetType().Name} (ParamName {(e as ArgumentException)?.ParamName}): {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData("{\"class_name\": \"Huber\", \"class_name\": \"MeanSquaredError\"}", "class_name", "$")]
    [InlineData("{\"module\": \"keras.losses\", \"class_name\": \"Huber\", \"config\": {}, \"config\": {\"delta\": 2.0}, \"registered_name\": null}", "config", "$")]
    [InlineData("{\"module\": \"keras.losses\", \"class_name\": \"Huber\", \"config\": {\"delta\": 1.0, \"name\": \"a\", \"delta\": 2.0}, \"registered_name\": null}", "delta", "$[\"config\"]")]
    [InlineData("{\"class_name\": \"Huber\", \"config\": {\"name\": {\"a\": 1, \"a\": 2}}}", "a", "$[\"config\"][\"name\"]")]
    [InlineData("{\"class_name\": \"Huber\", \"config\": {\"name\": [0, {\"b\": [{\"a\": 1, \"a\": 2}]}]}}", "a", "$[\"config\"][\"name\"][1][\"b\"][0]")]
    [InlineData("{\"class_name\": \"LossFunctionWrapper\", \"config\": {\"name\": \"m\", \"fn\": {\"class_name\": \"function\", \"config\": \"mse\", \"config\": \"mae\"}}}", "config", "$[\"config\"][\"fn\"]")]
    [InlineData("{\"class_name\": \"Huber\", \"extra\": {\"x\": null, \"x\": null}}", "x", "$[\"extra\"]")]
    [InlineData("{\"class_name\": \"Huber\", \"config\": {\"\\u0061\": 1, \"a\": 2}}", "a", "$[\"config\"]")]
    public void FromJson_DuplicateKey_ThrowsNamingJsonTheKeyAndWhere(string json, string key, string path)
    {
        // RFC 8259 leaves duplicate names undefined (Python keeps the last); SharpLoss rejects them at any depth.
        var e = Assert.Throws<ArgumentException>(() => Losses.FromJson(json));
        Assert.Equal("json", e.ParamName);
        Assert.Contains($"duplicate key \"{key}\"", e.Message, StringComparison.Ordinal);
        Assert.Contains($"at {path};", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_MalformedJson_MessageGivesThePosition()
    {
        var e = Assert.Throws<ArgumentException>(() => Losses.FromJson("{\"class_name\": \"Huber\" x}"));
        Assert.Contains("BytePositionInLine: 23", e.Message, StringComparison.Ordinal);
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
        var s = Assert.Throws<ArgumentException>(() => Losses.FromJson("\"ab\ud800\""));
        Assert.Contains("U+D800", s.Message, StringComparison.Ordinal);
        Assert.Contains("index 3", s.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_WellFormedButUnusual_IsAccepted()
    {
        // RFC 8259: whitespace is space, tab, LF, CR around any token; "-0", "1E2", "1e-2" are numbers; "\/" is '/'.
        Loss huber = Losses.FromJson(" \t\r\n{ \"class_name\" : \"Huber\" , \"config\" : { \"delta\" : 1E2 , \"name\" : \"a\\/b\" } }\r\n ");
        Assert.Equal(100.0, ((Huber)huber).Delta);
        Assert.Equal("a/b", huber.Name);
        Assert.Equal(0.0, ((Huber)Losses.FromJson("{\"class_name\": \"Huber\", \"config\": {\"delta\": -0}}")).Delta);
        Assert.Equal(0.01, ((Huber)Losses.FromJson("{\"class_name\": \"Huber\", \"config\": {\"delta\": 1e-2}}")).Delta);

        // Nesting up to 64 levels is accepted where a value is ignored (unknown top-level keys are ignored, as in Keras).
        string deep = new string('[', 63) + new string(']', 63);
        Assert.IsType<MeanSquaredError>(Losses.FromJson("{\"class_name\": \"MeanSquaredError\", \"extra\": " + deep + "}"));
    }
}
