namespace SharpLoss.Cli;

/// <summary>Bad input (a file, an option, a shape): reported as one line on stderr with exit code 2.</summary>
internal sealed class CliException(string message, Exception? inner = null) : Exception(message, inner);
