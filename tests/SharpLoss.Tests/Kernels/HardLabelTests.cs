using SharpLoss.Internals;
using SharpLoss.Tests.Reference;

namespace SharpLoss.Tests.Kernels;

/// <summary>
/// The probability BCE kernels take one logarithm for vectors whose labels are all 0 or 1 and two otherwise. Both
/// branches, and batches that mix them, must give the reference values and agree with the scalar path.
/// </summary>
public class HardLabelTests
{
    public static TheoryData<bool> Semantics => new() { false, true };

    [Theory]
    [MemberData(nameof(Semantics))]
    public void Bce_HardSoftAndMixedVectors_MatchTheReference(bool tfKeras2)
    {
        // 64 samples of one element: vectors 0-1 hold hard labels only, vector 2 hard labels but one 0.5, vector 3
        // soft labels, vectors 4-7 hard labels with saturated probabilities (0, 1, just inside the clip).
        const int n = 64;
        var rng = new Random(64);
        float[] y = new float[n], p = new float[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = i / 8 == 3 ? (float)rng.NextDouble() : rng.Next(2);
            p[i] = i < 32 ? (float)((rng.NextDouble() * 0.98) + 0.01) : (i % 4) switch { 0 => 0f, 1 => 1f, 2 => 1.2e-7f, _ => 0.9999998f };
        }

        y[20] = 0.5f;
        var semantics = tfKeras2 ? LossSemantics.TfKeras2 : LossSemantics.Keras3;
        var loss = new BinaryCrossentropy(reduction: Reduction.None, semantics: semantics);
        float[] got = loss.Call(new LossInput<float>(y, n, 1), new LossInput<float>(p, n, 1)).ToArray();

        // Expected: the double-precision reference (Reference/RefLosses, SPEC B.1) on the same float inputs.
        (double[] expected, _) = RefLosses.BinaryCrossentropy(
            Array.ConvertAll(y, v => (double)v), Array.ConvertAll(p, v => (double)v), [n, 1], fromLogits: false, labelSmoothing: 0, axis: -1, tfKeras2, float32: true);
        for (int i = 0; i < n; i++)
        {
            double tol = 1e-6 * Math.Max(1, Math.Abs(expected[i]));
            Assert.True(Math.Abs(got[i] - expected[i]) <= tol, $"sample {i} (y {y[i]}, p {p[i]}): {got[i]} vs reference {expected[i]}");
        }

        // The fused value-and-gradient kernel: a one-hot sample weight picks sample i's loss out of a Sum reduction.
        var summed = new BinaryCrossentropy(reduction: Reduction.Sum, semantics: semantics);
        float[] oneHot = new float[n];
        for (int i = 0; i < n; i++)
        {
            oneHot[i] = 1;
            (float value, _) = summed.ValueAndGradient(new LossInput<float>(y, n, 1), new LossInput<float>(p, n, 1), sampleWeight: oneHot);
            oneHot[i] = 0;
            double tol = 1e-6 * Math.Max(1, Math.Abs(expected[i]));
            Assert.True(Math.Abs(value - expected[i]) <= tol, $"value and gradient, sample {i} (y {y[i]}, p {p[i]}): {value} vs reference {expected[i]}");
        }

        // Scalar path (two logarithms per element, the runtime's log): within the fast log's 2 ulp.
        float[] scalar;
        KernelSwitch.ForceScalar = true;
        try
        {
            scalar = loss.Call(new LossInput<float>(y, n, 1), new LossInput<float>(p, n, 1)).ToArray();
        }
        finally
        {
            KernelSwitch.ForceScalar = false;
        }

        for (int i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(got[i] - scalar[i]) <= 4e-7 * Math.Max(1, Math.Abs(scalar[i])), $"sample {i}: vector {got[i]} vs scalar {scalar[i]}");
        }
    }
}
