// Bad inputs (SPEC 0.7): every rejection is an ArgumentException-family exception (or InvalidOperationException for a
// call that cannot produce a number) whose message names the argument, what was expected and what was received;
// for shape problems both shapes appear in Python tuple notation. Assertions check the exception type, ParamName and
// key fragments of the message, never the full text. A fuzz test checks that nothing else (IndexOutOfRange,
// NullReference, ...) escapes.

using System.Numerics.Tensors;

namespace SharpLoss.Tests.Errors;

public class BadInputTests
{
    public static TheoryData<string> AllLosses => new() { "bce", "cce", "scce", "mse", "mae", "huber", "mape", "msle", "logcosh", "poisson", "hinge", "squared_hinge", "kld" };

    private static Loss Make(string key, Reduction? reduction = null, LossSemantics semantics = LossSemantics.Keras3) => key switch
    {
        "bce" => new BinaryCrossentropy(reduction: reduction, semantics: semantics),
        "cce" => new CategoricalCrossentropy(reduction: reduction, semantics: semantics),
        "scce" => new SparseCategoricalCrossentropy(reduction: reduction, semantics: semantics),
        "mse" => new MeanSquaredError(reduction, semantics: semantics),
        "mae" => new MeanAbsoluteError(reduction, semantics: semantics),
        "huber" => new Huber(reduction: reduction, semantics: semantics),
        "mape" => new MeanAbsolutePercentageError(reduction, semantics: semantics),
        "msle" => new MeanSquaredLogarithmicError(reduction, semantics: semantics),
        "logcosh" => new LogCosh(reduction, semantics: semantics),
        "poisson" => new Poisson(reduction, semantics: semantics),
        "hinge" => new Hinge(reduction, semantics: semantics),
        "squared_hinge" => new SquaredHinge(reduction, semantics: semantics),
        "kld" => new KLDivergence(reduction, semantics: semantics),
        _ => throw new ArgumentException(key),
    };

    /// <summary>Valid inputs: y/p (2, 3) (SCCE: labels (2,) against p (2, 3)); per-sample shape (2,).</summary>
    private static (float[] Y, int[] YShape, float[] P, int[] PShape) Valid(string key) => key == "scce"
        ? ([0, 2], [2], [0.2f, 0.3f, 0.5f, 0.1f, 0.1f, 0.8f], [2, 3])
        : ([1, 0, 0, 0, 0, 1], [2, 3], [0.2f, 0.3f, 0.5f, 0.1f, 0.1f, 0.8f], [2, 3]);

    private static TException Throws<TException>(Action action, string? paramName, params string[] fragments)
        where TException : Exception
    {
        TException e = Assert.ThrowsAny<TException>(action);
        if (paramName is not null)
        {
            var ae = Assert.IsAssignableFrom<ArgumentException>(e);
            Assert.True(ae.ParamName == paramName, $"ParamName '{ae.ParamName}', expected '{paramName}'. Message: {e.Message}");
        }

        foreach (string f in fragments)
        {
            Assert.True(e.Message.Contains(f, StringComparison.Ordinal), $"message lacks \"{f}\": {e.Message}");
        }

        return e;
    }

    // ------------------------------------------------------------------ null and absent arrays

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void NullYTrue_EveryEntryPoint_ThrowsArgumentNullNamingYTrue(string key)
    {
        Loss loss = Make(key);
        (_, _, float[] p, int[] ps) = Valid(key);
        float[]? y = null;
        Throws<ArgumentNullException>(() => loss.Compute(y, new LossInput<float>(p, ps)), "yTrue");
        Throws<ArgumentNullException>(() => loss.Call(y, new LossInput<float>(p, ps)), "yTrue");
        Throws<ArgumentNullException>(() => loss.ValueAndGradient(y, new LossInput<float>(p, ps)), "yTrue");
        Throws<ArgumentNullException>(() => loss.Backward(y, new LossInput<float>(p, ps), 1f), "yTrue");
        Throws<ArgumentNullException>(() => loss.Compute(default, new LossInput<float>(p, ps)), "yTrue");
        Throws<ArgumentNullException>(() => loss.Compute((double[]?)null, new LossInput<double>(Array.ConvertAll(p, v => (double)v), ps)), "yTrue");
    }

