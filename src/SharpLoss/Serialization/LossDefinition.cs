using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.RegularExpressions;

namespace SharpLoss.Serialization;

/// <summary>
/// A loss class as the catalogue and the config code see it, built once per class from its <see cref="KerasLossAttribute"/>
/// and its public constructor: the Keras names, and the config keys, each tied to a constructor parameter (read) and a
/// property (written), so that reading and writing come from one declaration.
/// </summary>
internal sealed class LossDefinition
{
    private const DynamicallyAccessedMemberTypes Members = DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties;

    private static readonly ConcurrentDictionary<Type, LossDefinition> Cache = new();

    private readonly ConstructorInfo _constructor;
    private readonly ParameterInfo[] _parameters;
    private readonly Key[] _keras3;
    private readonly Key[] _tfKeras2;

    private LossDefinition([DynamicallyAccessedMembers(Members)] Type type, KerasLossAttribute a)
    {
        Type = type;
        ClassName = a.ClassName;
        Module = a.Module;
        QualifiedName = a.Module is null ? a.ClassName : $"{a.Module}.{a.ClassName}";
        DefaultName = a.DefaultName;
        Names = Split(a.Names);
        Gettable = a.Gettable;
        TfKeras2Names = Split(a.TfKeras2Names);
        _constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new InvalidOperationException($"{type.Name} has no public constructor.");
        _parameters = _constructor.GetParameters();
        _keras3 = Keys(a.Keys);
        _tfKeras2 = Keys(a.TfKeras2Keys ?? a.Keys);
    }

    /// <summary>The loss class.</summary>
    [DynamicallyAccessedMembers(Members)]
    public Type Type { get; }

    /// <summary>The Keras class name.</summary>
    public string ClassName { get; }

    /// <summary>The TensorFlow module of a function object, or null for a Keras class.</summary>
    public string? Module { get; }

    /// <summary>The catalogue's key: the class name, or for a TensorFlow function its module and name
    /// (<c>"tf.compat.v1.losses.log_loss"</c>).</summary>
    public string QualifiedName { get; }

    /// <summary>The default <c>name</c>.</summary>
    public string DefaultName { get; }

    /// <summary>The function name and aliases Keras 3's <c>get</c> resolves.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Whether <c>get</c> resolves the class name (false for a class only a full config deserializes).</summary>
    public bool Gettable { get; }

    /// <summary>The names only tf.keras 2's <c>get</c> resolves.</summary>
    public IReadOnlyList<string> TfKeras2Names { get; }

    /// <summary>The definition of a loss class (built on first use).</summary>
    /// <param name="type">A class with a <see cref="KerasLossAttribute"/>.</param>
    /// <returns>Its definition.</returns>
    /// <remarks>A custom loss (an <see cref="ElementwiseLoss"/> or <see cref="RowLoss"/> subclass) has no declaration: its
    /// class name is the type's name, its default name that in snake_case (Keras's <c>auto_name</c>), and its keys every
    /// constructor parameter other than name, reduction and semantics.</remarks>
    public static LossDefinition Of([DynamicallyAccessedMembers(Members)] Type type) =>
        Cache.TryGetValue(type, out LossDefinition? d) ? d : Cache.GetOrAdd(type, new LossDefinition(type, type.GetCustomAttribute<KerasLossAttribute>()
            ?? (IsCustom(type) ? CustomDeclaration(type) : throw new InvalidOperationException($"{type.Name} has no [KerasLoss] declaration."))));

    /// <summary>Whether <paramref name="type"/> is a custom loss: a subclass of one of the public bases for them.</summary>
    public static bool IsCustom(Type type) => type.IsSubclassOf(typeof(ElementwiseLoss)) || type.IsSubclassOf(typeof(RowLoss));

    /// <summary>Keras's <c>to_snake_case</c>: <c>ScaledSquaredError</c> → <c>scaled_squared_error</c>.</summary>
    public static string SnakeCase(string name)
    {
        name = Regex.Replace(name, @"\W+", string.Empty);
        name = Regex.Replace(name, "(.)([A-Z][a-z]+)", "$1_$2");
        return Regex.Replace(name, "([a-z])([A-Z])", "$1_$2").ToLowerInvariant();
    }

