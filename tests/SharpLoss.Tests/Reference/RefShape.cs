// Independent test oracle: row-major shape helpers (SPEC A.2, A.8).
// Shapes are int[] (outermost axis first); [] is a scalar. Data layout never changes here:
// squeezing or expanding a trailing size-1 axis only rewrites the shape.

namespace SharpLoss.Tests.Reference;

public static class RefShape
{
    /// <summary>Number of elements (1 for a scalar shape []).</summary>
    public static int Size(int[] shape)
    {
        long n = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0)
            {
                throw new ArgumentException($"Negative dimension in shape {Format(shape)}.", nameof(shape));
            }

            n *= shape[i];
        }

        return checked((int)n);
    }

    /// <summary>Row-major strides, in elements.</summary>
    public static int[] Strides(int[] shape)
    {
        var strides = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = acc;
            acc *= shape[i];
        }

        return strides;
    }

    public static bool SameShape(int[] a, int[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }

        return true;
    }

    public static string Format(int[] shape) => "(" + string.Join(", ", shape) + (shape.Length == 1 ? ",)" : ")");

    /// <summary>Canonical axis in [0, rank); negative axes count from the end.</summary>
    public static int NormalizeAxis(int axis, int rank)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"Axis {axis} is out of range for rank {rank}.");
        }

        return a;
    }

    /// <summary>The shape with one axis removed.</summary>
    public static int[] RemoveAxis(int[] shape, int axis)
    {
        int a = NormalizeAxis(axis, shape.Length);
        var result = new int[shape.Length - 1];
        int j = 0;
        for (int i = 0; i < shape.Length; i++)
        {
            if (i != a)
            {
                result[j++] = shape[i];
            }
        }

        return result;
    }

    /// <summary>Removes the last axis, which must have size 1.</summary>
    public static int[] SqueezeLast(int[] shape)
    {
        if (shape.Length == 0 || shape[^1] != 1)
        {
            throw new ArgumentException($"Cannot squeeze the last axis of shape {Format(shape)}: its size is not 1.", nameof(shape));
        }

        return shape[..^1];
    }

    /// <summary>Appends a size-1 axis.</summary>
    public static int[] ExpandLast(int[] shape)
    {
        var result = new int[shape.Length + 1];
        Array.Copy(shape, result, shape.Length);
        result[^1] = 1;
        return result;
    }

    /// <summary>Multi-index of a flat row-major offset.</summary>
    public static int[] Unravel(int flat, int[] shape)
    {
        var index = new int[shape.Length];
        int rest = flat;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            index[i] = rest % shape[i];
            rest /= shape[i];
        }

        return index;
    }

    /// <summary>Flat row-major offset of a multi-index.</summary>
    public static int Ravel(int[] index, int[] shape)
    {
        int flat = 0;
        for (int i = 0; i < shape.Length; i++)
        {
            flat = (flat * shape[i]) + index[i];
        }

        return flat;
    }

    public static bool CanBroadcast(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        for (int k = 1; k <= rank; k++)
        {
            int da = k <= a.Length ? a[^k] : 1;
            int db = k <= b.Length ? b[^k] : 1;
            if (da != db && da != 1 && db != 1)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>NumPy broadcasting of two shapes (right-aligned; each pair equal or one of them 1).</summary>
    public static int[] Broadcast(int[] a, int[] b)
    {
        if (!CanBroadcast(a, b))
        {
            throw new ArgumentException($"Shapes {Format(a)} and {Format(b)} cannot be broadcast together.", nameof(b));
        }

        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int k = 1; k <= rank; k++)
        {
            int da = k <= a.Length ? a[^k] : 1;
            int db = k <= b.Length ? b[^k] : 1;
            result[rank - k] = da == 1 ? db : da;
        }

        return result;
    }

    /// <summary>
    /// Flat offset in a source of shape <paramref name="sourceShape"/> that NumPy broadcasting reads for the
    /// multi-index <paramref name="outIndex"/> of the broadcast output (right-aligned; size-1 source axes read index 0).
    /// </summary>
    public static int SourceIndex(int[] outIndex, int[] sourceShape)
    {
        int offset = outIndex.Length - sourceShape.Length;
        if (offset < 0)
        {
            throw new ArgumentException("The source has a higher rank than the output.", nameof(sourceShape));
        }

        int flat = 0;
        for (int i = 0; i < sourceShape.Length; i++)
        {
            int idx = sourceShape[i] == 1 ? 0 : outIndex[offset + i];
            flat = (flat * sourceShape[i]) + idx;
        }

        return flat;
    }

    /// <summary>Flat source offset for the flat output offset <paramref name="flatOut"/>.</summary>
    public static int SourceIndex(int flatOut, int[] outShape, int[] sourceShape) =>
        SourceIndex(Unravel(flatOut, outShape), sourceShape);

    /// <summary>Materializes <paramref name="data"/> broadcast to <paramref name="targetShape"/>.</summary>
    public static double[] BroadcastTo(double[] data, int[] shape, int[] targetShape)
    {
        RequireLength(data.Length, shape, nameof(data));
        if (!SameShape(Broadcast(shape, targetShape), targetShape))
        {
            throw new ArgumentException($"Shape {Format(shape)} cannot be broadcast to {Format(targetShape)}.", nameof(targetShape));
        }

        int n = Size(targetShape);
        var result = new double[n];
        for (int i = 0; i < n; i++)
        {
            result[i] = data[SourceIndex(i, targetShape, shape)];
        }

        return result;
    }

    /// <summary>Elementwise a·b with NumPy broadcasting.</summary>
    public static (double[] Values, int[] Shape) Multiply(double[] a, int[] aShape, double[] b, int[] bShape)
    {
        RequireLength(a.Length, aShape, nameof(a));
        RequireLength(b.Length, bShape, nameof(b));
        int[] shape = Broadcast(aShape, bShape);
        int n = Size(shape);
        var result = new double[n];
        for (int i = 0; i < n; i++)
        {
            int[] index = Unravel(i, shape);
            result[i] = a[SourceIndex(index, aShape)] * b[SourceIndex(index, bShape)];
        }

        return (result, shape);
    }

    public static void RequireLength(int length, int[] shape, string paramName)
    {
        if (length != Size(shape))
        {
            throw new ArgumentException($"Data of length {length} does not match shape {Format(shape)} ({Size(shape)} elements).", paramName);
        }
    }

    /// <summary>
    /// Keras 3 <c>squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1)</c> (SPEC A.2). Returns the new shapes.
    /// r1 == r2: nothing. r1 == r2 + 1 and x1 last == 1: expand x2 if r2 == 1 (and expandRank1), else squeeze x1.
    /// r2 == r1 + 1 and x2 last == 1: expand x1 if r1 == 1 (and expandRank1), else squeeze x2. Otherwise nothing.
    /// </summary>
    public static (int[] Shape1, int[] Shape2) SqueezeOrExpandToSameRank(int[] shape1, int[] shape2, bool expandRank1 = true)
    {
        int r1 = shape1.Length;
        int r2 = shape2.Length;
        int[] s1 = (int[])shape1.Clone();
        int[] s2 = (int[])shape2.Clone();
        if (r1 == r2)
        {
            return (s1, s2);
        }

        if (r1 == r2 + 1 && s1[^1] == 1)
        {
            if (r2 == 1 && expandRank1)
            {
                s2 = ExpandLast(s2);
            }
            else
            {
                s1 = SqueezeLast(s1);
            }
        }

        // Keras checks the second condition with the original ranks; after the first branch fired the ranks are
        // equal, and the second condition cannot hold at the same time as the first anyway.
        if (r2 == r1 + 1 && s2[^1] == 1)
        {
            if (r1 == 1 && expandRank1)
            {
                s1 = ExpandLast(s1);
            }
            else
            {
                s2 = SqueezeLast(s2);
            }
        }

        return (s1, s2);
    }

    /// <summary>
    /// tf.keras 2 <c>remove_squeezable_dimensions(labels, predictions, expected_rank_diff)</c> with static shapes:
    /// if rank(pred) - rank(labels) == expected + 1 and pred last == 1, squeeze pred; else if the difference is
    /// expected - 1 and labels last == 1, squeeze labels.
    /// </summary>
    public static (int[] Labels, int[] Predictions) RemoveSqueezableDimensions(int[] labelsShape, int[] predictionsShape, int expectedRankDiff = 0)
    {
        int[] labels = (int[])labelsShape.Clone();
        int[] predictions = (int[])predictionsShape.Clone();
        int rankDiff = predictions.Length - labels.Length;
        if (rankDiff == expectedRankDiff + 1 && predictions[^1] == 1)
        {
            predictions = SqueezeLast(predictions);
        }
        else if (rankDiff == expectedRankDiff - 1 && labels[^1] == 1)
        {
            labels = SqueezeLast(labels);
        }

        return (labels, predictions);
    }

    /// <summary>
    /// tf.keras 2 <c>squeeze_or_expand_dimensions(y_pred, y_true)</c> for the labels (SPEC A.8 step 2), for
    /// tf.Tensor inputs: skipped in the sparse case (rank(y_pred) - rank(y_true) == 1 and y_pred last != 1),
    /// otherwise <see cref="RemoveSqueezableDimensions"/> with expected rank difference 0.
    /// </summary>
    public static (int[] YTrue, int[] YPred) TfKeras2SqueezeOrExpandLabels(int[] yTrueShape, int[] yPredShape)
    {
        int[] yTrue = (int[])yTrueShape.Clone();
        int[] yPred = (int[])yPredShape.Clone();
        bool sparseCase = yPred.Length - yTrue.Length == 1 && yPred[^1] != 1;
        if (!sparseCase)
        {
            (yTrue, yPred) = RemoveSqueezableDimensions(yTrue, yPred);
        }

        return (yTrue, yPred);
    }

    /// <summary>
    /// tf.keras 2 <c>squeeze_or_expand_dimensions(losses, None, sample_weight)</c> (SPEC A.8 step 5): a scalar weight
    /// is kept; if rank(w) - rank(losses) == 1 the weight's last axis is squeezed (throws if it is not 1); if
    /// rank(losses) - rank(w) == 1 the weight is expanded to (..., 1). Returns the new weight shape.
    /// </summary>
    public static int[] TfKeras2SqueezeOrExpandWeight(int[] lossShape, int[] weightShape)
    {
        int[] w = (int[])weightShape.Clone();
        if (w.Length == 0)
        {
            return w;
        }

        if (w.Length - lossShape.Length == 1)
        {
            if (w[^1] != 1)
            {
                throw new ArgumentException(
                    $"Cannot squeeze sample_weight of shape {Format(weightShape)} to the rank of the losses {Format(lossShape)}: its last dimension is not 1.",
                    nameof(weightShape));
            }

            return SqueezeLast(w);
        }

        if (lossShape.Length - w.Length == 1)
        {
            return ExpandLast(w);
        }

        return w;
    }
}
