// Every config SharpLoss writes reads back to an equal config; a config with a key given twice is rejected.
// The option values are the extremes each constructor accepts (src/SharpLoss/Probabilistic, src/SharpLoss/Regression,
// src/SharpLoss/Divergence):
// label_smoothing in [0, 1] (NaN rejected), Huber delta finite and >= 0, any int axis for the dense cross-entropies,
// SparseCategoricalCrossentropy axis any int under Keras 3 and only -1 under tf.keras 2, ignore_class any int or null,
// any string name, the reductions valid for each semantics (Keras 3: none, sum, sum_over_batch_size, mean,
// mean_with_sample_weight; tf.keras 2: none, sum, sum_over_batch_size, auto; SPEC A.3 and E.2).

using System.Text;

namespace SharpLoss.Tests.Config;

public class RoundTripTests
{
    private static readonly LossSemantics[] BothSemantics = [LossSemantics.Keras3, LossSemantics.TfKeras2];

    private static readonly string?[] Names =
    [
        null, "", "a", "with \"quotes\"", "back\\slash\\", "ctl \0\u0001\u001f\u007f", "tab\t nl\n cr\r bs\b ff\f", "sol/idus",
        "ünïcödé ∑ 😀", "a\ud800b", "\udc00", "end\ud83d", "\ude00\ud83d", "\u2028\u2029\uffff\ufffe", "null", "{\"json\": 1}",
        new string('x', 5000),
    ];

    private static readonly int[] Axes = [int.MinValue, int.MaxValue, -1, 0];
    private static readonly double[] Smoothings = [0, 1, 5e-324, 0.1, -0.0, 1.0 / 3.0, 1 - 1e-16];
    private static readonly double[] Deltas = [0, double.MaxValue, 5e-324, 2.2250738585072009e-308, 1e-310, 0.1, 1e16, 123456789.125, -0.0];
    private static readonly int?[] IgnoreClasses = [null, int.MinValue, int.MaxValue, -1, 0];

    private static Reduction[] ReductionsOf(LossSemantics s) => s == LossSemantics.Keras3
        ? [Reduction.None, Reduction.Sum, Reduction.SumOverBatchSize, Reduction.Mean, Reduction.MeanWithSampleWeight]
        : [Reduction.None, Reduction.Sum, Reduction.SumOverBatchSize, Reduction.Auto];

    /// <summary>Every class with every extreme option, each reduction of the semantics, the names cycled through.</summary>
    private static IEnumerable<Loss> Variants(LossSemantics s)
    {
        int n = 0;
        string? NextName() => Names[n++ % Names.Length];
        foreach (Reduction r in ReductionsOf(s))
        {
            foreach (bool logits in new[] { false, true })
            {
                foreach (double ls in Smoothings)
                {
                    foreach (int axis in Axes)
                    {
                        yield return new BinaryCrossentropy(logits, ls, axis, r, NextName(), s);
                        yield return new CategoricalCrossentropy(logits, ls, axis, r, NextName(), s);
                    }

                    foreach (int? ignore in IgnoreClasses)
                    {
                        foreach (int axis in s == LossSemantics.Keras3 ? Axes : [-1])
                        {
                            yield return new SparseCategoricalCrossentropy(logits, ignore, r, axis, NextName(), ls, s);
                        }
                    }
                }
            }

            foreach (double delta in Deltas)
            {
                yield return new Huber(delta, r, NextName(), s);
            }

            yield return new MeanSquaredError(r, NextName(), s);
            yield return new MeanAbsoluteError(r, NextName(), s);
            yield return new MeanAbsolutePercentageError(r, NextName(), s);
            yield return new MeanSquaredLogarithmicError(r, NextName(), s);
            yield return new LogCosh(r, NextName(), s);
            yield return new Poisson(r, NextName(), s);
            yield return new Hinge(r, NextName(), s);
            yield return new SquaredHinge(r, NextName(), s);
            yield return new KLDivergence(r, NextName(), s);
        }

        foreach (string? name in Names)
        {
            yield return new MeanSquaredError(name: name, semantics: s);
            yield return new Huber(name: name, semantics: s);
            yield return new SparseCategoricalCrossentropy(name: name, semantics: s);
        }
    }

