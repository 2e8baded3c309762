using System.Diagnostics.CodeAnalysis;

namespace SharpLoss.Internals;

/// <summary>Throw helpers and argument guards; messages name the argument, the expectation and the value received.</summary>
internal static class Throw
{
    [DoesNotReturn]
    public static void Argument(string argument, string message) => throw new ArgumentException(message, argument);

    [DoesNotReturn]
    public static void OutOfRange(string argument, object? value, string message) =>
        throw new ArgumentOutOfRangeException(argument, value, message);

    public static void IfUnusable<T>(in LossInput<T> input, string argument, bool allowScalar = false)
    {
        switch (input.Kind)
        {
            case InputKind.Null:
                throw new ArgumentNullException(argument, $"`{argument}` must not be null.");
            case InputKind.Absent:
                throw new ArgumentNullException(argument, $"`{argument}` is required. Received: nothing (default).");
            case InputKind.BadRank:
                throw new ArgumentException($"Expected `{argument}` of rank at most {Shape.MaxRank}. Received: rank {input.BadRank}.", argument);
            case InputKind.HugeDimension:
                throw HugeDimension(argument);
            case InputKind.BadScalar:
                throw BadScalar<T>(argument);
            case InputKind.Scalar when !allowScalar:
                throw new ArgumentException($"Expected `{argument}` to be an array or tensor. Received: a scalar.", argument);
            default:
                break;
        }
    }

    public static void IfUnusableOptional<T>(in LossInput<T> input, string argument)
    {
        if (input.Kind == InputKind.Null)
        {
            throw new ArgumentNullException(argument, $"`{argument}` must not be null; pass nothing (default) to omit it.");
        }

        if (input.Kind == InputKind.BadRank)
        {
            throw new ArgumentException($"Expected `{argument}` of rank at most {Shape.MaxRank}. Received: rank {input.BadRank}.", argument);
        }

        if (input.Kind == InputKind.HugeDimension)
        {
            throw HugeDimension(argument);
        }

        if (input.Kind == InputKind.BadScalar)
        {
            throw BadScalar<T>(argument);
        }
    }

    private static ArgumentException BadScalar<T>(string argument) =>
        new($"Expected `{argument}` as {(typeof(T) == typeof(bool) ? "an array or tensor of bool" : typeof(T) == typeof(int) || typeof(T) == typeof(long) ? "an integer class id (or an array or tensor of them)" : $"a {typeof(T).Name} value")}. " +
            $"Received: a scalar that {typeof(T).Name} cannot hold (a fraction or out-of-range number for class ids, a number for a mask, a bool for a number).", argument);

    private static ArgumentException HugeDimension(string argument) =>
        new($"Expected `{argument}` with dimensions of at most {int.MaxValue}. Received: a tensor with a larger dimension (beside an empty one).", argument);

    /// <summary>Label smoothing must lie in [0, 1].</summary>
    public static double LabelSmoothing(double value, string argument = "labelSmoothing")
    {
        if (!(value >= 0 && value <= 1))
        {
            OutOfRange(argument, value, $"Expected `label_smoothing` in [0, 1]. Received: label_smoothing={Py.Float(value)}.");
        }

        return value;
    }

    /// <summary>Huber's δ must be a finite number ≥ 0 (Keras does not check; NaN, negative or infinite δ make no sense).</summary>
    public static double Delta(double value, string argument = "delta")
    {
        if (!(value >= 0 && double.IsFinite(value)))
        {
            OutOfRange(argument, value, $"Expected `delta` to be a finite number >= 0. Received: delta={Py.Float(value)}.");
        }

        return value;
    }

    /// <summary>A focal loss's α must lie in [0, 1] (Keras does not check; SPEC 0.7).</summary>
    public static double Alpha(double value, string argument = "alpha")
    {
        if (!(value >= 0 && value <= 1))
        {
            OutOfRange(argument, value, $"Expected `alpha` in [0, 1]. Received: alpha={Py.Float(value)}.");
        }

        return value;
    }

    /// <summary>A focal loss's γ must be a finite number ≥ 0 (Keras does not check; SPEC 0.7).</summary>
    public static double Gamma(double value, string argument = "gamma")
    {
        if (!(value >= 0 && double.IsFinite(value)))
        {
            OutOfRange(argument, value, $"Expected `gamma` to be a finite number >= 0. Received: gamma={Py.Float(value)}.");
        }

        return value;
    }
}
