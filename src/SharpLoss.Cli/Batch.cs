using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SharpLoss.Cli;

/// <summary>
/// The batch protocol: JSON Lines on stdin, one case per line, <c>{"config": &lt;Keras loss config&gt;, "y_true": [...],
/// "y_pred": [...], "sample_weight": [...]?, "grad": true?, "dtype": "float32"|"float64"?}</c> (nested arrays give the
/// shapes); one line out per case, in order: <c>{"value": ..., "shape": [...], "grad": [...]?}</c> or <c>{"error": "..."}</c>.
/// A bad case gives an error line and the next case runs.
/// </summary>
internal static class Batch
{
    /// <summary>Quotes and non-ASCII characters as they are (the output is UTF-8 JSON, not HTML).</summary>
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static int Run(TextReader input, TextWriter output)
    {
        string? line;
        int number = 0;
        while ((line = input.ReadLine()) is not null)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonObject result;
            try
            {
                result = Case(line);
            }
            catch (Exception e) when (e is ArgumentException or CliException or JsonException or InvalidOperationException or NotSupportedException or FormatException or OverflowException)
            {
                result = new JsonObject { ["error"] = $"line {number}: {LossResolver.Plain(e)}" };
            }

            output.WriteLine(result.ToJsonString(Relaxed));
            output.Flush();
        }