    [Fact]
    public void NullClassIds_SparseIntAndLongOverloads_ThrowArgumentNullNamingYTrue()
    {
        var loss = new SparseCategoricalCrossentropy();
        float[,] p = { { 0.2f, 0.8f } };
        Throws<ArgumentNullException>(() => loss.Compute((int[]?)null, p), "yTrue");
        Throws<ArgumentNullException>(() => loss.Compute((long[]?)null, p), "yTrue");
        Throws<ArgumentNullException>(() => loss.Call((int[]?)null, p), "yTrue");
        Throws<ArgumentNullException>(() => loss.ValueAndGradient((long[]?)null, p), "yTrue");
    }

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void NullYPred_ThrowsArgumentNullNamingYPred(string key)
    {
        Loss loss = Make(key);
        (float[] y, int[] ys, _, _) = Valid(key);
        float[]? p = null;
        Throws<ArgumentNullException>(() => loss.Compute(new LossInput<float>(y, ys), p), "yPred");
        Throws<ArgumentNullException>(() => loss.Call(new LossInput<float>(y, ys), p), "yPred");
        Throws<ArgumentNullException>(() => loss.ValueAndGradient(new LossInput<float>(y, ys), p), "yPred");
        Throws<ArgumentNullException>(() => loss.Compute(new LossInput<float>(y, ys), default), "yPred");
    }

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void NullSampleWeightAndMask_ThrowArgumentNullNamingThem(string key)
    {
        Loss loss = Make(key);
        (float[] y, int[] ys, float[] p, int[] ps) = Valid(key);
        Throws<ArgumentNullException>(() => loss.Compute(new LossInput<float>(y, ys), new LossInput<float>(p, ps), (float[]?)null), "sampleWeight");
        Throws<ArgumentNullException>(() => loss.Call(new LossInput<float>(y, ys), new LossInput<float>(p, ps), (float[,]?)null), "sampleWeight");
        Throws<ArgumentNullException>(() => loss.Compute(new LossInput<float>(y, ys), new LossInput<float>(p, ps), mask: (bool[]?)null), "mask");
        Throws<ArgumentNullException>(() => loss.Backward(new LossInput<float>(y, ys), new LossInput<float>(p, ps), (float[]?)null), "upstream");
    }

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void ScalarYTrueOrYPred_ThrowsArgumentExceptionNamingIt(string key)
    {
        // A scalar converts to LossInput (for sample weights); as labels or predictions it is rejected.
        Loss loss = Make(key);
        (float[] y, int[] ys, float[] p, int[] ps) = Valid(key);
        Throws<ArgumentException>(() => loss.Compute(1f, new LossInput<float>(p, ps)), "yTrue", "scalar");
        Throws<ArgumentException>(() => loss.Compute(new LossInput<float>(y, ys), 0.5f), "yPred", "scalar");
        Throws<ArgumentException>(() => loss.Compute(new LossInput<float>(y, ys), new LossInput<float>(p, ps), mask: true), "mask", "scalar");
    }

    [Fact]
    public void LossInputConstructor_BadShape_ThrowsArgumentException()
    {
        Throws<ArgumentException>(() => _ = new LossInput<float>(new float[6], 2, 4), "data", "8", "6");
        Throws<ArgumentException>(() => _ = new LossInput<float>(new float[6], -2, -3), "shape", "-2");
        Throws<ArgumentException>(() => _ = new LossInput<float>(new float[1], 1, 1, 1, 1, 1, 1, 1, 1, 1), "shape", "9");
    }

    // ------------------------------------------------------------------ shapes and ranks

    [Theory]
    [InlineData("bce", new[] { 2, 3 }, new[] { 2, 4 })]
    [InlineData("bce", new[] { 6 }, new[] { 2, 3 })]
    [InlineData("cce", new[] { 2, 3 }, new[] { 3, 3 })]
    [InlineData("cce", new[] { 4, 2 }, new[] { 2, 4 })]
    [InlineData("scce", new[] { 3 }, new[] { 2, 3 })]
    [InlineData("scce", new[] { 2, 2 }, new[] { 2, 3 })]
    [InlineData("mse", new[] { 2, 3 }, new[] { 2, 4 })]
    [InlineData("mse", new[] { 3, 2 }, new[] { 2, 3 })]
    [InlineData("mae", new[] { 2, 3 }, new[] { 3 })]
    [InlineData("mae", new[] { 4 }, new[] { 2, 2 })]
    public void ShapeOrRankMismatch_EveryEntryPoint_MessageHasBothShapes(string key, int[] yShape, int[] pShape)
    {
        Loss loss = Make(key);
        var y = new float[yShape.Aggregate(1, (a, b) => a * b)];
        var p = new float[pShape.Aggregate(1, (a, b) => a * b)];
        Array.Fill(p, 0.5f);
        string ys = Tuple(yShape), ps = Tuple(pShape);
        var grad = new float[p.Length];
        Throws<ArgumentException>(() => loss.Compute(new LossInput<float>(y, yShape), new LossInput<float>(p, pShape)), null, ys, ps);
        Throws<ArgumentException>(() => loss.Call(new LossInput<float>(y, yShape), new LossInput<float>(p, pShape)), null, ys, ps);
        Throws<ArgumentException>(() => loss.ValueAndGradientInto(new LossInput<float>(y, yShape), new LossInput<float>(p, pShape), grad), null, ys, ps);
        Throws<ArgumentException>(() => loss.Backward(new LossInput<float>(y, yShape), new LossInput<float>(p, pShape), 1f), null, ys, ps);
        Throws<ArgumentException>(() => Make(key, semantics: LossSemantics.TfKeras2).Compute(new LossInput<float>(y, yShape), new LossInput<float>(p, pShape)), null, ps);
    }

