namespace SharpLoss.Serialization;

/// <summary>
/// The name → loss table behind <see cref="Losses.Get(string, LossSemantics)"/> and <see cref="Losses.FromJson(string)"/>:
/// the loss classes, each with the names its <see cref="KerasLossAttribute"/> declares. Adding a loss adds one line to
/// <see cref="Definitions"/>.
/// </summary>
internal static class Catalog
{
    /// <summary>The <c>tf.nn</c> and <c>tf.compat.v1.losses</c> functions that compare labels with predictions, as loss
    /// objects, resolved by their qualified names (<c>"tf.nn.log_poisson_loss"</c>).</summary>
    private static readonly LossDefinition[] TensorFlowFunctions =
    [
        LossDefinition.Of<TfNnSigmoidCrossEntropyWithLogits>(),
        LossDefinition.Of<TfNnWeightedCrossEntropyWithLogits>(),
        LossDefinition.Of<TfNnSoftmaxCrossEntropyWithLogits>(),
        LossDefinition.Of<TfNnSparseSoftmaxCrossEntropyWithLogits>(),
        LossDefinition.Of<TfNnLogPoissonLoss>(),
        LossDefinition.Of<TfV1AbsoluteDifference>(),
        LossDefinition.Of<TfV1CosineDistance>(),
        LossDefinition.Of<TfV1HingeLoss>(),
        LossDefinition.Of<TfV1HuberLoss>(),
        LossDefinition.Of<TfV1LogLoss>(),
        LossDefinition.Of<TfV1MeanPairwiseSquaredError>(),
        LossDefinition.Of<TfV1MeanSquaredError>(),
        LossDefinition.Of<TfV1SigmoidCrossEntropy>(),
        LossDefinition.Of<TfV1SoftmaxCrossEntropy>(),
        LossDefinition.Of<TfV1SparseSoftmaxCrossEntropy>(),
    ];

    private static readonly LossDefinition[] Definitions =
    [
        LossDefinition.Of<BinaryCrossentropy>(),
        LossDefinition.Of<CategoricalCrossentropy>(),
        LossDefinition.Of<SparseCategoricalCrossentropy>(),
        LossDefinition.Of<MeanSquaredError>(),
        LossDefinition.Of<MeanAbsoluteError>(),
        LossDefinition.Of<Huber>(),
        LossDefinition.Of<CosineSimilarity>(),
        LossDefinition.Of<CategoricalHinge>(),
        LossDefinition.Of<Dice>(),
        LossDefinition.Of<Tversky>(),
        LossDefinition.Of<BinaryFocalCrossentropy>(),
        LossDefinition.Of<CategoricalFocalCrossentropy>(),
        LossDefinition.Of<SparseCategoricalFocalCrossentropy>(),
        LossDefinition.Of<CategoricalGeneralizedCrossEntropy>(),
        LossDefinition.Of<MeanAbsolutePercentageError>(),
        LossDefinition.Of<MeanSquaredLogarithmicError>(),
        LossDefinition.Of<LogCosh>(),
        LossDefinition.Of<Poisson>(),
        LossDefinition.Of<Hinge>(),
        LossDefinition.Of<SquaredHinge>(),
        LossDefinition.Of<KLDivergence>(),
        LossDefinition.Of<CTC>(),
        LossDefinition.Of<Circle>(),
    ];

    private static readonly Dictionary<string, LossDefinition> Classes = Definitions.Concat(TensorFlowFunctions).ToDictionary(d => d.QualifiedName, StringComparer.Ordinal);

    /// <summary>Keras 3 <c>keras.losses.get</c> function names and aliases (SPEC E.1), mapped to class names.</summary>
    private static readonly Dictionary<string, string> Keras3Names =
        Definitions.SelectMany(d => d.Names.Select(n => (n, d.QualifiedName))).ToDictionary(p => p.n, p => p.QualifiedName, StringComparer.Ordinal);

