using System.IO.Compression;

namespace SharpLoss.Cli.Formats;

/// <summary>An input array read by rows (its leading axis), so that a file larger than memory is read in blocks.</summary>
internal interface IArraySource : IDisposable
{
    /// <summary>The argument and file, for messages.</summary>
    string What { get; }

    DType DType { get; }

    long[] Shape { get; }

    /// <summary>Rows of the leading axis (1 for a 0-d array).</summary>
    long Rows { get; }

    /// <summary>Elements per row.</summary>
    long RowElements { get; }

    /// <summary>Reads rows [first, first + count) as an array of shape (count, …). A streaming source may reuse the array's
    /// memory for its next block: the result is valid until the next call.</summary>
    NdArray ReadRows(long first, long count);
}

/// <summary>Opens inputs by their extension: .npy (seekable), .npz (an entry, by --key or FILE.npz:KEY), .csv, .parquet; each
/// reads by rows, so that memory holds one block.</summary>
internal static class Sources
{
    public static IArraySource Open(string spec, string argument, InputOptions options)
    {
        string path = spec, key = options.Key ?? string.Empty;
        int colon = spec.LastIndexOf(':');
        if (colon > 0 && spec[..colon].EndsWith(".npz", StringComparison.OrdinalIgnoreCase) && !File.Exists(spec))
        {
            path = spec[..colon];
            key = spec[(colon + 1)..];
        }

        string what = $"{argument} '{path}'";
        if (!File.Exists(path))
        {
            throw new CliException($"{what}: no such file.");
        }

        string ext = Path.GetExtension(path).ToLowerInvariant();
        try
        {
            return ext switch
            {
                ".npy" => new NpySource(path, what),
                ".npz" => new NpzSource(path, key, what),
                ".csv" or ".tsv" or ".txt" => new CsvSource(path, what, options),
                ".parquet" => ParquetIo.Open(path, what, options),
                _ => throw new CliException($"{what}: unknown format '{ext}' (expected .npy, .npz, .csv or .parquet)."),
            };
        }
        catch (IOException e)
        {
            throw new CliException($"{what}: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CliException($"{what}: {e.Message}", e);
        }
    }
}

/// <summary>Options that shape how inputs are read.</summary>
internal sealed record InputOptions(string? Key, string? Column, bool? Header);

/// <summary>An array already in memory.</summary>
internal sealed class MemorySource(NdArray array, string what) : IArraySource
{
    public string What => what;

    public DType DType => array.DType;

    public long[] Shape => array.Shape;

    public long Rows => array.Rows;

    public long RowElements => array.Shape.Length == 0 ? 1 : array.Shape.Skip(1).Aggregate(1L, (a, b) => a * b);

    public NdArray ReadRows(long first, long count)
    {
        if (first == 0 && count == Rows)
        {
            return array;
        }

        long[] shape = [.. array.Shape];
        shape[0] = count;
        Array data = NdArray.Allocate(array.DType, count * RowElements);
        Array.Copy(array.Data, first * RowElements, data, 0, count * RowElements);
        return new NdArray(array.DType, shape, data);
    }

    public void Dispose()
    {
    }
}

/// <summary>A .npy file read by rows with seeks.</summary>
internal sealed class NpySource : IArraySource
{
    private readonly FileStream _file;
    private readonly Npy.Header _header;
    private Array? _buffer;

