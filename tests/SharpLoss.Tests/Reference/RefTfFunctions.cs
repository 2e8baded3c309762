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

    /// <summary>tf.compat.v1.losses.hinge_loss element term: max(0, 1 − (2l − 1)·x).</summary>
    public static double[] HingeV1(double[] labels, double[] logits)
    {
        var e = new double[logits.Length];
        for (int i = 0; i < e.Length; i++)
        {
            e[i] = Math.Max(0, 1 - (((2 * labels[i]) - 1) * logits[i]));
        }

        return e;
    }

    /// <summary>tf.compat.v1.losses.log_loss element term: −l·log(p + ε) − (1 − l)·log(1 − p + ε).</summary>
    public static double[] LogLossV1(double[] labels, double[] predictions, double epsilon)
    {
        var e = new double[predictions.Length];
        for (int i = 0; i < e.Length; i++)
        {
            e[i] = (-labels[i] * Math.Log(predictions[i] + epsilon)) - ((1 - labels[i]) * Math.Log(1 - predictions[i] + epsilon));
        }

        return e;
    }

    /// <summary>tf.compat.v1.losses.sigmoid_cross_entropy element term: labels smoothed toward ½, then the stable sigmoid cross-entropy.</summary>
    public static double[] SigmoidV1(double[] labels, double[] logits, double labelSmoothing)
    {
        var z = new double[labels.Length];
        for (int i = 0; i < z.Length; i++)
        {
            z[i] = labelSmoothing > 0 ? (labels[i] * (1 - labelSmoothing)) + (0.5 * labelSmoothing) : labels[i];
        }

        return RefLosses.SigmoidCrossEntropyWithLogits(z, logits);
    }

    /// <summary>tf.compat.v1.losses.cosine_distance per-row term 1 − Σ_axis(p·l), the axis kept with size 1.</summary>
    public static (double[] Values, int[] Shape) CosineDistance(double[] labels, double[] predictions, int[] shape, int axis)
    {
        int a = RefShape.NormalizeAxis(axis, shape.Length);
        int[] kept = (int[])shape.Clone();
        kept[a] = 1;
        var values = new double[RefShape.Size(kept)];
        for (int i = 0; i < predictions.Length; i++)
        {
            int[] index = RefShape.Unravel(i, shape);
            index[a] = 0;
            values[RefShape.Ravel(index, kept)] += predictions[i] * labels[i];
        }

        for (int i = 0; i < values.Length; i++)
        {
            values[i] = 1 - values[i];
        }

        return (values, kept);
    }

    /// <summary>
    /// tf.compat.v1.losses.mean_pairwise_squared_error: per sample i (first axis), d = p − l over all of its elements,
    /// n_i = non-zero weights broadcast to the sample, term_i = 2Σd²/max(n−1, 0) − 2(Σd)²/max(n(n−1), 0) (div_no_nan);
    /// result Σ over the broadcast of term (N, 1, …) times the weights; 0 when Σn = 0.
    /// </summary>
    public static double MeanPairwiseSquaredError(double[] labels, double[] predictions, int[] shape, double[]? weight, int[]? weightShape)
    {
        double[] w = weight ?? [1.0];
        int[] ws = weightShape ?? [];
        double[] wb = RefShape.BroadcastTo(w, ws, shape);
        int batch = shape[0];
        int per = batch == 0 ? 0 : predictions.Length / batch;
        var term = new double[batch];
        double present = 0;
        for (int i = 0; i < batch; i++)
        {
            double n = 0, s1 = 0, s2 = 0;
            for (int k = 0; k < per; k++)
            {
                double d = predictions[(i * per) + k] - labels[(i * per) + k];
                s1 += d;
                s2 += d * d;
                n += wb[(i * per) + k] != 0 ? 1 : 0;
            }

            present += n;
            double a1 = Math.Max(n - 1, 0), a2 = Math.Max(n * (n - 1), 0);
            term[i] = (a1 == 0 ? 0 : 2 * s2 / a1) - (a2 == 0 ? 0 : 2 * s1 * s1 / a2);
        }

        int[] termShape = new int[shape.Length];
        Array.Fill(termShape, 1);
        termShape[0] = batch;
        var (products, _) = RefShape.Multiply(term, termShape, w, ws.Length == 0 ? [] : ws);
        double total = 0;
        foreach (double v in products)
        {
            total += v;
        }

        return present > 0 ? total : 0;
    }
}

