using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SharpLoss.TorchSharp.Tests;

/// <summary>
/// Keras-only losses (no TorchSharp counterpart) through the bridge: their gradients, as torch's autograd chains them
/// into a model's parameters, against central finite differences of the loss value in float64; and a float32 model
/// trains with them.
/// </summary>
public class GradientTests(ITestOutputHelper output)
{
    // Central differences with h = 1e-6 in float64: truncation ~h² f''' ~ 1e-12 and rounding ~1e-16 / h = 1e-10, so
    // analytic and numeric gradients of a smooth loss agree to ~1e-9; a wrong factor is off by far more.
    private const double H = 1e-6;
    private const double Tolerance = 1e-8;

    [Fact]
    public void BinaryFocalCrossentropy_ParameterGradients_MatchFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        var (x, scores) = Models.Points(n: 16, classes: 1, seed: 31);
        Tensor xd = x.to(ScalarType.Float64);
        Tensor y = (scores > 0).to(ScalarType.Float64);
        var model = Models.Mlp(4, 5, 1, seed: 32, ScalarType.Float64);
        using var focal = new BinaryFocalCrossentropy(applyClassBalancing: true, alpha: 0.3, gamma: 2, fromLogits: true).ToTorch();

        double worst = CheckParameterGradients(model, () => focal.call(model.call(xd), y));
        output.WriteLine($"focal: max |analytic - numeric| over every parameter {worst:E2}");
    }

    [Fact]
    public void HuberWithDelta_ReductionNone_InputGradients_MatchFiniteDifferences()
    {
        // Reduction.None: the bridge's backward takes the upstream tensor (here the weights u of sum(u * losses)).
        using var scope = NewDisposeScope();
        var g = new Generator(41);
        Tensor yPred = randn([6, 3], dtype: ScalarType.Float64, generator: g).requires_grad_();
        Tensor yTrue = randn([6, 3], dtype: ScalarType.Float64, generator: g);
        Tensor u = rand([6], dtype: ScalarType.Float64, generator: g) + 0.5;
        using var huber = new Huber(delta: 0.5, reduction: Reduction.None).ToTorch();

        // The errors stay away from |e| = delta, where Huber's second derivative jumps and differences straddle the kink.
        // Both pieces occur: some errors inside [-delta, delta] (quadratic), some outside (linear).
        Tensor e = (yPred - yTrue).abs();
        Assert.True(e.sub(0.5).abs().min().item<double>() > 10 * H);
        Assert.True(e.lt(0.5).any().item<bool>() && e.gt(0.5).any().item<bool>());

        Tensor perSample = huber.call(yPred, yTrue);
        Assert.Equal([6L], perSample.shape);
        (perSample * u).sum().backward();
        double[] analytic = yPred.grad!.data<double>().ToArray();

        double worst = 0;
        using (no_grad())
        {
            Tensor flat = yPred.view(-1);
            for (int i = 0; i < analytic.Length; i++)
            {
                double original = flat[i].item<double>();
                flat[i] = original + H;
                double plus = (huber.call(yPred, yTrue) * u).sum().item<double>();
                flat[i] = original - H;
                double minus = (huber.call(yPred, yTrue) * u).sum().item<double>();
                flat[i] = original;
                double numeric = (plus - minus) / (2 * H);
                worst = Math.Max(worst, Math.Abs(analytic[i] - numeric));
                Assert.True(Math.Abs(analytic[i] - numeric) <= Tolerance, $"element {i}: analytic {analytic[i]}, numeric {numeric}");
            }
        }

        output.WriteLine($"huber(delta=0.5, none): max |analytic - numeric| {worst:E2}");
    }

    [Fact]
    public void BinaryFocalCrossentropy_TrainsASmallClassifier()
    {
        using var scope = NewDisposeScope();
        var (x, scores) = Models.Points(n: 128, classes: 1, seed: 51);
        Tensor y = (scores > 0).to(ScalarType.Float32);
        var model = Models.Mlp(4, 8, 1, seed: 52);
        using var focal = new BinaryFocalCrossentropy(gamma: 2, fromLogits: true).ToTorch();

        float[] curve = Models.Train(model, logits => focal.call(logits, y), x, steps: 300, learningRate: 1.0);
        double accuracy;
        using (no_grad())
        {
            accuracy = ((model.call(x) > 0).to(ScalarType.Float32) == y).to(ScalarType.Float32).mean().item<float>();
        }

        output.WriteLine($"focal training: loss {curve[0]} -> {curve[^1]}, accuracy {accuracy}");
        Assert.True(curve[^1] < 0.2 * curve[0], $"loss {curve[0]} -> {curve[^1]}");
        Assert.True(accuracy >= 0.95, $"training accuracy {accuracy}");
    }

    /// <summary>Backpropagated gradient of every parameter against central differences of <paramref name="loss"/>; the worst gap.</summary>
    private static double CheckParameterGradients(nn.Module<Tensor, Tensor> model, Func<Tensor> loss)
    {
        model.zero_grad();
        loss().backward();
        double worst = 0;
        foreach (var p in model.parameters())
        {
            double[] analytic = p.grad!.data<double>().ToArray();
            using (no_grad())
            {
                Tensor flat = p.view(-1);
                for (int i = 0; i < analytic.Length; i++)
                {
                    double original = flat[i].item<double>();
                    flat[i] = original + H;
                    double plus = loss().item<double>();
                    flat[i] = original - H;
                    double minus = loss().item<double>();
                    flat[i] = original;
                    double numeric = (plus - minus) / (2 * H);
                    worst = Math.Max(worst, Math.Abs(analytic[i] - numeric));
                    Assert.True(Math.Abs(analytic[i] - numeric) <= Tolerance, $"parameter element {i}: analytic {analytic[i]}, numeric {numeric}");
                }
            }
        }

        return worst;
    }
}
