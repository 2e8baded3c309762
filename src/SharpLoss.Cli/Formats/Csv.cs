using System.Globalization;
using nietras.SeparatedValues;

namespace SharpLoss.Cli.Formats;

/// <summary>
/// CSV (and TSV) inputs, read with Sep: one row per line, the selected columns (<c>--column</c>: names or 0-based indices,
/// comma-separated; all columns by default) as an array of shape (rows, columns) of float32. The first line is a header
/// when <c>--header</c> says so, or, by default, when any of its cells is not a number.
/// </summary>
internal static class Csv
{
    /// <summary>The whole file as one array.</summary>
    public static NdArray Read(string path, string what, InputOptions options)
    {
        using var source = new CsvSource(path, what, options);
        NdArray block = source.ReadRows(0, source.Rows);
        return new NdArray(block.DType, [.. block.Shape], (Array)block.Data.Clone());
    }

    internal static int[] Select(string? column, string[] names, int count, string what)
    {
        if (string.IsNullOrEmpty(column))
        {
            return [.. Enumerable.Range(0, count)];
        }

        var result = new List<int>();
        foreach (string part in column.Split(','))
        {
            string p = part.Trim();
            int i = Array.IndexOf(names, p);
            if (i < 0 && int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                i = index;
            }

            if (i < 0 || i >= count)
            {
                throw new CliException($"{what}: no column '{p}' (the file has {count} columns{(names.Length > 0 ? ": " + string.Join(", ", names) : string.Empty)}).");
            }

            result.Add(i);
        }

        return [.. result];
    }
}

/// <summary>
/// A CSV file read by rows in blocks. Opening it counts the data rows in one pass (the evaluator needs the row count before
/// the first block) and takes the columns from the header or the first row; blocks are then parsed as they are read,
/// forwards, the file reopened when a block before the current position is asked for. A cell that is not a number, or a
/// row without a selected column, is reported with its line when its block is read. Memory: one block.
/// </summary>
internal sealed class CsvSource : IArraySource
{
    private readonly string _path;
    private readonly char _sep;
    private readonly bool _header;
    private readonly string[] _names;
    private readonly int[] _selected;
    private SepReader? _reader;
    private long _row;
    private float[]? _buffer;

    public CsvSource(string path, string what, InputOptions options)
    {
        _path = path;
        What = what;
        string? first;
        using (var lines = new StreamReader(path))
        {
            first = lines.ReadLine();
        }

        if (first is null)
        {
            throw new CliException($"{what}: the file is empty.");
        }

        _sep = path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : ',';
        _header = options.Header ?? first.Split(_sep).Any(c => !double.TryParse(c.Trim().Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out _));

        // The counting pass: Sep finds the rows (quoted line breaks included) without converting a cell.
        long rows = 0;
        int firstCount = 0;
        using (SepReader reader = Open())
        {
            _names = _header ? [.. reader.Header.ColNames] : [];
            firstCount = _header ? _names.Length : 0;
            while (reader.MoveNext())
            {
                if (rows == 0 && !_header)
                {
                    firstCount = reader.Current.ColCount;
                }

                rows++;
            }
        }

        if (rows == 0)
        {
            throw new CliException($"{what}: no data rows.");
        }

        _selected = Csv.Select(options.Column, _names, firstCount, what);
        Rows = rows;
        Shape = [rows, _selected.Length];
    }

    public string What { get; }

    public DType DType => DType.Float32;

    public long[] Shape { get; }

    public long Rows { get; }

    public long RowElements => _selected.Length;

    public NdArray ReadRows(long first, long count)
    {
        long elements = checked(count * RowElements);
        if (elements > Array.MaxLength)
        {
            throw new CliException($"{What}: a block of {count} rows has {elements} elements, more than one array holds; use a smaller --block-rows.");
        }

        if (_reader is null || first < _row)
        {
            _reader?.Dispose();
            _reader = Open();
            _row = 0;
        }

        for (; _row < first; _row++)
        {
            Next();
        }

        if (_buffer is null || _buffer.Length != elements)
        {
            _buffer = new float[elements];
        }

        int cols = _selected.Length;
        for (long i = 0; i < count; i++)
        {
            SepReader.Row row = Next();
            int line = row.LineNumberFrom;
            for (int j = 0; j < cols; j++)
            {
                int c = _selected[j];
                if (c >= row.ColCount)
                {
                    throw new CliException($"{What}: line {line} has {row.ColCount} columns; column {c + 1} is missing.");
                }

                ReadOnlySpan<char> cell = row[c].Span.Trim();
                if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float v))
                {
                    string col = _names.Length > c ? $"'{_names[c]}' ({c + 1})" : (c + 1).ToString(CultureInfo.InvariantCulture);
                    throw new CliException($"{What}: line {line}, column {col}: '{cell}' is not a number.");
                }

                _buffer[(i * cols) + j] = v;
            }

            _row++;
        }

        return new NdArray(DType.Float32, [count, cols], _buffer);
    }

    private SepReader.Row Next()
    {
        if (!_reader!.MoveNext())
        {
            throw new CliException($"{What}: the file changed while it was read (fewer rows than counted).");
        }

        return _reader.Current;
    }

    private SepReader Open() =>
        Sep.New(_sep).Reader(o => o with { HasHeader = _header, CultureInfo = CultureInfo.InvariantCulture, DisableColCountCheck = true }).FromFile(_path);

    public void Dispose() => _reader?.Dispose();
}
