using TorchSharp;
using static TorchSharp.torch;

namespace SharpLoss.TorchSharp.Tests;

/// <summary>Tensor layouts, dtypes, devices, sample weights and reductions at the bridge's boundary.</summary>
public class InputTests
{
    [Fact]
    public void ContiguousViewWithAnOffset_ReadsTheViewNotTheStorageStart()
    {
        // narrow() gives a contiguous view starting 2 rows into its storage: the bridge must read from the view's start.
        using var scope = NewDisposeScope();
        Tensor big = tensor(new float[] { 9, 9, 9, 9, 0.2f, 0.7f, 0.4f, 0.1f }).reshape(4, 2);
        Tensor yPred = big.narrow(0, 2, 2);
        Tensor yTrue = tensor(new float[] { 0, 1, 1, 0 }).reshape(2, 2);
        Assert.True(yPred.is_contiguous());
        Assert.Equal(4, yPred.storage_offset());

        float value = new MeanSquaredError().ToTorch().call(yPred, yTrue).item<float>();

        // Hand-derived: ((0.2-0)² + (0.7-1)² + (0.4-1)² + (0.1-0)²) / 4 = (0.04 + 0.09 + 0.36 + 0.01) / 4 = 0.125.
        Assert.Equal(0.125f, value, 1e-7f);
    }

    [Fact]
    public void NonContiguousInput_IsCopied_AndItsGradientHasItsShape()
    {
        using var scope = NewDisposeScope();
        Tensor leaf = tensor(new float[] { 0.2f, 0.4f, 0.7f, 0.1f }).reshape(2, 2).requires_grad_();
        Tensor yPred = leaf.t();   // [[0.2, 0.7], [0.4, 0.1]], not contiguous
        Tensor yTrue = tensor(new float[] { 0, 1, 1, 0 }).reshape(2, 2);
        Assert.False(yPred.is_contiguous());

        Tensor value = new MeanSquaredError().ToTorch().call(yPred, yTrue);
        value.backward();

        // Hand-derived: the value is 0.125 as above; dL/dyPred = 2 (yPred - yTrue) / 4 = [[0.1, -0.15], [-0.3, 0.05]],
        // and the leaf's gradient is its transpose, [[0.1, -0.3], [-0.15, 0.05]].
        Assert.Equal(0.125f, value.item<float>(), 1e-7f);
        float[] grad = leaf.grad!.data<float>().ToArray();
        Assert.Equal([0.1f, -0.3f, -0.15f, 0.05f], grad, (a, b) => Math.Abs(a - b) < 1e-7f);
    }

    [Fact]
    public void SampleWeights_MatchTorchWeightedMeanOfPerSampleLosses()
    {
        // Keras sum_over_batch_size with sample weights: sum_i w_i l_i / N, with l_i the mean over the last axis.
        using var scope = NewDisposeScope();
        double[] logits = [1.5, -0.5, 0.25, 3.0, -2.0, 0.0];
        Tensor x = tensor(logits).reshape(3, 2).requires_grad_();
        Tensor y = tensor(new double[] { 1, 0, 0, 1, 1, 0 }).reshape(3, 2);
        Tensor w = tensor(new double[] { 0.5, 2.0, 1.0 });

        Tensor ours = new BinaryCrossentropy(fromLogits: true).ToTorch().forward(x, y, w);
        ours.backward();
        Tensor xt = tensor(logits).reshape(3, 2).requires_grad_();
        Tensor theirs = (nn.functional.binary_cross_entropy_with_logits(xt, y, reduction: nn.Reduction.None).mean([1L]) * w).mean();
        theirs.backward();

        Assert.Equal(theirs.item<double>(), ours.item<double>(), 1e-14);
        double[] g = x.grad!.data<double>().ToArray(), gt = xt.grad!.data<double>().ToArray();
        Assert.Equal(gt, g, (a, b) => Math.Abs(a - b) < 1e-15);
    }

    [Fact]
    public void NoGradientWanted_ReturnsTheValueWithoutAGraph()
    {
        using var scope = NewDisposeScope();
        Tensor x = tensor(new float[] { 0.5f, -1f }).reshape(1, 2);
        Tensor y = tensor(new float[] { 1f, 0f }).reshape(1, 2);
        using var bce = new BinaryCrossentropy(fromLogits: true).ToTorch();

        Tensor value = bce.call(x, y);

        // torch's own value for the same tensors.
        Assert.False(value.requires_grad);
        Assert.Equal(nn.functional.binary_cross_entropy_with_logits(x, y).item<float>(), value.item<float>(), 1e-7f);
    }

