using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SharpLoss.TorchSharp.Tests;

/// <summary>
/// Twin models, the same initial parameters and data, trained with plain SGD for a few hundred full-batch steps: one
/// through the bridged SharpLoss loss, the other through TorchSharp's own loss. The two loss curves and the final
/// parameters must agree within float32 rounding: the reference is libtorch's implementation of the same formula
/// (Keras's sum_over_batch_size of per-sample means is torch's mean here, as every sample has the same length).
/// </summary>
public class TrainingTests(ITestOutputHelper output)
{
    private const int Steps = 300;

    // Measured on x64: curves within 6e-8 (one float32 ulp of the first losses), parameters within 5e-7 after 300
    // steps. The bounds leave room for a few ulps of drift; a wrong gradient (say, without the 1/N) is off by far more
    // after a single step.
    private const double LossTolerance = 1e-6;
    private const double ParameterTolerance = 1e-5;

    [Fact]
    public void BinaryCrossentropyFromLogits_TrainsLikeTorchBinaryCrossEntropyWithLogits()
    {
        using var scope = NewDisposeScope();
        var (x, scores) = Models.Points(n: 64, classes: 1, seed: 11);
        Tensor y = (scores > 0).to(ScalarType.Float32);
        var ours = Models.Mlp(4, 8, 1, seed: 12);
        var theirs = Models.Twin(ours, 4, 8, 1);
        using var bce = new BinaryCrossentropy(fromLogits: true).ToTorch();

        float[] a = Models.Train(ours, logits => bce.call(logits, y), x, Steps, learningRate: 0.5);
        float[] b = Models.Train(theirs, logits => nn.functional.binary_cross_entropy_with_logits(logits, y), x, Steps, learningRate: 0.5);

        AssertSameTraining(a, b, ours, theirs);
    }

    [Fact]
    public void SparseCategoricalCrossentropyFromLogits_TrainsLikeTorchCrossEntropy()
    {
        using var scope = NewDisposeScope();
        var (x, scores) = Models.Points(n: 96, classes: 3, seed: 21);
        Tensor labels = scores.argmax(1);   // int64 class ids
        var ours = Models.Mlp(4, 12, 3, seed: 22);
        var theirs = Models.Twin(ours, 4, 12, 3);
        using var scce = new SparseCategoricalCrossentropy(fromLogits: true).ToTorch();

        float[] a = Models.Train(ours, logits => scce.call(logits, labels), x, Steps, learningRate: 0.5);
        float[] b = Models.Train(theirs, logits => nn.functional.cross_entropy(logits, labels), x, Steps, learningRate: 0.5);

        AssertSameTraining(a, b, ours, theirs);
    }

    private void AssertSameTraining(float[] ours, float[] theirs, nn.Module<Tensor, Tensor> ourModel, nn.Module<Tensor, Tensor> theirModel)
    {
        double lossDiff = ours.Zip(theirs).Max(p => Math.Abs((double)p.First - p.Second));
        double paramDiff = Models.MaxParameterDifference(ourModel, theirModel);
        output.WriteLine($"loss {theirs[0]} -> {theirs[^1]}; max |loss difference| {lossDiff:E2}; max |parameter difference| {paramDiff:E2}");

        // The runs must have trained (else agreeing would prove little): the loss at least halves.
        Assert.True(theirs[^1] < 0.5 * theirs[0], $"TorchSharp's run did not train: {theirs[0]} -> {theirs[^1]}");
        Assert.True(lossDiff <= LossTolerance, $"loss curves differ by up to {lossDiff:E3}");
        Assert.True(paramDiff <= ParameterTolerance, $"final parameters differ by up to {paramDiff:E3}");
    }
}