        return 0;
    }

    private static JsonObject Case(string line)
    {
        JsonNode root = JsonNode.Parse(line) ?? throw new CliException("expected a JSON object");
        if (root is not JsonObject o)
        {
            throw new CliException("expected a JSON object");
        }

        JsonNode config = o["config"] ?? throw new CliException("missing \"config\" (a Keras loss config)");
        Loss loss = Losses.FromJson(config.ToJsonString());
        (double[] y, long[] yShape) = Tensorize(o["y_true"] ?? throw new CliException("missing \"y_true\""), "y_true");
        (double[] p, long[] pShape) = Tensorize(o["y_pred"] ?? throw new CliException("missing \"y_pred\""), "y_pred");
        (double[] W, long[] Shape)? w = o["sample_weight"] is JsonNode wn ? Tensorize(wn, "sample_weight") : null;
        bool grad = o["grad"] is JsonNode g && g.GetValue<bool>();
        string dtype = o["dtype"] is JsonNode d ? d.GetValue<string>() : "float32";
        return dtype switch
        {
            "float32" => Evaluate<float>(loss, y, yShape, p, pShape, w, grad),
            "float64" => Evaluate<double>(loss, y, yShape, p, pShape, w, grad),
            _ => throw new CliException($"\"dtype\": expected \"float32\" or \"float64\". Received: \"{dtype}\"."),
        };
    }

    private static JsonObject Evaluate<T>(Loss loss, double[] y, long[] yShape, double[] p, long[] pShape, (double[] W, long[] Shape)? w, bool grad)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var yArr = new Formats.NdArray(Formats.DType.Float64, yShape, y);
        bool ids = loss is ClassIdLoss && y.All(v => v == Math.Floor(v) && Math.Abs(v) < 9e15);
        if (ids)
        {
            yArr = new Formats.NdArray(Formats.DType.Int64, yShape, y.Select(v => (long)v).ToArray());
        }

        T[] pred = [.. p.Select(T.CreateTruncating)];
        Formats.NdArray? wArr = w is { } ww ? new Formats.NdArray(Formats.DType.Float64, ww.Shape, ww.W) : null;
        var predArr = new Formats.NdArray(typeof(T) == typeof(float) ? Formats.DType.Float32 : Formats.DType.Float64, pShape, pred);
        using var yS = new Formats.MemorySource(yArr, "y_true");
        using var pS = new Formats.MemorySource(predArr, "y_pred");
        using Formats.MemorySource? wS = wArr is null ? null : new Formats.MemorySource(wArr, "sample_weight");

        var result = new JsonObject();
        if (loss.Reduction == Reduction.None)
        {
            string tmp = Path.Combine(Path.GetTempPath(), $"sharploss-{Guid.NewGuid():N}.npy");
            string? gradTmp = grad ? Path.Combine(Path.GetTempPath(), $"sharploss-{Guid.NewGuid():N}.npy") : null;
            try
            {
                Evaluator.Run(new EvalRequest { Loss = loss, YTrue = yS, YPred = pS, SampleWeight = wS, PerSample = tmp, Grad = gradTmp });
                using (var f = File.OpenRead(tmp))
                {
                    Formats.NdArray values = Formats.Npy.Read(f, "values", f.Length);
                    result["value"] = Nest(values);
                    result["shape"] = new JsonArray([.. values.Shape.Select(l => (JsonNode?)l)]);
                }

                if (gradTmp is not null)
                {
                    using var f = File.OpenRead(gradTmp);
                    result["grad"] = Nest(Formats.Npy.Read(f, "grad", f.Length));
                }
            }
            finally
            {
                File.Delete(tmp);
                if (gradTmp is not null)
                {
                    File.Delete(gradTmp);
                }
            }

            return result;
        }

        string? g = grad ? Path.Combine(Path.GetTempPath(), $"sharploss-{Guid.NewGuid():N}.npy") : null;
        try
        {
            EvalResult r = Evaluator.Run(new EvalRequest { Loss = loss, YTrue = yS, YPred = pS, SampleWeight = wS, Grad = g });
            result["value"] = Cli.NumberText(r.Value);
            result["shape"] = new JsonArray();
            if (g is not null)
            {
                using var f = File.OpenRead(g);
                result["grad"] = Nest(Formats.Npy.Read(f, "grad", f.Length));
            }
        }
        finally
        {
            if (g is not null)
            {
                File.Delete(g);
            }
        }

        return result;
    }

    /// <summary>A JSON number, or the strings "NaN", "Infinity" and "-Infinity" (as Python's json writes them, quoted).</summary>
    private static JsonValue Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : JsonValue.Create(v.ToString(CultureInfo.InvariantCulture));

    private static JsonNode? Nest(Formats.NdArray a)
    {
        JsonNode At(long i) => Cli.NumberText(a.Data switch
        {
            float[] f => f[i].ToString("R", CultureInfo.InvariantCulture),
            double[] d => d[i].ToString("R", CultureInfo.InvariantCulture),
            _ => Convert.ToDouble(a.Data.GetValue(i), CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture),
        });
        if (a.Shape.Length == 0)
        {
            return At(0);
        }

        long index = 0;
        JsonNode Build(int axis)
        {
            var arr = new JsonArray();
            for (long i = 0; i < a.Shape[axis]; i++)
            {
                arr.Add(axis == a.Shape.Length - 1 ? At(index++) : Build(axis + 1));
            }

            return arr;
        }

        return Build(0);
    }

    /// <summary>A nested JSON array (or a number) as flat data and a shape; ragged arrays are rejected.</summary>
    private static (double[] Data, long[] Shape) Tensorize(JsonNode node, string name)
    {
        var shape = new List<long>();
        for (JsonNode? n = node; n is JsonArray a; n = a.Count > 0 ? a[0] : null)
        {
            shape.Add(a.Count);
        }

        var data = new List<double>();
        void Walk(JsonNode? n, int depth)
        {
            if (depth == shape.Count)
            {
                if (n is not JsonValue v || !v.TryGetValue(out double d))
                {
                    d = n is JsonValue b && b.TryGetValue(out bool flag) ? (flag ? 1 : 0) : throw new CliException($"\"{name}\": expected numbers, nested arrays of one shape. Received: {n?.ToJsonString() ?? "null"}.");
                }

                data.Add(d);
                return;
            }

            if (n is not JsonArray arr || arr.Count != shape[depth])
            {
                throw new CliException($"\"{name}\": a ragged array (expected {shape[depth]} entries at depth {depth}, shape ({string.Join(", ", shape)})).");
            }

            foreach (JsonNode? c in arr)
            {
                Walk(c, depth + 1);
            }
        }

        Walk(node, 0);
        return ([.. data], [.. shape]);
    }

    /// <summary>A config value (string, bool, number, null, list) as JSON.</summary>
    public static JsonNode? ToNode(object? v) => v switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        double d => Number(d),
        float f => Number(f),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        System.Collections.IEnumerable e => new JsonArray([.. e.Cast<object?>().Select(ToNode)]),
        IConvertible c => Number(c.ToDouble(CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(v.ToString()),
    };

}
