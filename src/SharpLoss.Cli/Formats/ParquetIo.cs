using Parquet;
using Parquet.Schema;

namespace SharpLoss.Cli.Formats;

/// <summary>
/// Parquet with Parquet.Net: an input is one column (<c>--column NAME</c>, or the file's only column), either numeric
/// (one value per row: shape (rows, 1)) or a list of the same length K in every row (shape (rows, K)); float, double,
/// int, long and bool columns without nulls. Outputs are written as one column <c>value</c>: numeric for one value per
/// row, a list column otherwise.
/// </summary>
internal static class ParquetIo
{
    /// <summary>The whole column as one array.</summary>
    public static NdArray Read(string path, string what, InputOptions options)
    {
        using IArraySource source = Open(path, what, options);
        NdArray block = source.ReadRows(0, source.Rows);
        return new NdArray(block.DType, [.. block.Shape], (Array)block.Data.Clone());
    }

    /// <summary>Opens the column for reading by rows (<see cref="ParquetSource{T}"/>).</summary>
    public static IArraySource Open(string path, string what, InputOptions options) => Guard(what, () =>
    {
        ParquetReader reader = ParquetReader.CreateAsync(path).GetAwaiter().GetResult();
        try
        {
            DataField[] fields = reader.Schema.GetDataFields();
            DataField field;
            if (options.Column is string name)
            {
                field = fields.FirstOrDefault(f => f.Name == name || f.Path.ToString() == name || (f.Path.ToString().StartsWith(name + "/", StringComparison.Ordinal)))
                    ?? throw new CliException($"{what}: no column '{name}' (columns: {string.Join(", ", fields.Select(f => f.Path.ToString()))}).");
            }
            else if (fields.Length == 1)
            {
                field = fields[0];
            }
            else
            {
                throw new CliException($"{what}: the file has {fields.Length} columns ({string.Join(", ", fields.Select(f => f.Path.ToString()))}); choose one with --column NAME.");
            }

            Type t = field.ClrType;
            return t == typeof(float) ? new ParquetSource<float>(reader, field, what, DType.Float32)
                : t == typeof(double) ? new ParquetSource<double>(reader, field, what, DType.Float64)
                : t == typeof(int) ? new ParquetSource<int>(reader, field, what, DType.Int32)
                : t == typeof(long) ? new ParquetSource<long>(reader, field, what, DType.Int64)
                : t == typeof(bool) ? (IArraySource)new ParquetSource<bool>(reader, field, what, DType.Bool)
                : throw new CliException($"{what}: column '{field.Name}' holds {t.Name}; expected float, double, int, long or bool.");
        }
        catch
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    });

    /// <summary>Runs a read, reporting the library's own exceptions (a corrupt or truncated file) as bad input.</summary>
    internal static TResult Guard<TResult>(string what, Func<TResult> read)
    {
        try
        {
            return read();
        }
        catch (CliException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new CliException($"{what}: not a readable parquet file ({e.Message.Split('\n')[0]}).", e);
        }
    }

    internal static int Width(int width, int current, long row, string what) =>
        width < 0 || width == current ? current : throw new CliException($"{what}: row {row} has {current} values, the rows before {width}; expected lists of one length.");
}

/// <summary>
/// Writes an output array as one Parquet column <c>value</c>, each appended block as row groups of at most
/// <see cref="GroupValues"/> values: numbers for one value per row, a list column of the other axes' values otherwise.
/// Float and double only.
/// </summary>
internal sealed class ParquetArrayWriter : IDisposable
{
    private readonly ParquetWriter _writer;
    private readonly DataField _written;
    private readonly bool _list;
    private readonly long _width;

    /// <summary>The most values in one row group.</summary>
    internal const long GroupValues = 1 << 20;

    public ParquetArrayWriter(Stream stream, DType dtype, long[] shape)
    {
        if (dtype is not (DType.Float32 or DType.Float64))
        {
            throw new CliException("Parquet output holds float or double values.");
        }

        _list = shape.Length > 1;
        _width = shape.Length == 0 ? 1 : shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        DataField element = dtype == DType.Float32 ? new DataField<float>(_list ? "element" : "value") : new DataField<double>(_list ? "element" : "value");
        Field field = _list ? new ListField("value", element) : element;
        _written = element;
        _writer = ParquetWriter.CreateAsync(new ParquetSchema(field), stream).GetAwaiter().GetResult();
    }

    /// <summary>Writes a block of rows as a row group.</summary>
    public void Append(NdArray block)
    {
        switch (block.Data)
        {
            case float[] f:
                Append(f);
                break;
            case double[] d:
                Append(d);
                break;
            default:
                throw new CliException("Parquet output holds float or double values.");
        }
    }

