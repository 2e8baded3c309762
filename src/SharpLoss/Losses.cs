using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Internals;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>
/// Look-up and deserialization of losses by Keras name or config (<c>keras.losses.get</c>,
/// <c>keras.losses.deserialize</c>), and the Keras function forms, which return the unreduced per-sample loss.
/// </summary>
public static class Losses
{
    /// <summary>
    /// Every name <see cref="Get(string, LossSemantics)"/> accepts under Keras 3: class names, function names and aliases.
    /// tf.keras 2 semantics also accept <c>"huber_loss"</c> (see <see cref="TfKeras2Names"/>).
    /// </summary>
    public static IReadOnlyList<string> Names => Catalog.Names;

    /// <summary>Every name <see cref="Get(string, LossSemantics)"/> accepts under tf.keras 2: <see cref="Names"/> and the
    /// aliases only tf.keras 2's <c>get</c> resolves (<c>"huber_loss"</c>).</summary>
    public static IReadOnlyList<string> TfKeras2Names => Catalog.TfKeras2Names;

    /// <summary>
    /// <c>keras.losses.get(name)</c>: a class name, function name or alias (<c>"bce"</c>, <c>"mse"</c>, <c>"mae"</c>, …)
    /// gives a new instance of the class with its default configuration. Under <see cref="LossSemantics.TfKeras2"/> the
    /// tf.keras 2 aliases resolve too (<c>"huber_loss"</c>, which Keras 3 rejects).
    /// </summary>
    /// <param name="identifier">The name (case-sensitive, as in Keras).</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x.</param>
    /// <returns>A new loss.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="identifier"/> is null.</exception>
    /// <exception cref="ArgumentException">The name is unknown.</exception>
    public static Loss Get(string identifier, LossSemantics semantics = LossSemantics.Keras3)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        string? cls = Catalog.Resolve(identifier, semantics)
            ?? throw new ArgumentException($"Could not interpret loss identifier: '{identifier}'. Expected one of: {string.Join(", ", Catalog.NamesFor(semantics))}.", nameof(identifier));
        return Catalog.FromConfig(cls, [], semantics);
    }

    /// <summary><c>Loss.from_config</c> for a class given by name.</summary>
    /// <param name="className">The Keras class name, e.g. <c>"BinaryCrossentropy"</c>.</param>
    /// <param name="config">The config (missing keys take their defaults; unknown keys throw).</param>
    /// <param name="semantics">The semantics; by default tf.keras 2 when the config's reduction is <c>"auto"</c>, else Keras 3.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">The class is unknown, or the config has an unknown key or invalid value.</exception>
    public static Loss FromConfig(string className, IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null) =>
        Catalog.FromConfig(className, config, semantics);

    /// <summary>
    /// <c>keras.losses.deserialize</c> from JSON: the Keras 3 envelope <c>{"module": "keras.losses", "class_name": …,
    /// "config": {…}, "registered_name": null}</c>; the tf.keras 2 formats (legacy <c>{"class_name": …, "config": {…}}</c>,
    /// or any config whose reduction is <c>"auto"</c>), which select <see cref="LossSemantics.TfKeras2"/>; a function
    /// envelope (<c>"class_name": "function"</c>), a <c>LossFunctionWrapper</c>; or a bare JSON string naming a loss.
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="ArgumentException">The JSON is malformed or names an unknown loss, key or value.</exception>
    public static Loss FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return FromValue(JsonParser.Parse(json, nameof(json)));
    }

    private static Loss FromValue(object? root)
    {
        if (root is string name)
        {
            return Get(name, LossSemantics.TfKeras2);
        }

        if (root is not OrderedDictionary<string, object?> envelope)
        {
            throw new ArgumentException($"Could not interpret loss identifier: expected a JSON object or string. Received: {root ?? "null"}.", "json");
        }

        if (!envelope.TryGetValue("class_name", out object? classValue) || classValue is not string className)
        {
            throw new ArgumentException($"Unknown `config` as a `dict`: a \"class_name\" string is required. Received: {JsonFormat.Object(envelope)}.", "json");
        }

        bool hasModule = envelope.TryGetValue("module", out object? module);
        if (hasModule && module is null)
        {
            throw new ArgumentException($"Cannot deserialize object of type `{className}`: its \"module\" is null (a custom class). Received: {JsonFormat.Object(envelope)}.", "json");
        }

        envelope.TryGetValue("config", out object? configValue);
        if (className == "function")
        {
            return configValue is string fn
                ? Get(fn)
                : throw new ArgumentException($"A function envelope needs its name as \"config\". Received: {JsonFormat.Object(envelope)}.", "json");
        }

        if (configValue is not (null or OrderedDictionary<string, object?>))
        {
            throw new ArgumentException($"Expected \"config\" to be a JSON object. Received: {configValue}.", "json");
        }

        var config = configValue as OrderedDictionary<string, object?> ?? [];
        LossSemantics semantics = !hasModule || ConfigReader.LooksTfKeras2(config) ? LossSemantics.TfKeras2 : LossSemantics.Keras3;

        if (className == "LossFunctionWrapper")
        {
            return FromWrapper(config, semantics);
        }

        if (!Catalog.IsClass(className))
        {
            throw new ArgumentException($"Unknown loss class '{className}'. Expected one of: {string.Join(", ", Catalog.Names.Where(Catalog.IsClass))}.", "json");
        }

        return Catalog.FromConfig(className, config, semantics);
    }

    private static Loss FromWrapper(OrderedDictionary<string, object?> config, LossSemantics semantics)
    {
        string? fn = null;
        var rest = new List<KeyValuePair<string, object?>>();
        foreach (KeyValuePair<string, object?> kv in config)
        {
            if (kv.Key == "fn")
            {
                fn = kv.Value switch
                {
                    string s => s,
                    OrderedDictionary<string, object?> d when d.TryGetValue("config", out object? name) => name as string,
                    _ => null,
                };
            }
            else
            {
                rest.Add(kv);
            }
        }

        string cls = (fn is null ? null : Catalog.Resolve(fn, semantics))
            ?? throw new ArgumentException($"A LossFunctionWrapper config needs \"fn\" naming a known loss function. Received: fn={fn ?? "null"}.", "json");
        return Catalog.FromConfig(cls, rest, semantics);
    }

    // ---- Function forms: keras.losses.<name>(y_true, y_pred, ...) -> unreduced per-sample loss ----

    /// <summary><c>keras.losses.binary_crossentropy</c>: the unreduced per-sample loss (mean over <paramref name="axis"/>).</summary>
    /// <param name="yTrue">Labels; same shape as <paramref name="yPred"/>.</param>
    /// <param name="yPred">Probabilities or logits.</param>
    /// <param name="fromLogits">Whether <paramref name="yPred"/> holds logits.</param>
    /// <param name="labelSmoothing">In [0, 1], toward 0.5.</param>
    /// <param name="axis">The axis averaged over.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x numbers.</param>
    /// <returns>The per-sample losses (shape of <paramref name="yPred"/> without <paramref name="axis"/>; a scalar comes back as shape [1]).</returns>
    /// <exception cref="ArgumentException">The shapes differ or an argument is out of range.</exception>
    public static Tensor<float> BinaryCrossentropy(LossInput<float> yTrue, LossInput<float> yPred, bool fromLogits = false, double labelSmoothing = 0, int axis = -1, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.BinaryCrossentropy(fromLogits, labelSmoothing, axis, Reduction.None, null, semantics), yTrue, yPred);

    /// <inheritdoc cref="BinaryCrossentropy(LossInput{float}, LossInput{float}, bool, double, int, LossSemantics)"/>
    public static Tensor<double> BinaryCrossentropy(LossInput<double> yTrue, LossInput<double> yPred, bool fromLogits = false, double labelSmoothing = 0, int axis = -1, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.BinaryCrossentropy(fromLogits, labelSmoothing, axis, Reduction.None, null, semantics), yTrue, yPred);

    /// <summary><c>keras.losses.categorical_crossentropy</c>: the unreduced per-sample loss.</summary>
    /// <param name="yTrue">One-hot or soft labels; same shape as <paramref name="yPred"/>.</param>
    /// <param name="yPred">Probabilities or logits.</param>
    /// <param name="fromLogits">Whether <paramref name="yPred"/> holds logits.</param>
    /// <param name="labelSmoothing">In [0, 1], toward 1/K.</param>
    /// <param name="axis">The class axis.</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x.</param>
    /// <returns>The per-sample losses (shape of <paramref name="yPred"/> without <paramref name="axis"/>).</returns>
    /// <exception cref="ArgumentException">The shapes differ or an argument is out of range.</exception>
    public static Tensor<float> CategoricalCrossentropy(LossInput<float> yTrue, LossInput<float> yPred, bool fromLogits = false, double labelSmoothing = 0, int axis = -1, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.CategoricalCrossentropy(fromLogits, labelSmoothing, axis, Reduction.None, null, semantics), yTrue, yPred);

    /// <inheritdoc cref="CategoricalCrossentropy(LossInput{float}, LossInput{float}, bool, double, int, LossSemantics)"/>
    public static Tensor<double> CategoricalCrossentropy(LossInput<double> yTrue, LossInput<double> yPred, bool fromLogits = false, double labelSmoothing = 0, int axis = -1, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.CategoricalCrossentropy(fromLogits, labelSmoothing, axis, Reduction.None, null, semantics), yTrue, yPred);

    /// <summary><c>keras.losses.sparse_categorical_crossentropy</c>: the unreduced per-sample loss; ignored entries give 0.</summary>
    /// <param name="yTrue">Class ids (one per sample; a trailing size-1 axis is squeezed).</param>
    /// <param name="yPred">Probabilities or logits, classes on the last axis.</param>
    /// <param name="fromLogits">Whether <paramref name="yPred"/> holds logits.</param>
    /// <param name="ignoreClass">A class id to ignore, or null.</param>
    /// <param name="axis">-1 (or the last index).</param>
    /// <returns>The per-sample losses (shape of <paramref name="yPred"/> without its last axis).</returns>
    /// <exception cref="ArgumentException">The shapes do not match or a class id is out of range.</exception>
    public static Tensor<float> SparseCategoricalCrossentropy(LossInput<int> yTrue, LossInput<float> yPred, bool fromLogits = false, int? ignoreClass = null, int axis = -1)
    {
        var a = SharpLoss.SparseCategoricalCrossentropy.Sparse(yTrue, default, LabelKind.Int32, yPred, default, default, CallMode.Tensor);
        a.Wrapper = false;
        new SharpLoss.SparseCategoricalCrossentropy(fromLogits, ignoreClass, Reduction.None, axis).Run(ref a, out Tensor<float>? t);
        return t!;
    }

    /// <inheritdoc cref="SparseCategoricalCrossentropy(LossInput{int}, LossInput{float}, bool, int?, int)"/>
    public static Tensor<double> SparseCategoricalCrossentropy(LossInput<int> yTrue, LossInput<double> yPred, bool fromLogits = false, int? ignoreClass = null, int axis = -1)
    {
        var a = SharpLoss.SparseCategoricalCrossentropy.Sparse(yTrue, default, LabelKind.Int32, yPred, default, default, CallMode.Tensor);
        a.Wrapper = false;
        new SharpLoss.SparseCategoricalCrossentropy(fromLogits, ignoreClass, Reduction.None, axis).Run(ref a, out Tensor<double>? t);
        return t!;
    }

    /// <summary><c>keras.losses.mean_squared_error</c>: mean over the last axis of (y − p)².</summary>
    /// <param name="yTrue">Targets (broadcast to <paramref name="yPred"/>'s shape).</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="semantics">Keras 3 (default; the ranks are aligned first) or tf.keras 2.x (no alignment).</param>
    /// <returns>The per-sample losses.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast.</exception>
    public static Tensor<float> MeanSquaredError(LossInput<float> yTrue, LossInput<float> yPred, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.MeanSquaredError(Reduction.None, null, semantics), yTrue, yPred);

    /// <inheritdoc cref="MeanSquaredError(LossInput{float}, LossInput{float}, LossSemantics)"/>
    public static Tensor<double> MeanSquaredError(LossInput<double> yTrue, LossInput<double> yPred, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.MeanSquaredError(Reduction.None, null, semantics), yTrue, yPred);

    /// <summary><c>keras.losses.mean_absolute_error</c>: mean over the last axis of |y − p|.</summary>
    /// <param name="yTrue">Targets (broadcast to <paramref name="yPred"/>'s shape).</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="semantics">Keras 3 (default; the ranks are aligned first) or tf.keras 2.x (no alignment).</param>
    /// <returns>The per-sample losses.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast.</exception>
    public static Tensor<float> MeanAbsoluteError(LossInput<float> yTrue, LossInput<float> yPred, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.MeanAbsoluteError(Reduction.None, null, semantics), yTrue, yPred);

    /// <inheritdoc cref="MeanAbsoluteError(LossInput{float}, LossInput{float}, LossSemantics)"/>
    public static Tensor<double> MeanAbsoluteError(LossInput<double> yTrue, LossInput<double> yPred, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.MeanAbsoluteError(Reduction.None, null, semantics), yTrue, yPred);

    /// <summary><c>keras.losses.huber</c>: mean over the last axis of ½·e² where |e| ≤ δ, δ·|e| − ½·δ² elsewhere (e = p − y).</summary>
    /// <param name="yTrue">Targets (broadcast to <paramref name="yPred"/>'s shape).</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="delta">δ: a finite number ≥ 0; default 1.</param>
    /// <param name="semantics">Keras 3 (default; the ranks are aligned first) or tf.keras 2.x (no alignment; no cast to
    /// floatx either, see <see cref="SharpLoss.Huber"/>).</param>
    /// <returns>The per-sample losses.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is NaN, negative or infinite.</exception>
    /// <exception cref="ArgumentException">The shapes do not broadcast.</exception>
    public static Tensor<float> Huber(LossInput<float> yTrue, LossInput<float> yPred, double delta = 1.0, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.Huber(delta, Reduction.None, null, semantics), yTrue, yPred);

    /// <inheritdoc cref="Huber(LossInput{float}, LossInput{float}, double, LossSemantics)"/>
    public static Tensor<double> Huber(LossInput<double> yTrue, LossInput<double> yPred, double delta = 1.0, LossSemantics semantics = LossSemantics.Keras3) =>
        Unreduced(new SharpLoss.Huber(delta, Reduction.None, null, semantics), yTrue, yPred);

    internal static Tensor<T> Unreduced<T>(Loss loss, LossInput<T> yTrue, LossInput<T> yPred)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = new CallArgs<T> { YTrue = yTrue, YPred = yPred, Mode = CallMode.Tensor, Wrapper = false };
        loss.Run(ref a, out Tensor<T>? t);
        return t!;
    }
}