    /// <summary>Keys, value types and values (doubles bit for bit, so -0.0 stays -0.0).</summary>
    private static string? ConfigDifference(OrderedDictionary<string, object?> expected, OrderedDictionary<string, object?> actual)
    {
        if (!expected.Keys.SequenceEqual(actual.Keys))
        {
            return $"keys [{string.Join(", ", expected.Keys)}] became [{string.Join(", ", actual.Keys)}]";
        }

        foreach ((string key, object? value) in expected)
        {
            object? other = actual[key];
            bool same = (value, other) switch
            {
                (null, null) => true,
                (double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b),
                (not null, not null) => value.GetType() == other.GetType() && value.Equals(other),
                _ => false,
            };
            if (!same)
            {
                return $"{key}: {value ?? "null"} ({value?.GetType().Name}) became {other ?? "null"} ({other?.GetType().Name})";
            }
        }

        return null;
    }

    private static string Show(string s)
    {
        var sb = new StringBuilder();
        foreach (char c in s.Length > 300 ? s[..300] : s)
        {
            sb.Append(c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:x4}");
        }

        return sb.ToString();
    }

    [Fact]
    public void RoundTrip_EveryClassSemanticsAndExtremeOption_ReadsBackToAnEqualConfig()
    {
        var failures = new List<string>();
        int count = 0;
        foreach (LossSemantics s in BothSemantics)
        {
            foreach (Loss loss in Variants(s))
            {
                count++;
                OrderedDictionary<string, object?> config = loss.GetConfig();
                string json = loss.ToJson();
                void Check(string how, Func<Loss> read)
                {
                    try
                    {
                        Loss back = read();
                        string? diff = back.GetType() != loss.GetType() ? $"type {back.GetType().Name}"
                            : back.Semantics != s ? $"semantics {back.Semantics}"
                            : ConfigDifference(config, back.GetConfig()) ?? (back.ToJson() == json ? null : $"JSON {Show(back.ToJson())}");
                        if (diff is not null)
                        {
                            failures.Add($"{how} of {Show(json)}: {diff}");
                        }
                    }
                    catch (Exception e)
                    {
                        failures.Add($"{how} of {Show(json)}: {e.GetType().Name}: {e.Message}");
                    }
                }

                Check("FromJson", () => Losses.FromJson(json));
                Check("FromJson(semantics)", () => Losses.FromJson(json, s));
                Check("FromConfig", () => Losses.FromConfig(loss.ClassName, config, s));
                if (s == LossSemantics.Keras3 || loss.Reduction == Reduction.Auto)
                {
                    // Inferred semantics: "auto" reads as tf.keras 2, anything else as Keras 3.
                    Check("FromConfig(null)", () => Losses.FromConfig(loss.ClassName, loss.GetConfig(), null));
                }

                Check("class FromConfig", () => loss switch
                {
                    BinaryCrossentropy => BinaryCrossentropy.FromConfig(config, s),
                    CategoricalCrossentropy => CategoricalCrossentropy.FromConfig(config, s),
                    SparseCategoricalCrossentropy => SparseCategoricalCrossentropy.FromConfig(config, s),
                    MeanSquaredError => MeanSquaredError.FromConfig(config, s),
                    MeanAbsoluteError => MeanAbsoluteError.FromConfig(config, s),
                    Huber => Huber.FromConfig(config, s),
                    MeanAbsolutePercentageError => MeanAbsolutePercentageError.FromConfig(config, s),
                    MeanSquaredLogarithmicError => MeanSquaredLogarithmicError.FromConfig(config, s),
                    LogCosh => LogCosh.FromConfig(config, s),
                    Poisson => Poisson.FromConfig(config, s),
                    Hinge => Hinge.FromConfig(config, s),
                    SquaredHinge => SquaredHinge.FromConfig(config, s),
                    KLDivergence => KLDivergence.FromConfig(config, s),
                    _ => throw new InvalidOperationException(loss.ClassName),
                });
            }
        }

        Assert.True(count > 1000, $"only {count} variants");
        Assert.True(failures.Count == 0, $"{failures.Count} round trips of {count} losses failed:\n{string.Join("\n", failures.Take(40))}");
    }

