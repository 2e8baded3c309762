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
    public static void Write(string path, NdArray array) => Atomic(path, stream =>
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext == ".csv")
        {
            WriteCsv(stream, array);
        }
        else if (ext == ".parquet")
        {
            ParquetIo.Write(stream, array);
        }
        else
        {
            Npy.Write(stream, array);
        }
    });

    public static void WriteText(string path, string text) => Atomic(path, stream =>
    {
        using var w = new StreamWriter(stream, leaveOpen: true);
        w.Write(text);
    });

    /// <summary>Runs the writer on a temporary file next to <paramref name="path"/> and renames it into place.</summary>
    public static void Atomic(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir))
        {
            throw new CliException($"Output '{path}': no such folder '{dir}'.");
        }

        string tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var s = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
            {
                write(s);
            }

            File.Move(tmp, full, overwrite: true);
        }
        catch (IOException e)
        {
            File.Delete(tmp);
            throw new CliException($"Output '{path}': {e.Message}", e);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
    }

    /// <summary>Rows of the leading axis, the other axes flattened into columns (c0, c1, …), numbers in round-trip form.</summary>
    private static void WriteCsv(Stream stream, NdArray a)
    {
        long rows = a.Shape.Length == 0 ? 1 : a.Shape[0];
        long cols = rows == 0 ? 0 : a.Length / Math.Max(rows, 1);
        using var text = new StreamWriter(stream, leaveOpen: true);
        using SepWriter writer = Sep.New(',').Writer(o => o with { CultureInfo = CultureInfo.InvariantCulture }).To(text);
        string[] names = [.. Enumerable.Range(0, (int)cols).Select(c => cols == 1 ? "value" : $"c{c}")];
        for (long r = 0; r < rows; r++)
        {
            using SepWriter.Row row = writer.NewRow();
            for (int c = 0; c < cols; c++)
            {
                long i = (r * cols) + c;
                row[names[c]].Set(a.Data switch
                {
                    float[] f => f[i].ToString("R", CultureInfo.InvariantCulture),
                    double[] d => d[i].ToString("R", CultureInfo.InvariantCulture),
                    _ => Convert.ToString(a.Data.GetValue(i), CultureInfo.InvariantCulture) ?? string.Empty,
                });
            }
        }
    }
}
