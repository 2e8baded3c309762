using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;
using SharpLoss.Internals;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>
/// The base of every SharpLoss loss: a Keras loss object. It owns the pipeline shared by all losses
/// (rank alignment of y_true and y_pred, per-sample losses, sample weights and masks, the
/// <see cref="SharpLoss.Reduction"/>), the analytic gradient with respect to <c>yPred</c>, and the Keras
/// configuration. Concrete losses supply only their options and kernel.
/// </summary>
/// <remarks>
/// <para>Loss objects are immutable and safe to share across threads.</para>
/// <para>Precision follows the element type: <see cref="float"/> inputs compute in float32 (as Keras does by
/// default), <see cref="double"/> inputs in float64. Sums accumulate in double and are deterministic.</para>
/// <para>Arguments are always <c>(yTrue, yPred, sampleWeight, mask)</c>. <c>sampleWeight</c> may be absent,
/// a scalar, per-sample, per-timestep or per-element, and is aligned with the per-sample losses by the rules of
/// the instance's <see cref="Semantics"/>. <c>mask</c> plays the role of Keras's <c>y_pred._keras_mask</c>.</para>
/// <para>Gradients follow TensorFlow's autodiff conventions: zero where a clip is active, sign(0) = 0.</para>
/// </remarks>
public abstract partial class Loss
{
    /// <summary>Sets the name, reduction and semantics.</summary>
    /// <param name="name">The name, or null for the default.</param>
    /// <param name="reduction">The reduction, or null for the semantics' default.</param>
    /// <param name="semantics">Keras 3 or tf.keras 2.</param>
    /// <param name="defaultName">The default name; null: the one the class's <see cref="KerasLossAttribute"/> declares.</param>
    private protected Loss(string? name, Reduction? reduction, LossSemantics semantics, string? defaultName = null)
    {
        if (semantics is not (LossSemantics.Keras3 or LossSemantics.TfKeras2))
        {
            throw new ArgumentOutOfRangeException(nameof(semantics), semantics, $"Expected LossSemantics.Keras3 or LossSemantics.TfKeras2. Received: {(int)semantics}.");
        }

        Semantics = semantics;
        Reduction = ValidateReduction(reduction ?? (semantics == LossSemantics.TfKeras2 ? Reduction.Auto : Reduction.SumOverBatchSize), semantics);
        Name = name ?? defaultName ?? (LossDefinition.IsCustom(GetType()) ? LossDefinition.SnakeCase(GetType().Name) : Definition.DefaultName);
    }

    /// <summary>The loss's name (Keras <c>name</c>).</summary>
    public string Name { get; }

    /// <summary>The reduction applied by <see cref="Compute(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>.</summary>
    public Reduction Reduction { get; }

    /// <summary>Whether this instance reproduces Keras 3 or tf.keras 2.x.</summary>
    public LossSemantics Semantics { get; }

    /// <summary>
    /// The most cores one call may use; 0 or less (the default) means all of them. Inputs smaller than four chunks of
    /// 16 Ki elements always stay on the calling thread. Results are bit-identical for any value. Not part of the config.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>The Keras class name (<c>class_name</c> in configs), e.g. <c>"BinaryCrossentropy"</c>.</summary>
    public virtual string ClassName => Definition.ClassName;

    /// <summary>Computes the reduced loss.</summary>
    /// <param name="yTrue">Ground truth.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="sampleWeight">Optional weights: a scalar, or a tensor that broadcasts to the per-sample losses.</param>
    /// <param name="mask">Optional mask over the per-sample losses (Keras's <c>y_pred._keras_mask</c>).</param>
    /// <returns>The reduced loss. Under Keras 3, weighted values of shape () are returned as they are, and values of
    /// shape (0,) (an empty batch) give 0 here (Keras returns the empty tensor; see <see cref="Call(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>).</returns>
    /// <exception cref="ArgumentException">A shape, rank, class id or weight is invalid (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The reduction is <see cref="Reduction.None"/>; use <c>Call</c>.</exception>
    public float Compute(LossInput<float> yTrue, LossInput<float> yPred, LossInput<float> sampleWeight = default, LossInput<bool> mask = default)
    {
        var a = Args(yTrue, yPred, sampleWeight, mask, CallMode.Value);
        return Run(ref a, out _);
    }

    /// <inheritdoc cref="Compute(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    public double Compute(LossInput<double> yTrue, LossInput<double> yPred, LossInput<double> sampleWeight = default, LossInput<bool> mask = default)
    {
        var a = Args(yTrue, yPred, sampleWeight, mask, CallMode.Value);
        return Run(ref a, out _);
    }

