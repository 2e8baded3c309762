using System.Globalization;
using System.Numerics.Tensors;

namespace ReadmeExamples;

/// <summary>Prints each check of a number the documentation states, and counts the failures.</summary>
internal static class Expect
{
    public static int Failures { get; private set; }

    /// <summary>A documented number matches when the computed one rounds to it: within half a unit of its last printed
    /// digit (plus one float32 rounding, since the documentation prints float results).</summary>
    public static void Near(string what, double computed, string documented)
    {
        double expected = double.Parse(documented, CultureInfo.InvariantCulture);
        string mantissa = documented.Split('e', 'E')[0];
        int decimals = mantissa.Contains('.', StringComparison.Ordinal) ? mantissa.Length - mantissa.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
        int exponent = documented.Contains('e', StringComparison.OrdinalIgnoreCase) ? int.Parse(documented.Split('e', 'E')[1], CultureInfo.InvariantCulture) : 0;
        double tolerance = (0.5 * Math.Pow(10, exponent - decimals)) + (Math.Abs(expected) * Math.Pow(2, -24));
        Report(what, Math.Abs(computed - expected) <= tolerance, computed.ToString("G9", CultureInfo.InvariantCulture), documented);
    }

    /// <summary>Each element of a tensor against the documented list, as <see cref="Near(string, double, string)"/>.</summary>
    public static void Near(string what, Tensor<float> computed, params string[] documented)
    {
        That($"{what}: {documented.Length} elements", computed.FlattenedLength == documented.Length);
        float[] values = computed.ToArray();
        for (int i = 0; i < Math.Min(values.Length, documented.Length); i++)
        {
            Near($"{what}[{i}]", values[i], documented[i]);
        }
    }

    public static void Equal<T>(string what, T computed, T documented) =>
        Report(what, EqualityComparer<T>.Default.Equals(computed, documented), computed?.ToString() ?? "null", documented?.ToString() ?? "null");

    public static void That(string what, bool condition) => Report(what, condition, condition.ToString(), "True");

    private static void Report(string what, bool ok, string computed, string documented)
    {
        Failures += ok ? 0 : 1;
        Console.WriteLine(ok ? $"ok    {what}: {computed}" : $"FAIL  {what}: computed {computed}, documented {documented}");
    }
}
