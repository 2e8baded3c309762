// Loader and case model for tests/SharpLoss.Tests/Data/keras-docstring-cases.json (SPEC section J): 204 published
// Keras / tf.keras / TensorFlow numbers with their provenance, tolerance and a float32 re-computation.
// Nothing here computes a loss: it only parses the file and decides which cases SharpLoss implements.

using System.Globalization;
using System.Text.Json;

namespace SharpLoss.Tests.Conformance;

/// <summary>A nested JSON list of numbers as a flat row-major array and the shape implied by its nesting.</summary>
/// <param name="Data">The elements, row-major.</param>
/// <param name="Shape">The dimensions; empty for a bare number.</param>
internal sealed record NdArray(double[] Data, int[] Shape)
{
    public bool IsScalar => Shape.Length == 0;

    public static NdArray Parse(JsonElement element, string what)
    {
        var data = new List<double>();
        int[]? shape = null;
        Walk(element, [], data, ref shape, what);
        return new NdArray([.. data], shape ?? []);
    }

    private static void Walk(JsonElement e, List<int> prefix, List<double> data, ref int[]? shape, string what)
    {
        if (e.ValueKind == JsonValueKind.Number || e.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            int[] here = [.. prefix];
            if (shape is null)
            {
                shape = here;
            }
            else if (!shape.AsSpan().SequenceEqual(here))
            {
                throw new InvalidDataException($"{what}: ragged nested list (a leaf at depth {here.Length}, expected depth {shape.Length}).");
            }

            data.Add(e.ValueKind switch
            {
                JsonValueKind.True => 1.0,
                JsonValueKind.False => 0.0,
                _ => e.GetDouble(),
            });
            return;
        }

        if (e.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{what}: expected a number or a nested list. Received: {e.ValueKind}.");
        }

        int length = e.GetArrayLength();
        if (length == 0)
        {
            throw new InvalidDataException($"{what}: empty lists are not used by the case file.");
        }

        // The shape records every dimension on the first descent; later leaves must agree (checked above), and sibling
        // lists must have the same length (checked here through the recorded shape).
        int depth = prefix.Count;
        if (shape is not null && (shape.Length <= depth || shape[depth] != length))
        {
            throw new InvalidDataException($"{what}: ragged nested list at depth {depth}.");
        }

        prefix.Add(length);
        foreach (JsonElement child in e.EnumerateArray())
        {
            Walk(child, prefix, data, ref shape, what);
        }

        prefix.RemoveAt(prefix.Count - 1);
    }

    public float[] ToSingle() => Array.ConvertAll(Data, v => (float)v);

    public int[] ToInt32() => Array.ConvertAll(Data, v => checked((int)Integral(v)));

    public long[] ToInt64() => Array.ConvertAll(Data, Integral);

    public bool[] ToBoolean() => Array.ConvertAll(Data, v => v != 0);

    private static long Integral(double v) =>
        v == Math.Floor(v) && Math.Abs(v) < 1e15
            ? (long)v
            : throw new InvalidDataException($"Expected an integral class id. Received: {v.ToString("R", CultureInfo.InvariantCulture)}.");

    public static string FormatShape(int[] shape) => "(" + string.Join(", ", shape) + (shape.Length == 1 ? ",)" : ")");

    public override string ToString() =>
        (IsScalar ? Data[0].ToString("R", CultureInfo.InvariantCulture)
                  : "[" + string.Join(", ", Data.Select(d => d.ToString("R", CultureInfo.InvariantCulture))) + "]")
        + " shape " + FormatShape(Shape);
}

/// <summary>How SharpLoss runs a case, or why it cannot.</summary>
internal enum CaseFamily
{
    /// <summary>The loss is not implemented by SharpLoss.</summary>
    NotApplicable,

    /// <summary>A Keras loss class (<c>call: "class"</c>): constructed from ctor_args, called with sample_weight (and mask).</summary>
    KerasClass,

    /// <summary>A Keras function form (unreduced per-sample values): <c>binary_crossentropy</c>, tf.keras <c>backend.binary_crossentropy</c>, <c>huber</c>, <c>log_cosh</c>.</summary>
    KerasFunction,

    /// <summary>A <c>tf.nn</c> cross-entropy (unreduced).</summary>
    TfNn,

    /// <summary>A <c>tf.compat.v1.losses</c> function (reduced by its v1 reduction).</summary>
    CompatV1,
}

