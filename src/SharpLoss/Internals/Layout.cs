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

    /// <summary>True when y_true must be broadcast to y_pred's shape before the kernel runs.</summary>
    public bool BroadcastYTrue;

    /// <summary>The layout of a tensor reduced over <paramref name="axis"/> (already resolved).</summary>
    public static Layout AroundAxis(in Shape pred, int axis) => new()
    {
        LossShape = pred.RemoveAxis(axis),
        Outer = checked((int)pred.Product(0, axis)),
        D = pred[axis],
        Inner = checked((int)pred.Product(axis + 1, pred.Rank)),
    };
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
