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

    /// <summary>An upstream gradient for vector-Jacobian checks: n values uniform in [−2, 2].</summary>
    internal static double[] Upstream(Random rng, int n)
    {
        var u = new double[n];
        for (int i = 0; i < n; i++)
        {
            u[i] = Properties.LossMatrix.Uniform(rng, -2, 2);
        }

        return u;
    }

    /// <summary>u·v, the scalar whose finite differences give the vector-Jacobian product uᵀ·∂v/∂x.</summary>
    public static double Dot(double[] u, double[] v)
    {
        double s = 0;
        for (int i = 0; i < u.Length; i++)
        {
            s += u[i] * v[i];
        }

        return s;
    }
}
