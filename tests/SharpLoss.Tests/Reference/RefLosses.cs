// Independent test oracle: per-sample (unreduced) losses, written as plain loops in double precision.
// SPEC references: B.1 (BCE), B.3 (CCE), B.5 (SCCE, TF backend), B.6-B.9 (MSE, MAE, MAPE, MSLE), B.11 and C (Huber),
// B.12 (log-cosh), B.13-B.14 (hinge, squared hinge), B.16 (KL divergence), B.17 (Poisson), D (tf.nn cross-entropies).
// `float32` only selects the clip bounds / epsilon (SPEC section 0): everything else is computed in double.

// The parameter name `float32` mirrors the dtype it selects (the oracle's agreed signature); CA1720 objects to the
// type name inside the identifier.
#pragma warning disable CA1720

namespace SharpLoss.Tests.Reference;

public static class RefLosses
{
    /// <summary>Keras <c>backend.epsilon()</c> = 1e-7, as the float32 value when <paramref name="float32"/> is true.</summary>
    public static double Epsilon(bool float32) => float32 ? (double)(float)1e-7 : 1e-7;

    /// <summary>Lower clip bound: f32(1e-7) = 1.00000001168e-7, or 1e-7 in float64.</summary>
    public static double ClipLow(bool float32) => float32 ? (double)(float)1e-7 : 1e-7;

    /// <summary>Upper clip bound: f32(1 - 1e-7) = 1 - 2^-23, or 1 - 1e-7 in float64.</summary>
    public static double ClipHigh(bool float32) => float32 ? (double)(float)(1.0 - 1e-7) : 1.0 - 1e-7;

    /// <summary>clip(p, lo, hi); NaN stays NaN.</summary>
    public static double Clip(double p, bool float32)
    {
        double lo = ClipLow(float32);
        double hi = ClipHigh(float32);
        if (p < lo)
        {
            return lo;
        }

        if (p > hi)
        {
            return hi;
        }

        return p;
    }

    /// <summary>Sizes of the axes before, at and after <paramref name="axis"/>: element (o, k, i) is at (o·n + k)·inner + i.</summary>
    private static (int Outer, int N, int Inner) Split(int[] shape, int axis)
    {
        int outer = 1;
        for (int d = 0; d < axis; d++)
        {
            outer *= shape[d];
        }

        int inner = 1;
        for (int d = axis + 1; d < shape.Length; d++)
        {
            inner *= shape[d];
        }

        return (outer, shape[axis], inner);
    }

    private static void CheckSameLength(double[] yTrue, double[] yPred, int[] shape)
    {
        RefShape.RequireLength(yTrue.Length, shape, nameof(yTrue));
        RefShape.RequireLength(yPred.Length, shape, nameof(yPred));
    }

    // ------------------------------------------------------------------ B.1

    /// <summary>
    /// Keras <c>binary_crossentropy</c> (SPEC B.1), same shape for y and p. Smoothing: y·(1 - ls) + 0.5·ls.
    /// Logits: max(x,0) - x·y + log1p(exp(-|x|)). Probabilities, Keras 3: q = clip(p); -(y log q + (1-y) log(1-q)).
    /// tf.keras 2: q = clip(p); -(y log(q + eps) + (1-y) log(1 - q + eps)). Then the mean over <paramref name="axis"/>.
    /// </summary>
    public static (double[] Values, int[] Shape) BinaryCrossentropy(
        double[] yTrue, double[] yPred, int[] shape, bool fromLogits, double labelSmoothing, int axis, bool tfKeras2, bool float32)
    {
        CheckSameLength(yTrue, yPred, shape);
        int a = RefShape.NormalizeAxis(axis, shape.Length);
        double eps = Epsilon(float32);

        var elementwise = new double[yPred.Length];
        for (int i = 0; i < yPred.Length; i++)
        {
            double y = yTrue[i];
            if (labelSmoothing != 0)
            {
                y = (y * (1.0 - labelSmoothing)) + (0.5 * labelSmoothing);
            }

            if (fromLogits)
            {
                double x = yPred[i];
                elementwise[i] = Math.Max(x, 0.0) - (x * y) + Log1p(Math.Exp(-Math.Abs(x)));
            }
            else
            {
                double q = Clip(yPred[i], float32);
                if (tfKeras2)
                {
                    elementwise[i] = -((y * Math.Log(q + eps)) + ((1.0 - y) * Math.Log(1.0 - q + eps)));
                }
                else
                {
                    elementwise[i] = -((y * Math.Log(q)) + ((1.0 - y) * Math.Log(1.0 - q)));
                }
            }
        }

        return MeanOverAxis(elementwise, shape, a);
    }