    /// <summary>
    /// The names tf.keras 2's <c>get</c> resolves beyond <see cref="Keras3Names"/> (SPEC E.2: its table is the whole
    /// <c>tf_keras.losses</c> namespace, aliases included), for the classes SharpLoss implements.
    /// </summary>
    private static readonly Dictionary<string, string> TfKeras2OnlyNames =
        Definitions.SelectMany(d => d.TfKeras2Names.Select(n => (n, d.QualifiedName))).ToDictionary(p => p.n, p => p.QualifiedName, StringComparer.Ordinal);

    /// <summary>Keras loss names (SPEC E.1 and E.2 tables) that SharpLoss does not implement, for a clearer message.</summary>
    private static readonly HashSet<string> NotImplemented = new(StringComparer.Ordinal)
    {
        "Loss", "LossFunctionWrapper",
    };

    /// <summary>Every name <see cref="Losses.Get(string, LossSemantics)"/> accepts under Keras 3, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Classes.Values.Where(d => d.Gettable).Select(d => d.QualifiedName).Concat(Keras3Names.Keys).Order(StringComparer.Ordinal)];

    /// <summary>Every name <see cref="Losses.Get(string, LossSemantics)"/> accepts under tf.keras 2, sorted.</summary>
    public static IReadOnlyList<string> TfKeras2Names { get; } = [.. Names.Concat(TfKeras2OnlyNames.Keys).Order(StringComparer.Ordinal)];

    /// <summary>The Keras class names, sorted.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = [.. Definitions.Select(d => d.QualifiedName).Order(StringComparer.Ordinal)];

    /// <summary>The qualified names of the TensorFlow function objects, sorted.</summary>
    public static IReadOnlyList<string> FunctionNames { get; } = [.. TensorFlowFunctions.Select(d => d.QualifiedName).Order(StringComparer.Ordinal)];

    public static IReadOnlyList<string> NamesFor(LossSemantics semantics) => semantics == LossSemantics.TfKeras2 ? TfKeras2Names : Names;

    public static bool IsClass(string name) => Classes.ContainsKey(name);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a value that is not a <see cref="LossSemantics"/> member.</summary>
    public static void CheckSemantics(LossSemantics? semantics, string paramName)
    {
        if (semantics is { } s && s is not (LossSemantics.Keras3 or LossSemantics.TfKeras2))
        {
            throw new ArgumentOutOfRangeException(paramName, s, $"Expected LossSemantics.Keras3, LossSemantics.TfKeras2 or null. Received: {(int)s}.");
        }
    }

    /// <summary>Custom losses by registered name (<c>package&gt;Name</c>), as Keras's global custom objects.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, LossDefinition> Registered = new(StringComparer.Ordinal);

    /// <summary>The registered name of each registered custom loss class.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, string> RegisteredNames = new();

    private static readonly Lock RegisterLock = new();