    [Fact]
    public void TargetRequiringAGradient_GetsNone_AndBackwardRuns()
    {
        // Only yPred is differentiated: a target that requires a gradient makes a graph node, whose backward gives it none.
        using var scope = NewDisposeScope();
        Tensor yPred = tensor(new float[] { 0.2f, 0.9f }).reshape(1, 2).requires_grad_();
        Tensor yTrue = tensor(new float[] { 0f, 1f }).reshape(1, 2).requires_grad_();
        using var mse = new MeanSquaredError().ToTorch();

        mse.call(yPred.detach(), yTrue).backward();
        Assert.Null(yTrue.grad);

        mse.call(yPred, yTrue).backward();
        Assert.Null(yTrue.grad);

        // Hand-derived: dL/dyPred = 2 (yPred - yTrue) / 2 = [0.2, -0.1].
        Assert.Equal([0.2f, -0.1f], yPred.grad!.data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-7f);
    }

    [Fact]
    public void UnsupportedDTypeOfYPred_Throws_NamingYPred()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() =>
            new MeanSquaredError().ToTorch().call(tensor(new int[] { 1, 2 }), tensor(new int[] { 1, 2 })));
        Assert.Equal("yPred", e.ParamName);
        Assert.Contains("float32 or float64", e.Message);
        Assert.Contains("int32", e.Message);
    }

    [Fact]
    public void FloatClassIds_Throw_NamingYTrue()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() =>
            new SparseCategoricalCrossentropy(fromLogits: true).ToTorch().call(zeros(2, 3), tensor(new float[] { 0, 2 })));
        Assert.Equal("yTrue", e.ParamName);
        Assert.Contains("int64", e.Message);
        Assert.Contains("float32", e.Message);
    }

    [Fact]
    public void Int32ClassIds_AreAccepted()
    {
        using var scope = NewDisposeScope();
        Tensor logits = tensor(new float[] { 2f, 0f, -1f, 0.5f, 0.5f, 3f }).reshape(2, 3);
        float ours = new SparseCategoricalCrossentropy(fromLogits: true).ToTorch().call(logits, tensor(new int[] { 0, 2 })).item<float>();
        float theirs = nn.functional.cross_entropy(logits, tensor(new long[] { 0, 2 })).item<float>();
        Assert.Equal(theirs, ours, 1e-6f);
    }

    [Fact]
    public void MixedFloatDTypes_Throw_NamingTheArgument()
    {
        using var scope = NewDisposeScope();
        using var mse = new MeanSquaredError().ToTorch();
        var e = Assert.Throws<ArgumentException>(() => mse.call(zeros(2), zeros([2], dtype: ScalarType.Float64)));
        Assert.Equal("yTrue", e.ParamName);
        var w = Assert.Throws<ArgumentException>(() => mse.forward(zeros(2, 1), zeros(2, 1), zeros([2], dtype: ScalarType.Float64)));
        Assert.Equal("sampleWeight", w.ParamName);
    }

    [Fact]
    public void NonCpuTensor_Throws_NamingTheDevice()
    {
        // The meta device holds shapes without memory: like CUDA, SharpLoss cannot read it.
        using var scope = NewDisposeScope();
        Tensor onMeta = empty([2, 2], device: META);
        var e = Assert.Throws<ArgumentException>(() => new MeanSquaredError().ToTorch().call(onMeta, zeros(2, 2)));
        Assert.Equal("yPred", e.ParamName);
        Assert.Contains("CPU", e.Message);
        Assert.Contains("meta", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ShapeMismatch_IsSharpLossError_NamingBothShapes()
    {
        using var scope = NewDisposeScope();
        var e = Assert.ThrowsAny<ArgumentException>(() => new MeanSquaredError().ToTorch().call(zeros(2, 3), zeros(2, 4)));
        Assert.Contains("yTrue", e.Message + e.ParamName);
        Assert.Contains("3", e.Message);
        Assert.Contains("4", e.Message);
    }

    [Fact]
    public void NullArguments_Throw()
    {
        using var mse = new MeanSquaredError().ToTorch();
        Assert.Equal("yPred", Assert.Throws<ArgumentNullException>(() => mse.forward(null!, zeros(1))).ParamName);
        Assert.Equal("yTrue", Assert.Throws<ArgumentNullException>(() => mse.forward(zeros(1), null!)).ParamName);
        Assert.Equal("loss", Assert.Throws<ArgumentNullException>(() => ((Loss)null!).ToTorch()).ParamName);
    }
}