    /// <summary>Mean over one axis; the result has the shape without that axis.</summary>
    public static (double[] Values, int[] Shape) MeanOverAxis(double[] values, int[] shape, int axis)
    {
        RefShape.RequireLength(values.Length, shape, nameof(values));
        int a = RefShape.NormalizeAxis(axis, shape.Length);
        var (outer, n, inner) = Split(shape, a);
        var result = new double[outer * inner];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                double sum = 0;
                for (int k = 0; k < n; k++)
                {
                    sum += values[(((o * n) + k) * inner) + i];
                }

                result[(o * inner) + i] = sum / n;
            }
        }

        return (result, RefShape.RemoveAxis(shape, a));
    }

    // ------------------------------------------------------------------ B.3

    /// <summary>
    /// Keras <c>categorical_crossentropy</c> (SPEC B.3), TF backend, same shape for y and p. Smoothing toward 1/K with
    /// K = shape[axis]. Logits: -Σ y·log_softmax(x) along the axis (max subtracted). Probabilities: p/Σp along the axis,
    /// then clip, then -Σ y log q.
    /// </summary>
    public static (double[] Values, int[] Shape) CategoricalCrossentropy(
        double[] yTrue, double[] yPred, int[] shape, bool fromLogits, double labelSmoothing, int axis, bool float32)
    {
        CheckSameLength(yTrue, yPred, shape);
        if (shape.Length < 1)
        {
            throw new ArgumentException("Arguments must be at least rank 1.", nameof(shape));
        }

        int a = RefShape.NormalizeAxis(axis, shape.Length);
        var (outer, n, inner) = Split(shape, a);
        var result = new double[outer * inner];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                var y = new double[n];
                var p = new double[n];
                for (int k = 0; k < n; k++)
                {
                    int idx = (((o * n) + k) * inner) + i;
                    y[k] = yTrue[idx];
                    p[k] = yPred[idx];
                    if (labelSmoothing != 0)
                    {
                        y[k] = (y[k] * (1.0 - labelSmoothing)) + (labelSmoothing / n);
                    }
                }

                double loss = 0;
                if (fromLogits)
                {
                    double[] logSoftmax = LogSoftmax(p);
                    for (int k = 0; k < n; k++)
                    {
                        loss -= y[k] * logSoftmax[k];
                    }
                }
                else
                {
                    double total = 0;
                    for (int k = 0; k < n; k++)
                    {
                        total += p[k];
                    }

                    for (int k = 0; k < n; k++)
                    {
                        double q = Clip(p[k] / total, float32);
                        loss -= y[k] * Math.Log(q);
                    }
                }

                result[(o * inner) + i] = loss;
            }
        }

        return (result, RefShape.RemoveAxis(shape, a));
    }

    /// <summary>log_softmax of one row: x_k - max - log Σ exp(x_j - max).</summary>
    public static double[] LogSoftmax(double[] x)
    {
        double max = double.NegativeInfinity;
        for (int k = 0; k < x.Length; k++)
        {
            if (x[k] > max || double.IsNaN(x[k]))
            {
                max = x[k];
            }
        }

        double sumExp = 0;
        for (int k = 0; k < x.Length; k++)
        {
            sumExp += Math.Exp(x[k] - max);
        }

        double logSum = Math.Log(sumExp);
        var result = new double[x.Length];
        for (int k = 0; k < x.Length; k++)
        {
            result[k] = x[k] - max - logSum;
        }

        return result;
    }

    /// <summary>log Σ exp(x_j), with the max subtracted.</summary>
    public static double LogSumExp(double[] x)
    {
        double max = double.NegativeInfinity;
        for (int k = 0; k < x.Length; k++)
        {
            if (x[k] > max || double.IsNaN(x[k]))
            {
                max = x[k];
            }
        }

        double sumExp = 0;
        for (int k = 0; k < x.Length; k++)
        {
            sumExp += Math.Exp(x[k] - max);
        }

        return max + Math.Log(sumExp);
    }

    // ------------------------------------------------------------------ B.5

    /// <summary>
    /// Keras <c>sparse_categorical_crossentropy</c> (SPEC B.5), TF backend: the class axis is last; labels have the
    /// shape of <paramref name="pShape"/> without its last axis (a trailing size-1 label axis is squeezed first).
    /// Probabilities: x = log(clip(p)) without renormalizing, then the sparse softmax CE logsumexp(x) - x_t.
    /// Rows whose label equals <paramref name="ignoreClass"/> give 0 and are false in <paramref name="mask"/>
    /// (null when ignoreClass is null). Label smoothing (Keras 3.16, SPEC B.5 last bullet and 0.9):
    /// (1 - ls)·CE_hard + ls·CE_uniform, with CE_uniform = logsumexp(x) - mean(x) from logits and
    /// -mean_j log clip(p_j / Σp) from probabilities (normalised, then clipped).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A label outside [0, K) that is not the ignored class.</exception>
    public static (double[] Values, int[] Shape) SparseCategoricalCrossentropy(
        long[] labels, int[] labelShape, double[] yPred, int[] pShape, bool fromLogits, long? ignoreClass, double labelSmoothing, bool float32,
        out bool[]? mask)
    {
        RefShape.RequireLength(labels.Length, labelShape, nameof(labels));
        RefShape.RequireLength(yPred.Length, pShape, nameof(yPred));
        if (pShape.Length < 1)
        {
            throw new ArgumentException("Argument `output` must be at least rank 1.", nameof(pShape));
        }

        int[] ls = labelShape;
        if (ls.Length == pShape.Length && ls.Length > 0 && ls[^1] == 1)
        {
            ls = RefShape.SqueezeLast(ls);
        }

        int[] outShape = pShape[..^1];
        if (!RefShape.SameShape(ls, outShape))
        {
            throw new ArgumentException(
                $"Labels of shape {RefShape.Format(labelShape)} do not match predictions of shape {RefShape.Format(pShape)} up to the last axis.",
                nameof(labelShape));
        }

        int k = pShape[^1];
        int rows = labels.Length;
        var result = new double[rows];
        mask = ignoreClass is null ? null : new bool[rows];
        for (int r = 0; r < rows; r++)
        {
            long label = labels[r];
            bool valid = ignoreClass is null || label != ignoreClass.Value;
            if (mask is not null)
            {
                mask[r] = valid;
            }

            if (!valid)
            {
                result[r] = 0;
                continue;
            }

            if (label < 0 || label >= k)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), label, $"Received a label value of {label} which is outside the valid range of [0, {k}).");
            }

            var x = new double[k];
            for (int j = 0; j < k; j++)
            {
                double v = yPred[(r * k) + j];
                x[j] = fromLogits ? v : Math.Log(Clip(v, float32));
            }

            double lse = LogSumExp(x);
            double hard = lse - x[label];
            if (labelSmoothing != 0)
            {
                // Keras 3.16 (SPEC B.5, last bullet): (1 - ls)·CE_hard + ls·CE_uniform. From logits CE_uniform =
                // logsumexp(x) - mean(x); from probabilities -mean_j log clip(p_j / Σp), normalised before the clip
                // (CE_hard above clips first).
                double uniform = 0;
                if (fromLogits)
                {
                    for (int j = 0; j < k; j++)
                    {
                        uniform += lse - x[j];
                    }
                }
                else
                {
                    double total = 0;
                    for (int j = 0; j < k; j++)
                    {
                        total += yPred[(r * k) + j];
                    }

                    for (int j = 0; j < k; j++)
                    {
                        uniform -= Math.Log(Clip(yPred[(r * k) + j] / total, float32));
                    }
                }

                uniform /= k;
                result[r] = ((1.0 - labelSmoothing) * hard) + (labelSmoothing * uniform);
            }
            else
            {
                result[r] = hard;
            }
        }

        return (result, outShape);
    }

    // ------------------------------------------------------------------ B.6-B.9

    /// <summary>Keras <c>mean_squared_error</c> on equal shapes: mean over the last axis of (y - p)².</summary>
    public static (double[] Values, int[] Shape) MeanSquaredError(double[] yTrue, double[] yPred, int[] shape) =>
        MeanSquaredError(yTrue, shape, yPred, shape);

    /// <summary>
    /// Keras 3 <c>mean_squared_error</c>: squeeze_or_expand_to_same_rank(y, p), NumPy broadcasting, then the mean over
    /// the last axis of (y - p)².
    /// </summary>
    public static (double[] Values, int[] Shape) MeanSquaredError(double[] yTrue, int[] yShape, double[] yPred, int[] pShape) =>
        Regression(yTrue, yShape, yPred, pShape, (y, p) => (y - p) * (y - p));

    /// <summary>Keras <c>mean_absolute_error</c> on equal shapes: mean over the last axis of |y - p|.</summary>
    public static (double[] Values, int[] Shape) MeanAbsoluteError(double[] yTrue, double[] yPred, int[] shape) =>
        MeanAbsoluteError(yTrue, shape, yPred, shape);

    /// <summary>Keras 3 <c>mean_absolute_error</c> with squeeze_or_expand_to_same_rank and broadcasting.</summary>
    public static (double[] Values, int[] Shape) MeanAbsoluteError(double[] yTrue, int[] yShape, double[] yPred, int[] pShape) =>
        Regression(yTrue, yShape, yPred, pShape, (y, p) => Math.Abs(y - p));

    /// <summary>Keras <c>huber</c> on equal shapes (SPEC B.11).</summary>
    public static (double[] Values, int[] Shape) Huber(double[] yTrue, double[] yPred, int[] shape, double delta = 1.0) =>
        Huber(yTrue, shape, yPred, shape, delta);

    /// <summary>
    /// Keras 3 <c>huber</c> (SPEC B.11) with squeeze_or_expand_to_same_rank and broadcasting: mean over the last axis of
    /// ½·e² where |e| ≤ δ, δ·|e| − ½·δ² elsewhere, e = p − y.
    /// </summary>
    public static (double[] Values, int[] Shape) Huber(double[] yTrue, int[] yShape, double[] yPred, int[] pShape, double delta = 1.0) =>
        Regression(yTrue, yShape, yPred, pShape, (y, p) => HuberTerm(p - y, delta));

    /// <summary>
    /// <c>tf.compat.v1.losses.huber_loss</c>'s element term (SPEC C): ½·q² + δ·(a − q), a = |p − l|, q = min(a, δ).
    /// In exact arithmetic the same function as <see cref="HuberTerm"/>.
    /// </summary>
    public static double[] HuberV1(double[] labels, double[] predictions, double delta)
    {
        var result = new double[predictions.Length];
        for (int i = 0; i < result.Length; i++)
        {
            double a = Math.Abs(predictions[i] - labels[i]);
            double q = Math.Min(a, delta);
            result[i] = (0.5 * q * q) + (delta * (a - q));
        }

        return result;
    }

    private static double HuberTerm(double e, double delta)
    {
        double a = Math.Abs(e);
        return a <= delta ? 0.5 * e * e : (delta * a) - (0.5 * delta * delta);
    }

    /// <summary>
    /// Keras <c>mean_absolute_percentage_error</c> (SPEC B.8): mean over the last axis of 100·|(y − p)/max(|y|, ε)|, with
    /// Keras 3's rank alignment and broadcasting.
    /// </summary>
    public static (double[] Values, int[] Shape) MeanAbsolutePercentageError(double[] yTrue, int[] yShape, double[] yPred, int[] pShape, bool float32) =>
        Regression(yTrue, yShape, yPred, pShape, (y, p) => 100 * Math.Abs((y - p) / Math.Max(Math.Abs(y), Epsilon(float32))));

    /// <summary>
    /// The ε of <c>mean_squared_logarithmic_error</c> (SPEC B.9): f32(1e-7) in float32; in float64 Keras 3 promotes its
    /// float32 ε (1.0000000116860974e-7) while tf.keras 2 converts the Python float (1e-7).
    /// </summary>
    public static double MsleEpsilon(bool float32, bool tfKeras2) => float32 || !tfKeras2 ? (double)(float)1e-7 : 1e-7;

    /// <summary>
    /// Keras <c>mean_squared_logarithmic_error</c> (SPEC B.9): mean over the last axis of
    /// (log(max(p, ε) + 1) − log(max(y, ε) + 1))², with Keras 3's rank alignment and broadcasting.
    /// </summary>
    public static (double[] Values, int[] Shape) MeanSquaredLogarithmicError(double[] yTrue, int[] yShape, double[] yPred, int[] pShape, double epsilon) =>
        Regression(yTrue, yShape, yPred, pShape, (y, p) =>
        {
            double d = Math.Log(MaxNaN(p, epsilon) + 1) - Math.Log(MaxNaN(y, epsilon) + 1);
            return d * d;
        });

    /// <summary>
    /// Keras <c>log_cosh</c> (SPEC B.12) exactly as Keras writes it: mean over the last axis of x + softplus(−2x) − log 2
    /// with x = p − y and Keras's log 2, <c>ops.log(2.0)</c> computed in float32 (0.693147182464599609375) in every
    /// precision; with Keras 3's rank alignment and broadcasting.
    /// </summary>
    public static (double[] Values, int[] Shape) LogCosh(double[] yTrue, int[] yShape, double[] yPred, int[] pShape) =>
        Regression(yTrue, yShape, yPred, pShape, (y, p) => (p - y) + Softplus(-2 * (p - y)) - (double)0.6931472f);

    /// <summary>
    /// Keras <c>poisson</c> (SPEC B.17): mean over the last axis of p − y·log(p + ε) (no clipping), broadcasting y and p;
    /// the function does not align ranks (pass aligned shapes).
    /// </summary>
    public static (double[] Values, int[] Shape) Poisson(double[] yTrue, int[] yShape, double[] yPred, int[] pShape, bool float32) =>
        Elementwise(yTrue, yShape, yPred, pShape, (y, p) => p - (y * Math.Log(p + Epsilon(float32))), sum: false);

    /// <summary>
    /// Keras <c>hinge</c> / <c>squared_hinge</c> (SPEC B.13-B.14): t = 2y − 1 when every element of y_true is 0 or 1, else
    /// y; mean over the last axis of max(1 − t·p, 0) (squared when <paramref name="squared"/>). No rank alignment.
    /// </summary>
    public static (double[] Values, int[] Shape) Hinge(double[] yTrue, int[] yShape, double[] yPred, int[] pShape, bool squared)
    {
        bool convert = yTrue.All(v => v == 0 || v == 1);
        return Elementwise(yTrue, yShape, yPred, pShape, (y, p) =>
        {
            double t = convert ? (2 * y) - 1 : y;
            double h = 1 - (t * p);
            double m = double.IsNaN(h) ? h : Math.Max(h, 0);
            return squared ? m * m : m;
        }, sum: false);
    }

    /// <summary>
    /// Keras <c>kl_divergence</c> (SPEC B.16): y and p clipped to [ε, 1], then the SUM over the last axis of y·log(y/p).
    /// No rank alignment.
    /// </summary>
    public static (double[] Values, int[] Shape) KLDivergence(double[] yTrue, int[] yShape, double[] yPred, int[] pShape, bool float32)
    {
        double eps = Epsilon(float32);
        return Elementwise(yTrue, yShape, yPred, pShape, (y, p) =>
        {
            double yc = ClipTo(y, eps, 1), pc = ClipTo(p, eps, 1);
            return yc * Math.Log(yc / pc);
        }, sum: true);
    }

    /// <summary>max(v, lo) letting NaN through (TensorFlow's maximum).</summary>
    private static double MaxNaN(double v, double lo) => v < lo ? lo : v;

    /// <summary>clip(v, lo, hi) letting NaN through (TensorFlow's clip_by_value).</summary>
    private static double ClipTo(double v, double lo, double hi) => v < lo ? lo : v > hi ? hi : v;

    private static (double[] Values, int[] Shape) Regression(
        double[] yTrue, int[] yShape, double[] yPred, int[] pShape, Func<double, double, double> term)
    {
        RefShape.RequireLength(yTrue.Length, yShape, nameof(yTrue));
        RefShape.RequireLength(yPred.Length, pShape, nameof(yPred));
        var (ys, ps) = RefShape.SqueezeOrExpandToSameRank(yShape, pShape);
        return Elementwise(yTrue, ys, yPred, ps, term, sum: false);
    }

    /// <summary>NumPy broadcasting of y and p, the term per element, then the mean (or sum) over the last axis.</summary>
    private static (double[] Values, int[] Shape) Elementwise(
        double[] yTrue, int[] ys, double[] yPred, int[] ps, Func<double, double, double> term, bool sum)
    {
        RefShape.RequireLength(yTrue.Length, ys, nameof(yTrue));
        RefShape.RequireLength(yPred.Length, ps, nameof(yPred));
        int[] shape = RefShape.Broadcast(ys, ps);
        if (shape.Length < 1)
        {
            throw new ArgumentException("Scalar inputs have no last axis to reduce over.", "pShape");
        }

        int n = RefShape.Size(shape);
        var elementwise = new double[n];
        for (int i = 0; i < n; i++)
        {
            int[] index = RefShape.Unravel(i, shape);
            elementwise[i] = term(yTrue[RefShape.SourceIndex(index, ys)], yPred[RefShape.SourceIndex(index, ps)]);
        }

        return sum ? SumOverLastAxis(elementwise, shape) : MeanOverAxis(elementwise, shape, -1);
    }

    /// <summary>Sum over the last axis; the result has the shape without it (an empty axis sums to 0).</summary>
    private static (double[] Values, int[] Shape) SumOverLastAxis(double[] values, int[] shape)
    {
        int n = shape[^1];
        var result = new double[RefShape.Size(shape[..^1])];
        for (int r = 0; r < result.Length; r++)
        {
            double sum = 0;
            for (int k = 0; k < n; k++)
            {
                sum += values[(r * n) + k];
            }

            result[r] = sum;
        }

        return (result, shape[..^1]);
    }

    // ------------------------------------------------------------------ D (tf.nn)

    /// <summary><c>tf.nn.sigmoid_cross_entropy_with_logits</c>: max(x,0) - x·z + log1p(exp(-|x|)), elementwise.</summary>
    public static double[] SigmoidCrossEntropyWithLogits(double[] labels, double[] logits)
    {
        if (labels.Length != logits.Length)
        {
            throw new ArgumentException($"logits and labels must have the same shape ({logits.Length} vs {labels.Length} elements).", nameof(labels));
        }

        var result = new double[logits.Length];
        for (int i = 0; i < logits.Length; i++)
        {
            double x = logits[i];
            double z = labels[i];
            result[i] = Math.Max(x, 0.0) - (x * z) + Log1p(Math.Exp(-Math.Abs(x)));
        }

        return result;
    }

    /// <summary>
    /// <c>tf.nn.weighted_cross_entropy_with_logits</c> with a pos_weight of length 1 or of the logits' length.
    /// </summary>
    public static double[] WeightedCrossEntropyWithLogits(double[] labels, double[] logits, double[] posWeight)
    {
        if (posWeight.Length != 1 && posWeight.Length != logits.Length)
        {
            throw new ArgumentException("pos_weight must have length 1 or the length of the logits.", nameof(posWeight));
        }

        int[] shape = [logits.Length];
        int[] wShape = [posWeight.Length];
        return WeightedCrossEntropyWithLogits(labels, logits, shape, posWeight, wShape);
    }

    /// <summary>
    /// <c>tf.nn.weighted_cross_entropy_with_logits</c> (SPEC D), elementwise, with <paramref name="posWeight"/> broadcast to
    /// the logits' shape. TF evaluates (1 - z)·x + (1 + (q - 1)·z)·(log1p(exp(-|x|)) + max(-x, 0)); the same value is
    /// computed here without cancellation as q·z·softplus(-x) + (1 - z)·softplus(x), so z = 0, x = -10 gives the exact
    /// 4.5398899e-05 (TF's float32 prints 4.5776367e-05).
    /// </summary>
    public static double[] WeightedCrossEntropyWithLogits(double[] labels, double[] logits, int[] shape, double[] posWeight, int[] posWeightShape)
    {
        CheckSameLength(labels, logits, shape);
        double[] q = RefShape.BroadcastTo(posWeight, posWeightShape, shape);
        var result = new double[logits.Length];
        for (int i = 0; i < logits.Length; i++)
        {
            double x = logits[i];
            double z = labels[i];
            result[i] = (q[i] * z * Softplus(-x)) + ((1.0 - z) * Softplus(x));
        }

        return result;
    }

    /// <summary>softplus(x) = log(1 + e^x) = max(x, 0) + log1p(exp(-|x|)).</summary>
    public static double Softplus(double x) => Math.Max(x, 0.0) + Log1p(Math.Exp(-Math.Abs(x)));

    /// <summary>
    /// <c>tf.nn.softmax_cross_entropy_with_logits</c> (v2): -Σ_axis labels·log_softmax(logits); the output shape is the
    /// shape without <paramref name="axis"/>.
    /// </summary>
    public static (double[] Values, int[] Shape) SoftmaxCrossEntropyWithLogits(double[] labels, double[] logits, int[] shape, int axis)
    {
        CheckSameLength(labels, logits, shape);
        return CategoricalCrossentropy(labels, logits, shape, fromLogits: true, labelSmoothing: 0, axis: axis, float32: false);
    }

    /// <summary>
    /// <c>tf.nn.sparse_softmax_cross_entropy_with_logits</c>: labels of shape logitsShape[:-1], loss logsumexp(x) - x_label.
    /// Labels outside [0, K) throw, as TF does on CPU. Scalar logits throw.
    /// </summary>
    public static (double[] Values, int[] Shape) SparseSoftmaxCrossEntropyWithLogits(long[] labels, double[] logits, int[] logitsShape)
    {
        RefShape.RequireLength(logits.Length, logitsShape, nameof(logits));
        if (logitsShape.Length == 0)
        {
            throw new ArgumentException("Logits cannot be scalars.", nameof(logitsShape));
        }

        int[] outShape = logitsShape[..^1];
        RefShape.RequireLength(labels.Length, outShape, nameof(labels));
        int k = logitsShape[^1];
        var result = new double[labels.Length];
        for (int r = 0; r < labels.Length; r++)
        {
            long label = labels[r];
            if (label < 0 || label >= k)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), label, $"Received a label value of {label} which is outside the valid range of [0, {k}).");
            }

            var x = new double[k];
            for (int j = 0; j < k; j++)
            {
                x[j] = logits[(r * k) + j];
            }

            result[r] = LogSumExp(x) - x[label];
        }

        return (result, outShape);
    }

    /// <summary>log(1 + x), accurate for small x (Math has no log1p).</summary>
    public static double Log1p(double x)
    {
        if (double.IsNaN(x) || x < -1.0)
        {
            return double.NaN;
        }

        if (double.IsPositiveInfinity(x))
        {
            return double.PositiveInfinity;
        }

        double u = 1.0 + x;
        if (u == 1.0)
        {
            return x;
        }

        // Classic correction: log(u) * x / (u - 1) cancels the rounding error of 1 + x.
        return Math.Log(u) * x / (u - 1.0);
    }
}
