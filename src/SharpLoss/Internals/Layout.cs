namespace SharpLoss.Internals;

/// <summary>
/// What a loss makes of its input shapes: the per-sample loss shape, and the prediction layout
/// [Outer, D, Inner] around the axis the loss reduces over (or its class axis).
/// </summary>
internal struct Layout
{
    public Shape LossShape;
    public int Outer;
    public int D;
    public int Inner;

    /// <summary>y_pred's last dimension (tf.keras 2's categorical focal loss smooths labels over it whatever the axis).</summary>
    public int Last;

    /// <summary>True when y_true must be broadcast to y_pred's shape before the kernel runs.</summary>
    public bool BroadcastYTrue;

    /// <summary>The layout of a tensor reduced over <paramref name="axis"/> (already resolved).</summary>
    /// <exception cref="ArgumentException">The per-sample losses would not fit in an array (an empty axis beside large ones).</exception>
    public static Layout AroundAxis(in Shape pred, int axis)
    {
        Shape losses = pred.RemoveAxis(axis);
        if (!losses.FitsInArray)
        {
            throw new ArgumentException(
                $"Expected at most {Array.MaxLength} per-sample losses. Received: yPred of shape {pred}, whose per-sample losses have shape {losses}.", "yPred");
        }

        return new()
        {
            LossShape = losses,
            Outer = (int)pred.Product(0, axis),
            D = pred[axis],
            Inner = (int)pred.Product(axis + 1, pred.Rank),
            Last = pred.Rank > 0 ? pred[pred.Rank - 1] : 1,
        };
    }
}

/// <summary>Test hook: forces the scalar kernel paths on the calling thread.</summary>
internal static class KernelSwitch
{
    [ThreadStatic]
    private static bool t_forceScalar;

    public static bool ForceScalar
    {
        get => t_forceScalar;
        set => t_forceScalar = value;
    }
}