/// <summary>The constructor / keyword arguments of a case, in Keras 3 spelling (SPEC J).</summary>
internal sealed record CaseOptions
{
    public bool FromLogits { get; init; }

    public double LabelSmoothing { get; init; }

    public int Axis { get; init; } = -1;

    /// <summary>A list-valued axis (Dice/Tversky's tuple), or null.</summary>
    public int[]? Axes { get; init; }

    /// <summary>alpha when given (Tversky's default is 0.5, the focal losses' 0.25).</summary>
    public double? Alpha { get; init; }

    /// <summary>Tversky's beta; Keras's default 0.5 when absent.</summary>
    public double Beta { get; init; } = 0.5;

    /// <summary>True when <c>reduction</c> appears in ctor_args (its value may be JSON null, meaning "none").</summary>
    public bool HasReduction { get; init; }

    /// <summary>The reduction string; null when absent or JSON null (see <see cref="HasReduction"/>).</summary>
    public string? ReductionName { get; init; }

    public int? IgnoreClass { get; init; }

    public double? PosWeight { get; init; }

    /// <summary>Huber's delta; Keras's default 1.0 when absent.</summary>
    public double Delta { get; init; } = 1.0;

    /// <summary>The focal losses' apply_class_balancing (default false).</summary>
    public bool ApplyClassBalancing { get; init; }

    /// <summary>The focal losses' gamma; Keras's default 2.0 when absent.</summary>
    public double Gamma { get; init; } = 2.0;

    /// <summary>CategoricalGeneralizedCrossEntropy's q; Keras's default 0.5 when absent.</summary>
    public double Q { get; init; } = 0.5;

    /// <summary>ctor_args keys this model does not interpret.</summary>
    public IReadOnlyList<string> Unknown { get; init; } = [];

    public static CaseOptions Parse(JsonElement e)
    {
        var o = new CaseOptions();
        foreach (JsonProperty p in e.EnumerateObject())
        {
            JsonValueKind k = p.Value.ValueKind;
            bool number = k == JsonValueKind.Number;
            bool isNull = k == JsonValueKind.Null;
            o = p.Name switch
            {
                "from_logits" when k is JsonValueKind.True or JsonValueKind.False => o with { FromLogits = p.Value.GetBoolean() },
                "label_smoothing" when number => o with { LabelSmoothing = p.Value.GetDouble() },
                "axis" when number => o with { Axis = p.Value.GetInt32() },
                "axis" when k == JsonValueKind.Array => o with { Axes = [.. p.Value.EnumerateArray().Select(a => a.GetInt32())] },
                "alpha" when number => o with { Alpha = p.Value.GetDouble() },
                "beta" when number => o with { Beta = p.Value.GetDouble() },
                "reduction" when isNull || k == JsonValueKind.String => o with { HasReduction = true, ReductionName = isNull ? null : p.Value.GetString() },
                "ignore_class" when isNull || number => o with { IgnoreClass = isNull ? null : p.Value.GetInt32() },
                "pos_weight" when number => o with { PosWeight = p.Value.GetDouble() },
                "delta" when number => o with { Delta = p.Value.GetDouble() },
                "apply_class_balancing" when k is JsonValueKind.True or JsonValueKind.False => o with { ApplyClassBalancing = p.Value.GetBoolean() },
                "gamma" when number => o with { Gamma = p.Value.GetDouble() },
                "q" when number => o with { Q = p.Value.GetDouble() },

                // Keys of losses SharpLoss does not implement (alpha, gamma, a list-valued axis, ...) are kept out of
                // the applicable set by the loss name; DocstringCase rejects an unknown key on an applicable case.
                _ => o with { Unknown = [.. o.Unknown, p.Name] },
            };
        }

        return o;
    }

    /// <summary>
    /// The Keras reduction for a class case (SPEC J: "reduction: null" means none; tf.keras 2's default is "auto";
    /// Keras 3's default is "sum_over_batch_size", SPEC A.3).
    /// </summary>
    public Reduction KerasReduction(LossSemantics semantics)
    {
        if (!HasReduction)
        {
            return semantics == LossSemantics.TfKeras2 ? Reduction.Auto : Reduction.SumOverBatchSize;
        }

        return ReductionName switch
        {
            null or "none" => Reduction.None,
            "sum" => Reduction.Sum,
            "sum_over_batch_size" => Reduction.SumOverBatchSize,
            "mean" => Reduction.Mean,
            "mean_with_sample_weight" => Reduction.MeanWithSampleWeight,
            "auto" => Reduction.Auto,
            _ => throw new InvalidDataException($"Unknown Keras reduction '{ReductionName}'."),
        };
    }

