using TorchSharp;
using static TorchSharp.torch;

namespace SharpLoss.TorchSharp.Tests;

/// <summary>
/// One forward and backward through the bridge against TorchSharp's own losses on the same tensors. The expected values
/// and gradients are TorchSharp's (libtorch's kernels, an implementation independent of SharpLoss's).
/// </summary>
public class BridgeTests
{
    // Logits and targets chosen by hand to cover both signs, a large magnitude (softplus's linear tail) and soft labels.
    private static readonly float[] Logits = [-3.5f, -0.25f, 0f, 0.7f, 2.25f, 9f, -12f, 1.5f];
    private static readonly float[] Targets = [0f, 1f, 0.5f, 1f, 0f, 1f, 0f, 0.25f];

    [Fact]
    public void BinaryCrossentropyFromLogits_Float32_MatchesTorchValueAndGradient()
    {
        using var scope = NewDisposeScope();
        using var loss = new BinaryCrossentropy(fromLogits: true).ToTorch();
        Tensor x = tensor(Logits).reshape(4, 2).requires_grad_();
        Tensor y = tensor(Targets).reshape(4, 2);
        Tensor ours = loss.call(x, y);
        ours.backward();
        float[] ourGrad = x.grad!.data<float>().ToArray();

        Tensor xt = tensor(Logits).reshape(4, 2).requires_grad_();
        Tensor theirs = nn.functional.binary_cross_entropy_with_logits(xt, y);
        theirs.backward();
        float[] theirGrad = xt.grad!.data<float>().ToArray();

        Assert.Equal(ScalarType.Float32, ours.dtype);
        Assert.Empty(ours.shape);
        Assert.Equal(theirs.item<float>(), ours.item<float>(), 1e-6f);
        for (int i = 0; i < ourGrad.Length; i++)
        {
            Assert.Equal(theirGrad[i], ourGrad[i], 1e-7f);
        }
    }

    [Fact]
    public void SparseCategoricalCrossentropyFromLogits_Float64Int64_MatchesTorchCrossEntropy()
    {
        using var scope = NewDisposeScope();
        using var loss = new SparseCategoricalCrossentropy(fromLogits: true).ToTorch();
        double[] logits = [0.5, -1.25, 2.0, 0.0, 3.0, -2.0, 0.1, 0.2, -7.5, 4.0, 1.0, 1.0];
        Tensor x = tensor(logits).reshape(4, 3).requires_grad_();
        Tensor labels = tensor(new long[] { 2, 0, 1, 0 });
        Tensor ours = loss.call(x, labels);
        ours.backward();

        Tensor xt = tensor(logits).reshape(4, 3).requires_grad_();
        Tensor theirs = nn.functional.cross_entropy(xt, labels);
        theirs.backward();

        Assert.Equal(ScalarType.Float64, ours.dtype);
        Assert.Equal(theirs.item<double>(), ours.item<double>(), 1e-14);
        double[] g = x.grad!.data<double>().ToArray(), gt = xt.grad!.data<double>().ToArray();
        for (int i = 0; i < g.Length; i++)
        {
            Assert.Equal(gt[i], g[i], 1e-15);
        }
    }
}
