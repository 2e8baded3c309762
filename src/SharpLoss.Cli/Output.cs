using System.Globalization;
using nietras.SeparatedValues;
using SharpLoss.Cli.Formats;

namespace SharpLoss.Cli;

/// <summary>
/// Writes output files whole or not at all: into a temporary file in the target folder, renamed over the target once
/// complete. The format follows the name: <c>.csv</c>, <c>.parquet</c>, otherwise <c>.npy</c>.
/// </summary>
internal static class Output
{
    public static void Write(string path, NdArray array)
    {
        using ArrayFileWriter writer = ArrayFileWriter.Create(path, array.DType, array.Shape);
        writer.Append(array);
        writer.Commit();
    }

    public static void WriteText(string path, string text) => Atomic(path, stream =>
    {
        using var w = new StreamWriter(stream, leaveOpen: true);
        w.Write(text);
    });

    /// <summary>Runs the writer on a temporary file next to <paramref name="path"/> and renames it into place.</summary>
    public static void Atomic(string path, Action<Stream> write)
    {
        using var file = new AtomicFile(path);
        file.Run(() => write(file.Stream));
        file.Commit();
    }
}

/// <summary>A temporary file in the target's folder, renamed over the target by <see cref="Commit"/>, deleted by
/// <see cref="Dispose"/> otherwise: a failed run leaves no file, partial or temporary.</summary>
internal sealed class AtomicFile : IDisposable
{
    private readonly string _path;
    private readonly string _full;
    private readonly string _tmp;
    private bool _done;

    public AtomicFile(string path)
    {
        _path = path;
        _full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(_full) ?? ".";
        if (!Directory.Exists(dir))
        {
            throw new CliException($"Output '{path}': no such folder '{dir}'.");
        }

        _tmp = Path.Combine(dir, $".{Path.GetFileName(_full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        Stream = Run(() => new FileStream(_tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16));
    }

    public FileStream Stream { get; }

    /// <summary>Runs a write, reporting an I/O failure (a full disk, a folder without write access) as bad output.</summary>
    public TResult Run<TResult>(Func<TResult> write)
    {
        try
        {
            return write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Output '{_path}': {e.Message}", e);
        }
    }

    /// <inheritdoc cref="Run{TResult}(Func{TResult})"/>
    public void Run(Action write) => Run(() =>
    {
        write();
        return 0;
    });

    /// <summary>Closes the file and renames it into place.</summary>
    public void Commit() => Run(() =>
    {
        Stream.Dispose();
        File.Move(_tmp, _full, overwrite: true);
        _done = true;
    });

    public void Dispose()
    {
        if (!_done)
        {
            Stream.Dispose();
            File.Delete(_tmp);
            _done = true;
        }
    }
}

/// <summary>
/// An output array written block by block (rows of its leading axis) into an <see cref="AtomicFile"/>, its final shape
/// known from the start: <c>.npy</c> (the header with the final shape, then each block's data), <c>.csv</c> (a header of
/// column names, then each block's rows; the axes after the first flattened into columns <c>c0, c1, …</c>, or one column
/// <c>value</c>), <c>.parquet</c> (one row group per block). Memory: one block.
/// </summary>
internal sealed class ArrayFileWriter : IDisposable
{
    private readonly AtomicFile _file;
    private readonly string _format;
    private readonly long[] _shape;
    private readonly long _cols;
    private readonly string[] _names = [];
    private readonly StreamWriter? _text;
    private readonly SepWriter? _csv;
    private readonly ParquetArrayWriter? _parquet;
    private long _rows;

    private ArrayFileWriter(AtomicFile file, string format, DType dtype, long[] shape)
    {
        _file = file;
        _format = format;
        _shape = shape;
        long rows = shape.Length == 0 ? 1 : shape[0];
        _cols = shape.Length == 0 ? 1 : shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        switch (format)
        {
            case ".csv":
                _text = new StreamWriter(file.Stream, leaveOpen: true);
                _csv = Sep.New(',').Writer(o => o with { CultureInfo = CultureInfo.InvariantCulture }).To(_text);
                _names = [.. Enumerable.Range(0, rows == 0 ? 0 : checked((int)_cols)).Select(c => _cols == 1 ? "value" : $"c{c}")];
                break;
            case ".parquet":
                _parquet = new ParquetArrayWriter(file.Stream, dtype, shape);
                break;
            default:
                Npy.WriteHeader(file.Stream, dtype, shape);
                break;
        }
    }

    /// <summary>Opens the temporary file of an output of that type and final shape.</summary>
    public static ArrayFileWriter Create(string path, DType dtype, long[] shape)
    {
        var file = new AtomicFile(path);
        try
        {
            return file.Run(() => new ArrayFileWriter(file, Path.GetExtension(path).ToLowerInvariant(), dtype, shape));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Appends the next rows.</summary>
    public void Append(NdArray block) => _file.Run(() =>
    {
        _rows += block.Rows;
        switch (_format)
        {
            case ".csv":
                WriteCsv(block);
                break;
            case ".parquet":
                _parquet!.Append(block);
                break;
            default:
                _file.Stream.Write(block.Bytes());
                break;
        }
    });

    /// <summary>Completes the file (a footer, buffered text) and renames it into place; every row must have been written.</summary>
    public void Commit()
    {
        long rows = _shape.Length == 0 ? 1 : _shape[0];
        if (_rows != rows)
        {
            throw new InvalidOperationException($"An output of {rows} rows received {_rows}.");
        }

        _file.Run(() =>
        {
            _csv?.Dispose();
            _text?.Dispose();
            _parquet?.Dispose();
        });
        _file.Commit();
    }

    public void Dispose() => _file.Dispose();

    private void WriteCsv(NdArray a)
    {
        long rows = a.Shape.Length == 0 ? 1 : a.Shape[0];
        for (long r = 0; r < rows; r++)
        {
            using SepWriter.Row row = _csv!.NewRow();
            for (int c = 0; c < _cols; c++)
            {
                long i = (r * _cols) + c;
                row[_names[c]].Set(a.Data switch
                {
                    float[] f => f[i].ToString("R", CultureInfo.InvariantCulture),
                    double[] d => d[i].ToString("R", CultureInfo.InvariantCulture),
                    _ => Convert.ToString(a.Data.GetValue(i), CultureInfo.InvariantCulture) ?? string.Empty,
                });
            }
        }
    }
}
