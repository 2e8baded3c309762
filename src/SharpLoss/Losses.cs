using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Internals;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>
/// Look-up and deserialization of losses by Keras name or config (<c>keras.losses.get</c>,
/// <c>keras.losses.deserialize</c>), and the Keras function forms, which return the unreduced per-sample loss.
/// </summary>
public static partial class Losses
{
    /// <summary>
    /// Every name <see cref="Get(string, LossSemantics)"/> accepts under Keras 3: class names, function names and aliases, and
    /// the qualified names of the <c>tf.nn</c> and <c>tf.compat.v1.losses</c> function objects (<c>"tf.nn.log_poisson_loss"</c>, …).
    /// tf.keras 2 semantics also accept <c>"huber_loss"</c>, <c>"logcosh"</c> and <c>"kullback_leibler_divergence"</c> (see
    /// <see cref="TfKeras2Names"/>).
    /// </summary>
    public static IReadOnlyList<string> Names => Catalog.Names;

    /// <summary>Every name <see cref="Get(string, LossSemantics)"/> accepts under tf.keras 2: <see cref="Names"/> and the
    /// aliases only tf.keras 2's <c>get</c> resolves (<c>"huber_loss"</c>, <c>"logcosh"</c>, <c>"kullback_leibler_divergence"</c>).</summary>
    public static IReadOnlyList<string> TfKeras2Names => Catalog.TfKeras2Names;

