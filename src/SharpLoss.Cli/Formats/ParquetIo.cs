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
    public static NdArray Read(string path, string what, InputOptions options)
    {
        try
        {
            return ReadAsync(path, what, options).GetAwaiter().GetResult();
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

    private static async Task<NdArray> ReadAsync(string path, string what, InputOptions options)
    {
        await using ParquetReader reader = await ParquetReader.CreateAsync(path).ConfigureAwait(false);
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
        return t == typeof(float) ? await Column<float>(reader, field, what, DType.Float32).ConfigureAwait(false)
            : t == typeof(double) ? await Column<double>(reader, field, what, DType.Float64).ConfigureAwait(false)
            : t == typeof(int) ? await Column<int>(reader, field, what, DType.Int32).ConfigureAwait(false)
            : t == typeof(long) ? await Column<long>(reader, field, what, DType.Int64).ConfigureAwait(false)
            : t == typeof(bool) ? await Column<bool>(reader, field, what, DType.Bool).ConfigureAwait(false)
            : throw new CliException($"{what}: column '{field.Name}' holds {t.Name}; expected float, double, int, long or bool.");
    }

    private static async Task<NdArray> Column<T>(ParquetReader reader, DataField field, string what, DType dtype)
        where T : struct
    {
        var values = new List<T>();
        long rows = 0;
        int width = -1;
        bool list = field.MaxRepetitionLevel > 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
            int n = checked((int)group.GetMetadata(field)!.MetaData!.NumValues);
            T[] buffer = new T[n];
            int[] def = new int[n];
            int[] levels = new int[n];
            await group.ReadRawAsync<T>(field, buffer, def, levels, CancellationToken.None).ConfigureAwait(false);
            int[]? rep = list ? levels : null;
            if (def.Any(d => d != field.MaxDefinitionLevel))
            {
                throw new CliException($"{what}: column '{field.Name}' has nulls or empty lists in row group {g}; expected numbers only.");
            }

            int current = 0;
            for (int i = 0; i < buffer.Length; i++)
            {
                if (rep is not null && rep[i] == 0 && i > 0)
                {
                    width = Width(width, current, rows, what);
                    rows++;
                    current = 0;
                }

                values.Add(buffer[i]);
                current++;
            }

            if (rep is not null && buffer.Length > 0)
            {
                width = Width(width, current, rows, what);
                rows++;
            }
            else if (rep is null)
            {
                rows += buffer.Length;
                width = 1;
            }
        }

        if (rows == 0)
        {
            throw new CliException($"{what}: no rows.");
        }

        return new NdArray(dtype, [rows, width], values.ToArray());
    }

    private static int Width(int width, int current, long row, string what) =>
        width < 0 || width == current ? current : throw new CliException($"{what}: row {row} has {current} values, the rows before {width}; expected lists of one length.");

    public static void Write(Stream stream, NdArray array) => WriteAsync(stream, array).GetAwaiter().GetResult();

    private static async Task WriteAsync(Stream stream, NdArray a)
    {
        long rows = a.Shape.Length == 0 ? 1 : a.Shape[0];
        int width = rows == 0 ? 0 : checked((int)(a.Length / rows));
        switch (a.Data)
        {
            case float[] f:
                await Write(stream, f, rows, width, a.Shape.Length > 1).ConfigureAwait(false);
                break;
            case double[] d:
                await Write(stream, d, rows, width, a.Shape.Length > 1).ConfigureAwait(false);
                break;
            default:
                throw new CliException("Parquet output holds float or double values.");
        }
    }

    private static async Task Write<T>(Stream stream, T[] data, long rows, int width, bool list)
        where T : struct
    {
        var element = new DataField<T>(list ? "element" : "value");
        Field field = list ? new ListField("value", element) : element;
        await using ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(field), stream).ConfigureAwait(false);
        using ParquetRowGroupWriter group = writer.CreateRowGroup();
        int[]? rep = null;
        if (list)
        {
            rep = new int[data.Length];
            for (int i = 0; i < data.Length; i++)
            {
                rep[i] = width == 0 || i % width == 0 ? 0 : 1;
            }
        }

        DataField written = list ? (DataField)((ListField)field).Item : element;
        if (rep is null)
        {
            await group.WriteAsync<T>(written, data).ConfigureAwait(false);
        }
        else
        {
            // Every value present: each at the field's full definition level.
            int[] def = new int[data.Length];
            Array.Fill(def, written.MaxDefinitionLevel);
            await group.WriteAllPartsAsync<T>(written, data, def, rep, CancellationToken.None).ConfigureAwait(false);
        }
        _ = rows;
    }
}
