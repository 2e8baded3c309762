using System.Numerics.Tensors;
using SharpLoss;

namespace ReadmeExamples;

internal static partial class Guides
{
    /// <summary>docs/coming-from-pytorch.md.</summary>
    public static void ComingFromPyTorch()
    {
        // torch: nn.BCEWithLogitsLoss()(input, target)
        float[] target = { 0, 1, 0, 0 };
        float[] input = { -18.6f, 0.51f, 2.94f, -12.8f };
        var bce = new BinaryCrossentropy(fromLogits: true);
        float mean = bce.Compute(target, input);   // 0.865458, as torch's default reduction="mean"

        Expect.Near("PyTorch guide: BCE from logits, mean", mean, "0.865458");

        var unreduced = new BinaryCrossentropy(fromLogits: true, reduction: Reduction.None);
        Tensor<float> oneSample = unreduced.Call(target, input);   // shape [1]: [0.865458]

        // torch's reduction="none": one value per element, from shape [4, 1]
        var target41 = new LossInput<float>(target, 4, 1);
        var input41 = new LossInput<float>(input, 4, 1);
        Tensor<float> perElement = unreduced.Call(target41, input41);   // shape [4]: [8.358387e-09, 0.4703133, 2.9915159, 2.760768e-06]

        // torch's reduction="sum" adds the elements; Reduction.Sum adds per-sample values, which are means over the last axis
        var sum = new BinaryCrossentropy(fromLogits: true, reduction: Reduction.Sum);
        float sumOfOneSample = sum.Compute(target, input);        // 0.865458
        float sumOfElements = sum.Compute(target41, input41);     // 3.461832, torch's sum

        // torch's weight=w weighs elements; on shape [4] the weights would multiply the one sample's loss
        float[] w = { 1, 1, 0, 0 };
        float weightedElements = bce.Compute(target41, input41, sampleWeight: w);   // 0.11757833, torch's mean(w * loss)
        float weightedSample = bce.Compute(target, input, sampleWeight: w);         // 0.432729, the sample's loss times mean(w)

        Expect.Equal("PyTorch guide: rank-1 Reduction.None shape", string.Join(", ", oneSample.Lengths.ToArray()), "1");
        Expect.Near("PyTorch guide: rank-1 Reduction.None", oneSample, "0.865458");
        Expect.Equal("PyTorch guide: [4, 1] Reduction.None shape", string.Join(", ", perElement.Lengths.ToArray()), "4");
        Expect.Near("PyTorch guide: [4, 1] Reduction.None", perElement, "8.358387e-09", "0.4703133", "2.9915159", "2.760768e-06");
        Expect.Near("PyTorch guide: Sum of one sample", sumOfOneSample, "0.865458");
        Expect.Near("PyTorch guide: Sum of elements", sumOfElements, "3.461832");
        Expect.Near("PyTorch guide: Sum of elements = sum of per-element values", sumOfElements, perElement.ToArray().Sum().ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        Expect.Near("PyTorch guide: weighted elements", weightedElements, "0.11757833");
        Expect.Near("PyTorch guide: weighted elements = mean(w * loss)", weightedElements, ((perElement[0] + perElement[1]) / 4).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        Expect.Near("PyTorch guide: weighted sample", weightedSample, "0.432729");

        // nn.CrossEntropyLoss()(logits, classes)
        float[,] logits = { { 1, 2, 3 }, { 0.5f, -1, 2 } };
        int[] classes = { 1, 2 };
        var ce = new SparseCategoricalCrossentropy(fromLogits: true);
        (float ceLoss, Tensor<float> ceGrad) = ce.ValueAndGradient(classes, logits);   // 0.8244586
        // ceGrad, torch's logits.grad: [[0.045015287, -0.37763578, 0.33262047], [0.087645195, 0.019556286, -0.10720149]]

        // nn.CrossEntropyLoss(weight=classWeight): each sample weighs its class's weight, and the mean divides by their sum
        float[] classWeight = { 1, 2, 0.5f };
        float[] sampleWeight = { classWeight[classes[0]], classWeight[classes[1]] };
        var weightedCe = new SparseCategoricalCrossentropy(fromLogits: true, reduction: Reduction.MeanWithSampleWeight);
        float weightedLoss = weightedCe.Compute(classes, logits, sampleWeight);   // 1.1743469

        // nn.CrossEntropyLoss(label_smoothing=0.1, reduction="none")
        var smoothed = new SparseCategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.1, reduction: Reduction.None);
        Tensor<float> smoothedLoss = smoothed.Call(classes, logits);   // [1.407606, 0.39131135]

        Expect.Near("PyTorch guide: cross-entropy", ceLoss, "0.8244586");
        Expect.Near("PyTorch guide: cross-entropy gradient", ceGrad, "0.045015287", "-0.37763578", "0.33262047", "0.087645195", "0.019556286", "-0.10720149");
        Expect.Near("PyTorch guide: class-weighted cross-entropy", weightedLoss, "1.1743469");
        Expect.Near("PyTorch guide: label smoothing", smoothedLoss, "1.407606", "0.39131135");
    }
}
