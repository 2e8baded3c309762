using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Cli.Formats;
using SharpLoss.Internals;

namespace SharpLoss.Cli;

/// <summary>What <c>eval</c> asks for.</summary>
internal sealed record EvalRequest
{
    public required Loss Loss { get; init; }

    public required IArraySource YTrue { get; init; }

    public required IArraySource YPred { get; init; }

    public IArraySource? SampleWeight { get; init; }

    public string? PerSample { get; init; }

    public string? Grad { get; init; }

    public bool Histogram { get; init; }

    public (int Index, int Count)? Shard { get; init; }

    public string? Partial { get; init; }

    public long? BlockRows { get; init; }

    public long BlockBytes { get; init; } = 64L << 20;

    public Action<long, long>? Progress { get; init; }

    /// <summary>The whole file's mask count (a loss with ignore_class), for its blocks.</summary>
    public BatchMask? Mask { get; init; }
}

/// <summary>The result of <c>eval</c>.</summary>
internal sealed record EvalResult(string Value, double Number, string DType, long Rows, long First, long End, bool Streamed, Histogram? Histogram);

/// <summary>
/// Runs a loss over input files through the library: whole in memory when the inputs fit one block, otherwise block by
/// block through exact partial reductions, whose merged value is the in-memory value bit for bit. Per-sample values and
/// gradients stream too, written block by block: per-sample values are independent per row, and a block's gradient is
/// computed with the whole batch's divisor (from the first pass's merged state), so both files equal the in-memory
/// arrays bit for bit.
/// </summary>
internal static class Evaluator
{
    public static EvalResult Run(EvalRequest r)
    {
        DType t = r.YPred.DType;
        return t switch
        {
            DType.Float32 => Run<float>(r),
            DType.Float64 => Run<double>(r),
            _ => throw new CliException($"{r.YPred.What}: dtype {NdArray.Name(t)} does not fit y_pred: expected float32 or float64."),
        };
    }

    private static EvalResult Run<T>(EvalRequest r)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long rows = r.YPred.Rows;
        CheckRows(r.YTrue, rows, "y_true");
        if (r.SampleWeight is { } w && w.Shape.Length > 0)
        {
            CheckRows(w, rows, "sample weight");
        }

        if (r.SampleWeight is { DType: not (DType.Float32 or DType.Float64 or DType.Int32 or DType.Int64 or DType.Bool) })
        {
            throw new CliException($"{r.SampleWeight.What}: unsupported dtype.");
        }

        bool outputs = r.PerSample is not null || r.Grad is not null || r.Histogram;
        if (outputs && (r.Shard is not null || r.Partial is not null))
        {
            throw new CliException("--per-sample, --grad and --histogram cover every row: they do not combine with --shard or --partial.");
        }

        if (r.Loss.Reduction == Reduction.None && r.PerSample is null)
        {
            throw new CliException($"Loss '{r.Loss.Name}' has reduction 'none': it gives per-sample values, not one number. Write them with --per-sample FILE.");
        }

        long rowBytes = Math.Max(1, (r.YPred.RowElements * NdArray.SizeOf(r.YPred.DType)) + (r.YTrue.RowElements * NdArray.SizeOf(r.YTrue.DType))
            + (r.SampleWeight is null ? 0 : r.SampleWeight.RowElements * NdArray.SizeOf(r.SampleWeight.DType)));
        long budgetRows = r.BlockRows ?? Math.Max(1, r.BlockBytes / rowBytes);
        bool partial = r.Shard is not null || r.Partial is not null;
        if (!partial && rows <= budgetRows)
        {
            return Whole<T>(r, rows);
        }

