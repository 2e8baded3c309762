// The input forms users have: long and nint shapes (TorchSharp, ONNX Runtime, TensorSpan lengths) and scalar weights
// written as double literals on float calls.

using System.Numerics.Tensors;

namespace SharpLoss.Tests.Spec;

public class InputFormTests
{
    // BCE of y = [1, 0] against p = [0.75, 0.5], no clip active: the mean of -ln 0.75 and -ln 0.5 (hand derivation).
    private static readonly double BceOneSample = (Math.Log(4.0 / 3.0) + Math.Log(2)) / 2;

    [Fact]
    public void SampleWeight_DoubleLiteral_CompilesForFloatAndDoubleCalls()
    {
        var bce = new BinaryCrossentropy();
        float[] yF = [1, 0], pF = [0.75f, 0.5f];
        double[] yD = [1, 0], pD = [0.75, 0.5];

        // Rank-1 inputs: one sample with a scalar weight, so Keras 3 returns loss · w (SPEC A.2, last bullet).
        float f = bce.Compute(yF, pF, sampleWeight: 0.5);
        double d = bce.Compute(yD, pD, sampleWeight: 0.5);

        Assert.Equal(0.5 * BceOneSample, f, 6e-8);
        Assert.Equal(0.5 * BceOneSample, d, 1e-15);
    }

    [Fact]
    public void SampleWeight_FloatAndIntLiterals_StillConvert()
    {
        var bce = new BinaryCrossentropy();
        float[] yF = [1, 0], pF = [0.75f, 0.5f];
        double[] yD = [1, 0], pD = [0.75, 0.5];

        Assert.Equal(2 * BceOneSample, bce.Compute(yF, pF, sampleWeight: 2), 2e-7);
        Assert.Equal(2 * BceOneSample, bce.Compute(yF, pF, sampleWeight: 2f), 2e-7);
        Assert.Equal(2 * BceOneSample, bce.Compute(yD, pD, sampleWeight: 2), 1e-15);
        Assert.Equal(2 * BceOneSample, bce.Compute(yD, pD, sampleWeight: 2f), 1e-15);
        Assert.Equal(2 * BceOneSample, bce.Compute(yD, pD, sampleWeight: 2L), 1e-15);
    }

    [Fact]
    public void SampleWeight_DoubleOnFloatCall_IsRoundedToFloat()
    {
        // Keras casts sample_weight to the loss's dtype: 0.1 becomes float32 0.1 (0.100000001490116…), so the float call
        // with 0.1 gives exactly the bits of the call with 0.1f.
        var mse = new MeanSquaredError();
        float[] y = [0, 0, 0], p = [1, 2, 3];
        Assert.Equal(mse.Compute(y, p, sampleWeight: 0.1f), mse.Compute(y, p, sampleWeight: 0.1));
    }

    [Fact]
    public void Upstream_DoubleLiteral_OnFloatBackward()
    {
        // MSE of one sample [p] against [0]: p², gradient 2p; scaled by the upstream 0.5: p. p = 3 gives 3.
        var mse = new MeanSquaredError();
        Tensor<float> g = mse.Backward(new float[] { 0 }, new float[] { 3 }, upstream: 0.5);
        Assert.Equal(3f, g[0]);
    }

    [Fact]
    public void LongShape_WrapsBufferWithoutCopy()
    {
        // MSE over rows [1, 2] and [3, 4] against zeros: per-sample (1 + 4)/2 and (9 + 16)/2, mean (2.5 + 12.5)/2 = 7.5.
        var mse = new MeanSquaredError();
        float[] zeros = new float[4];
        float[] p = [1, 2, 3, 4];
        long[] shape = [2, 2];
        Assert.Equal(7.5f, mse.Compute(new LossInput<float>(zeros, shape), new LossInput<float>(p, shape)));

        // Reduction.None keeps the per-sample shape, which shows the shape was read as [2, 2] and not [4].
        Tensor<float> perSample = new MeanSquaredError(Reduction.None).Call(new LossInput<float>(zeros, shape), new LossInput<float>(p, shape));
        Assert.Equal([2], perSample.Lengths.ToArray());
        Assert.Equal([2.5f, 12.5f], perSample.ToArray());
        Assert.Equal([2, 2], new LossInput<float>(p, shape).GetShape());
    }

