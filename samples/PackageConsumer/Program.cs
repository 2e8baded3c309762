// Uses the SharpLoss package as an outside project does: computes a loss and its gradient, checks them against the
// published Keras numbers and the derivative, and exits with 1 if any differs.
using System.Globalization;
using System.Numerics.Tensors;
using SharpLoss;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int failures = 0;

void Check(string what, double computed, double expected, double tolerance)
{
    bool ok = Math.Abs(computed - expected) <= tolerance;
    failures += ok ? 0 : 1;
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")}  {what,-58} computed {computed,-12:G8} expected {expected:G8} ± {tolerance:G2}");
}

float[,] yTrue = { { 0, 1 }, { 0, 0 } };
float[,] yPred = { { 0.6f, 0.4f }, { 0.4f, 0.6f } };

// keras.losses.binary_crossentropy docstring: [0.916, 0.714] (printed to 1e-3).
Tensor<float> perSample = Losses.BinaryCrossentropy(yTrue, yPred);
Check("binary_crossentropy(y_true, y_pred)[0]", perSample[0], 0.916, 1e-3);
Check("binary_crossentropy(y_true, y_pred)[1]", perSample[1], 0.714, 1e-3);

// tf.keras.metrics.BinaryCrossentropy docstring: 0.81492424, the mean of the two (tf.keras 2 keeps its second
// epsilon inside the log), to float32 precision.
var tfKeras2 = new BinaryCrossentropy(semantics: LossSemantics.TfKeras2);
Check("tf.keras 2 BinaryCrossentropy()(y_true, y_pred)", tfKeras2.Compute(yTrue, yPred), 0.81492424, 5e-7 * 0.81492424);

// The Keras 3 value and its gradient: d/dp of the mean of four terms is (p - y) / (p (1 - p)) / 4.
var bce = new BinaryCrossentropy();
(float value, Tensor<float> gradient) = bce.ValueAndGradient(yTrue, yPred);
Check("BinaryCrossentropy()(y_true, y_pred)", value, (perSample[0] + perSample[1]) / 2, 1e-6);
for (int i = 0; i < 2; i++)
{
    for (int j = 0; j < 2; j++)
    {
        double p = yPred[i, j], y = yTrue[i, j];
        Check($"gradient[{i}, {j}]", gradient[i, j], (p - y) / (p * (1 - p)) / 4, 1e-6);
    }
}

// The Keras name and the JSON config go through the catalogue (reflection the package keeps when trimmed).
Check("Losses.Get(\"bce\")", Losses.Get("bce").Compute(yTrue, yPred), value, 0);
Check("Losses.FromJson(ToJson())", Losses.FromJson(bce.ToJson()).Compute(yTrue, yPred), value, 0);

Console.WriteLine(failures == 0 ? "package consumer: all checks passed" : $"package consumer: {failures} check(s) failed");
return failures == 0 ? 0 : 1;
