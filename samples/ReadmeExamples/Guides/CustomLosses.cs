using SharpLoss;

namespace ReadmeExamples;

public sealed class ScaledSquaredError(double scale = 1.0, Reduction? reduction = null, string? name = null)
    : ElementwiseLoss(reduction, name)
{
    public double Scale { get; } = scale;

    // e = scale·(p − y)² and ∂e/∂p = 2·scale·(p − y), for float and double; the mean over the last axis is SharpLoss's.
    protected override T Evaluate<T>(T yTrue, T yPred, out T derivative)
    {
        T s = T.CreateChecked(Scale), e = yPred - yTrue;
        derivative = (s + s) * e;
        return s * e * e;
    }
}

/// <summary>The README's custom loss block, verbatim, with checks of the numbers its comments state.</summary>
internal static partial class Guides
{
    /// <summary>README.md, "Custom losses".</summary>
    public static void CustomLosses()
    {
        string registered = Losses.Register<ScaledSquaredError>("MyPackage");  // "MyPackage>ScaledSquaredError"
        var scaled = new ScaledSquaredError(scale: 2.0);
        float[,] target = { { 0, 1 }, { 2, 3 } };
        float[,] output = { { 0.5f, 1 }, { 2, 2 } };
        float scaledLoss = scaled.Compute(target, output);                    // (2·0.25/2 + 2·1/2)/2 = 0.625
        string scaledJson = scaled.ToJson();
        // {"module": "ReadmeExamples", "class_name": "ScaledSquaredError", "config": {"name": "scaled_squared_error",
        //  "reduction": "sum_over_batch_size", "scale": 2.0}, "registered_name": "MyPackage>ScaledSquaredError"}
        Loss restored = Losses.FromJson(scaledJson);                          // a ScaledSquaredError with Scale 2.0

        Expect.Equal("Custom loss: registered name", registered, "MyPackage>ScaledSquaredError");
        Expect.Near("Custom loss: Compute", scaledLoss, "0.625");
        Expect.Equal("Custom loss: ToJson", scaledJson, """{"module": "ReadmeExamples", "class_name": "ScaledSquaredError", "config": {"name": "scaled_squared_error", "reduction": "sum_over_batch_size", "scale": 2.0}, "registered_name": "MyPackage>ScaledSquaredError"}""");
        Expect.That("Custom loss: FromJson", restored is ScaledSquaredError { Scale: 2.0 } && restored.ToJson() == scaledJson);
    }
}