    /// <summary>Keras's <c>loss(y_true, y_pred, sample_weight)</c> as a tensor.</summary>
    /// <param name="yTrue">Ground truth.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="sampleWeight">Optional weights.</param>
    /// <param name="mask">Optional mask over the per-sample losses.</param>
    /// <returns>With <see cref="Reduction.None"/>, the weighted per-sample losses in their Keras shape; otherwise the
    /// reduced value. System.Numerics.Tensors has no rank-0 tensor, so a scalar result has shape [1].</returns>
    /// <exception cref="ArgumentException">A shape, rank, class id or weight is invalid (the message names it).</exception>
    public Tensor<float> Call(LossInput<float> yTrue, LossInput<float> yPred, LossInput<float> sampleWeight = default, LossInput<bool> mask = default)
    {
        var a = Args(yTrue, yPred, sampleWeight, mask, CallMode.Tensor);
        Run(ref a, out Tensor<float>? t);
        return t!;
    }

    /// <inheritdoc cref="Call(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    public Tensor<double> Call(LossInput<double> yTrue, LossInput<double> yPred, LossInput<double> sampleWeight = default, LossInput<bool> mask = default)
    {
        var a = Args(yTrue, yPred, sampleWeight, mask, CallMode.Tensor);
        Run(ref a, out Tensor<double>? t);
        return t!;
    }

    /// <summary>The reduced loss and its gradient with respect to <paramref name="yPred"/>, in one fused pass.</summary>
    /// <param name="yTrue">Ground truth.</param>
    /// <param name="yPred">Predictions (logits when the loss is built with <c>fromLogits: true</c>).</param>
    /// <param name="sampleWeight">Optional weights.</param>
    /// <param name="mask">Optional mask over the per-sample losses.</param>
    /// <returns>The value and a gradient tensor with <paramref name="yPred"/>'s shape.</returns>
    /// <exception cref="ArgumentException">A shape, rank, class id or weight is invalid (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The reduction is <see cref="Reduction.None"/>; use <c>Backward</c>.</exception>
    public (float Value, Tensor<float> Gradient) ValueAndGradient(LossInput<float> yTrue, LossInput<float> yPred, LossInput<float> sampleWeight = default, LossInput<bool> mask = default)
    {
        var grad = new float[yPred.Kind == InputKind.Tensor ? yPred.Data.Length : 0];
        var a = Args(yTrue, yPred, sampleWeight, mask, CallMode.ValueAndGradient);
        a.Gradient = grad;
        float v = Run(ref a, out _);
        return (v, Tensor.Create(grad, yPred.Shape.TensorLengths()));
    }

    /// <inheritdoc cref="ValueAndGradient(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    public (double Value, Tensor<double> Gradient) ValueAndGradient(LossInput<double> yTrue, LossInput<double> yPred, LossInput<double> sampleWeight = default, LossInput<bool> mask = default)
    {
        var grad = new double[yPred.Kind == InputKind.Tensor ? yPred.Data.Length : 0];
        var a = Args(yTrue, yPred, sampleWeight, mask, CallMode.ValueAndGradient);
        a.Gradient = grad;
        double v = Run(ref a, out _);
        return (v, Tensor.Create(grad, yPred.Shape.TensorLengths()));
    }

    /// <summary>The reduced loss, writing its gradient with respect to <paramref name="yPred"/> into a caller's buffer
    /// (row-major, <paramref name="yPred"/>'s size). Allocation-free for dense inputs.</summary>
    /// <remarks>The buffer may be <paramref name="yPred"/>'s own memory (the same start and length): the predictions are
    /// then overwritten by the gradient, and the value and gradient are bit for bit those of a separate buffer, which
    /// saves a buffer the size of the predictions (a vocabulary-sized softmax, say). A buffer that overlaps
    /// <paramref name="yPred"/> only in part, or overlaps another argument, is not supported.</remarks>
    /// <param name="yTrue">Ground truth.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="gradient">Receives ∂loss/∂yPred.</param>
    /// <param name="sampleWeight">Optional weights.</param>
    /// <param name="mask">Optional mask over the per-sample losses.</param>
    /// <returns>The reduced loss.</returns>
    /// <exception cref="ArgumentException">A shape, rank, class id, weight or the buffer's size is invalid.</exception>
    /// <exception cref="InvalidOperationException">The reduction is <see cref="Reduction.None"/>.</exception>
    public float ValueAndGradientInto(LossInput<float> yTrue, LossInput<float> yPred, Span<float> gradient, LossInput<float> sampleWeight = default, LossInput<bool> mask = default)
    {
        var a = Args(yTrue, yPred, sampleWeight, mask, CallMode.ValueAndGradient);
        a.Gradient = gradient;
        return Run(ref a, out _);
    }

