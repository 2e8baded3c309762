// Independent test oracle for the tf.nn functions log_poisson_loss, l2_loss, compute_average_loss and
// scale_regularization_loss, and the element terms of tf.compat.v1.losses (SPEC C, D), written from SPEC.md in double
// with plain loops. Nothing here calls the library.

namespace SharpLoss.Tests.Reference;

public static class RefTfFunctions
{
    /// <summary>tf.nn.log_poisson_loss: exp(c) − c·z, plus z·log z − z + ½·log(2πz) when full and z ∉ [0, 1].</summary>
    public static double[] LogPoisson(double[] targets, double[] logInput, bool full)
    {
        if (targets.Length != logInput.Length)
        {
            throw new ArgumentException("log_input and targets must have the same shape.", nameof(targets));
        }

        var e = new double[logInput.Length];
        for (int i = 0; i < e.Length; i++)
        {
            double z = targets[i], c = logInput[i];
            e[i] = Math.Exp(c) - (c * z);
            if (full && !(z >= 0 && z <= 1))
            {
                e[i] += (z * Math.Log(z)) - z + (0.5 * Math.Log(2 * Math.PI * z));
            }
        }

        return e;
    }

    /// <summary>tf.nn.l2_loss: Σ t² / 2.</summary>
    public static double L2(double[] t)
    {
        double s = 0;
        foreach (double v in t)
        {
            s += v * v;
        }

        return s / 2;
    }

    /// <summary>
    /// tf.nn.compute_average_loss: the weight (null: none) squeezed (one rank more, last dimension 1) or expanded (one
    /// rank less) to the losses' rank, multiplied with NumPy broadcasting, summed, divided by the global batch size
    /// (default dim0 × replicas; 0 gives 0).
    /// </summary>
    public static double ComputeAverageLoss(double[] losses, int[] shape, double[]? weight, int[]? weightShape, long? globalBatchSize, int replicas)
    {
        if (shape.Length == 0)
        {
            throw new ArgumentException("per_example_loss must have rank ≥ 1.", nameof(shape));
        }

        double divisor = globalBatchSize ?? ((long)shape[0] * replicas);
        double[] w = weight ?? [1.0];
        int[] ws = weightShape ?? [];
        if (ws.Length == shape.Length + 1 && ws[^1] == 1)
        {
            ws = RefShape.SqueezeLast(ws);
        }
        else if (ws.Length + 1 == shape.Length)
        {
            ws = RefShape.ExpandLast(ws);
        }

        var (products, _) = RefShape.Multiply(losses, shape, w, ws);
        double sum = 0;
        foreach (double v in products)
        {
            sum += v;
        }

        return divisor == 0 ? 0 : sum / divisor;
    }

    /// <summary>tf.nn.scale_regularization_loss: Σ / replicas.</summary>
    public static double ScaleRegularizationLoss(double[] losses, int replicas)
    {
        double s = 0;
        foreach (double v in losses)
        {
            s += v;
        }

        return s / replicas;
    }
}