    [Fact]
    public void RoundTrip_AxisIntMaxValue_ReadsBack()
    {
        // The brief's case: axis = 2147483647 is written as an integer literal and must come back as the same int.
        var bce = Assert.IsType<BinaryCrossentropy>(Losses.FromJson(new BinaryCrossentropy(axis: int.MaxValue).ToJson()));
        Assert.Equal(int.MaxValue, bce.Axis);
        var cce = Assert.IsType<CategoricalCrossentropy>(Losses.FromJson(new CategoricalCrossentropy(axis: int.MinValue, semantics: LossSemantics.TfKeras2).ToJson()));
        Assert.Equal(int.MinValue, cce.Axis);
        var scce = Assert.IsType<SparseCategoricalCrossentropy>(Losses.FromJson(new SparseCategoricalCrossentropy(ignoreClass: int.MinValue).ToJson()));
        Assert.Equal(int.MinValue, scce.IgnoreClass);
    }

    [Fact]
    public void RoundTrip_SparseLabelSmoothingUnderTfKeras2_ReadsBack()
    {
        // The constructor accepts label smoothing (an extension, SPEC 0.9) under tf.keras 2 too, and GetConfig writes it
        // when non-zero; reading it back must accept it.
        var loss = new SparseCategoricalCrossentropy(labelSmoothing: 0.25, semantics: LossSemantics.TfKeras2);
        var back = Assert.IsType<SparseCategoricalCrossentropy>(Losses.FromJson(loss.ToJson()));
        Assert.Equal(0.25, back.LabelSmoothing);
        Assert.Equal(LossSemantics.TfKeras2, back.Semantics);
        Assert.Equal(loss.ToJson(), back.ToJson());
    }

    [Fact]
    public void FromJson_IntegerLiterals_AreReadExactly()
    {
        // JSON integers beyond 2^53 must not pass through a double: ignore_class -2147483648 and axis 2147483647 are exact,
        // and 2147483648 (int.MaxValue + 1) is not silently accepted as an int.
        string Scce(string axis, string ignore) =>
            $"{{\"module\": \"keras.losses\", \"class_name\": \"SparseCategoricalCrossentropy\", \"config\": {{\"axis\": {axis}, \"ignore_class\": {ignore}}}, \"registered_name\": null}}";
        var scce = Assert.IsType<SparseCategoricalCrossentropy>(Losses.FromJson(Scce("2147483647", "-2147483648")));
        Assert.Equal(int.MaxValue, scce.Axis);
        Assert.Equal(int.MinValue, scce.IgnoreClass);

        foreach ((string axis, string ignore) in new[]
        {
            ("2147483648", "0"), ("-2147483649", "0"), ("0", "2147483648"), ("0", "9223372036854775808"), ("0", "-9223372036854775809"),
            ("99999999999999999999999999999", "0"), ("1e400", "0"), ("-1e400", "0"), ("0", "1e400"),
            ("1.5", "0"), ("0", "0.5"), ("0", new string('9', 5000)), ("2147483647.5", "0"),
        })
        {
            var e = Assert.Throws<ArgumentException>(() => Losses.FromJson(Scce(axis, ignore)));
            Assert.Equal("json", e.ParamName);
            Assert.Contains("integer", e.Message, StringComparison.Ordinal);
        }

        // An integral float literal is an integer (Python's int(2.0) == 2; Keras passes it to the constructor).
        Assert.Equal(-2, ((SparseCategoricalCrossentropy)Losses.FromJson(Scce("-2.0", "3e0"))).Axis);
    }

    [Fact]
    public void FromConfig_DuplicateOrNullKey_ThrowsNamingConfig()
    {
        KeyValuePair<string, object?>[] duplicate = [new("delta", 1.0), new("delta", 2.0)];
        var e = Assert.Throws<ArgumentException>(() => Losses.FromConfig("Huber", duplicate));
        Assert.Equal("config", e.ParamName);
        Assert.Contains("\"delta\"", e.Message, StringComparison.Ordinal);
        Assert.Equal("config", Assert.Throws<ArgumentException>(() => Huber.FromConfig(duplicate)).ParamName);

        KeyValuePair<string, object?>[] nullKey = [new(null!, 1.0)];
        var n = Assert.Throws<ArgumentException>(() => Losses.FromConfig("MeanSquaredError", nullKey));
        Assert.Equal("config", n.ParamName);
    }
}