    private static KerasLossAttribute CustomDeclaration([DynamicallyAccessedMembers(Members)] Type type)
    {
        ConstructorInfo? constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        IEnumerable<string> keys = constructor is null ? [] : constructor.GetParameters()
            .Where(p => p.Name is not ("name" or "reduction" or "semantics"))
            .Select(p => SnakeCaseParameter(p.Name!));
        return new KerasLossAttribute(type.Name, SnakeCase(type.Name)) { Keys = string.Join(' ', keys), Gettable = false };
    }

    /// <summary><c>labelSmoothing</c> → <c>label_smoothing</c> (the inverse of <see cref="Camel"/>).</summary>
    private static string SnakeCaseParameter(string camel)
    {
        var sb = new StringBuilder(camel.Length + 4);
        foreach (char c in camel)
        {
            if (char.IsUpper(c))
            {
                sb.Append('_').Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>The constructor parameters that are config keys, for the checks of a registration.</summary>
    public IEnumerable<(string Key, ParameterInfo Parameter)> KeyParameters => _keras3.Select(k => (k.Name, k.Parameter));

    /// <summary>The constructor the config is read with.</summary>
    public ConstructorInfo Constructor => _constructor;

    /// <inheritdoc cref="Of(Type)"/>
    public static LossDefinition Of<[DynamicallyAccessedMembers(Members)] TLoss>()
        where TLoss : Loss => Of(typeof(TLoss));

    /// <summary>The config keys after name and reduction under <paramref name="semantics"/>, in Keras's order.</summary>
    /// <param name="semantics">The semantics.</param>
    /// <returns>The keys.</returns>
    public IEnumerable<string> KeysFor(LossSemantics semantics) => (semantics == LossSemantics.Keras3 ? _keras3 : _tfKeras2).Select(k => k.Name);

    /// <summary><c>cls(**config)</c>: every declared key read with its parameter's type and default; unknown keys throw.</summary>
    /// <param name="r">The config.</param>
    /// <returns>The loss.</returns>
    public Loss Read(ConfigReader r)
    {
        if (Module is not null)
        {
            return ReadFunction(r);
        }

        Key[] keys = r.Semantics == LossSemantics.Keras3 ? _keras3 : _tfKeras2;
        object?[] args = new object?[_parameters.Length];
        for (int i = 0; i < _parameters.Length; i++)
        {
            ParameterInfo p = _parameters[i];
            args[i] = p.Name switch
            {
                "name" => r.Name(),
                "reduction" => r.Reduction(),
                "semantics" => r.Semantics,
                _ => Array.Find(keys, k => k.Parameter == p) is { } key ? ReadValue(r, key) : p.DefaultValue,
            };
        }

        string[] first = r.Semantics == LossSemantics.Keras3 ? ["name", "reduction"] : ["reduction", "name"];
        r.Done([.. first, .. keys.Select(k => k.Name)]);
        try
        {
            return (Loss)_constructor.Invoke(args);
        }
        catch (TargetInvocationException e) when (e.InnerException is ArgumentException inner)
        {
            ExceptionDispatchInfo.Throw(inner);
            throw;
        }
    }

    /// <summary>A TensorFlow function object: its declared arguments only (a v1 <c>reduction</c> among them).</summary>
    private Loss ReadFunction(ConfigReader r)
    {
        object?[] args = new object?[_parameters.Length];
        for (int i = 0; i < _parameters.Length; i++)
        {
            ParameterInfo p = _parameters[i];
            args[i] = Array.Find(_keras3, k => k.Parameter == p) is { } key ? ReadValue(r, key) : p.DefaultValue;
        }

        r.Done([.. _keras3.Select(k => k.Name)]);
        return Construct(args);
    }

    private Loss Construct(object?[] args)
    {
        try
        {
            return (Loss)_constructor.Invoke(args);
        }
        catch (TargetInvocationException e) when (e.InnerException is ArgumentException inner)
        {
            ExceptionDispatchInfo.Throw(inner);
            throw;
        }
    }

    /// <summary>Writes the declared keys of <paramref name="loss"/> (after name and reduction).</summary>
    /// <param name="writer">The config being written.</param>
    /// <param name="loss">The loss.</param>
    public void Write(ConfigWriter writer, Loss loss)
    {
        foreach (Key key in writer.Semantics == LossSemantics.Keras3 ? _keras3 : _tfKeras2)
        {
            object? value = key.Property.GetValue(loss);
            if (value is IReadOnlyList<int> axes)
            {
                // Keras writes an int axis as a number and a tuple as a JSON list.
                value = axes.Count == 1 ? axes[0] : axes.Select(a => (object?)a).ToList();
            }
            else if (value is FocalAlpha alpha)
            {
                // A number, or a list of numbers: the form the loss was given (Keras writes alpha as given).
                value = alpha.ConfigValue;
            }
            else if (value is CompatV1.Reduction v1)
            {
                value = CompatV1.ToTensorFlowString(v1);
            }

            if (!key.OnlyWhenNotDefault || !Equals(value, key.Parameter.DefaultValue))
            {
                writer.Add(key.Name, value);
            }
        }
    }

    private static object? ReadValue(ConfigReader r, Key key)
    {
        object? fallback = key.Parameter.DefaultValue;
        Type t = key.Parameter.ParameterType;
        return t == typeof(bool) ? r.Bool(key.Name, (bool)fallback!)
            : t == typeof(double) ? r.Double(key.Name, (double)fallback!)
            : t == typeof(int) ? r.Int(key.Name, (int)fallback!)
            : t == typeof(int?) ? (r.Contains(key.Name) ? r.NullableInt(key.Name) : (int?)fallback)
            : t == typeof(IReadOnlyList<int>) ? r.NullableAxes(key.Name, (IReadOnlyList<int>?)fallback)
            : t == typeof(FocalAlpha?) ? (object?)(r.Contains(key.Name) ? r.Alpha(key.Name) : (FocalAlpha?)fallback)
            : t == typeof(double?) ? (r.Contains(key.Name) ? r.NullableDouble(key.Name) : (double?)fallback)
            : t == typeof(CompatV1.Reduction) ? r.V1Reduction(key.Name, (CompatV1.Reduction)fallback!)
            : throw new InvalidOperationException($"Config key '{key.Name}': parameters of type {t.Name} are not read yet.");
    }

    private static string[] Split(string? names) => string.IsNullOrWhiteSpace(names) ? [] : names.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private Key[] Keys(string declared) => [.. Split(declared).Select(token =>
    {
        bool optional = token.EndsWith('?');
        string name = optional ? token[..^1] : token;
        string camel = Camel(name);
        ParameterInfo parameter = Array.Find(_parameters, p => p.Name == camel)
            ?? throw new InvalidOperationException($"{Type.Name}: config key '{name}' has no constructor parameter '{camel}'.");
        // A TensorFlow function's v1 reduction is its V1Reduction (Loss.Reduction is the Keras enum).
        string propertyName = Module is not null && name == "reduction" ? "V1Reduction" : char.ToUpperInvariant(camel[0]) + camel[1..];
        PropertyInfo property = Type.GetProperty(propertyName)
            ?? throw new InvalidOperationException($"{Type.Name}: config key '{name}' has no property for '{camel}'.");
        return new Key(name, parameter, property, optional);
    })];

    /// <summary><c>label_smoothing</c> → <c>labelSmoothing</c>.</summary>
    private static string Camel(string snake)
    {
        var sb = new StringBuilder(snake.Length);
        bool upper = false;
        foreach (char c in snake)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }

            sb.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return sb.ToString();
    }

    /// <summary>One config key: its name, the constructor parameter it fills, the property it is written from.</summary>
    private sealed record Key(string Name, ParameterInfo Parameter, PropertyInfo Property, bool OnlyWhenNotDefault);
}