    [Fact]
    public void ShapeMismatch_FunctionForms_MessageHasBothShapes()
    {
        float[,] y = { { 1, 0, 0 } };
        float[,] p = { { 0.5f, 0.5f } };
        Throws<ArgumentException>(() => Losses.BinaryCrossentropy(y, p), null, "(1, 3)", "(1, 2)");
        Throws<ArgumentException>(() => Losses.CategoricalCrossentropy(y, p), null, "(1, 3)", "(1, 2)");
        Throws<ArgumentException>(() => Losses.MeanSquaredError(y, p), null, "(1, 3)", "(1, 2)");
        Throws<ArgumentException>(() => Losses.MeanAbsoluteError(y, p), null, "(1, 3)", "(1, 2)");
        Throws<ArgumentException>(() => Losses.Huber(y, p), null, "(1, 3)", "(1, 2)");
        Throws<ArgumentException>(() => CompatV1.HuberLoss(y, p), null, "(1, 3)", "(1, 2)");
        Throws<ArgumentException>(() => Losses.SparseCategoricalCrossentropy(new[] { 0, 1 }, p), null, "(2,)", "(1, 2)");
    }

    [Theory]
    [InlineData("bce")]
    [InlineData("cce")]
    [InlineData("scce")]
    [InlineData("mse")]
    [InlineData("mae")]
    [InlineData("huber")]
    public void RankZeroYPred_IsRejected(string key)
    {
        Loss loss = Make(key);
        Throws<ArgumentException>(() => loss.Compute(new LossInput<float>([0f]), new LossInput<float>([0.5f])), null);
    }

