using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <content>Registration of custom losses, as Keras's <c>register_keras_serializable</c>.</content>
public static partial class Losses
{
    /// <summary>The names registered with <see cref="Register{TLoss}"/> (<c>"package&gt;Name"</c>), sorted.</summary>
    public static IReadOnlyList<string> RegisteredNames => Catalog.CustomNames;

    /// <summary>
    /// Registers a custom loss class under <c>"<paramref name="package"/>&gt;<paramref name="name"/>"</c>, as Keras's
    /// <c>@keras.saving.register_keras_serializable(package, name)</c> does: then <see cref="Get(string, LossSemantics)"/>
    /// resolves that name to a default instance, <see cref="Loss.ToJson"/> writes it as <c>"registered_name"</c>, and
    /// <see cref="FromJson(string)"/> reads such JSON back (the Keras 3 envelope, or tf.keras 2's legacy one).
    /// </summary>
    /// <remarks>
    /// <para>Thread-safe. A class is registered once, and a name taken once; there is no way to unregister. Built-in names
    /// cannot be overridden: a <paramref name="name"/> that is a built-in class name, function name or alias is refused.</para>
    /// <para>The class's public constructor with the most parameters defines its config (see <see cref="ElementwiseLoss"/>):
    /// it must take <c>reduction</c> and <c>name</c>, and every parameter needs a default value, since <c>Get</c> builds
    /// the loss with none.</para>
    /// </remarks>
    /// <typeparam name="TLoss">A concrete subclass of <see cref="ElementwiseLoss"/> or <see cref="RowLoss"/>.</typeparam>
    /// <param name="package">The package part of the registered name (Keras's default, <c>"Custom"</c>); no <c>'&gt;'</c>.</param>
    /// <param name="name">The name part; null for the class name. No <c>'&gt;'</c>.</param>
    /// <returns>The registered name, <c>"package&gt;Name"</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="package"/> is null.</exception>
    /// <exception cref="ArgumentException">The class is not a concrete custom loss, its constructor does not define a config,
    /// it is already registered, the name is empty, holds <c>'&gt;'</c>, is a built-in name or is taken.</exception>
    public static string Register<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties)] TLoss>(
        string package = "Custom", string? name = null)
        where TLoss : Loss
    {
        ArgumentNullException.ThrowIfNull(package);
        Type type = typeof(TLoss);
        name ??= type.Name;
        CheckPart(package, nameof(package));
        CheckPart(name, nameof(name));
        if (type.IsAbstract)
        {
            throw new ArgumentException($"Expected a concrete loss class. Received: {type.Name}, which is abstract.", nameof(TLoss));
        }

        if (!LossDefinition.IsCustom(type))
        {
            throw new ArgumentException(
                $"Expected a subclass of ElementwiseLoss or RowLoss. Received: {type.Name}, a built-in loss (built-in losses are registered already and cannot be overridden).",
                nameof(TLoss));
        }

        if (Catalog.IsClass(name) || Catalog.Resolve(name, LossSemantics.TfKeras2) is not null)
        {
            throw new ArgumentException($"Expected a name that is not a built-in loss name (built-in names cannot be overridden). Received: name='{name}'.", nameof(name));
        }

        LossDefinition definition;
        try
        {
            definition = LossDefinition.Of(type);
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException($"Expected {type.Name} to define its config by its constructor. Received: {e.Message}", nameof(TLoss), e);
        }

        CheckConstructor(type, definition.Constructor);
        return Catalog.Register(definition, package, name);
    }

    private static void CheckPart(string part, string paramName)
    {
        if (part.Length == 0 || part.Contains('>', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Expected a non-empty `{paramName}` without '>'. Received: {paramName}='{part}'.", paramName);
        }
    }

    private static void CheckConstructor(Type type, ConstructorInfo constructor)
    {
        ParameterInfo[] parameters = constructor.GetParameters();
        foreach (string required in (string[])["reduction", "name"])
        {
            if (!Array.Exists(parameters, p => p.Name == required))
            {
                throw new ArgumentException(
                    $"Expected the constructor of {type.Name} to take `{required}` (it is part of every loss's config). Received: ({string.Join(", ", parameters.Select(p => p.Name))}).",
                    "TLoss");
            }
        }

        foreach (ParameterInfo p in parameters)
        {
            if (!p.HasDefaultValue)
            {
                throw new ArgumentException(
                    $"Expected every constructor parameter of {type.Name} to have a default value (Losses.Get builds the loss from no config). Received: `{p.Name}` without one.", "TLoss");
            }

            if (p.Name is "name" or "reduction" or "semantics")
            {
                continue;
            }

            Type t = p.ParameterType;
            if (t != typeof(double) && t != typeof(int) && t != typeof(int?) && t != typeof(bool))
            {
                throw new ArgumentException(
                    $"Expected config parameters of type double, int, int? or bool. Received: `{p.Name}` of type {t.Name} in the constructor of {type.Name}.", "TLoss");
            }
        }
    }
}
