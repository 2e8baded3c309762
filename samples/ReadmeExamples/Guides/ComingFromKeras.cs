using System.Numerics.Tensors;
using SharpLoss;

namespace ReadmeExamples;

/// <summary>The C# blocks of the guides in docs/, verbatim, each followed by checks of the numbers its comments state.</summary>
internal static partial class Guides
{
    /// <summary>docs/coming-from-keras.md.</summary>
    public static void ComingFromKeras()
    {
        // loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1, reduction="sum")
        // loss_fn(y_true, y_pred, sample_weight=[0.3, 0.7])
        var lossFn = new CategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.1, reduction: Reduction.Sum);
        float[,] yTrue = { { 0, 1, 0 }, { 0, 0, 1 } };
        float[,] yPred = { { 0.05f, 0.95f, 0 }, { 0.1f, 0.8f, 0.1f } };
        float[] sampleWeight = { 0.3f, 0.7f };
        float value = lossFn.Compute(yTrue, yPred, sampleWeight);                                    // 1.1501943

        // tape.gradient(value, y_pred), without a tape
        (float same, Tensor<float> dValue) = lossFn.ValueAndGradient(yTrue, yPred, sampleWeight);
        // dValue: [[0.058014374, -0.11271164, 0.054697271], [0.15106705, 0.3278659, -0.47893292]]

        Expect.Near("Keras guide: CategoricalCrossentropy sum", value, "1.1501943");
        Expect.Near("Keras guide: ValueAndGradient value", same, "1.1501943");
        Expect.Near("Keras guide: gradient", dValue, "0.058014374", "-0.11271164", "0.054697271", "0.15106705", "0.3278659", "-0.47893292");

        // What Keras 3 and tf.keras 2 save for Huber(delta=2.0):
        Loss fromKeras3 = Losses.FromJson("""{"module": "keras.losses", "class_name": "Huber", "config": {"name": "huber_loss", "reduction": "sum_over_batch_size", "delta": 2.0}, "registered_name": null}""");
        Loss fromTfKeras2 = Losses.FromJson("""{"class_name": "Huber", "config": {"reduction": "auto", "name": "huber_loss", "delta": 2.0}}""");
        // fromKeras3.Semantics: Keras3; fromTfKeras2.Semantics: TfKeras2, and its ToJson() writes tf.keras 2's format back

        Loss mse = Losses.Get("mse");                                         // MeanSquaredError
        Loss huber = Losses.Get("huber_loss", LossSemantics.TfKeras2);        // Huber; Keras 3 does not know "huber_loss"
        OrderedDictionary<string, object?> config = fromKeras3.GetConfig();   // name, reduction, delta

        Expect.Equal("Keras guide: Keras 3 envelope semantics", fromKeras3.Semantics, LossSemantics.Keras3);
        Expect.Equal("Keras guide: tf.keras 2 envelope semantics", fromTfKeras2.Semantics, LossSemantics.TfKeras2);
        Expect.Equal("Keras guide: tf.keras 2 ToJson", fromTfKeras2.ToJson(), """{"class_name": "Huber", "config": {"reduction": "auto", "name": "huber_loss", "delta": 2.0}}""");
        Expect.Equal("Keras guide: Get(\"mse\")", mse.GetType().Name, "MeanSquaredError");
        Expect.Equal("Keras guide: Get(\"huber_loss\", TfKeras2)", huber.GetType().Name, "Huber");
        Expect.Equal("Keras guide: GetConfig keys", string.Join(", ", config.Keys), "name, reduction, delta");

        try
        {
            Losses.Get("binary_cross_entropy");
        }
        catch (ArgumentException e)
        {
            Console.WriteLine(e.Message);   // Could not interpret loss identifier: 'binary_cross_entropy'. Did you mean 'binary_crossentropy'? ...
        }

        string message = "";
        try
        {
            Losses.Get("binary_cross_entropy");
        }
        catch (ArgumentException e)
        {
            message = e.Message;
        }

        Expect.That("Keras guide: the unknown name's message", message.StartsWith("Could not interpret loss identifier: 'binary_cross_entropy'. Did you mean 'binary_crossentropy'? ", StringComparison.Ordinal));
    }
}