    /// <summary>The tf.compat.v1 reduction from its string value (SPEC A.9); absent means SUM_BY_NONZERO_WEIGHTS, the v1 default.</summary>
    public CompatV1.Reduction V1Reduction() => !HasReduction
        ? CompatV1.Reduction.SumByNonzeroWeights
        : ReductionName switch
        {
            "none" => CompatV1.Reduction.None,
            "weighted_sum" => CompatV1.Reduction.Sum,
            "weighted_mean" => CompatV1.Reduction.Mean,
            "weighted_sum_over_batch_size" => CompatV1.Reduction.SumOverBatchSize,
            "weighted_sum_by_nonzero_weights" or "weighted_sum_over_nonzero_weights" => CompatV1.Reduction.SumByNonzeroWeights,
            _ => throw new InvalidDataException($"Unknown tf.compat.v1 reduction '{ReductionName ?? "null"}'."),
        };
}

/// <summary>One published number of keras-docstring-cases.json (fields as in SPEC J).</summary>
internal sealed class DocstringCase
{
    /// <summary>Position in the JSON array (0-based); the stable identifier used by the theory rows.</summary>
    public required int Index { get; init; }

    public required string Source { get; init; }

    public required string Api { get; init; }

    public required string Loss { get; init; }

    public required string Call { get; init; }

    public required CaseOptions Options { get; init; }

    public required NdArray YTrue { get; init; }

    public required NdArray YPred { get; init; }

    /// <summary>Null = no sample weight; a scalar NdArray = scalar weight; else a tensor of its nested shape.</summary>
    public required NdArray? SampleWeight { get; init; }

    /// <summary>The Keras mask on y_pred (loss_test.py cases), or null.</summary>
    public required NdArray? Mask { get; init; }

    public required NdArray Expected { get; init; }

    public required double Atol { get; init; }

    public required double Rtol { get; init; }

    public required NdArray? ReferenceFloat32 { get; init; }

    public required string? Notes { get; init; }

    public required string? VersionNote { get; init; }

    public CaseFamily Family => Classify().Family;

    /// <summary>Why the case is not run (null when it is).</summary>
    public string? NotApplicableReason => Classify().Reason;

    /// <summary>The semantics the number belongs to (SPEC J <c>api</c>): empty for tf.nn and tf.compat.v1, which have none.</summary>
    public IReadOnlyList<LossSemantics> SemanticsList => Api switch
    {
        "keras3" => [LossSemantics.Keras3],
        "tf.keras2" => [LossSemantics.TfKeras2],
        "keras3+tf.keras2" => [LossSemantics.Keras3, LossSemantics.TfKeras2],
        _ => [],
    };

    /// <summary>True for the SparseCategoricalCrossentropy and CategoricalGeneralizedCrossEntropy classes and tf.nn's sparse softmax, whose labels are class ids.</summary>
    public bool HasClassIdLabels => Loss is "SparseCategoricalCrossentropy" or "CategoricalGeneralizedCrossEntropy" or "sparse_softmax_cross_entropy_with_logits";

    /// <summary>True when the published value is a reduced number (a scalar), false for a tensor of values.</summary>
    public bool ExpectsScalar => Expected.IsScalar;

    public override string ToString() =>
        $"case #{Index} [{Api} / {Loss} / {Call}] \"{Source}\"";

