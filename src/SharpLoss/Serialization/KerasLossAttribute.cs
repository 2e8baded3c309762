namespace SharpLoss.Serialization;

/// <summary>
/// Declares a loss class's Keras identity once: its class name, default <c>name</c>, the names <c>keras.losses.get</c>
/// resolves to it, and its own config keys in Keras's order. <see cref="LossDefinition"/> reads and writes the config
/// from this declaration: each key is the snake_case name of a constructor parameter and the PascalCase name of a
/// property (<c>from_logits</c>: parameter <c>fromLogits</c>, property <c>FromLogits</c>), so a key is declared once.
/// </summary>
/// <param name="className">The Keras class name (<c>class_name</c>).</param>
/// <param name="defaultName">The loss's default <c>name</c>.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class KerasLossAttribute(string className, string defaultName) : Attribute
{
    /// <summary>The Keras class name.</summary>
    public string ClassName { get; } = className;

    /// <summary>The default <c>name</c> of an instance.</summary>
    public string DefaultName { get; } = defaultName;

    /// <summary>
    /// The Keras 3 config keys after <c>name</c> and <c>reduction</c>, space-separated, in Keras's order. A key ending in
    /// <c>?</c> is written only when its value differs from the constructor's default.
    /// </summary>
    public string Keys { get; init; } = string.Empty;

    /// <summary>The tf.keras 2 config keys after <c>reduction</c> and <c>name</c>, in tf.keras's order; null: as <see cref="Keys"/>.</summary>
    public string? TfKeras2Keys { get; init; }

    /// <summary>The function name and aliases Keras 3's <c>get</c> resolves to the class (space-separated).</summary>
    public string Names { get; init; } = string.Empty;

    /// <summary>Whether <c>keras.losses.get</c> resolves the class name; false for a class that only a full
    /// <c>{"module": "keras.losses", …}</c> config deserializes (CategoricalGeneralizedCrossEntropy, SPEC E.1).</summary>
    public bool Gettable { get; init; } = true;

    /// <summary>
    /// The TensorFlow module of a function object (<c>"tf.nn"</c> or <c>"tf.compat.v1.losses"</c>), or null for a Keras
    /// class. A function's config holds its own arguments only (no name; <c>reduction</c> is a v1 reduction string when
    /// declared), and <c>get</c> resolves it by its qualified name, e.g. <c>"tf.nn.log_poisson_loss"</c>.
    /// </summary>
    public string? Module { get; init; }

    /// <summary>Names only tf.keras 2's <c>get</c> resolves (space-separated).</summary>
    public string TfKeras2Names { get; init; } = string.Empty;
}