    /// <summary>
    /// <c>keras.losses.get(name)</c>: a class name, function name or alias (<c>"bce"</c>, <c>"mse"</c>, <c>"mae"</c>, …)
    /// gives a new instance of the class with its default configuration. Under <see cref="LossSemantics.TfKeras2"/> the
    /// tf.keras 2 aliases resolve too (<c>"huber_loss"</c>, <c>"logcosh"</c>, <c>"kullback_leibler_divergence"</c>, which
    /// Keras 3 rejects). A qualified TensorFlow function name (<c>"tf.nn.sigmoid_cross_entropy_with_logits"</c>,
    /// <c>"tf.compat.v1.losses.log_loss"</c>, …) gives that function as a loss object with its default arguments (its
    /// <c>Call</c> and <c>Backward</c> give the static <see cref="Nn"/> / <see cref="CompatV1"/> method's numbers; v1 weights
    /// are the <c>sampleWeight</c>); a function with a required argument (<c>cosine_distance</c>'s axis, <c>pos_weight</c>)
    /// is read from its JSON envelope instead (<see cref="FromJson(string)"/>), and <c>Get</c> names the missing argument.
    /// </summary>
    /// <param name="identifier">The name (case-sensitive, as in Keras).</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.x.</param>
    /// <returns>A new loss.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="identifier"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="semantics"/> is not a <see cref="LossSemantics"/> member.</exception>
    /// <exception cref="ArgumentException">The name is unknown; the message suggests the closest known names
    /// ("Did you mean 'binary_crossentropy'?") and lists them all.</exception>
    public static Loss Get(string identifier, LossSemantics semantics = LossSemantics.Keras3)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        Catalog.CheckSemantics(semantics, nameof(semantics));
        return Catalog.Get(identifier, semantics, nameof(identifier));
    }

    /// <summary><c>Loss.from_config</c> for a class given by name.</summary>
    /// <param name="className">The Keras class name, e.g. <c>"BinaryCrossentropy"</c>.</param>
    /// <param name="config">The config (missing keys take their defaults; unknown keys throw). Values are those of
    /// <see cref="Loss.GetConfig"/>: strings, booleans, numbers (any .NET integer or floating-point type; an integral
    /// value where an integer is expected) and null.</param>
    /// <param name="semantics">The semantics; by default tf.keras 2 when the config's reduction is <c>"auto"</c>, else Keras 3.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="className"/> or <paramref name="config"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="semantics"/> is not a <see cref="LossSemantics"/> member,
    /// or a value is out of the constructor's range (the exception names the constructor's parameter).</exception>
    /// <exception cref="ArgumentException">The class is unknown (naming <paramref name="className"/>, with the closest class
    /// names), or the config has a null, duplicate or unknown key, a value of the wrong type, or a reduction the semantics
    /// rejects (<c>"auto"</c> under Keras 3), naming <paramref name="config"/>.</exception>
    public static Loss FromConfig(string className, IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics = null)
    {
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(config);
        Catalog.CheckSemantics(semantics, nameof(semantics));
        return Catalog.FromConfig(className, config, semantics);
    }

    /// <summary>
    /// <c>keras.losses.deserialize</c> from JSON, with the semantics inferred from the envelope; the same as
    /// <see cref="FromJson(string, LossSemantics?)"/> with a null semantics, whose remarks list the envelopes.
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="ArgumentException">The JSON is malformed or names an unknown loss, key or value (the exception names
    /// <paramref name="json"/>).</exception>
    public static Loss FromJson(string json) => FromJson(json, null);

    /// <summary>
    /// <c>keras.losses.deserialize</c> from JSON: the Keras 3 envelope <c>{"module": "keras.losses", "class_name": …,
    /// "config": {…}, "registered_name": null}</c>; the tf.keras 2 formats (legacy <c>{"class_name": …, "config": {…}}</c>,
    /// or any config whose reduction is <c>"auto"</c>); a function envelope (<c>"class_name": "function"</c>); a
    /// <c>LossFunctionWrapper</c>; a TensorFlow function envelope (<c>{"module": "tf.nn" | "tf.compat.v1.losses", "class_name":
    /// &lt;function name&gt;, "config": {&lt;its arguments&gt;}}</c>, e.g. <c>{"pos_weight": 1.5}</c> or <c>{"label_smoothing": 0.2,
    /// "reduction": "weighted_sum_by_nonzero_weights"}</c>); or a bare JSON string naming a loss (as Keras 3 saves
    /// <c>compile(loss="…")</c>).
    /// </summary>
    /// <remarks>
    /// <para>How the semantics is chosen when <paramref name="semantics"/> is null (SPEC 0.2 and 0.10):</para>
    /// <list type="table">
    /// <listheader><term>JSON</term><description>Semantics</description></listheader>
    /// <item><term>A bare string, e.g. <c>"binary_crossentropy"</c></term><description><see cref="LossSemantics.Keras3"/>
    /// (resolved as <see cref="Get(string, LossSemantics)"/> does).</description></item>
    /// <item><term>A class envelope with a <c>"module"</c> key</term><description><see cref="LossSemantics.Keras3"/>, unless
    /// the config's reduction is <c>"auto"</c> (tf.keras 2's new format): then <see cref="LossSemantics.TfKeras2"/>.</description></item>
    /// <item><term>A class envelope without <c>"module"</c> that has a <c>"config"</c> object (tf.keras 2's legacy
    /// format)</term><description><see cref="LossSemantics.TfKeras2"/>.</description></item>
    /// <item><term>A class envelope with neither <c>"module"</c> nor a <c>"config"</c> object (a class name only)</term>
    /// <description><see cref="LossSemantics.Keras3"/>, unless its config's reduction is <c>"auto"</c>.</description></item>
    /// <item><term>A function envelope, <c>{"class_name": "function", "config": "mean_squared_error", …}</c></term>
    /// <description><see cref="LossSemantics.Keras3"/> (the function is resolved by name).</description></item>
    /// <item><term>A <c>LossFunctionWrapper</c> envelope</term><description>As a class envelope: by its <c>"module"</c> key
    /// and its config's reduction; <c>"fn"</c> (a name or a function envelope) picks the class.</description></item>
    /// </list>
    /// <para>A non-null <paramref name="semantics"/> overrides this for every form. The config is then read with that
    /// semantics' rules: under <see cref="LossSemantics.Keras3"/> a reduction of <c>"auto"</c> is rejected (as Keras 3 rejects
    /// it), under <see cref="LossSemantics.TfKeras2"/> <c>"mean"</c> and <c>"mean_with_sample_weight"</c> are rejected, and
    /// so is a SparseCategoricalCrossentropy <c>"axis"</c> (tf.keras 2's class has none).</para>
    /// <para>The JSON must be well formed (RFC 8259, read by System.Text.Json; Python's <c>NaN</c> and <c>Infinity</c> tokens
    /// are rejected, and no valid config holds them), with no key repeated within an object and at most 64 levels of nesting. A <c>\uXXXX</c> escape of a lone surrogate is read
    /// as that UTF-16 unit, so every name <see cref="Loss.ToJson"/> writes reads back exactly. Keys other than
    /// <c>"module"</c>, <c>"class_name"</c>, <c>"config"</c> and <c>"registered_name"</c> at the top level are ignored, as
    /// Keras ignores them.</para>
    /// </remarks>
    /// <param name="json">The JSON text.</param>
    /// <param name="semantics">Null to infer the semantics from the envelope (see the remarks), or the semantics to use.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="semantics"/> is neither null nor a <see cref="LossSemantics"/> member.</exception>
    /// <exception cref="ArgumentException">The JSON is malformed (the message gives the position), has a duplicate key (the
    /// message gives the key and where), or names an unknown loss (the message suggests the closest names), key or value;
    /// every such exception names <paramref name="json"/>.</exception>
    public static Loss FromJson(string json, LossSemantics? semantics)
    {
        ArgumentNullException.ThrowIfNull(json);
        Catalog.CheckSemantics(semantics, nameof(semantics));
        return FromValue(JsonLoader.Parse(json, nameof(json)), semantics);
    }

    private static Loss FromValue(object? root, LossSemantics? semantics)
    {
        const string Param = "json";
        if (root is string name)
        {
            return Catalog.Get(name, semantics ?? LossSemantics.Keras3, Param);
        }

        if (root is not OrderedDictionary<string, object?> envelope)
        {
            throw new ArgumentException($"Could not interpret loss identifier: expected a JSON object or string. Received: {ConfigReader.Describe(root)}.", Param);
        }

        if (!envelope.TryGetValue("class_name", out object? classValue) || classValue is not string className)
        {
            throw new ArgumentException(
                $"Unknown `config` as a `dict`: a \"class_name\" string is required. Received: {(classValue is null ? "no class_name" : $"class_name={ConfigReader.Describe(classValue)}")}.", Param);
        }

        bool hasModule = envelope.TryGetValue("module", out object? module);
        envelope.TryGetValue("registered_name", out object? registeredValue);
        string? registered = registeredValue is string r && Catalog.IsRegistered(r) ? r
            : Catalog.IsRegistered(className) ? className // tf.keras 2's legacy format: the registered name as class_name
            : null;
        if (registered is not null)
        {
            // Keras looks a registered name up among the custom objects before anything else.
            envelope.TryGetValue("config", out object? customConfig);
            if (customConfig is not (null or OrderedDictionary<string, object?>))
            {
                throw new ArgumentException($"Expected \"config\" of {registered} to be a JSON object. Received: config={ConfigReader.Describe(customConfig)}.", Param);
            }

            var customPairs = customConfig as OrderedDictionary<string, object?> ?? [];
            LossSemantics customSemantics = semantics
                ?? ((!hasModule && customConfig is not null) || ConfigReader.LooksTfKeras2(customPairs) ? LossSemantics.TfKeras2 : LossSemantics.Keras3);
            return Catalog.FromRegistered(registered, customPairs, customSemantics, Param);
        }

        if (registeredValue is string unknown && unknown.Contains('>', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Cannot deserialize object of type `{className}`: no custom loss is registered as '{unknown}'. Register its class with Losses.Register<TLoss>(package, name) first." +
                (Catalog.CustomNames.Count == 0 ? string.Empty : $" Registered: {string.Join(", ", Catalog.CustomNames)}."),
                Param);
        }

        if (hasModule && module is null)
        {
            throw new ArgumentException($"Cannot deserialize object of type `{className}`: its \"module\" is null (a custom class). Register it in Keras, or give the module of a built-in loss.", Param);
        }

        if (hasModule && module is not string)
        {
            throw new ArgumentException($"Expected \"module\" to be a string. Received: module={ConfigReader.Describe(module)}.", Param);
        }

        envelope.TryGetValue("config", out object? config);
        if (className == "function")
        {
            return config is string fn
                ? Catalog.Get(fn, semantics ?? LossSemantics.Keras3, Param)
                : throw new ArgumentException($"A function envelope needs the function's name as \"config\". Received: config={ConfigReader.Describe(config)}.", Param);
        }

        if (config is not (null or OrderedDictionary<string, object?>))
        {
            throw new ArgumentException($"Expected \"config\" of {className} to be a JSON object. Received: config={ConfigReader.Describe(config)}.", Param);
        }

        var pairs = config as OrderedDictionary<string, object?> ?? [];
        LossSemantics s = semantics
            ?? ((!hasModule && config is not null) || ConfigReader.LooksTfKeras2(pairs) ? LossSemantics.TfKeras2 : LossSemantics.Keras3);

        if (module is "tf.nn" or "tf.compat.v1.losses")
        {
            // A TensorFlow function: the function's name as class_name, its arguments as config.
            return Catalog.FromConfig($"{module}.{className}", pairs, LossSemantics.Keras3, Param, Param);
        }

        return className == "LossFunctionWrapper"
            ? FromWrapper(pairs, s)
            : Catalog.FromConfig(className, pairs, s, Param, Param);
    }

    private static Loss FromWrapper(OrderedDictionary<string, object?> config, LossSemantics semantics)
    {
        const string Param = "json";
        if (!config.TryGetValue("fn", out object? fnValue))
        {
            throw new ArgumentException("A LossFunctionWrapper config needs \"fn\" naming a loss function. Received: no \"fn\".", Param);
        }

        string fn = fnValue switch
        {
            string s => s,
            OrderedDictionary<string, object?> d when d.TryGetValue("config", out object? name) && name is string s
                && (!d.TryGetValue("class_name", out object? kind) || kind is "function") => s,
            _ => throw new ArgumentException(
                $"A LossFunctionWrapper config needs \"fn\" to be a function name or a function envelope ({{\"class_name\": \"function\", \"config\": \"<name>\", …}}). Received: fn={ConfigReader.Describe(fnValue)}.",
                Param),
        };

        string cls = Catalog.Resolve(fn, semantics) ?? throw Catalog.UnknownName(fn, semantics, Param);
        return Catalog.FromConfig(cls, config.Where(kv => kv.Key != "fn").ToList(), semantics, Param, Param);
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
        var a = ClassIdLoss.Sparse(yTrue, default, LabelKind.Int32, yPred, default, default, CallMode.Tensor);
        a.Wrapper = false;
        new SharpLoss.SparseCategoricalCrossentropy(fromLogits, ignoreClass, Reduction.None, axis).Run(ref a, out Tensor<float>? t);
        return t!;
    }

    /// <inheritdoc cref="SparseCategoricalCrossentropy(LossInput{int}, LossInput{float}, bool, int?, int)"/>
    public static Tensor<double> SparseCategoricalCrossentropy(LossInput<int> yTrue, LossInput<double> yPred, bool fromLogits = false, int? ignoreClass = null, int axis = -1)
    {
        var a = ClassIdLoss.Sparse(yTrue, default, LabelKind.Int32, yPred, default, default, CallMode.Tensor);
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