    // ------------------------------------------------------------------ sparse class ids (SPEC 0.7, D)

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void SparseIntLabelOutOfRange_ThrowsArgumentOutOfRange(int label)
    {
        var loss = new SparseCategoricalCrossentropy();
        float[,] p = { { 0.2f, 0.3f, 0.5f }, { 0.2f, 0.3f, 0.5f } };
        var e = Throws<ArgumentOutOfRangeException>(() => loss.Compute(new[] { 0, label }, p), "yTrue", "[0, 3)", label.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The position in the batch, and the value once (no "Actual value was" appended by the framework).
        Assert.Contains($"yTrue[1] = {label.ToString(System.Globalization.CultureInfo.InvariantCulture)}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Actual value", e.Message, StringComparison.Ordinal);
        Throws<ArgumentOutOfRangeException>(() => loss.Call(new[] { label, 0 }, p), "yTrue", "[0, 3)");
        Throws<ArgumentOutOfRangeException>(() => loss.ValueAndGradient(new[] { label, 0 }, p), "yTrue", "[0, 3)");
        Throws<ArgumentOutOfRangeException>(() => Losses.SparseCategoricalCrossentropy(new[] { label, 0 }, p), "yTrue", "[0, 3)");
    }

    [Theory]
    [InlineData(3L)]
    [InlineData(-5L)]
    [InlineData(long.MaxValue)]
    [InlineData(1L << 40)]
    public void SparseLongLabelOutOfRange_ThrowsArgumentOutOfRange(long label)
    {
        float[,] p = { { 0.2f, 0.3f, 0.5f } };
        Throws<ArgumentOutOfRangeException>(() => _ = new SparseCategoricalCrossentropy().Compute(new[] { label }, p), "yTrue", "[0, 3)", label.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Throws<ArgumentOutOfRangeException>(() => _ = new SparseCategoricalCrossentropy(fromLogits: true).Compute(new[] { label }, new double[,] { { 1, 2, 3 } }), "yTrue", "[0, 3)");
    }

    [Theory]
    [InlineData(3f)]
    [InlineData(-1f)]
    [InlineData(1e10f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void SparseFloatLabelOutOfRangeOrNaN_ThrowsArgumentOutOfRange(float label)
    {
        float[,] p = { { 0.2f, 0.3f, 0.5f } };
        var e = Throws<ArgumentOutOfRangeException>(() => _ = new SparseCategoricalCrossentropy().Compute(new[] { label }, p), "yTrue", "[0, 3)");
        if (float.IsNaN(label))
        {
            Assert.Contains("NaN", e.Message, StringComparison.Ordinal);
        }

        Throws<ArgumentOutOfRangeException>(() => _ = new SparseCategoricalCrossentropy().Compute(new[] { (double)label }, new double[,] { { 0.2, 0.3, 0.5 } }), "yTrue", "[0, 3)");
    }

    [Fact]
    public void SparseLabels_NoClasses_AnyLabelIsOutOfRange()
    {
        // K = 0: [0, 0) is empty.
        Throws<ArgumentOutOfRangeException>(() => _ = new SparseCategoricalCrossentropy().Compute(new[] { 0 }, new LossInput<float>(Array.Empty<float>(), 1, 0)), "yTrue", "[0, 0)");
    }

    [Fact]
    public void NnSparseSoftmax_OutOfRangeLabel_NamesTheLabelsArgument()
    {
        // The tf.nn facade's argument is `labels` (SPEC D); the message must name it, not the Keras yTrue.
        float[,] logits = { { 1, 2, 3 } };
        Throws<ArgumentOutOfRangeException>(() => Nn.SparseSoftmaxCrossEntropyWithLogits(new[] { 3 }, logits), "labels", "[0, 3)");
        Throws<ArgumentOutOfRangeException>(() => Nn.SparseSoftmaxCrossEntropyWithLogitsGradient(new[] { -1L }, logits), "labels", "[0, 3)");
    }

    [Fact]
    public void NnFacades_NullLabels_NameTheLabelsArgument()
    {
        // SPEC 0.7 / D: the tf.nn facades' arguments are `labels` and `logits`.
        float[,] logits = { { 1, 2, 3 } };
        Throws<ArgumentNullException>(() => Nn.SigmoidCrossEntropyWithLogits((float[,]?)null, logits), "labels");
        Throws<ArgumentNullException>(() => Nn.SoftmaxCrossEntropyWithLogits((float[,]?)null, logits), "labels");
        Throws<ArgumentNullException>(() => Nn.SparseSoftmaxCrossEntropyWithLogits((int[]?)null, logits), "labels");
    }

    [Fact]
    public void NnFacades_NullLogits_NameTheLogitsArgument()
    {
        float[,] labels = { { 1, 0, 0 } };
        Throws<ArgumentNullException>(() => Nn.SigmoidCrossEntropyWithLogits(labels, (float[,]?)null), "logits");
        Throws<ArgumentNullException>(() => Nn.SoftmaxCrossEntropyWithLogits(labels, (float[,]?)null), "logits");
        Throws<ArgumentNullException>(() => Nn.SparseSoftmaxCrossEntropyWithLogits(new[] { 0 }, (float[,]?)null), "logits");
    }

    [Fact]
    public void NnFacades_ShapeMismatch_MessageHasBothShapes()
    {
        float[,] logits = { { 1, 2, 3 } };
        Throws<ArgumentException>(() => Nn.SigmoidCrossEntropyWithLogits(new float[,] { { 1, 0 } }, logits), "labels", "(1, 3)", "(1, 2)");
        Throws<ArgumentException>(() => Nn.SparseSoftmaxCrossEntropyWithLogits(new[] { 0, 1 }, logits), null, "(2,)", "(1, 3)");
        Throws<ArgumentException>(() => Nn.SparseSoftmaxCrossEntropyWithLogits(new LossInput<int>([0]), new LossInput<float>([1f])), "logits", "()");
    }

    // ------------------------------------------------------------------ reductions and semantics

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void UndefinedReduction_ThrowsArgumentOutOfRange(string key)
    {
        Throws<ArgumentOutOfRangeException>(() => Make(key, (Reduction)42), "reduction", "42");
        Throws<ArgumentOutOfRangeException>(() => Make(key, (Reduction)(-1), LossSemantics.TfKeras2), "reduction", "-1");
    }

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void AutoUnderKeras3_ThrowsNamingReduction(string key)
    {
        // SPEC A.3: Keras 3 rejects "auto".
        Throws<ArgumentException>(() => Make(key, Reduction.Auto), "reduction", "auto", "sum_over_batch_size");
    }

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void MeanAndMeanWithSampleWeightUnderTfKeras2_Throw(string key)
    {
        // SPEC A.8 / F#15: tf.keras 2 knows only auto, none, sum, sum_over_batch_size.
        Throws<ArgumentException>(() => Make(key, Reduction.Mean, LossSemantics.TfKeras2), "reduction", "mean", "auto");
        Throws<ArgumentException>(() => Make(key, Reduction.MeanWithSampleWeight, LossSemantics.TfKeras2), "reduction", "mean_with_sample_weight");
    }

    [Fact]
    public void UndefinedSemantics_ThrowsArgumentOutOfRange()
    {
        Throws<ArgumentOutOfRangeException>(() => _ = new MeanSquaredError(semantics: (LossSemantics)7), "semantics", "7");
        Throws<ArgumentOutOfRangeException>(() => _ = new BinaryCrossentropy(semantics: (LossSemantics)(-3)), "semantics");
    }

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void ReductionNone_ComputeAndValueAndGradient_ThrowInvalidOperation(string key)
    {
        Loss loss = Make(key, Reduction.None);
        (float[] y, int[] ys, float[] p, int[] ps) = Valid(key);
        var grad = new float[p.Length];
        Throws<InvalidOperationException>(() => loss.Compute(new LossInput<float>(y, ys), new LossInput<float>(p, ps)), null, "none");
        Throws<InvalidOperationException>(() => loss.ValueAndGradient(new LossInput<float>(y, ys), new LossInput<float>(p, ps)), null, "none");
        Throws<InvalidOperationException>(() => loss.ValueAndGradientInto(new LossInput<float>(y, ys), new LossInput<float>(p, ps), grad), null, "none");
        Throws<InvalidOperationException>(() => loss.Compute(new LossInput<double>(Array.ConvertAll(y, v => (double)v), ys), new LossInput<double>(Array.ConvertAll(p, v => (double)v), ps)), null, "none");
    }

    [Fact]
    public void ReductionNone_SparseIntOverloads_ThrowInvalidOperation()
    {
        var loss = new SparseCategoricalCrossentropy(reduction: Reduction.None);
        float[,] p = { { 0.2f, 0.8f } };
        Assert.Throws<InvalidOperationException>(() => loss.Compute(new[] { 1 }, p));
        Assert.Throws<InvalidOperationException>(() => loss.ValueAndGradient(new[] { 1L }, p));
    }

    // ------------------------------------------------------------------ hyper-parameters

    [Theory]
    [InlineData(-0.1, "-0.1")]
    [InlineData(1.5, "1.5")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "nfinity")]
    public void LabelSmoothingOutsideZeroOne_ThrowsArgumentOutOfRange(double ls, string received)
    {
        // SPEC 0.7: label_smoothing outside [0, 1] is rejected at construction.
        Throws<ArgumentOutOfRangeException>(() => _ = new BinaryCrossentropy(labelSmoothing: ls), "labelSmoothing", "[0, 1]", received);
        Throws<ArgumentOutOfRangeException>(() => _ = new CategoricalCrossentropy(labelSmoothing: ls), "labelSmoothing", "[0, 1]", received);
        Throws<ArgumentOutOfRangeException>(() => _ = new SparseCategoricalCrossentropy(labelSmoothing: ls), "labelSmoothing", "[0, 1]", received);
        Throws<ArgumentOutOfRangeException>(() => Losses.BinaryCrossentropy(new[] { 1f }, new[] { 0.5f }, labelSmoothing: ls), "labelSmoothing", "[0, 1]");
        Throws<ArgumentOutOfRangeException>(() => Losses.CategoricalCrossentropy(new[] { 1f }, new[] { 0.5f }, labelSmoothing: ls), "labelSmoothing", "[0, 1]");
        Throws<ArgumentOutOfRangeException>(() => CompatV1.SoftmaxCrossEntropy(new float[,] { { 1, 0 } }, new float[,] { { 1, 2 } }, labelSmoothing: ls), "labelSmoothing", "[0, 1]");
    }

    [Fact]
    public void LabelSmoothingOutOfRange_InConfig_Throws()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Losses.FromJson("{\"module\": \"keras.losses\", \"class_name\": \"BinaryCrossentropy\", \"config\": {\"label_smoothing\": 1.5}, \"registered_name\": null}"));
        Assert.Contains("1.5", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(-3)]
    public void SparseAxisOtherThanLast_ThrowsArgumentExceptionNamingAxis(int axis)
    {
        // SPEC B.5 / F#13: the TF backend supports only axis -1 (or rank - 1).
        float[,] p = { { 0.2f, 0.3f, 0.5f }, { 0.2f, 0.3f, 0.5f } };
        string received = $"axis={axis}";
        Throws<ArgumentException>(() => new SparseCategoricalCrossentropy(axis: axis).Compute(new[] { 0, 1 }, p), nameof(axis), received, "-1");
        Throws<ArgumentException>(() => Losses.SparseCategoricalCrossentropy(new[] { 0, 1 }, p, axis: axis), nameof(axis), received);
        Throws<ArgumentException>(() => _ = new SparseCategoricalCrossentropy(axis: axis, semantics: LossSemantics.TfKeras2), nameof(axis), received);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(-3)]
    public void DenseAxisOutOfRange_ThrowsArgumentExceptionNamingAxis(int axis)
    {
        float[,] y = { { 1, 0 } };
        Throws<ArgumentException>(() => new BinaryCrossentropy(axis: axis).Compute(y, y), nameof(axis), $"axis={axis}", "(1, 2)");
        Throws<ArgumentException>(() => new CategoricalCrossentropy(axis: axis).Compute(y, y), nameof(axis), $"axis={axis}", "(1, 2)");
    }

    [Theory]
    [InlineData(float.NaN)]
    public void NnPosWeightNaN_ThrowsArgumentOutOfRange(float posWeight)
    {
        // SPEC 0.7: pos_weight NaN is rejected.
        float[] labels = [1, 0.5f, 0];
        float[] logits = [1.5f, -0.1f, -10];
        Throws<ArgumentOutOfRangeException>(() => Nn.WeightedCrossEntropyWithLogits(labels, logits, posWeight), nameof(posWeight), "NaN");
        Throws<ArgumentOutOfRangeException>(() => Nn.WeightedCrossEntropyWithLogits(labels, logits, new[] { 1f, posWeight, 1f }), nameof(posWeight), "NaN");
        Throws<ArgumentOutOfRangeException>(() => Nn.WeightedCrossEntropyWithLogitsGradient(labels, logits, posWeight), nameof(posWeight), "NaN");
        Throws<ArgumentOutOfRangeException>(() => Nn.WeightedCrossEntropyWithLogits(new[] { 1.0 }, new[] { 0.5 }, double.NaN), nameof(posWeight), "NaN");
    }

    [Fact]
    public void NnPosWeight_NullOrNotBroadcastable_Throws()
    {
        float[] labels = [1, 0.5f, 0];
        float[] logits = [1.5f, -0.1f, -10];
        Throws<ArgumentNullException>(() => Nn.WeightedCrossEntropyWithLogits(labels, logits, (float[]?)null), "posWeight");
        Throws<ArgumentException>(() => Nn.WeightedCrossEntropyWithLogits(labels, logits, new[] { 1f, 2f }), "posWeight", "(2,)", "(3,)");
    }

    // ------------------------------------------------------------------ weights, masks, buffers

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void WeightsThatCannotBroadcast_MessageHasBothShapes(string key)
    {
        (float[] y, int[] ys, float[] p, int[] ps) = Valid(key);
        foreach (LossSemantics s in new[] { LossSemantics.Keras3, LossSemantics.TfKeras2 })
        {
            Loss loss = Make(key, semantics: s);
            Throws<ArgumentException>(() => loss.Compute(new LossInput<float>(y, ys), new LossInput<float>(p, ps), new float[5]), "sampleWeight", "(5,)", "(2,)");
            Throws<ArgumentException>(() => loss.Compute(new LossInput<float>(y, ys), new LossInput<float>(p, ps), new float[2, 3]), "sampleWeight", "(2, 3)", "(2,)");
        }
    }

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void MaskOfWrongShape_ThrowsArgumentExceptionWithBothShapes(string key)
    {
        // The mask covers the per-sample losses (2,); a (5,) mask is rejected.
        (float[] y, int[] ys, float[] p, int[] ps) = Valid(key);
        Loss loss = Make(key);
        Throws<ArgumentException>(() => loss.Compute(new LossInput<float>(y, ys), new LossInput<float>(p, ps), mask: new bool[5]), null, "(5,)", "(2,)");
    }

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void MaskOfWrongShape_ParamNameAndMessageNameTheMask(string key)
    {
        // SPEC 0.7: the message names the argument that is wrong, here `mask` (no sample weight was passed).
        (float[] y, int[] ys, float[] p, int[] ps) = Valid(key);
        Loss loss = Make(key);
        var e = Throws<ArgumentException>(() => loss.Compute(new LossInput<float>(y, ys), new LossInput<float>(p, ps), mask: new bool[5]), "mask", "mask");
        Assert.DoesNotContain("sampleWeight", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaskOfWrongShape_WithIgnoreClass_ThrowsArgumentExceptionNamingMask()
    {
        float[,] p = { { 0.2f, 0.8f }, { 0.5f, 0.5f } };
        Throws<ArgumentException>(() => new SparseCategoricalCrossentropy(ignoreClass: -1).Compute(new[] { 0, -1 }, p, mask: new bool[3]), "mask", "(3,)", "(2,)");
    }

    [Theory]
    [MemberData(nameof(AllLosses))]
    public void GradientBufferOfWrongSize_ThrowsArgumentExceptionNamingGradient(string key)
    {
        (float[] y, int[] ys, float[] p, int[] ps) = Valid(key);
        Loss loss = Make(key);
        foreach (int size in new[] { 0, 5, 7 })
        {
            Throws<ArgumentException>(() => loss.ValueAndGradientInto(new LossInput<float>(y, ys), new LossInput<float>(p, ps), new float[size]), "gradient", "6", size.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Throws<ArgumentException>(() => loss.BackwardInto(new LossInput<float>(y, ys), new LossInput<float>(p, ps), 1f, new float[size]), "gradient", "6");
        }
    }

    [Fact]
    public void UpstreamOfWrongShape_ThrowsArgumentExceptionNamingUpstream()
    {
        float[,] y = { { 1, 0 }, { 0, 1 } };
        Throws<ArgumentException>(() => new MeanSquaredError(Reduction.None).Backward(y, y, new float[3]), "upstream", "(3,)", "(2,)");
        Throws<ArgumentException>(() => new MeanSquaredError().Backward(y, y, new float[2]), "upstream", "(2,)");
    }

    [Fact]
    public void CompatV1_NWeightsWithNxCLosses_ThrowArgumentExceptionWithBothShapes()
    {
        // SPEC A.9: v1 weights must be a scalar or have the losses' rank with dimensions 1 or equal; (2,) against (2, 3)
        // is rejected (TensorFlow: "weights can not be broadcast to values").
        float[,] labels = { { 1, 2, 3 }, { 4, 5, 6 } };
        float[] w = [1, 2];
        Throws<ArgumentException>(() => CompatV1.MeanSquaredError(labels, labels, w), null, "(2, 3)", "(2,)");
        Throws<ArgumentException>(() => CompatV1.AbsoluteDifference(labels, labels, w), null, "(2, 3)", "(2,)");
        Throws<ArgumentException>(() => CompatV1.ComputeWeightedLoss(labels, w), null, "(2, 3)", "(2,)");
        Throws<ArgumentException>(() => CompatV1.MeanSquaredErrorGradient(labels, labels, w), null, "(2, 3)", "(2,)");
        Throws<ArgumentException>(() => CompatV1.HuberLoss(labels, labels, w), null, "(2, 3)", "(2,)");
        Throws<ArgumentException>(() => CompatV1.HuberLossGradient(labels, labels, w), null, "(2, 3)", "(2,)");
        Throws<ArgumentException>(() => CompatV1.SoftmaxCrossEntropy(labels, labels, new float[,] { { 1, 2 } }), null, "(2,)", "(1, 2)");
    }

    [Fact]
    public void CompatV1_NWeightsWithNxCLosses_NamesTheWeightsArgument()
    {
        // SPEC 0.7: the v1 argument is `weights`; ParamName and message should say so (not the Keras `sampleWeight`).
        float[,] labels = { { 1, 2, 3 }, { 4, 5, 6 } };
        var e = Throws<ArgumentException>(() => CompatV1.MeanSquaredError(labels, labels, new[] { 1f, 2f }), "weights");
        Assert.DoesNotContain("sampleWeight", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CompatV1_UndefinedReduction_ThrowsArgumentOutOfRange()
    {
        float[] l = [1, 2];
        Throws<ArgumentOutOfRangeException>(() => CompatV1.ComputeWeightedLoss(l, reduction: (CompatV1.Reduction)9), "reduction", "9");
        Throws<ArgumentOutOfRangeException>(() => CompatV1.ToTensorFlowString((CompatV1.Reduction)9), "reduction");
    }

    // ------------------------------------------------------------------ fuzz: nothing but the documented exceptions

    private static Loss[] FuzzLosses() =>
    [
        new BinaryCrossentropy(), new BinaryCrossentropy(fromLogits: true, labelSmoothing: 0.1, axis: 0, reduction: Reduction.Sum),
        new BinaryCrossentropy(semantics: LossSemantics.TfKeras2),
        new CategoricalCrossentropy(), new CategoricalCrossentropy(fromLogits: true, reduction: Reduction.MeanWithSampleWeight),
        new CategoricalCrossentropy(axis: 0, semantics: LossSemantics.TfKeras2),
        new SparseCategoricalCrossentropy(), new SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: 1, reduction: Reduction.None),
        new SparseCategoricalCrossentropy(ignoreClass: -1, semantics: LossSemantics.TfKeras2),
        new MeanSquaredError(), new MeanSquaredError(Reduction.None, semantics: LossSemantics.TfKeras2),
        new MeanAbsoluteError(Reduction.MeanWithSampleWeight), new MeanAbsoluteError(Reduction.Sum, semantics: LossSemantics.TfKeras2),
        new Huber(), new Huber(0.5, Reduction.None, semantics: LossSemantics.TfKeras2),
        new MeanAbsolutePercentageError(), new MeanSquaredLogarithmicError(Reduction.Sum, semantics: LossSemantics.TfKeras2),
        new LogCosh(Reduction.None), new Poisson(Reduction.MeanWithSampleWeight), new Hinge(semantics: LossSemantics.TfKeras2),
        new SquaredHinge(Reduction.None), new KLDivergence(), new KLDivergence(Reduction.None, semantics: LossSemantics.TfKeras2),
    ];

    private static int[] RandomShape(Random rng, int[]? near)
    {
        // Half the time derive the shape from another one (equal, one axis added or dropped, a dim changed) so that
        // valid and almost-valid combinations are common; otherwise fully random (rank 0..4, dims 0..3).
        if (near is not null && rng.Next(2) == 0)
        {
            return rng.Next(5) switch
            {
                0 => near,
                1 => [.. near, rng.Next(4)],
                2 => near.Length > 0 ? near[..^1] : near,
                3 => [.. near, 1],
                _ => near.Length > 0 ? [.. near[..^1], rng.Next(4)] : [1],
            };
        }

        int rank = rng.Next(5);
        var s = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            s[i] = rng.Next(4);
        }

        return s;
    }

    private static float[] RandomData(Random rng, int n, bool labels)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = rng.Next(20) == 0 ? float.NaN : labels ? rng.Next(-1, 4) : (float)(rng.NextDouble() * 1.2);
        }

        return a;
    }

    private static bool IsDocumented(Exception e) => e is ArgumentException or InvalidOperationException;

    [Fact]
    public void Fuzz_RandomShapeCombinations_OnlyArgumentOrInvalidOperationExceptions()
    {
        const int seed = 20260822;
        const int iterations = 400;
        var rng = new Random(seed);
        Loss[] losses = FuzzLosses();
        int thrown = 0, succeeded = 0;
        for (int it = 0; it < iterations; it++)
        {
            int[] ps = RandomShape(rng, null);
            int[] ys = RandomShape(rng, ps);
            int[] ws = RandomShape(rng, ys);
            int[] ms = RandomShape(rng, ys.Length > 0 ? ys[..^1] : ys);
            int weightKind = rng.Next(3); // 0 absent, 1 scalar, 2 tensor
            bool withMask = rng.Next(3) == 0;
            float[] p = RandomData(rng, Size(ps), false);
            float[] w = RandomData(rng, Size(ws), false);
            var m = new bool[Size(ms)];
            for (int i = 0; i < m.Length; i++)
            {
                m[i] = rng.Next(2) == 0;
            }

            foreach (Loss loss in losses)
            {
                bool sparse = loss is SparseCategoricalCrossentropy;
                float[] y = RandomData(rng, Size(ys), sparse);
                string context = $"seed {seed}, iteration {it}, {loss}, yTrue {Tuple(ys)}, yPred {Tuple(ps)}, weight {(weightKind == 0 ? "none" : weightKind == 1 ? "scalar" : Tuple(ws))}, mask {(withMask ? Tuple(ms) : "none")}";
                for (int call = 0; call < 4; call++)
                {
                    try
                    {
                        var yi = new LossInput<float>(y, ys);
                        var pi = new LossInput<float>(p, ps);
                        LossInput<float> wi = weightKind == 0 ? default : weightKind == 1 ? 0.5f : new LossInput<float>(w, ws);
                        LossInput<bool> mi = withMask ? new LossInput<bool>(m, ms) : default;
                        switch (call)
                        {
                            case 0:
                                loss.Compute(yi, pi, wi, mi);
                                break;
                            case 1:
                                loss.Call(yi, pi, wi, mi);
                                break;
                            case 2:
                                loss.ValueAndGradient(yi, pi, wi, mi);
                                break;
                            default:
                                if (sparse)
                                {
                                    int[] ids = Array.ConvertAll(y, v => float.IsNaN(v) ? 0 : (int)v);
                                    ((SparseCategoricalCrossentropy)loss).Call(new LossInput<int>(ids, ys), pi, wi, mi);
                                }
                                else
                                {
                                    loss.Backward(yi, pi, 1f, wi, mi);
                                }

                                break;
                        }

                        succeeded++;
                    }
                    catch (Exception e) when (IsDocumented(e))
                    {
                        thrown++;
                        Assert.False(string.IsNullOrWhiteSpace(e.Message), context);
                    }
                    catch (Exception e)
                    {
                        Assert.Fail($"{context}, call {call}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                    }
                }
            }
        }

        // Both outcomes must occur, or the generator is not exercising the library.
        Assert.True(thrown > 100 && succeeded > 100, $"seed {seed}: {thrown} rejected, {succeeded} accepted");
    }

    [Fact]
    public void Fuzz_FacadesWithRandomShapes_OnlyArgumentExceptions()
    {
        const int seed = 4242;
        var rng = new Random(seed);
        for (int it = 0; it < 300; it++)
        {
            int[] ls = RandomShape(rng, null);
            int[] xs = RandomShape(rng, ls);
            int[] ws = RandomShape(rng, ls);
            float[] l = RandomData(rng, Size(ls), true);
            float[] x = RandomData(rng, Size(xs), false);
            float[] w = RandomData(rng, Size(ws), false);
            int[] ids = Array.ConvertAll(l, v => float.IsNaN(v) ? 0 : (int)v);
            string context = $"seed {seed}, iteration {it}, labels {Tuple(ls)}, logits {Tuple(xs)}, weights {Tuple(ws)}";
            Action[] calls =
            [
                () => Nn.SigmoidCrossEntropyWithLogits(new LossInput<float>(l, ls), new LossInput<float>(x, xs)),
                () => Nn.WeightedCrossEntropyWithLogits(new LossInput<float>(l, ls), new LossInput<float>(x, xs), new LossInput<float>(w, ws)),
                () => Nn.SoftmaxCrossEntropyWithLogits(new LossInput<float>(l, ls), new LossInput<float>(x, xs)),
                () => Nn.SparseSoftmaxCrossEntropyWithLogits(new LossInput<int>(ids, ls), new LossInput<float>(x, xs)),
                () => Nn.SparseSoftmaxCrossEntropyWithLogitsGradient(new LossInput<int>(ids, ls), new LossInput<float>(x, xs)),
                () => CompatV1.MeanSquaredError(new LossInput<float>(l, ls), new LossInput<float>(x, xs), new LossInput<float>(w, ws)),
                () => CompatV1.SoftmaxCrossEntropy(new LossInput<float>(l, ls), new LossInput<float>(x, xs), new LossInput<float>(w, ws)),
                () => CompatV1.ComputeWeightedLoss(new LossInput<float>(x, xs), new LossInput<float>(w, ws), CompatV1.Reduction.Mean),
                () => Losses.MeanAbsoluteError(new LossInput<float>(l, ls), new LossInput<float>(x, xs), LossSemantics.TfKeras2),
                () => CompatV1.HuberLoss(new LossInput<float>(l, ls), new LossInput<float>(x, xs), new LossInput<float>(w, ws), 0.5),
                () => Losses.Huber(new LossInput<float>(l, ls), new LossInput<float>(x, xs)),
                () => Losses.BinaryCrossentropy(new LossInput<float>(l, ls), new LossInput<float>(x, xs)),
            ];
            for (int c = 0; c < calls.Length; c++)
            {
                try
                {
                    calls[c]();
                }
                catch (Exception e) when (e is ArgumentException)
                {
                }
                catch (Exception e)
                {
                    Assert.Fail($"{context}, call {c}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                }
            }
        }
    }

    private static int Size(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    private static string Tuple(int[] shape) => "(" + string.Join(", ", shape) + (shape.Length == 1 ? ",)" : ")");
}