    /// <summary>The registered custom names, sorted.</summary>
    public static IReadOnlyList<string> CustomNames => [.. Registered.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The registered name of a custom loss class, or null when it is not registered.</summary>
    public static string? RegisteredNameOf(Type type) => RegisteredNames.GetValueOrDefault(type);

    /// <summary>Whether <paramref name="name"/> is a registered custom name.</summary>
    public static bool IsRegistered(string name) => Registered.ContainsKey(name);

    /// <summary>Adds a custom loss class under <c>package&gt;name</c> (see <see cref="Losses.Register{TLoss}"/>).</summary>
    public static string Register(LossDefinition definition, string package, string name)
    {
        string registered = $"{package}>{name}";
        lock (RegisterLock)
        {
            if (RegisteredNames.TryGetValue(definition.Type, out string? existing))
            {
                throw new ArgumentException($"Expected a loss class that is not registered yet. Received: {definition.Type.Name}, already registered as '{existing}'.", "TLoss");
            }

            if (!Registered.TryAdd(registered, definition))
            {
                throw new ArgumentException(
                    $"Expected a registered name that is not taken. Received: '{registered}', already registered to {Registered[registered].Type.FullName}.", nameof(name));
            }

            RegisteredNames[definition.Type] = registered;
        }

        return registered;
    }

    /// <summary>A registered custom loss built from its config.</summary>
    public static Loss FromRegistered(string registeredName, IReadOnlyCollection<KeyValuePair<string, object?>> config, LossSemantics? semantics, string configParam)
    {
        LossDefinition definition = Registered[registeredName];
        LossSemantics s = semantics ?? (ConfigReader.LooksTfKeras2(config) ? LossSemantics.TfKeras2 : LossSemantics.Keras3);
        var reader = new ConfigReader(definition.ClassName, config, s, configParam);
        try
        {
            return definition.Read(reader);
        }
        catch (ArgumentException e) when (configParam == "json" && e.ParamName != configParam)
        {
            throw new ArgumentException($"Invalid config for {registeredName}: {PlainMessage(e)}", configParam, e);
        }
    }

    /// <summary>The class a name resolves to under <paramref name="semantics"/>, or null.</summary>
    public static string? Resolve(string identifier, LossSemantics semantics) =>
        Classes.TryGetValue(identifier, out LossDefinition? d) && d.Gettable ? identifier
        : Keras3Names.GetValueOrDefault(identifier)
        ?? (semantics == LossSemantics.TfKeras2 ? TfKeras2OnlyNames.GetValueOrDefault(identifier) : null);

    /// <summary><c>keras.losses.get(name)</c>: a default instance of the class <paramref name="identifier"/> names.</summary>
    public static Loss Get(string identifier, LossSemantics semantics, string paramName)
    {
        if (IsRegistered(identifier))
        {
            // Keras looks custom objects up before its own table.
            return FromRegistered(identifier, [], semantics, paramName);
        }

        string cls = Resolve(identifier, semantics) ?? throw UnknownName(identifier, semantics, paramName);
        return FromConfig(cls, [], semantics);
    }

    /// <summary>The error for a name <see cref="Resolve"/> does not know, with the closest known names.</summary>
    public static ArgumentException UnknownName(string identifier, LossSemantics semantics, string paramName)
    {
        IReadOnlyList<string> names = NamesFor(semantics);
        string note = string.Empty;
        if (semantics == LossSemantics.Keras3 && TfKeras2OnlyNames.ContainsKey(identifier))
        {
            note = $" '{identifier}' is a tf.keras 2 name, which Keras 3's get rejects: pass LossSemantics.TfKeras2 to accept it.";
        }
        else if (identifier.Equals("crossentropy", StringComparison.OrdinalIgnoreCase) || identifier.Equals("ce", StringComparison.OrdinalIgnoreCase))
        {
            note = $" '{identifier}' is accepted by Keras's Model.compile only, which picks 'binary_crossentropy', 'categorical_crossentropy' or " +
                "'sparse_categorical_crossentropy' from the shapes; name one of them.";
        }
        else if (identifier is "categorical_generalized_cross_entropy" || (Classes.TryGetValue(identifier, out LossDefinition? hidden) && !hidden.Gettable))
        {
            note = $" Keras 3's get does not resolve CategoricalGeneralizedCrossEntropy; construct it, or deserialize its full {{\"module\": \"keras.losses\", …}} config.";
        }
        else if (identifier.Contains('>', StringComparison.Ordinal))
        {
            note = $" No custom loss is registered as '{Shown(identifier)}': register its class with Losses.Register<TLoss>(package, name) first." +
                (Registered.IsEmpty ? string.Empty : $" Registered: {string.Join(", ", CustomNames)}.");
        }
        else if (NotImplemented.Contains(identifier))
        {
            note = $" '{identifier}' is a Keras loss that SharpLoss does not implement.";
        }

        string shown = Shown(identifier);
        return new ArgumentException(
            $"Could not interpret loss identifier: '{shown}'.{note}{NameSuggestions.DidYouMean(identifier, names)} Expected one of: {string.Join(", ", names)}.",
            paramName);
    }

    /// <summary>The error for a class name that is not in the table, with the closest class names.</summary>
    public static ArgumentException UnknownClass(string className, string paramName)
    {
        string note = NotImplemented.Contains(className) ? $" '{className}' is a Keras loss that SharpLoss does not implement." : string.Empty;
        return new ArgumentException(
            $"Unknown loss class '{Shown(className)}'.{note}{NameSuggestions.DidYouMean(className, ClassNames.Concat(FunctionNames))} Expected one of: {string.Join(", ", ClassNames.Concat(FunctionNames))}.",
            paramName);
    }

    /// <summary><c>cls.from_config(config)</c> for a class given by its type (a loss class's own <c>FromConfig</c>).</summary>
    public static TLoss FromConfig<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(
        System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicConstructors | System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicProperties)] TLoss>(
        IEnumerable<KeyValuePair<string, object?>> config, LossSemantics? semantics)
        where TLoss : Loss => (TLoss)FromConfig(LossDefinition.Of<TLoss>().QualifiedName, config, semantics);

