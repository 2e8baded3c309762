// Independent test oracle: central finite differences in double.

namespace SharpLoss.Tests.Reference;

public static class FiniteDifference
{
    /// <summary>
    /// ∂f/∂x_i ≈ (f(x + s·e_i) - f(x - s·e_i)) / ((x_i + s) - (x_i - s)), with the step s = h·max(1, |x_i|).
    /// The denominator uses the step actually representable in double.
    /// </summary>
    public static double[] Gradient(Func<double[], double> f, double[] x, double h = 1e-6)
    {
        var gradient = new double[x.Length];
        var probe = (double[])x.Clone();
        for (int i = 0; i < x.Length; i++)
        {
            double step = h * Math.Max(1.0, Math.Abs(x[i]));
            double plus = x[i] + step;
            double minus = x[i] - step;

            probe[i] = plus;
            double fPlus = f((double[])probe.Clone());
            probe[i] = minus;
            double fMinus = f((double[])probe.Clone());
            probe[i] = x[i];

            gradient[i] = (fPlus - fMinus) / (plus - minus);
        }

        return gradient;
    }
}