    private void Append<T>(T[] data)
        where T : struct
    {
        // Row groups of at most GroupValues values (whole rows): a reader decodes a row group at once, and Parquet.Net
        // takes tens of bytes per value of a list column to do it.
        int per = (int)Math.Max(1, GroupValues / Math.Max(1, _width) * Math.Max(1, _width));
        for (int start = 0; start < data.Length || start == 0; start += per)
        {
            int n = Math.Min(per, data.Length - start);
            using ParquetRowGroupWriter group = _writer.CreateRowGroup();
            if (!_list)
            {
                group.WriteAsync<T>(_written, data.AsMemory(start, n)).GetAwaiter().GetResult();
            }
            else
            {
                // Every value present (each at the field's full definition level); a row starts at repetition level 0.
                int[] rep = new int[n];
                for (int i = 0; i < n; i++)
                {
                    rep[i] = _width == 0 || i % _width == 0 ? 0 : 1;
                }

                int[] def = new int[n];
                Array.Fill(def, _written.MaxDefinitionLevel);
                group.WriteAllPartsAsync<T>(_written, data.AsMemory(start, n), def, rep, CancellationToken.None).GetAwaiter().GetResult();
            }

            if (data.Length == 0)
            {
                break;
            }
        }
    }

    /// <summary>Writes the file's footer.</summary>
    public void Dispose() => _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
}

/// <summary>
/// A Parquet column read by rows in blocks. The row groups' metadata gives the row count up front; blocks are cut from
/// the row groups in order, each group decoded once when a block first reaches it and kept for the blocks that take its
/// remaining rows (a block before it decodes its group again). Memory: one block plus one decoded row group.
/// </summary>
internal sealed class ParquetSource<T> : IArraySource
    where T : struct
{
    private readonly ParquetReader _reader;
    private readonly DataField _field;
    private readonly long[] _groupFirst;
    private readonly bool _list;
    private int _width = -1;
    private int _loaded = -1;
    private T[] _values = [];
    private T[]? _buffer;

    public ParquetSource(ParquetReader reader, DataField field, string what, DType dtype)
    {
        _reader = reader;
        _field = field;
        What = what;
        DType = dtype;
        _list = field.MaxRepetitionLevel > 0;
        _groupFirst = new long[reader.RowGroupCount + 1];
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
            _groupFirst[g + 1] = checked(_groupFirst[g] + group.RowCount);
        }

        Rows = _groupFirst[^1];
        if (Rows == 0)
        {
            throw new CliException($"{what}: no rows.");
        }

        if (_list)
        {
            // The row length, from the first group with rows (every other row is checked against it as it is read).
            Load(Array.FindIndex(_groupFirst, 1, f => f > 0) - 1);
        }
        else
        {
            _width = 1;
        }

        Shape = [Rows, _width];
    }

    public string What { get; }

    public DType DType { get; }

    public long[] Shape { get; }

    public long Rows { get; }

    public long RowElements => _width;

    public NdArray ReadRows(long first, long count)
    {
        long elements = checked(count * _width);
        if (elements > Array.MaxLength)
        {
            throw new CliException($"{What}: a block of {count} rows has {elements} elements, more than one array holds; use a smaller --block-rows.");
        }

        if (_buffer is null || _buffer.Length != elements)
        {
            _buffer = new T[elements];
        }

        int g = Array.BinarySearch(_groupFirst, first);
        g = g >= 0 ? g : ~g - 1;
        for (long row = first, end = first + count; row < end;)
        {
            while (_groupFirst[g + 1] <= row)
            {
                g++;
            }

            Load(g);
            long inGroup = row - _groupFirst[g];
            long take = Math.Min(end - row, _groupFirst[g + 1] - row);
            Array.Copy(_values, inGroup * _width, _buffer, (row - first) * _width, take * _width);
            row += take;
        }

        return new NdArray(DType, [count, _width], _buffer);
    }

    /// <summary>Decodes row group <paramref name="g"/> into <see cref="_values"/>: numbers only, rows of one length.</summary>
    private void Load(int g)
    {
        if (_loaded == g)
        {
            return;
        }

        _values = [];
        _loaded = -1;
        _values = ParquetIo.Guard(What, () =>
        {
            using ParquetRowGroupReader group = _reader.OpenRowGroupReader(g);
            int n = checked((int)group.GetMetadata(_field)!.MetaData!.NumValues);
            T[] values = new T[n];
            int[] def = new int[n];
            int[] levels = new int[n];
            group.ReadRawAsync<T>(_field, values, def, levels, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            int[]? rep = _list ? levels : null;
            if (Array.Exists(def, d => d != _field.MaxDefinitionLevel))
            {
                throw new CliException($"{What}: column '{_field.Name}' has nulls or empty lists in row group {g}; expected numbers only.");
            }

            long rows = n;
            if (rep is not null)
            {
                rows = 0;
                for (int i = 1, start = 0; i <= n; i++)
                {
                    if (i == n || rep[i] == 0)
                    {
                        _width = ParquetIo.Width(_width, i - start, _groupFirst[g] + rows, What);
                        rows++;
                        start = i;
                    }
                }
            }

            if (rows != _groupFirst[g + 1] - _groupFirst[g])
            {
                throw new CliException($"{What}: row group {g} holds {rows} rows, its metadata says {_groupFirst[g + 1] - _groupFirst[g]}.");
            }

            return values;
        });
        _loaded = g;
    }

    public void Dispose() => _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