    /// <summary>
    /// <c>cls.from_config(config)</c>. With <paramref name="semantics"/> null, a config whose reduction is "auto" reads as
    /// tf.keras 2, any other as Keras 3. Errors name <paramref name="classParam"/> (unknown class) or
    /// <paramref name="configParam"/> (keys and values); when <paramref name="configParam"/> is <c>json</c>, a constructor's
    /// own <see cref="ArgumentException"/> (for example a label smoothing outside [0, 1]) is rethrown naming it too.
    /// </summary>
    public static Loss FromConfig(
        string className,
        IEnumerable<KeyValuePair<string, object?>> config,
        LossSemantics? semantics,
        string classParam = "className",
        string configParam = "config")
    {
        ArgumentNullException.ThrowIfNull(className, classParam);
        ArgumentNullException.ThrowIfNull(config, configParam);
        CheckSemantics(semantics, nameof(semantics));
        if (!Classes.TryGetValue(className, out LossDefinition? definition))
        {
            throw UnknownClass(className, classParam);
        }

        var list = config as IReadOnlyCollection<KeyValuePair<string, object?>> ?? config.ToList();
        LossSemantics s = semantics ?? (ConfigReader.LooksTfKeras2(list) ? LossSemantics.TfKeras2 : LossSemantics.Keras3);
        var reader = new ConfigReader(className, list, s, configParam);
        if (s == LossSemantics.TfKeras2)
        {
            reader.Ignore("fn");
        }

        try
        {
            return definition.Read(reader);
        }
        catch (ArgumentException e) when (configParam == "json" && e.ParamName != configParam)
        {
            throw new ArgumentException($"Invalid config for {className}: {PlainMessage(e)}", configParam, e);
        }
    }

    /// <summary>A name as the messages show it (clipped to 100 characters).</summary>
    private static string Shown(string name) => name.Length <= 100 ? name : string.Concat(name.AsSpan(0, 100), "…");

    /// <summary>An exception's message without the framework's " (Parameter 'x')" suffix and "Actual value was" line.</summary>
    private static string PlainMessage(ArgumentException e)
    {
        string message = e.Message;
        if (e is ArgumentOutOfRangeException { ActualValue: not null })
        {
            int line = message.LastIndexOf(Environment.NewLine, StringComparison.Ordinal);
            message = line >= 0 ? message[..line] : message;
        }

        if (e.ParamName is { Length: > 0 } param && message.EndsWith($"'{param}')", StringComparison.Ordinal))
        {
            int suffix = message.LastIndexOf(" (", StringComparison.Ordinal);
            message = suffix >= 0 ? message[..suffix] : message;
        }

        return message;
    }
}