    [Fact]
    public void NintShape_FromTensorSpanLengths()
    {
        var mse = new MeanSquaredError();
        Tensor<double> t = Tensor.Create(new double[] { 1, 2, 3, 4, 5, 6 }, [3, 2]);
        ReadOnlySpan<nint> lengths = t.Lengths;
        var input = new LossInput<double>(new double[] { 1, 2, 3, 4, 5, 6 }, lengths);
        Assert.Equal([3, 2], input.GetShape());
        Assert.Equal(0.0, mse.Compute(input, t));
    }

    [Theory]
    [InlineData(-1L, "(-1, 4)")]
    [InlineData(2147483648L, "(2147483648, 4)")]
    public void LongShape_BadDimension_NamesShape(long first, string shown)
    {
        float[] data = new float[4];
        long[] shape = [first, 4];
        var e = Assert.ThrowsAny<ArgumentException>(() => new LossInput<float>(data, shape));
        Assert.Equal("shape", e.ParamName);
        Assert.Contains(shown, e.Message, StringComparison.Ordinal);
        Assert.Contains("[0, 2147483647]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NintShape_Negative_NamesShape()
    {
        nint[] shape = [2, -3];
        var e = Assert.ThrowsAny<ArgumentException>(() => new LossInput<double>(new double[6], shape));
        Assert.Equal("shape", e.ParamName);
        Assert.Contains("(2, -3)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LongShape_WrongLength_NamesData()
    {
        long[] shape = [2, 3];
        var e = Assert.ThrowsAny<ArgumentException>(() => new LossInput<float>(new float[5], shape));
        Assert.Equal("data", e.ParamName);
        Assert.Contains("Expected a buffer of 6 elements for shape (2, 3). Received: 5 elements.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LongShape_HugeProduct_NamesData()
    {
        // Two dimensions of int.MaxValue: the product exceeds any buffer, and is reported without overflowing.
        long[] shape = [int.MaxValue, int.MaxValue];
        var e = Assert.ThrowsAny<ArgumentException>(() => new LossInput<float>(new float[4], shape));
        Assert.Equal("data", e.ParamName);
    }

    [Fact]
    public void ScalarTheElementTypeCannotHold_IsRejectedNamingTheArgument()
    {
        var scce = new SparseCategoricalCrossentropy();
        float[] p = [0.5f, 0.5f];

        // A fractional class id: the conversion succeeds, the call rejects it naming yTrue.
        var e = Assert.ThrowsAny<ArgumentException>(() =>
        {
            LossInput<int> label = 0.5;
            return scce.Compute(label, p);
        });
        Assert.Equal("yTrue", e.ParamName);
        Assert.Contains("class id", e.Message, StringComparison.Ordinal);

        // A bool as a weight.
        var mse = new MeanSquaredError();
        e = Assert.ThrowsAny<ArgumentException>(() =>
        {
            LossInput<float> weight = true;
            return mse.Compute(new float[] { 0 }, new float[] { 1 }, weight);
        });
        Assert.Equal("sampleWeight", e.ParamName);
    }

    [Fact]
    public void FromScalar_ServesGenericCode()
    {
        var bce = new BinaryCrossentropy();
        double[] yD = [1, 0], pD = [0.75, 0.5];
        LossInput<double> w = Weight(2.0);
        Assert.True(w.IsScalar);
        Assert.Equal(2 * BceOneSample, bce.Compute(yD, pD, w), 1e-15);

        // In generic code T converts to no LossInput<T> implicitly: FromScalar builds it.
        static LossInput<T> Weight<T>(T value) => LossInput.FromScalar(value);
    }
}
