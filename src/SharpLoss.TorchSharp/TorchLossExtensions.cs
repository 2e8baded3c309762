namespace SharpLoss.TorchSharp;

/// <summary>Turns a SharpLoss loss into a TorchSharp loss module.</summary>
public static class TorchLossExtensions
{
    /// <summary>
    /// A TorchSharp module computing <paramref name="loss"/>, with SharpLoss's analytic gradient as its backward. Call
    /// it like a <c>torch.nn</c> loss, prediction first: <c>loss.ToTorch().call(yPred, yTrue)</c>.
    /// </summary>
    /// <param name="loss">Any SharpLoss loss.</param>
    /// <returns>A new <see cref="TorchLoss"/> wrapping <paramref name="loss"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loss"/> is null.</exception>
    public static TorchLoss ToTorch(this Loss loss) => new(loss);
}