    /// <inheritdoc cref="ValueAndGradientInto(LossInput{float}, LossInput{float}, Span{float}, LossInput{float}, LossInput{bool})"/>
    public double ValueAndGradientInto(LossInput<double> yTrue, LossInput<double> yPred, Span<double> gradient, LossInput<double> sampleWeight = default, LossInput<bool> mask = default)
    {
        var a = Args(yTrue, yPred, sampleWeight, mask, CallMode.ValueAndGradient);
        a.Gradient = gradient;
        return Run(ref a, out _);
    }

    /// <summary>
    /// Vector-Jacobian product: the gradient of Σ(upstream · result) with respect to <paramref name="yPred"/>, where
    /// result is what <c>Call</c> returns. With <see cref="Reduction.None"/>, <paramref name="upstream"/> has the
    /// shape of the weighted per-sample losses; otherwise it is a scalar.
    /// </summary>
    /// <param name="yTrue">Ground truth.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="upstream">∂(something)/∂result.</param>
    /// <param name="sampleWeight">Optional weights.</param>
    /// <param name="mask">Optional mask over the per-sample losses.</param>
    /// <returns>A tensor with <paramref name="yPred"/>'s shape.</returns>
    /// <exception cref="ArgumentException">A shape, rank, class id or weight is invalid (the message names it).</exception>
    public Tensor<float> Backward(LossInput<float> yTrue, LossInput<float> yPred, LossInput<float> upstream, LossInput<float> sampleWeight = default, LossInput<bool> mask = default)
    {
        var grad = new float[yPred.Kind == InputKind.Tensor ? yPred.Data.Length : 0];
        BackwardInto(yTrue, yPred, upstream, grad, sampleWeight, mask);
        return Tensor.Create(grad, yPred.Shape.TensorLengths());
    }

    /// <inheritdoc cref="Backward(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    public Tensor<double> Backward(LossInput<double> yTrue, LossInput<double> yPred, LossInput<double> upstream, LossInput<double> sampleWeight = default, LossInput<bool> mask = default)
    {
        var grad = new double[yPred.Kind == InputKind.Tensor ? yPred.Data.Length : 0];
        BackwardInto(yTrue, yPred, upstream, grad, sampleWeight, mask);
        return Tensor.Create(grad, yPred.Shape.TensorLengths());
    }

    /// <summary>The vector-Jacobian product of <see cref="Backward(LossInput{float}, LossInput{float}, LossInput{float}, LossInput{float}, LossInput{bool})"/>
    /// written into a caller's buffer.</summary>
    /// <remarks>As for <see cref="ValueAndGradientInto(LossInput{float}, LossInput{float}, Span{float}, LossInput{float}, LossInput{bool})"/>,
    /// the buffer may be <paramref name="yPred"/>'s own memory.</remarks>
    /// <param name="yTrue">Ground truth.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="upstream">∂(something)/∂result.</param>
    /// <param name="gradient">Receives the product (yPred's size).</param>
    /// <param name="sampleWeight">Optional weights.</param>
    /// <param name="mask">Optional mask over the per-sample losses.</param>
    /// <exception cref="ArgumentException">A shape, rank, class id, weight or the buffer's size is invalid.</exception>
    public void BackwardInto(LossInput<float> yTrue, LossInput<float> yPred, LossInput<float> upstream, Span<float> gradient, LossInput<float> sampleWeight = default, LossInput<bool> mask = default)
    {
        var a = Args(yTrue, yPred, sampleWeight, mask, CallMode.Backward);
        a.Upstream = upstream;
        a.Gradient = gradient;
        Run(ref a, out _);
    }

    /// <inheritdoc cref="BackwardInto(LossInput{float}, LossInput{float}, LossInput{float}, Span{float}, LossInput{float}, LossInput{bool})"/>
    public void BackwardInto(LossInput<double> yTrue, LossInput<double> yPred, LossInput<double> upstream, Span<double> gradient, LossInput<double> sampleWeight = default, LossInput<bool> mask = default)
    {
        var a = Args(yTrue, yPred, sampleWeight, mask, CallMode.Backward);
        a.Upstream = upstream;
        a.Gradient = gradient;
        Run(ref a, out _);
    }

    /// <summary>The Keras configuration: Keras's keys in Keras's order (<c>name</c>, <c>reduction</c>, then the
    /// loss's own keys under Keras 3; <c>reduction</c>, <c>name</c>, … under tf.keras 2).</summary>
    /// <returns>A new ordered dictionary of JSON-compatible values (string, bool, double, int, null).</returns>
    public OrderedDictionary<string, object?> GetConfig()
    {
        var w = new ConfigWriter(Semantics);
        if (this is TfFunction)
        {
            // A TensorFlow function's config holds its own arguments only.
        }
        else if (Semantics == LossSemantics.Keras3)
        {
            w.Add("name", Name);
            w.Add("reduction", ReductionName(Reduction));
        }
        else
        {
            w.Add("reduction", ReductionName(Reduction));
            w.Add("name", Name);
        }

        WriteConfig(w);
        return w.Config;
    }