    public NpySource(string path, string what)
    {
        What = what;
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            _header = Npy.ReadHeader(_file, what);
            long bytes = checked(_header.Count * NdArray.SizeOf(_header.DType));
            long have = _file.Length - _header.DataOffset;
            if (have != bytes)
            {
                throw new CliException(have < bytes
                    ? $"{what}: truncated .npy file: shape {NdArray.ShapeText(_header.Shape)} of {NdArray.Name(_header.DType)} needs {bytes} data bytes, the file has {have}."
                    : $"{what}: corrupt .npy file: {have - bytes} bytes after the data that shape {NdArray.ShapeText(_header.Shape)} describes.");
            }
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    public string What { get; }

    public DType DType => _header.DType;

    public long[] Shape => _header.Shape;

    public long Rows => Shape.Length == 0 ? 1 : Shape[0];

    public long RowElements => _header.RowElements;

    public NdArray ReadRows(long first, long count)
    {
        long elements = checked(count * RowElements);
        if (elements > Array.MaxLength)
        {
            throw new CliException($"{What}: a block of {count} rows has {elements} elements, more than one array holds; use a smaller --block-rows.");
        }

        long[] shape = [.. Shape];
        if (shape.Length > 0)
        {
            shape[0] = count;
        }

        // Blocks of one size share one buffer: memory stays at one block per input, however many blocks stream.
        if (_buffer is null || _buffer.Length != elements)
        {
            _buffer = NdArray.Allocate(DType, elements);
        }

        var a = new NdArray(DType, shape, _buffer);
        _file.Position = _header.DataOffset + (first * RowElements * NdArray.SizeOf(DType));
        Npy.ReadExactly(_file, a.Bytes(), What, "a block");
        Npy.CheckBools(a, What);
        return a;
    }

    public void Dispose() => _file.Dispose();
}

/// <summary>An array in a .npz archive, read by rows from the entry's stream (forwards; a step back reopens it).</summary>
internal sealed class NpzSource : IArraySource
{
    private readonly ZipArchive _zip;
    private readonly ZipArchiveEntry _entry;
    private readonly Npy.Header _header;
    private Stream _stream;
    private long _row;

    public NpzSource(string path, string key, string what)
    {
        What = what;
        try
        {
            _zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new CliException($"{what}: corrupt .npz file (not a zip archive: {e.Message}).", e);
        }

        try
        {
            var names = _zip.Entries.Where(e => e.FullName.EndsWith(".npy", StringComparison.Ordinal)).Select(e => e.FullName[..^4]).ToList();
            if (key.Length == 0)
            {
                if (names.Count != 1)
                {
                    throw new CliException($"{what}: the archive holds {names.Count} arrays ({string.Join(", ", names)}); choose one with --key NAME or FILE.npz:NAME.");
                }

                key = names[0];
            }

            _entry = _zip.GetEntry(key + ".npy") ?? throw new CliException($"{what}: no array '{key}' in the archive (it holds: {string.Join(", ", names)}).");
            What = $"{what} array '{key}'";
            _stream = _entry.Open();
            _header = Npy.ReadHeader(_stream, What);
            long bytes = checked(_header.Count * NdArray.SizeOf(_header.DType));
            if (_entry.Length != _header.DataOffset + bytes)
            {
                throw new CliException(_entry.Length < _header.DataOffset + bytes
                    ? $"{What}: truncated array: shape {NdArray.ShapeText(_header.Shape)} of {NdArray.Name(_header.DType)} needs {bytes} data bytes, the entry has {_entry.Length - _header.DataOffset}."
                    : $"{What}: corrupt array: {_entry.Length - _header.DataOffset - bytes} bytes after its data.");
            }
        }
        catch (InvalidDataException e)
        {
            _zip.Dispose();
            throw new CliException($"{what}: corrupt .npz file ({e.Message}).", e);
        }
        catch
        {
            _zip.Dispose();
            throw;
        }
    }

    public string What { get; }

    public DType DType => _header.DType;

    public long[] Shape => _header.Shape;

    public long Rows => Shape.Length == 0 ? 1 : Shape[0];

    public long RowElements => _header.RowElements;

    public NdArray ReadRows(long first, long count)
    {
        try
        {
            if (first < _row)
            {
                _stream.Dispose();
                _stream = _entry.Open();
                Npy.ReadHeader(_stream, What);
                _row = 0;
            }

            long rowBytes = RowElements * NdArray.SizeOf(DType);
            byte[] skip = new byte[1 << 16];
            for (long left = (first - _row) * rowBytes; left > 0;)
            {
                int n = _stream.Read(skip, 0, (int)Math.Min(skip.Length, left));
                if (n == 0)
                {
                    throw new CliException($"{What}: truncated array data.");
                }

                left -= n;
            }

            long[] shape = [.. Shape];
            if (shape.Length > 0)
            {
                shape[0] = count;
            }

            var a = new NdArray(DType, shape, NdArray.Allocate(DType, checked(count * RowElements)));
            Npy.ReadExactly(_stream, a.Bytes(), What, "a block");
            Npy.CheckBools(a, What);
            _row = first + count;
            return a;
        }
        catch (InvalidDataException e)
        {
            throw new CliException($"{What}: corrupt compressed data ({e.Message}).", e);
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _zip.Dispose();
    }
}
