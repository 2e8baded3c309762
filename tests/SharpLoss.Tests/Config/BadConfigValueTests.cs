// Wrong value types and odd values for every config key, odd envelopes, and random mutations of valid JSON:
// Losses.FromJson / FromConfig / Get either return a loss or throw the ArgumentException family; FromJson's exceptions
// always name "json". The valid values come from the constructors (src/SharpLoss/Probabilistic, src/SharpLoss/Regression).

using System.Numerics;
using System.Text;

namespace SharpLoss.Tests.Config;

public class BadConfigValueTests
{
    private static readonly string[] ClassNames =
    [
        "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "MeanSquaredError", "MeanAbsoluteError", "Huber",
        "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "LogCosh", "Poisson", "Hinge", "SquaredHinge", "KLDivergence",
    ];

    private static readonly string[] Keys = ["name", "reduction", "from_logits", "label_smoothing", "axis", "ignore_class", "delta", "fn", "dtype"];

    /// <summary>JSON values of every kind, including numbers beyond every .NET range.</summary>
    private static readonly string[] JsonValues =
    [
        "\"s\"", "\"\"", "\"auto\"", "\"sum\"", "\"mean\"", "\"none\"", "\"1\"", "[]", "[1]", "[null]", "{}", "{\"a\": 1}", "true", "false", "null",
        "0", "-0", "1", "-1", "2", "0.5", "-0.0", "1.0", "1e400", "-1e400", "1e-400", "5e-324", "1.7976931348623157e308", "NaN", "Infinity", "-Infinity",
        "2147483647", "2147483648", "-2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "18446744073709551616", "123456789012345678901234567890", new string('9', 400), new string('9', 2000), "0." + new string('0', 400) + "1",
        "1" + new string('0', 400) + ".0", "\"\\ud800\"", "\"\\u0000\"", "[[[[[]]]]]",
    ];

    private static void AssertArgumentFamily(Action act, string what, string? paramName, List<string> failures)
    {
        try
        {
            act();
        }
        catch (ArgumentException e)
        {
            if (paramName is not null && e.ParamName != paramName)
            {
                failures.Add($"{what}: ParamName {e.ParamName ?? "null"} ({e.GetType().Name}: {e.Message})");
            }
        }
        catch (Exception e)
        {
            failures.Add($"{what}: {e.GetType().Name}: {e.Message}");
        }
    }

