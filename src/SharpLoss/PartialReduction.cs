using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using SharpLoss.Kernels;

namespace SharpLoss;

/// <summary>
/// The exact reduction state of some rows of a batch (<see cref="Loss.Partial{T}(LossInput{T}, LossInput{T}, LossInput{T}, long, long, Internals.BatchMask)"/>):
/// the partial sum of every summation chunk the kernels cut the whole batch into, keyed by its global index, the weight
/// sum's chunks likewise, and the counts. Merging is a union (overlapping rows, another loss, configuration, element type
/// or shape are errors), so any order and grouping of merges gives the same state; <see cref="Finish{T}"/> adds the chunks
/// in index order exactly as the in-memory call does. Doubles are serialized as their raw bits.
/// </summary>
internal sealed class PartialReduction
{
    private const string Format = "sharploss-partial/1";

    private readonly SortedDictionary<long, double> _chunks = [];
    private readonly SortedDictionary<long, double> _weightChunks = [];
    private readonly SortedDictionary<long, long> _ranges = [];

    private PartialReduction(string fingerprint, bool isDouble, long totalRows)
    {
        Fingerprint = fingerprint;
        IsDouble = isDouble;
        TotalRows = totalRows;
    }

    /// <summary>The loss config, element type and shapes (but the leading axis) the state belongs to.</summary>
    public string Fingerprint { get; }

    /// <summary>True for float64 inputs, false for float32.</summary>
    public bool IsDouble { get; }

    /// <summary>The rows of the whole batch.</summary>
    public long TotalRows { get; }

    /// <summary>The chunk geometry and divisor, or null for a state of empty blocks only.</summary>
    public GeometryInfo? Geometry { get; private set; }

    /// <summary>Per-sample losses (weighted values) counted so far.</summary>
    public long Count { get; private set; }

    /// <summary>Non-zero weights counted so far (tf.compat.v1's divisor).</summary>
    public long NonZero { get; private set; }

    /// <summary>The row ranges the state covers, merged where they touch.</summary>
    public IReadOnlyList<(long First, long End)> Ranges => [.. _ranges.Select(p => (p.Key, p.Value))];

    /// <summary>Rows a block must start on (a multiple of): the row counts that hold whole chunks of both sums.</summary>
    public long Alignment => Geometry?.Alignment ?? 1;

    /// <summary>True when the ranges cover every row of the batch.</summary>
    public bool IsComplete => TotalRows == 0 || (_ranges.Count == 1 && _ranges.First().Key == 0 && _ranges.First().Value == TotalRows);

    /// <summary>The chunk geometry of a state.</summary>
    /// <param name="ElementsPerChunk">y_pred elements per loss-sum chunk.</param>
    /// <param name="ElementsPerRow">y_pred elements per row.</param>
    /// <param name="LossesPerRow">Per-sample losses per row.</param>
    /// <param name="Flat">Whether the total is weight · (Σ / D) (the flat mode).</param>
    /// <param name="FlatWeight">The flat mode's weight.</param>
    /// <param name="FlatD">The flat mode's D.</param>
    /// <param name="FlatSums">Whether the flat kernel sums over its axis.</param>
    /// <param name="Divisor">The divisor's kind.</param>
    /// <param name="DivisorValue">A scalar divisor ingredient (a scalar weight).</param>
    /// <param name="WeightsPerRow">Weights per row in the weight sum (0 when the divisor sums no weights).</param>
    internal sealed record GeometryInfo(
        long ElementsPerChunk, long ElementsPerRow, long LossesPerRow, bool Flat, double FlatWeight, int FlatD, bool FlatSums,
        DivisorKind Divisor, double DivisorValue, long WeightsPerRow)
    {
        public long Alignment
        {
            get
            {
                long a = ElementsPerChunk / Gcd(ElementsPerChunk, ElementsPerRow);
                if (WeightsPerRow > 0)
                {
                    long b = PointwiseDriver.Chunk / Gcd(PointwiseDriver.Chunk, WeightsPerRow);
                    a = a / Gcd(a, b) * b;
                }

                return a;
            }
        }

        public bool SameAs(GeometryInfo other) => this with { FlatWeight = 0, DivisorValue = 0 } == other with { FlatWeight = 0, DivisorValue = 0 }
            && BitConverter.DoubleToInt64Bits(FlatWeight) == BitConverter.DoubleToInt64Bits(other.FlatWeight)
            && BitConverter.DoubleToInt64Bits(DivisorValue) == BitConverter.DoubleToInt64Bits(other.DivisorValue);

        private static long Gcd(long a, long b)
        {
            while (b != 0)
            {
                (a, b) = (b, a % b);
            }

            return Math.Max(a, 1);
        }
    }