    private (CaseFamily Family, string? Reason) Classify()
    {
        (CaseFamily family, string? reason) = (Api, Call, Loss) switch
        {
            ("keras3" or "tf.keras2" or "keras3+tf.keras2", "class",
                "BinaryCrossentropy" or "CategoricalCrossentropy" or "SparseCategoricalCrossentropy" or "MeanSquaredError"
                or "MeanAbsoluteError" or "Huber" or "custom elementwise squared error"
                or "CosineSimilarity" or "CategoricalHinge" or "Dice" or "Tversky"
                or "BinaryFocalCrossentropy" or "CategoricalFocalCrossentropy" or "CategoricalGeneralizedCrossEntropy"
                or "MeanAbsolutePercentageError" or "MeanSquaredLogarithmicError" or "LogCosh" or "Poisson"
                or "Hinge" or "SquaredHinge" or "KLDivergence") => (CaseFamily.KerasClass, null),
            ("keras3+tf.keras2", "function", "cosine_similarity" or "binary_focal_crossentropy" or "categorical_focal_crossentropy") => (CaseFamily.KerasFunction, null),
            ("keras3+tf.keras2", "function", "binary_crossentropy") => (CaseFamily.KerasFunction, null),
            ("keras3", "function", "huber" or "log_cosh") => (CaseFamily.KerasFunction, null),
            ("tf.keras2", "function", "backend.binary_crossentropy") => (CaseFamily.KerasFunction, null),
            ("tf.nn", "function",
                "sigmoid_cross_entropy_with_logits" or "weighted_cross_entropy_with_logits"
                or "softmax_cross_entropy_with_logits" or "sparse_softmax_cross_entropy_with_logits") => (CaseFamily.TfNn, (string?)null),
            ("tf.compat.v1.losses", "function", "softmax_cross_entropy" or "mean_squared_error") => (CaseFamily.CompatV1, null),
            _ => (CaseFamily.NotApplicable, $"{Loss} ({Api}, {Call}) is not implemented by SharpLoss"),
        };

        if (family != CaseFamily.NotApplicable && Options.Unknown.Count > 0)
        {
            throw new InvalidDataException($"{this}: ctor_args key(s) {string.Join(", ", Options.Unknown)} are not modelled for an applicable case.");
        }

        if (family != CaseFamily.NotApplicable && Mask is not null && Loss != "custom elementwise squared error")
        {
            throw new InvalidDataException($"{this}: a mask is only modelled for the custom elementwise squared error cases.");
        }

        return (family, reason);
    }
}

/// <summary>Reads keras-docstring-cases.json once (it is copied next to the test binary).</summary>
internal static class DocstringCases
{
    /// <summary>SPEC section J: "An array of 204 objects."</summary>
    public const int TotalCount = 204;

    private static readonly Lazy<List<DocstringCase>> Cases = new(Load);

    public static string FilePath => Path.Combine(AppContext.BaseDirectory, "Data", "keras-docstring-cases.json");

    public static IReadOnlyList<DocstringCase> All => Cases.Value;

    public static IEnumerable<DocstringCase> Applicable => All.Where(c => c.Family != CaseFamily.NotApplicable);

    public static DocstringCase Get(int index) => All[index];

    private static List<DocstringCase> Load()
    {
        using FileStream stream = File.OpenRead(FilePath);
        using JsonDocument doc = JsonDocument.Parse(stream);
        var list = new List<DocstringCase>();
        int index = 0;
        foreach (JsonElement e in doc.RootElement.EnumerateArray())
        {
            list.Add(Parse(e, index));
            index++;
        }

        return list;
    }

    private static DocstringCase Parse(JsonElement e, int index)
    {
        string what = $"case #{index}";
        string source = e.GetProperty("source").GetString()!;
        JsonElement tolerance = e.GetProperty("tolerance");
        return new DocstringCase
        {
            Index = index,
            Source = source,
            Api = e.GetProperty("api").GetString()!,
            Loss = e.GetProperty("loss").GetString()!,
            Call = e.GetProperty("call").GetString()!,
            Options = CaseOptions.Parse(e.GetProperty("ctor_args")),
            YTrue = NdArray.Parse(e.GetProperty("y_true"), what + " y_true"),
            YPred = NdArray.Parse(e.GetProperty("y_pred"), what + " y_pred"),
            SampleWeight = Optional(e, "sample_weight", what),
            Mask = Optional(e, "mask", what),
            Expected = NdArray.Parse(e.GetProperty("expected"), what + " expected"),

            // numpy-allclose semantics: a missing atol or rtol is 0 (every case gives atol; some also rtol).
            Atol = tolerance.TryGetProperty("atol", out JsonElement atol) ? atol.GetDouble() : 0.0,
            Rtol = tolerance.TryGetProperty("rtol", out JsonElement rtol) ? rtol.GetDouble() : 0.0,
            ReferenceFloat32 = Optional(e, "reference_float32", what),
            Notes = e.TryGetProperty("notes", out JsonElement notes) ? notes.GetString() : null,
            VersionNote = e.TryGetProperty("version_note", out JsonElement vn) ? vn.GetString() : null,
        };
    }

    private static NdArray? Optional(JsonElement e, string name, string what) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind != JsonValueKind.Null ? NdArray.Parse(v, $"{what} {name}") : null;
}
