using SharpLoss;

namespace ReadmeExamples;

/// <summary>The C# blocks of docs/onnx-runtime.md, verbatim, with checks of the numbers their comments state.</summary>
internal static partial class Guides
{
    /// <summary>docs/onnx-runtime.md.</summary>
    public static void OnnxRuntime()
    {
        float[] modelOutput = { 2, 0, 0, 0, 0, 2 };
        float score = ScoreOutput(modelOutput, new long[] { 2, 3 }, new[] { 0, 2 });   // 0.2395447

        // log(1 + 2e⁻²) = 0.23954477, the loss of each sample, in float32.
        Expect.Near("ONNX Runtime guide: ScoreOutput", score, "0.2395447");
        Expect.Near("ONNX Runtime guide: log(1 + 2e^-2)", Math.Log(1 + (2 * Math.Exp(-2))), "0.2395448");
    }

    // Mean sparse categorical cross-entropy of a model's logits, read in place from the output's memory.
    static float ScoreOutput(ReadOnlySpan<float> output, long[] shape, int[] labels)
    {
        var loss = new SparseCategoricalCrossentropy(fromLogits: true);
        return loss.Compute(labels, new LossInput<float>(output, shape));
    }
}
