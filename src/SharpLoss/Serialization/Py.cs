using System.Globalization;

namespace SharpLoss.Internals;

/// <summary>Python spellings of values, as Keras prints and serializes them.</summary>
internal static class Py
{
    /// <summary><c>repr(float)</c>: shortest round-trip digits, <c>1.0</c> for integral values, <c>1e-07</c> exponents.</summary>
    public static string Float(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsPositiveInfinity(value))
        {
            return "Infinity";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-Infinity";
        }

        double abs = Math.Abs(value);
        if (value == Math.Floor(value) && abs < 1e16)
        {
            return value.ToString("F1", CultureInfo.InvariantCulture);
        }

        string r = value.ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            // .NET writes 1E-07 / 1E+20; Python writes 1e-07 / 1e+20.
            return string.Concat(r.AsSpan(0, e), "e", r.AsSpan(e + 1));
        }

        return r;
    }
}