    internal static PartialReduction Empty(string fingerprint, bool isDouble, long totalRows, long firstRow)
    {
        var s = new PartialReduction(fingerprint, isDouble, totalRows);
        s._ranges[firstRow] = firstRow;
        s.Normalize();
        return s;
    }

    internal static PartialReduction FromRecorder(string fingerprint, bool isDouble, long totalRows, long firstRow, long rows, ChunkRecorder r, long weightsPerRow)
    {
        var g = new GeometryInfo(
            r.ElementsPerChunk, r.ElementsPerLoss * (r.Losses / rows), r.Losses / rows, r.Flat, r.FlatWeight, r.FlatD, r.FlatSums,
            r.Divisor, r.Divisor == DivisorKind.NonZero ? 0 : r.DivisorValue, weightsPerRow);
        if (firstRow % g.Alignment != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(firstRow), firstRow, $"Expected a first row that is a multiple of {g.Alignment} (whole summation chunks). Received: {firstRow}.");
        }

        var s = new PartialReduction(fingerprint, isDouble, totalRows) { Geometry = g, Count = r.Losses };
        long first = firstRow * g.ElementsPerRow / g.ElementsPerChunk;
        for (int c = 0; c < r.Chunks.Count; c++)
        {
            s._chunks[first + c] = r.Chunks[c];
        }

        if (weightsPerRow > 0)
        {
            long wFirst = firstRow * weightsPerRow / PointwiseDriver.Chunk;
            for (int c = 0; c < r.WeightChunks.Count; c++)
            {
                s._weightChunks[wFirst + c] = r.WeightChunks[c];
            }
        }

        if (r.Divisor == DivisorKind.NonZero)
        {
            // The block's own count of non-zero weights: an ingredient that adds up over blocks (it is kept out of the
            // geometry, which must be the same in every block).
            s.NonZero = (long)r.DivisorValue;
        }