        r = r with { Mask = BatchMaskOf(r, budgetRows) };
        return outputs ? StreamOutputs<T>(r, rows, budgetRows) : Blocks<T>(r, rows, budgetRows);
    }

    /// <summary>
    /// For a loss with <c>ignore_class</c>: the whole file's count of labels and of those not ignored, read from y_true
    /// alone (every row, also for a shard), which a mean over elements scales the mask by; null for other losses.
    /// </summary>
    private static BatchMask? BatchMaskOf(EvalRequest r, long budgetRows)
    {
        int? ignore = r.Loss switch
        {
            SparseCategoricalCrossentropy s => s.IgnoreClass,
            SparseCategoricalFocalCrossentropy f => f.IgnoreClass,
            _ => null,
        };
        if (ignore is not int id)
        {
            return null;
        }

        long total = 0, valid = 0, rows = r.YTrue.Rows;
        long block = Math.Max(1, budgetRows);
        for (long first = 0; first < rows; first += block)
        {
            NdArray y = r.YTrue.ReadRows(first, Math.Min(block, rows - first));
            total += y.Length;
            valid += y.Data switch
            {
                int[] i => i.LongLength - i.LongCount(v => v == id),
                long[] l => l.LongLength - l.LongCount(v => v == id),
                float[] f => f.LongLength - f.LongCount(v => v == id),
                double[] d => d.LongLength - d.LongCount(v => v == id),
                _ => y.Length,
            };
        }

        return new BatchMask(total, valid);
    }

    private static void CheckRows(IArraySource s, long rows, string name)
    {
        if (s.Shape.Length == 0 || s.Rows != rows)
        {
            throw new CliException($"{s.What}: {name} has shape {NdArray.ShapeText(s.Shape)}, y_pred {rows} rows: expected the same number of rows (the leading axis).");
        }
    }

    private static EvalResult Whole<T>(EvalRequest r, long rows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        NdArray p = r.YPred.ReadRows(0, rows);
        NdArray y = r.YTrue.ReadRows(0, r.YTrue.Rows);
        NdArray? w = r.SampleWeight?.ReadRows(0, r.SampleWeight.Rows);
        T[] pData = (T[])p.Data;
        var call = new Call<T>(r.Loss, y, pData, p.Shape, w);
        string text = string.Empty;
        double number = double.NaN;
        Histogram? histogram = null;
        if (r.Loss.Reduction != Reduction.None)
        {
            T value;
            if (r.Grad is not null)
            {
                var grad = new T[pData.Length];
                value = call.ValueAndGradientInto(grad);
                Output.Write(r.Grad, new NdArray(r.YPred.DType, p.Shape, grad));
            }
            else
            {
                value = call.Compute();
            }

            text = Format(value);
            number = double.CreateTruncating(value);
        }
        else if (r.Grad is not null)
        {
            var grad = new T[pData.Length];
            call.BackwardSum(grad);
            Output.Write(r.Grad, new NdArray(r.YPred.DType, p.Shape, grad));
        }

        if (r.PerSample is not null || r.Histogram)
        {
            // An unreduced loss (e.g. a tf.nn function, which has no reduction key) gives its values as it is.
            Loss none = r.Loss.Reduction == Reduction.None ? r.Loss
                : LossResolver.With(r.Loss, new Dictionary<string, string> { ["reduction"] = "none" }, r.Loss.Semantics);
            Tensor<T> values = new Call<T>(none, y, pData, p.Shape, w).Tensor();
            T[] flat = values.ToArray();
            long[] shape = [.. values.Lengths.ToArray().Select(l => (long)l)];
            if (r.PerSample is not null)
            {
                Output.Write(r.PerSample, new NdArray(r.YPred.DType, shape, flat));
            }

            if (r.Histogram)
            {
                histogram = new Histogram();
                histogram.AddRange<T>(flat);
                histogram.AddCounts<T>(flat);
            }
        }

        return new EvalResult(text, number, NdArray.Name(r.YPred.DType), rows, 0, rows, false, histogram);
    }

    /// <summary>
    /// --per-sample, --grad and --histogram in blocks. A reduced loss first runs the value's pass (the blocks' exact
    /// partial states, merged: the value, and the divisor of the whole batch); --histogram then takes the per-sample
    /// values' range; the last pass writes each block's per-sample values and gradient (reduced with the whole batch's
    /// divisor) and counts the histogram. Output files are appended block by block and renamed into place at the end.
    /// </summary>
    private static EvalResult StreamOutputs<T>(EvalRequest r, long rows, long budgetRows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool reduced = r.Loss.Reduction != Reduction.None;
        Loss none = reduced ? LossResolver.With(r.Loss, new Dictionary<string, string> { ["reduction"] = "none" }, r.Loss.Semantics) : r.Loss;
        int passes = (reduced ? 1 : 0) + (r.Histogram ? 1 : 0) + 1, pass = 0;
        Action<long, long>? progress = r.Progress is null ? null : (done, total) => r.Progress(((pass - 1) * total) + done, passes * total);
        long block = Math.Max(1, budgetRows);
        PartialReduction? state = null;
        string text = string.Empty;
        double number = double.NaN;
        if (reduced)
        {
            pass++;
            (state, block) = States<T>(r, 0, rows, rows, budgetRows, progress);
            T value = state.FinishBlock<T>();
            text = Format(value);
            number = double.CreateTruncating(value);
        }

        Histogram? histogram = r.Histogram ? new Histogram() : null;
        if (histogram is not null)
        {
            pass++;
            for (long b = 0; b < rows; b += block)
            {
                long n = Math.Min(block, rows - b);
                histogram.AddRange<T>((T[])PerSampleBlock<T>(r, none, r.YPred.ReadRows(b, n), r.YTrue.ReadRows(b, n), Weight(r, b, n)).Data);
                progress?.Invoke(b + n, rows);
            }
        }

        pass++;
        ArrayFileWriter? perSampleFile = null, gradFile = null;
        try
        {
            T[]? grad = null;
            for (long b = 0; b < rows; b += block)
            {
                long n = Math.Min(block, rows - b);

                // One read of the block for both outputs (a CSV file reads forwards: a second read would reopen it).
                NdArray p = r.YPred.ReadRows(b, n);
                NdArray y = r.YTrue.ReadRows(b, n);
                NdArray? w = Weight(r, b, n);
                if (r.PerSample is not null || histogram is not null)
                {
                    NdArray values = PerSampleBlock<T>(r, none, p, y, w);
                    if (r.PerSample is not null)
                    {
                        perSampleFile ??= ArrayFileWriter.Create(r.PerSample, values.DType, [rows, .. values.Shape[1..]]);
                        perSampleFile.Append(values);
                    }

                    histogram?.AddCounts<T>((T[])values.Data);
                }

                if (r.Grad is not null)
                {
                    if (grad is null || grad.Length != p.Length)
                    {
                        grad = new T[p.Length];
                    }

                    var call = new Call<T>(r.Loss, y, (T[])p.Data, p.Shape, w);
                    if (reduced)
                    {
                        call.BlockGradient(grad, state!, r.Mask);
                    }
                    else
                    {
                        call.BackwardSum(grad);
                    }

                    gradFile ??= ArrayFileWriter.Create(r.Grad, r.YPred.DType, r.YPred.Shape);
                    gradFile.Append(new NdArray(r.YPred.DType, p.Shape, grad));
                }

                progress?.Invoke(b + n, rows);
            }

            gradFile?.Commit();
            perSampleFile?.Commit();
        }
        finally
        {
            gradFile?.Dispose();
            perSampleFile?.Dispose();
        }

        return new EvalResult(text, number, NdArray.Name(r.YPred.DType), rows, 0, rows, true, histogram);
    }

    /// <summary>The per-sample values (the loss with reduction none) of a block of rows: they must follow the rows (a
    /// leading axis of the block's rows) for blocks to be written one after the other.</summary>
    private static NdArray PerSampleBlock<T>(EvalRequest r, Loss none, NdArray p, NdArray y, NdArray? w)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long count = p.Rows;
        Tensor<T> values = new Call<T>(none, y, (T[])p.Data, p.Shape, w).Tensor();
        long[] shape = [.. values.Lengths.ToArray().Select(l => (long)l)];
        if ((shape.Length == 0 || shape[0] != count) && p.Shape.Length == 1)
        {
            throw RankOne(r, null);
        }

        if (shape.Length == 0 || shape[0] != count)
        {
            throw new CliException($"Loss '{r.Loss.Name}': a block of {count} rows has per-sample values of shape {NdArray.ShapeText(shape)}, not one or more per row: they cannot be written in blocks. Read the inputs whole (--block-rows at least the row count, {r.YPred.Rows}).");
        }

        return new NdArray(r.YPred.DType, shape, values.ToArray());
    }

    private static NdArray? Weight(EvalRequest r, long first, long count) =>
        r.SampleWeight is null ? null : r.SampleWeight.Shape.Length == 0 ? r.SampleWeight.ReadRows(0, 1) : r.SampleWeight.ReadRows(first, count);

    private static EvalResult Blocks<T>(EvalRequest r, long rows, long budgetRows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long first = 0, end = rows;
        if (r.Shard is (int index, int count))
        {
            long alignment = Alignment<T>(r, rows);
            long units = (rows + alignment - 1) / alignment;
            first = Math.Min(rows, units * index / count * alignment);
            end = Math.Min(rows, units * (index + 1) / count * alignment);
        }

        (PartialReduction state, _) = States<T>(r, first, end, rows, budgetRows, r.Progress);
        if (r.Partial is not null)
        {
            Output.WriteText(r.Partial, state.ToJson() + "\n");
        }

        T value = state.FinishBlock<T>();
        return new EvalResult(Format(value), double.CreateTruncating(value), NdArray.Name(r.YPred.DType), rows, first, end, true, null);
    }

    /// <summary>The alignment (rows per whole summation chunks), from a probe at row 0.</summary>
    private static long Alignment<T>(EvalRequest r, long rows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long probeRows = Math.Min(rows, 2);
        return probeRows == 0 ? 1 : Partial<T>(r, 0, probeRows, rows).Alignment;
    }

    /// <summary>The merged partial state of rows [first, end), read in blocks of the budget rounded up to whole summation
    /// chunks; returns the state and that block size.</summary>
    private static (PartialReduction State, long Block) States<T>(EvalRequest r, long first, long end, long rows, long budgetRows, Action<long, long>? progress)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long alignment = Alignment<T>(r, rows);
        long block = Math.Max(alignment, (budgetRows + alignment - 1) / alignment * alignment);
        PartialReduction? state = null;
        for (long b = first; b < end || state is null; b += block)
        {
            long n = Math.Min(block, end - b);
            PartialReduction s = Partial<T>(r, b, Math.Max(n, 0), rows);
            state = state is null ? s : PartialReduction.Merge(state, s);
            progress?.Invoke(Math.Min(end, b + Math.Max(n, 0)) - first, end - first);
            if (n <= 0)
            {
                break;
            }
        }

        return (state, block);
    }

    private static PartialReduction Partial<T>(EvalRequest r, long first, long count, long rows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        NdArray p = r.YPred.ReadRows(first, count);
        NdArray y = r.YTrue.ReadRows(first, count);
        NdArray? w = Weight(r, first, count);
        try
        {
            return new Call<T>(r.Loss, y, (T[])p.Data, p.Shape, w).Partial(first, rows, r.Mask);
        }
        catch (NotSupportedException e)
        {
            throw p.Shape.Length == 1 ? RankOne(r, e) : new CliException($"{e.Message} (Streaming and shards need a loss whose value is a sum over rows of the leading axis{(r.Shard is null && r.Partial is null ? "; --block-rows larger than the input reads it whole" : string.Empty)}.)", e);
        }
    }

    /// <summary>Rank-1 predictions that the loss takes as one sample (it averages their last axis, the only one): their
    /// value is not a sum over rows, so they do not stream.</summary>
    private static CliException RankOne(EvalRequest r, Exception? inner)
    {
        long n = r.YPred.Rows;
        return new CliException($"{r.YPred.What}: loss '{r.Loss.Name}' takes rank-1 inputs of shape ({n},) as one sample of {n} values (it averages their last axis), so they cannot be read in blocks of rows. Give shape ({n}, 1) for one sample per row{(r.Shard is null && r.Partial is null ? $", or read the input whole (--block-rows {n} or more)" : string.Empty)}.", inner);
    }

    public static string Format<T>(T value)
        where T : IFloatingPointIeee754<T> => value switch
        {
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };

    /// <summary>One call's arguments, with y_true as class ids (int32/int64) for the class-id losses, else as T.</summary>
    private readonly struct Call<T>(Loss loss, NdArray y, T[] p, long[] pShape, NdArray? w)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T[]? _w = w?.As<T>("sample weight");

        private LossInput<T> Pred => new(p, pShape);

        private LossInput<T> Weight => w is null ? default : w.Shape.Length == 0 ? LossInput.FromScalar(_w![0]) : new LossInput<T>(_w, w.Shape);

        private ClassIdLoss? Ids => loss is ClassIdLoss c && y.DType is DType.Int32 or DType.Int64 ? c : null;

        public T Compute()
        {
            if (Ids is { } c)
            {
                object v = (y.Data, p) switch
                {
                    (int[] i, float[] f) => (object)c.Compute(new LossInput<int>(i, y.Shape), new LossInput<float>(f, pShape), Cast<float>(Weight)),
                    (int[] i, double[] d) => (object)c.Compute(new LossInput<int>(i, y.Shape), new LossInput<double>(d, pShape), Cast<double>(Weight)),
                    (long[] l, float[] f) => (object)c.Compute(new LossInput<long>(l, y.Shape), new LossInput<float>(f, pShape), Cast<float>(Weight)),
                    (long[] l, double[] d) => (object)c.Compute(new LossInput<long>(l, y.Shape), new LossInput<double>(d, pShape), Cast<double>(Weight)),
                    _ => throw new InvalidOperationException(),
                };
                return (T)v;
            }

            return (object)p switch
            {
                float[] f => (T)(object)loss.Compute(new LossInput<float>(y.As<float>("y_true"), y.Shape), new LossInput<float>(f, pShape), Cast<float>(Weight)),
                _ => (T)(object)loss.Compute(new LossInput<double>(y.As<double>("y_true"), y.Shape), new LossInput<double>((double[])(object)p, pShape), Cast<double>(Weight)),
            };
        }

        public T ValueAndGradientInto(T[] grad)
        {
            if (Ids is { } c)
            {
                object v = (y.Data, p, grad) switch
                {
                    (int[] i, float[] f, float[] g) => (object)c.ValueAndGradientInto(new LossInput<int>(i, y.Shape), new LossInput<float>(f, pShape), g, Cast<float>(Weight)),
                    (int[] i, double[] d, double[] g) => (object)c.ValueAndGradientInto(new LossInput<int>(i, y.Shape), new LossInput<double>(d, pShape), g, Cast<double>(Weight)),
                    (long[] l, float[] f, float[] g) => (object)c.ValueAndGradientInto(new LossInput<long>(l, y.Shape), new LossInput<float>(f, pShape), g, Cast<float>(Weight)),
                    (long[] l, double[] d, double[] g) => (object)c.ValueAndGradientInto(new LossInput<long>(l, y.Shape), new LossInput<double>(d, pShape), g, Cast<double>(Weight)),
                    _ => throw new InvalidOperationException(),
                };
                return (T)v;
            }

            return (object)grad switch
            {
                float[] g => (T)(object)loss.ValueAndGradientInto(new LossInput<float>(y.As<float>("y_true"), y.Shape), new LossInput<float>((float[])(object)p, pShape), g, Cast<float>(Weight)),
                _ => (T)(object)loss.ValueAndGradientInto(new LossInput<double>(y.As<double>("y_true"), y.Shape), new LossInput<double>((double[])(object)p, pShape), (double[])(object)grad, Cast<double>(Weight)),
            };
        }

        /// <summary>The gradient of these rows as part of the batch whose complete state is <paramref name="whole"/>.</summary>
        public void BlockGradient(T[] grad, PartialReduction whole, BatchMask? mask)
        {
            try
            {
                if (Ids is { } c)
                {
                    _ = (y.Data, p, grad) switch
                    {
                        (int[] i, float[] f, float[] g) => (object)c.BlockGradientInto(new LossInput<int>(i, y.Shape), new LossInput<float>(f, pShape), g, Cast<float>(Weight), whole, mask),
                        (int[] i, double[] d, double[] g) => (object)c.BlockGradientInto(new LossInput<int>(i, y.Shape), new LossInput<double>(d, pShape), g, Cast<double>(Weight), whole, mask),
                        (long[] l, float[] f, float[] g) => (object)c.BlockGradientInto(new LossInput<long>(l, y.Shape), new LossInput<float>(f, pShape), g, Cast<float>(Weight), whole, mask),
                        (long[] l, double[] d, double[] g) => (object)c.BlockGradientInto(new LossInput<long>(l, y.Shape), new LossInput<double>(d, pShape), g, Cast<double>(Weight), whole, mask),
                        _ => throw new InvalidOperationException(),
                    };
                    return;
                }

                loss.BlockGradientInto<T>(new LossInput<T>(y.As<T>("y_true"), y.Shape), Pred, grad, Weight, whole, mask);
            }
            catch (NotSupportedException e)
            {
                throw new CliException($"{e.Message} (--block-rows larger than the input reads it whole.)", e);
            }
        }

        /// <summary>The gradient of the sum of the returned values (reduction none).</summary>
        public void BackwardSum(T[] grad)
        {
            if (Ids is { } c)
            {
                object t = (y.Data, p) switch
                {
                    (int[] i, float[] f) => c.Backward(new LossInput<int>(i, y.Shape), new LossInput<float>(f, pShape), default, Cast<float>(Weight)),
                    (int[] i, double[] d) => c.Backward(new LossInput<int>(i, y.Shape), new LossInput<double>(d, pShape), default, Cast<double>(Weight)),
                    (long[] l, float[] f) => c.Backward(new LossInput<long>(l, y.Shape), new LossInput<float>(f, pShape), default, Cast<float>(Weight)),
                    (long[] l, double[] d) => c.Backward(new LossInput<long>(l, y.Shape), new LossInput<double>(d, pShape), default, Cast<double>(Weight)),
                    _ => throw new InvalidOperationException(),
                };
                ((Tensor<T>)t).FlattenTo(grad);
                return;
            }

            if (grad is float[] gf)
            {
                loss.BackwardInto(new LossInput<float>(y.As<float>("y_true"), y.Shape), new LossInput<float>((float[])(object)p, pShape), default, gf, Cast<float>(Weight));
            }
            else
            {
                loss.BackwardInto(new LossInput<double>(y.As<double>("y_true"), y.Shape), new LossInput<double>((double[])(object)p, pShape), default, (double[])(object)grad, Cast<double>(Weight));
            }
        }

        public Tensor<T> Tensor()
        {
            if (Ids is { } c)
            {
                object t = (y.Data, p) switch
                {
                    (int[] i, float[] f) => c.Call(new LossInput<int>(i, y.Shape), new LossInput<float>(f, pShape), Cast<float>(Weight)),
                    (int[] i, double[] d) => c.Call(new LossInput<int>(i, y.Shape), new LossInput<double>(d, pShape), Cast<double>(Weight)),
                    (long[] l, float[] f) => c.Call(new LossInput<long>(l, y.Shape), new LossInput<float>(f, pShape), Cast<float>(Weight)),
                    (long[] l, double[] d) => c.Call(new LossInput<long>(l, y.Shape), new LossInput<double>(d, pShape), Cast<double>(Weight)),
                    _ => throw new InvalidOperationException(),
                };
                return (Tensor<T>)t;
            }

            return (object)p switch
            {
                float[] f => (Tensor<T>)(object)loss.Call(new LossInput<float>(y.As<float>("y_true"), y.Shape), new LossInput<float>(f, pShape), Cast<float>(Weight)),
                _ => (Tensor<T>)(object)loss.Call(new LossInput<double>(y.As<double>("y_true"), y.Shape), new LossInput<double>((double[])(object)p, pShape), Cast<double>(Weight)),
            };
        }

        public PartialReduction Partial(long first, long rows, BatchMask? mask)
        {
            if (Ids is not null)
            {
                return y.Data switch
                {
                    int[] i => loss.Partial(new LossInput<int>(i, y.Shape), Pred, Weight, first, rows, mask),
                    _ => loss.Partial(new LossInput<long>((long[])y.Data, y.Shape), Pred, Weight, first, rows, mask),
                };
            }

            return loss.Partial(new LossInput<T>(y.As<T>("y_true"), y.Shape), Pred, Weight, first, rows, mask);
        }

        private static LossInput<TOut> Cast<TOut>(LossInput<T> input)
            where TOut : unmanaged, IFloatingPointIeee754<TOut> =>
            System.Runtime.CompilerServices.Unsafe.As<LossInput<T>, LossInput<TOut>>(ref input);
    }
}
