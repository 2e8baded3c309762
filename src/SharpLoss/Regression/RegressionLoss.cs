using SharpLoss.Internals;

namespace SharpLoss;

/// <summary>
/// Shared shape handling of the Keras losses whose per-sample loss reduces an element term over the last axis (the
/// regression losses, and the hinge, Poisson and KL divergence losses): y_true may broadcast to y_pred's shape (NumPy
/// rules), y_pred's shape must be the result, and y_pred needs a rank of at least 1.
/// </summary>
/// <remarks>
/// Keras 3's regression functions (<c>mean_squared_error</c> … <c>log_cosh</c>) align the ranks of y_true and y_pred
/// themselves, so their function forms do too; <c>hinge</c>, <c>squared_hinge</c>, <c>poisson</c> and
/// <c>kl_divergence</c> leave that to the class's <c>LossFunctionWrapper</c>, and their function forms do not align.
/// </remarks>
public abstract class RegressionLoss : Loss
{
    private protected RegressionLoss(string? name, Reduction? reduction, LossSemantics semantics, string? defaultName = null)
        : base(name, reduction, semantics, defaultName)
    {
    }

    /// <summary>True: Keras 3's regression functions align ranks themselves; the hinge, Poisson and KL divergence losses
    /// override this with false.</summary>
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