        s._ranges[firstRow] = firstRow + rows;
        return s;
    }

    /// <summary>The union of two states of disjoint rows of the same batch and configuration.</summary>
    /// <exception cref="ArgumentException">The states belong to different losses, configurations, element types, shapes or
    /// batch sizes, or their rows overlap.</exception>
    public static PartialReduction Merge(PartialReduction a, PartialReduction b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Fingerprint != b.Fingerprint || a.IsDouble != b.IsDouble)
        {
            throw new ArgumentException($"Cannot merge states of different losses, configurations, element types or shapes: '{a.Fingerprint}' and '{b.Fingerprint}'.", nameof(b));
        }

        if (a.TotalRows != b.TotalRows)
        {
            throw new ArgumentException($"Cannot merge states of batches of different sizes: {a.TotalRows} and {b.TotalRows} rows.", nameof(b));
        }

        if (a.Geometry is not null && b.Geometry is not null && !a.Geometry.SameAs(b.Geometry))
        {
            throw new ArgumentException("Cannot merge states whose chunk geometry or divisor differ (another sample weight or layout).", nameof(b));
        }

        var m = new PartialReduction(a.Fingerprint, a.IsDouble, a.TotalRows) { Geometry = a.Geometry ?? b.Geometry };
        foreach (var (first, end) in a._ranges.Concat(b._ranges))
        {
            m.AddRange(first, end);
        }

        foreach (var p in a._chunks.Concat(b._chunks))
        {
            if (!m._chunks.TryAdd(p.Key, p.Value))
            {
                throw new ArgumentException($"Cannot merge states that share summation chunk {p.Key}: their rows overlap.", nameof(b));
            }
        }

        foreach (var p in a._weightChunks.Concat(b._weightChunks))
        {
            if (!m._weightChunks.TryAdd(p.Key, p.Value))
            {
                throw new ArgumentException($"Cannot merge states that share weight chunk {p.Key}: their rows overlap.", nameof(b));
            }
        }

        m.Count = checked(a.Count + b.Count);
        m.NonZero = checked(a.NonZero + b.NonZero);
        m.Normalize();
        return m;
    }

    /// <summary>The reduced value of the whole batch: the chunk sums added in chunk order, the flat mode's scaling, then
    /// the division by the divisor, as the in-memory call does them.</summary>
    /// <exception cref="InvalidOperationException">Rows are missing, or the element type is not the state's.</exception>
    public T Finish<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if ((typeof(T) == typeof(double)) != IsDouble)
        {
            throw new InvalidOperationException($"The state holds a {(IsDouble ? "float64" : "float32")} reduction. Received a request for {typeof(T).Name}.");
        }

        if (!IsComplete)
        {
            throw new InvalidOperationException($"The state covers rows {DescribeRanges()} of {TotalRows}: merge the states of the missing rows first.");
        }

        return FinishBlock<T>();
    }

    /// <summary>The value of the rows the state holds, reduced as if they were the whole batch.</summary>
    internal T FinishBlock<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GeometryInfo? g = Geometry;
        if (g is null || Count == 0)
        {
            return T.Zero;
        }

        double total = 0;
        foreach (double p in _chunks.Values)
        {
            total += p;
        }

        if (g.Flat)
        {
            total = PointwiseDriver.FlatTotal(total, g.FlatWeight, g.FlatD, g.FlatSums);
        }

        double divisor = Divisor<T>();
        return divisor == 0 ? T.Zero : T.CreateTruncating(total / divisor);
    }

    /// <summary>The divisor of the rows the state holds (of the whole batch once complete), as the in-memory call computes
    /// it: a count, a scalar weight, the weight sum's chunks added in order, or the non-zero weight count.</summary>
    /// <exception cref="NotSupportedException">The divisor's reciprocal is not a normal number in T.</exception>
    internal double Divisor<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GeometryInfo? g = Geometry;
        if (g is null || Count == 0)
        {
            return 0;
        }

        double divisor = g.Divisor switch
        {
            DivisorKind.One => 1,
            DivisorKind.Count => Count,
            DivisorKind.Scalar => g.DivisorValue,
            DivisorKind.ScaledCount => g.DivisorValue * Count,
            DivisorKind.NonZero => NonZero,
            _ => WeightSum(),
        };
        if (divisor != 0 && !T.IsNormal(T.CreateTruncating(1 / divisor)))
        {
            throw new NotSupportedException("The divisor's reciprocal is not a normal number: the in-memory call rescales the weights first, which a partial reduction does not reproduce.");
        }

        return divisor;
    }

    private double WeightSum()
    {
        double total = 0;
        foreach (double p in _weightChunks.Values)
        {
            total += p;
        }

        return total;
    }

    /// <summary>The state as JSON, every double as the hexadecimal of its bits.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteString("fingerprint", Fingerprint);
            w.WriteString("dtype", IsDouble ? "float64" : "float32");
            w.WriteNumber("total_rows", TotalRows);
            w.WriteStartArray("ranges");
            foreach (var p in _ranges)
            {
                w.WriteStartArray();
                w.WriteNumberValue(p.Key);
                w.WriteNumberValue(p.Value);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteNumber("count", Count);
            w.WriteNumber("nonzero", NonZero);
            if (Geometry is { } g)
            {
                w.WriteStartObject("geometry");
                w.WriteNumber("elements_per_chunk", g.ElementsPerChunk);
                w.WriteNumber("elements_per_row", g.ElementsPerRow);
                w.WriteNumber("losses_per_row", g.LossesPerRow);
                w.WriteBoolean("flat", g.Flat);
                w.WriteString("flat_weight", Bits(g.FlatWeight));
                w.WriteNumber("flat_d", g.FlatD);
                w.WriteBoolean("flat_sums", g.FlatSums);
                w.WriteString("divisor", g.Divisor.ToString());
                w.WriteString("divisor_value", Bits(g.DivisorValue));
                w.WriteNumber("weights_per_row", g.WeightsPerRow);
                w.WriteEndObject();
            }

            WriteChunks(w, "chunks", _chunks);
            WriteChunks(w, "weight_chunks", _weightChunks);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads a state written by <see cref="ToJson"/>.</summary>
    /// <exception cref="FormatException">The text is not such a state.</exception>
    public static PartialReduction Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out JsonElement f) || f.GetString() != Format)
            {
                throw new FormatException($"Not a SharpLoss partial state (expected \"format\": \"{Format}\").");
            }

            var s = new PartialReduction(root.GetProperty("fingerprint").GetString()!, root.GetProperty("dtype").GetString() == "float64", root.GetProperty("total_rows").GetInt64())
            {
                Count = root.GetProperty("count").GetInt64(),
                NonZero = root.GetProperty("nonzero").GetInt64(),
            };
            foreach (JsonElement r in root.GetProperty("ranges").EnumerateArray())
            {
                long first = r[0].GetInt64(), end = r[1].GetInt64();
                if (first < 0 || end < first || end > s.TotalRows || !s._ranges.TryAdd(first, end))
                {
                    throw new FormatException($"Invalid row range [{first}, {end}).");
                }
            }

            if (root.TryGetProperty("geometry", out JsonElement g))
            {
                s.Geometry = new GeometryInfo(
                    g.GetProperty("elements_per_chunk").GetInt64(), g.GetProperty("elements_per_row").GetInt64(), g.GetProperty("losses_per_row").GetInt64(),
                    g.GetProperty("flat").GetBoolean(), FromBits(g.GetProperty("flat_weight").GetString()), g.GetProperty("flat_d").GetInt32(),
                    g.GetProperty("flat_sums").GetBoolean(), Enum.Parse<DivisorKind>(g.GetProperty("divisor").GetString()!),
                    FromBits(g.GetProperty("divisor_value").GetString()), g.GetProperty("weights_per_row").GetInt64());
                if (s.Geometry.ElementsPerChunk <= 0 || s.Geometry.ElementsPerRow <= 0)
                {
                    throw new FormatException("Invalid chunk geometry.");
                }
            }

            ReadChunks(root.GetProperty("chunks"), s._chunks);
            ReadChunks(root.GetProperty("weight_chunks"), s._weightChunks);
            return s;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException or OverflowException)
        {
            throw new FormatException($"Not a valid SharpLoss partial state: {e.Message}", e);
        }
    }

    private static void WriteChunks(Utf8JsonWriter w, string name, SortedDictionary<long, double> chunks)
    {
        w.WriteStartArray(name);
        foreach (var p in chunks)
        {
            w.WriteStartArray();
            w.WriteNumberValue(p.Key);
            w.WriteStringValue(Bits(p.Value));
            w.WriteEndArray();
        }

        w.WriteEndArray();
    }

    private static void ReadChunks(JsonElement array, SortedDictionary<long, double> chunks)
    {
        foreach (JsonElement c in array.EnumerateArray())
        {
            if (!chunks.TryAdd(c[0].GetInt64(), FromBits(c[1].GetString())))
            {
                throw new FormatException($"Chunk {c[0].GetInt64()} appears twice.");
            }
        }
    }

    private static string Bits(double v) => "0x" + BitConverter.DoubleToInt64Bits(v).ToString("x16", CultureInfo.InvariantCulture);

    private static double FromBits(string? text)
    {
        if (text is null || !text.StartsWith("0x", StringComparison.Ordinal)
            || !long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long bits))
        {
            throw new FormatException($"Expected a double as \"0x\" and 16 hexadecimal digits. Received: {text ?? "null"}.");
        }

        return BitConverter.Int64BitsToDouble(bits);
    }

    private void AddRange(long first, long end)
    {
        foreach (var (f, e) in _ranges)
        {
            if (first < e && f < end)
            {
                throw new ArgumentException($"Cannot merge states whose rows overlap: [{first}, {end}) and [{f}, {e}).", "b");
            }
        }

        if (!_ranges.TryAdd(first, end))
        {
            // Two empty ranges at the same row: nothing to add.
            _ranges[first] = Math.Max(_ranges[first], end);
        }
    }

    /// <summary>Joins touching ranges and drops empty ones (keeping one when nothing else is left).</summary>
    private void Normalize()
    {
        var merged = new List<(long First, long End)>();
        foreach (var (f, e) in _ranges)
        {
            if (e == f)
            {
                continue;
            }

            if (merged.Count > 0 && merged[^1].End == f)
            {
                merged[^1] = (merged[^1].First, e);
            }
            else
            {
                merged.Add((f, e));
            }
        }

        _ranges.Clear();
        foreach (var (f, e) in merged)
        {
            _ranges[f] = e;
        }
    }

    private string DescribeRanges() => _ranges.Count == 0 ? "none" : string.Join(", ", _ranges.Select(p => $"[{p.Key}, {p.Value})"));
}
