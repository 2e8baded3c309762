using System.Globalization;
using nietras.SeparatedValues;

namespace SharpLoss.Cli.Formats;

/// <summary>
/// CSV (and TSV) inputs, read with Sep: one row per line, the selected columns (<c>--column</c>: names or 0-based indices,
/// comma-separated; all columns by default) as an array of shape (rows, columns) of float32 (float64 with
/// <c>--dtype float64</c>). The first line is a header when <c>--header</c> says so, or, by default, when any of its cells
/// is not a number.
/// </summary>
internal static class Csv
{
    public static NdArray Read(string path, string what, InputOptions options)
    {
        string[] lines = File.ReadLines(path).Take(1).ToArray();
        if (lines.Length == 0)
        {
            throw new CliException($"{what}: the file is empty.");
        }

        char sep = path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : ',';
        bool header = options.Header ?? lines[0].Split(sep).Any(c => !double.TryParse(c.Trim().Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        using SepReader reader = Sep.New(sep).Reader(o => o with { HasHeader = header, CultureInfo = CultureInfo.InvariantCulture }).FromFile(path);
        string[] names = header ? [.. reader.Header.ColNames] : [];
        int[]? selected = null;
        var values = new List<float>();
        int cols = -1;
        long rows = 0;
        foreach (SepReader.Row row in reader)
        {
            int line = row.LineNumberFrom;
            selected ??= Select(options.Column, names, row.ColCount, what);
            if (cols < 0)
            {
                cols = selected.Length;
            }

            foreach (int c in selected)
            {
                if (c >= row.ColCount)
                {
                    throw new CliException($"{what}: line {line} has {row.ColCount} columns; column {c + 1} is missing.");
                }

                ReadOnlySpan<char> cell = row[c].Span.Trim();
                if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float v))
                {
                    string col = names.Length > c ? $"'{names[c]}' ({c + 1})" : (c + 1).ToString(CultureInfo.InvariantCulture);
                    throw new CliException($"{what}: line {line}, column {col}: '{cell}' is not a number.");
                }

                values.Add(v);
            }

            rows++;
        }

        if (rows == 0)
        {
            throw new CliException($"{what}: no data rows.");
        }

        return NdArray.Of([.. values], [rows, cols]);
    }

    private static int[] Select(string? column, string[] names, int count, string what)
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