    /// <summary>
    /// Serializes the loss as Keras does: the Keras 3 envelope
    /// <c>{"module": "keras.losses", "class_name": …, "config": {…}, "registered_name": null}</c> for a Keras 3
    /// instance, the tf.keras 2 legacy format <c>{"class_name": …, "config": {…}}</c> for a tf.keras 2 instance.
    /// <see cref="Losses.FromJson(string)"/> reads either back exactly.
    /// </summary>
    /// <returns>JSON text, formatted as Python's <c>json.dumps</c>.</returns>
    /// <remarks>A custom loss (<see cref="ElementwiseLoss"/>, <see cref="RowLoss"/>) is written as Keras writes a class
    /// registered with <c>register_keras_serializable</c>: <c>"module"</c> is its namespace (Keras writes the Python module)
    /// and <c>"registered_name"</c> the name given to <see cref="Losses.Register{TLoss}"/> (<c>"package&gt;Name"</c>), or
    /// the class name when it is not registered; tf.keras 2's legacy format puts the registered name in
    /// <c>"class_name"</c>. <see cref="Losses.FromJson(string)"/> reads it back once the class is registered.</remarks>
    public string ToJson()
    {
        bool legacy = Semantics == LossSemantics.TfKeras2;
        if (this is TfFunction)
        {
            return JsonFormat.Envelope(ClassName, GetConfig(), legacy: false, Definition.Module!);
        }

        if (!LossDefinition.IsCustom(GetType()))
        {
            return JsonFormat.Envelope(ClassName, GetConfig(), legacy);
        }

        string registered = Catalog.RegisteredNameOf(GetType()) ?? ClassName;
        return JsonFormat.Envelope(legacy ? registered : ClassName, GetConfig(), legacy, GetType().Namespace ?? string.Empty, registered);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{ClassName}({JsonFormat.Object(GetConfig())})";

    /// <summary>Writes the loss's own config keys (after name and reduction), as its <see cref="KerasLossAttribute"/> declares them.</summary>
    private protected virtual void WriteConfig(ConfigWriter writer) => Definition.Write(writer, this);

    /// <summary>The class's declaration. Every loss class is listed in the catalogue, which keeps the constructors and
    /// properties the declaration reads (see <see cref="LossDefinition.Of{TLoss}"/>).</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Loss classes are rooted with their members by Catalog's LossDefinition.Of<TLoss>().")]
    private LossDefinition Definition => LossDefinition.Of(GetType());

    internal static string ReductionName(Reduction reduction) => reduction switch
    {
        Reduction.None => "none",
        Reduction.Sum => "sum",
        Reduction.SumOverBatchSize => "sum_over_batch_size",
        Reduction.Mean => "mean",
        Reduction.MeanWithSampleWeight => "mean_with_sample_weight",
        Reduction.Auto => "auto",
        _ => ((int)reduction).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static Reduction ValidateReduction(Reduction reduction, LossSemantics semantics)
    {
        if (!Enum.IsDefined(reduction))
        {
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, $"Invalid value for argument `reduction`. Expected a defined SharpLoss.Reduction. Received: {(int)reduction}.");
        }

        if (semantics == LossSemantics.Keras3 && reduction == Reduction.Auto)
        {
            throw new ArgumentException(
                "Invalid value for argument `reduction`. Expected one of {'sum_over_batch_size', 'sum', 'mean', 'mean_with_sample_weight', 'none', None} " +
                "(Keras 3). Received: reduction=auto. 'auto' is the tf.keras 2.x default: use LossSemantics.TfKeras2.", nameof(reduction));
        }

        if (semantics == LossSemantics.TfKeras2 && reduction is Reduction.Mean or Reduction.MeanWithSampleWeight)
        {
            throw new ArgumentException(
                $"Invalid Reduction Key: {ReductionName(reduction)}. Expected keys are \"('auto', 'none', 'sum', 'sum_over_batch_size')\" (tf.keras 2.x).", nameof(reduction));
        }

        return reduction;
    }

    private static CallArgs<T> Args<T>(LossInput<T> yTrue, LossInput<T> yPred, LossInput<T> sampleWeight, LossInput<bool> mask, CallMode mode)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => new()
        {
            YTrue = yTrue,
            YPred = yPred,
            SampleWeight = sampleWeight,
            Mask = mask,
            Mode = mode,
            Wrapper = true,
        };
}
