using SharpLoss.Internals;

namespace SharpLoss;

/// <summary>
/// Shared shape handling of the Keras regression losses: the per-sample loss is the mean over the last axis of an
/// element term; y_true may broadcast to y_pred's shape (NumPy rules), y_pred's shape must be the result.
/// </summary>
public abstract class RegressionLoss : Loss
{
    private protected RegressionLoss(string? name, Reduction? reduction, LossSemantics semantics)
        : base(name, reduction, semantics)
    {
    }

    private protected override bool FunctionAlignsRanks => true;

    private protected override Layout PlanShapes(Shape yTrue, Shape yPred)
    {
        string fn = Name;
        if (yPred.Rank == 0)
        {
            Throw.Argument("yPred", $"Expected `yPred` of rank at least 1 for {fn} (the mean runs over the last axis). Received: shape {yPred}.");
        }

        bool broadcastY = false;
        if (yTrue != yPred)
        {
            if (!Shape.TryBroadcast(yTrue, yPred, out Shape b) || b != yPred)
            {
                Throw.Argument("yTrue", $"Expected `yTrue` to broadcast to the shape of `yPred` for {fn}. Received: yTrue.shape={yTrue}, yPred.shape={yPred}.");
            }

            broadcastY = true;
        }

        Layout layout = Layout.AroundAxis(yPred, yPred.Rank - 1);
        layout.BroadcastYTrue = broadcastY;
        return layout;
    }
}
