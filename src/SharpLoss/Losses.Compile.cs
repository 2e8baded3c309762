using SharpLoss.Serialization;

namespace SharpLoss;

/// <content><c>Model.compile(loss=...)</c>'s resolution of a loss name.</content>
public static partial class Losses
{
    /// <summary>
    /// The loss Keras's <c>Model.compile(loss=identifier)</c> builds for a model whose targets and outputs have the given
    /// shapes. Under Keras 3, <c>"crossentropy"</c> and <c>"ce"</c> (any case) pick binary cross-entropy when y_pred's last
    /// dimension is 1, sparse categorical cross-entropy when y_true has a lower rank than y_pred or a last dimension of 1
    /// against a y_pred last dimension above 1, and categorical cross-entropy otherwise; like every function name or alias,
    /// the loss is then named by the identifier as given (Keras wraps it in <c>LossFunctionWrapper(fn, name=identifier)</c>),
    /// so <c>ForCompile("mse", …).Name</c> is <c>"mse"</c>. A class name gives the class with its default name, as
    /// <see cref="Get(string, LossSemantics)"/> does. tf.keras 2's compile does not accept <c>"crossentropy"</c> (it names a
    /// metric there) and names a wrapped function after the function.
    /// </summary>
    /// <param name="identifier">A name <see cref="Get(string, LossSemantics)"/> accepts, or <c>"crossentropy"</c> / <c>"ce"</c>.</param>
    /// <param name="yTrueShape">The targets' shape (only read for <c>"crossentropy"</c>).</param>
    /// <param name="yPredShape">The model outputs' shape (only read for <c>"crossentropy"</c>).</param>
    /// <param name="semantics">Keras 3 (default) or tf.keras 2.</param>
    /// <returns>A new loss.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="identifier"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="semantics"/> is not a <see cref="LossSemantics"/> member.</exception>
    /// <exception cref="ArgumentException">The name is unknown (with suggestions); or it is <c>"crossentropy"</c> and
    /// <paramref name="yPredShape"/> has rank 0, or the semantics is tf.keras 2.</exception>
    public static Loss ForCompile(string identifier, ReadOnlySpan<int> yTrueShape, ReadOnlySpan<int> yPredShape, LossSemantics semantics = LossSemantics.Keras3)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        Catalog.CheckSemantics(semantics, nameof(semantics));
        bool crossentropy = identifier.Equals("crossentropy", StringComparison.OrdinalIgnoreCase) || identifier.Equals("ce", StringComparison.OrdinalIgnoreCase);
        if (semantics == LossSemantics.TfKeras2)
        {
            if (crossentropy)
            {
                throw new ArgumentException(
                    $"tf.keras 2's compile does not accept the loss '{identifier}' (it is a metric name there): name 'binary_crossentropy', " +
                    "'categorical_crossentropy' or 'sparse_categorical_crossentropy', or use LossSemantics.Keras3.", nameof(identifier));
            }

            return Catalog.Get(identifier, semantics, nameof(identifier));
        }

        string? function = crossentropy ? PickCrossentropy(yTrueShape, yPredShape) : null;
        string resolved = function ?? identifier;
        if (!crossentropy && !Catalog.IsClass(identifier) && !Catalog.IsRegistered(identifier) && Catalog.Resolve(identifier, semantics) is null
            && NameSuggestions.Closest(identifier, ["crossentropy"]).Count > 0)
        {
            throw new ArgumentException(
                $"Could not interpret loss identifier: '{identifier}'. Did you mean 'crossentropy'? (Model.compile's 'crossentropy' or 'ce' picks binary, sparse or categorical cross-entropy from the shapes.)",
                nameof(identifier));
        }

        if (!crossentropy && (Catalog.IsClass(identifier) || Catalog.IsRegistered(identifier) || Catalog.Resolve(identifier, semantics) is null))
        {
            // A class name (or a custom or unknown name): what get gives, with its own name or error.
            return Catalog.Get(identifier, semantics, nameof(identifier));
        }

        string cls = Catalog.Resolve(resolved, semantics)!;
        return Catalog.FromConfig(cls, [new("name", identifier)], semantics);
    }

    /// <summary>Keras 3's choice for "crossentropy" (compile_utils): binary, sparse or categorical.</summary>
    private static string PickCrossentropy(ReadOnlySpan<int> yTrue, ReadOnlySpan<int> yPred)
    {
        if (yPred.IsEmpty)
        {
            throw new ArgumentException("Expected `yPredShape` of rank ≥ 1 to choose the cross-entropy for 'crossentropy'. Received: shape ().", "yPredShape");
        }

        if (yPred[^1] == 1)
        {
            return "binary_crossentropy";
        }

        return yTrue.Length < yPred.Length || (!yTrue.IsEmpty && yTrue[^1] == 1 && yPred[^1] > 1)
            ? "sparse_categorical_crossentropy"
            : "categorical_crossentropy";
    }
}