    [Fact]
    public void FromJson_EveryKeyWithEveryKindOfValue_GivesALossOrAnArgumentExceptionNamingJson()
    {
        var failures = new List<string>();
        foreach (string cls in ClassNames.Append("LossFunctionWrapper").Append("function").Append("Nope"))
        {
            foreach (string key in Keys)
            {
                foreach (string value in JsonValues)
                {
                    foreach (string module in new[] { "\"module\": \"keras.losses\", ", string.Empty })
                    {
                        string json = $"{{{module}\"class_name\": \"{cls}\", \"config\": {{\"{key}\": {value}}}}}";
                        foreach (LossSemantics? s in new LossSemantics?[] { null, LossSemantics.Keras3, LossSemantics.TfKeras2 })
                        {
                            AssertArgumentFamily(() => Losses.FromJson(json, s), $"{json} ({s})", "json", failures);
                        }
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void FromJson_EveryEnvelopeKeyWithEveryKindOfValue_GivesALossOrAnArgumentExceptionNamingJson()
    {
        // "config": "string" on a class, "class_name": 5, "module": [], a function envelope with an object as config, ...
        var failures = new List<string>();
        string[] templates =
        [
            "{{\"class_name\": {0}}}",
            "{{\"class_name\": \"Huber\", \"config\": {0}}}",
            "{{\"module\": {0}, \"class_name\": \"Huber\", \"config\": {{}}}}",
            "{{\"module\": \"keras.losses\", \"class_name\": \"Huber\", \"config\": {{}}, \"registered_name\": {0}}}",
            "{{\"class_name\": \"function\", \"config\": {0}}}",
            "{{\"class_name\": \"LossFunctionWrapper\", \"config\": {0}}}",
            "{{\"class_name\": \"LossFunctionWrapper\", \"config\": {{\"fn\": {0}}}}}",
            "{{\"class_name\": \"LossFunctionWrapper\", \"config\": {{\"fn\": {{\"class_name\": {0}, \"config\": \"mse\"}}}}}}",
            "{{\"class_name\": \"LossFunctionWrapper\", \"config\": {{\"fn\": {{\"class_name\": \"function\", \"config\": {0}}}}}}}",
            "{0}",
            "[{0}]",
        ];
        foreach (string template in templates)
        {
            foreach (string value in JsonValues)
            {
                string json = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, value);
                AssertArgumentFamily(() => Losses.FromJson(json), json, "json", failures);
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void FromJson_ConfigAsAString_ThrowsNamingJson()
    {
        // The brief's example: "config": "string" on a class.
        var e = Assert.Throws<ArgumentException>(() => Losses.FromJson("{\"module\": \"keras.losses\", \"class_name\": \"Huber\", \"config\": \"string\", \"registered_name\": null}"));
        Assert.Equal("json", e.ParamName);
        Assert.Contains("\"config\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_ConstructorRangeErrors_NameJson()
    {
        // label_smoothing outside [0, 1] and a negative or infinite delta are rejected by the constructors (SPEC 0.7);
        // through FromJson the exception names json, and the message keeps the constructor's explanation.
        var ls = Assert.Throws<ArgumentException>(() => Losses.FromJson("{\"class_name\": \"BinaryCrossentropy\", \"config\": {\"label_smoothing\": 1.5}}"));
        Assert.Equal("json", ls.ParamName);
        Assert.Contains("label_smoothing=1.5", ls.Message, StringComparison.Ordinal);
        Assert.IsType<ArgumentOutOfRangeException>(ls.InnerException);

        var delta = Assert.Throws<ArgumentException>(() => Losses.FromJson("{\"class_name\": \"Huber\", \"config\": {\"delta\": 1e400}}"));
        Assert.Equal("json", delta.ParamName);
        Assert.Contains("delta=Infinity", delta.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Parameter 'delta'", delta.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfig_EveryKeyWithEveryKindOfDotNetValue_GivesALossOrTheArgumentFamily()
    {
        object?[] values =
        [
            null, "s", "", "auto", true, 0, -1, 1, int.MaxValue, int.MinValue, long.MaxValue, long.MinValue, ulong.MaxValue, (short)1, (byte)1,
            (sbyte)-1, (ushort)2, 3u, 4UL, 0.5f, float.NaN, float.MaxValue, double.NaN, double.PositiveInfinity, double.MaxValue, -0.0,
            decimal.MaxValue, 0.25m, BigInteger.Pow(10, 30), BigInteger.MinusOne, 'c', new object(), new List<object?>(), new Dictionary<string, object?>(),
            new OrderedDictionary<string, object?>(), new int[] { 1 }, Reduction.Sum, LossSemantics.TfKeras2, DateTime.UnixEpoch, Guid.Empty,
        ];
        var failures = new List<string>();
        foreach (string cls in ClassNames)
        {
            foreach (string key in Keys)
            {
                foreach (object? value in values)
                {
                    foreach (LossSemantics? s in new LossSemantics?[] { null, LossSemantics.Keras3, LossSemantics.TfKeras2 })
                    {
                        KeyValuePair<string, object?>[] config = [new(key, value)];
                        AssertArgumentFamily(() => Losses.FromConfig(cls, config, s), $"{cls} {key}={value ?? "null"} ({value?.GetType().Name}) {s}", null, failures);
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void FromConfig_IntegerTypesAndIntegralFloats_AreAcceptedWhereAnIntegerIsExpected()
    {
        // Values of GetConfig are int and double; a caller may build a config with any .NET number type.
        foreach (object axis in new object[] { (short)-2, (sbyte)-2, -2L, -2.0, -2.0f, -2m, new BigInteger(-2) })
        {
            var bce = (BinaryCrossentropy)Losses.FromConfig("BinaryCrossentropy", [new("axis", axis)]);
            Assert.Equal(-2, bce.Axis);
        }

        foreach (object delta in new object[] { 2, 2L, 2u, (byte)2, 2.0f, 2m, new BigInteger(2) })
        {
            Assert.Equal(2.0, ((Huber)Losses.FromConfig("Huber", [new("delta", delta)])).Delta);
        }

        var bad = Assert.Throws<ArgumentException>(() => Losses.FromConfig("BinaryCrossentropy", [new("axis", new List<object?>())]));
        Assert.Equal("config", bad.ParamName);
        Assert.Contains("an array", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_ArbitraryStrings_GiveALossOrAnArgumentExceptionNamingIdentifier()
    {
        const string NameAlphabet = "abcdeimnorstuy_BCEHMS -";
        var failures = new List<string>();
        var random = new Random(1234);
        for (int i = 0; i < 1500; i++)
        {
            var sb = new StringBuilder();
            int length = random.Next(0, 40);
            for (int k = 0; k < length; k++)
            {
                sb.Append(random.Next(4) == 0 ? (char)random.Next(0, 0x10000) : NameAlphabet[random.Next(NameAlphabet.Length)]);
            }

            string name = sb.ToString();
            AssertArgumentFamily(() => Losses.Get(name), name, "identifier", failures);
            AssertArgumentFamily(() => Losses.Get(name, LossSemantics.TfKeras2), name, "identifier", failures);
            AssertArgumentFamily(() => Losses.FromConfig(name, []), name, "className", failures);
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void FromJson_RandomMutationsOfValidJson_GiveALossOrAnArgumentExceptionNamingJson()
    {
        // Deterministic fuzzing: insert, delete, replace and duplicate characters and slices of the library's own JSON.
        string[] seeds =
        [
            new BinaryCrossentropy(true, 0.1, 2, Reduction.Sum, "b\ud800\"x").ToJson(),
            new SparseCategoricalCrossentropy(ignoreClass: int.MinValue, labelSmoothing: 0.5, semantics: LossSemantics.TfKeras2).ToJson(),
            new Huber(double.MaxValue, Reduction.None, "h\\\n").ToJson(),
            "{\"module\": \"keras.src.losses.losses\", \"class_name\": \"LossFunctionWrapper\", \"config\": {\"name\": \"mse\", \"reduction\": \"sum_over_batch_size\", \"fn\": {\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"mean_squared_error\", \"registered_name\": \"function\"}}, \"registered_name\": \"LossFunctionWrapper\"}",
            "{\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"huber\", \"registered_name\": \"function\"}",
            "\"binary_crossentropy\"",
        ];
        const string Alphabet = "{}[]\",:\\/0123456789.-+eEtrufalsnNIy \t\nu";
        var random = new Random(20260822);
        var failures = new List<string>();
        for (int i = 0; i < 15_000; i++)
        {
            var sb = new StringBuilder(seeds[random.Next(seeds.Length)]);
            int edits = 1 + random.Next(4);
            for (int k = 0; k < edits; k++)
            {
                int at = random.Next(sb.Length + 1);
                char c = random.Next(8) == 0 ? (char)random.Next(0, 0x10000) : Alphabet[random.Next(Alphabet.Length)];
                switch (random.Next(5))
                {
                    case 0: sb.Insert(at, c); break;
                    case 1 when at < sb.Length: sb.Remove(at, 1); break;
                    case 2 when at < sb.Length: sb[at] = c; break;
                    case 3 when at < sb.Length:
                        int len = random.Next(1, Math.Min(20, sb.Length - at) + 1);
                        sb.Insert(at, sb.ToString(at, len));
                        break;
                    default: sb.Insert(at, "\\u" + random.Next(0x10000).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)); break;
                }
            }

            string json = sb.ToString();
            LossSemantics? s = (i % 3) switch { 0 => null, 1 => LossSemantics.Keras3, _ => LossSemantics.TfKeras2 };
            AssertArgumentFamily(() => Losses.FromJson(json, s), json, "json", failures);
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }
}
