namespace SharpLoss.Cli.Formats;

/// <summary>Parquet inputs and outputs.</summary>
internal static class ParquetIo
{
    public static NdArray Read(string path, string what, InputOptions options) =>
        throw new CliException($"{what}: Parquet is not supported yet.");

    public static void Write(Stream stream, NdArray array) =>
        throw new CliException("Parquet output is not supported yet.");
}
