// SharpLoss quick start: every worked example of the TensorFlow/Keras documentation pages SharpLoss was specified
// from, computed here and printed next to the documented number. Exits with 1 if any differs beyond the precision
// the documentation prints.
using System.Globalization;
using SharpLoss;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int failures = 0;

// `tolerance` is the documented precision: one unit in the last printed digit (the docs truncate), or float32
// precision for numbers printed in full.
void Check(string what, double computed, double documented, double tolerance)
{
    bool ok = Math.Abs(computed - documented) <= tolerance;
    failures += ok ? 0 : 1;
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")}  {what,-66} computed {computed,-14:G8} documented {documented:G8}");
}

// tf.keras.losses.BinaryCrossentropy, recommended usage (from_logits=True).
var bce = new BinaryCrossentropy(fromLogits: true);
Check("BCE(from_logits) [0,1,0,0] vs [-18.6,0.51,2.94,-12.8]", bce.Compute(new float[] { 0, 1, 0, 0 }, new float[] { -18.6f, 0.51f, 2.94f, -12.8f }), 0.865, 1e-3);
float[,] yTrue = { { 0, 1 }, { 0, 0 } };
float[,] logits = { { -18.6f, 0.51f }, { 2.94f, -12.8f } };
Check("BCE(from_logits) batch of 2", bce.Compute(yTrue, logits), 0.865, 1e-3);
Check("BCE(from_logits) sample_weight=[0.8, 0.2]", bce.Compute(yTrue, logits, sampleWeight: new float[] { 0.8f, 0.2f }), 0.243, 1e-3);
Check("BCE(from_logits, reduction=SUM)", new BinaryCrossentropy(fromLogits: true, reduction: Reduction.Sum).Compute(yTrue, logits), 1.730, 1e-3);
var none = new BinaryCrossentropy(fromLogits: true, reduction: Reduction.None).Call(yTrue, logits);
Check("BCE(from_logits, reduction=NONE)[0]", none[0], 0.235, 1e-3);
Check("BCE(from_logits, reduction=NONE)[1]", none[1], 1.496, 1e-3);

// tf.keras.losses.BinaryCrossentropy() on probabilities: a tf.keras 2.x number (second epsilon inside the log).
float[] y4 = [0, 0, 1, 1], p4 = [1, 1, 1, 0];
Check("BCE() [0,0,1,1] vs [1,1,1,0], tf.keras 2.x", new BinaryCrossentropy(semantics: LossSemantics.TfKeras2).Compute(y4, p4), 11.522857, 5e-7 * 11.522857);
Check("BCE() [0,0,1,1] vs [1,1,1,0], Keras 3", new BinaryCrossentropy().Compute(y4, p4), 12.000716, 5e-7 * 12.000716);

// tf.compat.v1.losses.softmax_cross_entropy and its Keras replacement.
float[,] onehot = { { 0, 1, 0 }, { 0, 0, 1 } };
float[,] scores = { { 0.05f, 0.95f, 0 }, { 0.1f, 0.8f, 0.1f } };
float[] weights = [0.3f, 0.7f];
Check("compat.v1 softmax_cross_entropy(weights, label_smoothing=0.2)", CompatV1.SoftmaxCrossEntropy(onehot, scores, weights, labelSmoothing: 0.2)[0], 0.57618, 5e-6);
Check("CategoricalCrossentropy(from_logits, label_smoothing=0.2)", new CategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.2).Compute(onehot, scores, weights), 0.57618, 5e-6);

// tf.nn.weighted_cross_entropy_with_logits (the documented 4.5776367e-05 is TensorFlow's float32 cancellation;
// SharpLoss returns the exact 4.5398899e-05, within the documented float32 precision).
float[] labels = [1, 0.5f, 0], xs = [1.5f, -0.1f, -10];
var w15 = Nn.WeightedCrossEntropyWithLogits(labels, xs, posWeight: 1.5f);
var w05 = Nn.WeightedCrossEntropyWithLogits(labels, xs, posWeight: 0.5f);
double[] doc15 = [0.30211994, 0.88049585, 4.5776367e-05], doc05 = [0.100706644, 0.508297503, 4.57763672e-05];
for (int i = 0; i < 3; i++)
{
    Check($"weighted_cross_entropy_with_logits(pos_weight=1.5)[{i}]", w15[i], doc15[i], 5e-7);
}

for (int i = 0; i < 3; i++)
{
    Check($"weighted_cross_entropy_with_logits(pos_weight=0.5)[{i}]", w05[i], doc05[i], 5e-7);
}

// tf.keras.losses.SparseCategoricalCrossentropy, CategoricalCrossentropy, MeanSquaredError, MeanAbsoluteError.
float[,] probs = { { 0.9f, 0.05f, 0.05f }, { 0.5f, 0.89f, 0.6f }, { 0.05f, 0.01f, 0.94f } };
Check("SparseCategoricalCrossentropy [0,1,2]", new SparseCategoricalCrossentropy().Compute(new[] { 0, 1, 2 }, probs), 0.3239, 1e-4);
float[,] eye = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
float[,] probs2 = { { 0.9f, 0.05f, 0.05f }, { 0.05f, 0.89f, 0.06f }, { 0.05f, 0.01f, 0.94f } };
Check("CategoricalCrossentropy one-hot", new CategoricalCrossentropy().Compute(eye, probs2), 0.0945, 1e-4);
Check("MeanSquaredError [0,0,1,1] vs [1,1,1,0]", new MeanSquaredError().Compute(y4, p4), 0.75, 5e-7);
Check("MeanAbsoluteError [0,0,1,1] vs [1,1,1,0]", new MeanAbsoluteError().Compute(y4, p4), 0.75, 5e-7);

// tf.keras.losses.Huber / keras.losses.huber: y_true [[0,1],[0,0]], y_pred [[0.6,0.4],[0.4,0.6]], delta = 1.
Check("Huber [[0,1],[0,0]] vs [[0.6,0.4],[0.4,0.6]]", new Huber().Compute(new float[,] { { 0, 1 }, { 0, 0 } }, new float[,] { { 0.6f, 0.4f }, { 0.4f, 0.6f } }), 0.155, 1e-3);

// The tf.keras.losses docstrings of the other element-wise losses (y_true [[0,1],[0,0]] unless stated).
float[,] y01 = { { 0, 1 }, { 0, 0 } }, p64 = { { 0.6f, 0.4f }, { 0.4f, 0.6f } }, p11 = { { 1, 1 }, { 1, 0 } }, p10 = { { 1, 1 }, { 0, 0 } };
Check("Hinge [[0,1],[0,0]] vs [[0.6,0.4],[0.4,0.6]]", new Hinge().Compute(y01, p64), 1.3, 1e-3);
Check("SquaredHinge [[0,1],[0,0]] vs [[0.6,0.4],[0.4,0.6]]", new SquaredHinge().Compute(y01, p64), 1.86, 1e-3);
Check("KLDivergence [[0,1],[0,0]] vs [[0.6,0.4],[0.4,0.6]]", new KLDivergence().Compute(y01, p64), 0.458, 1e-3);
Check("Poisson [[0,1],[0,0]] vs [[1,1],[0,0]]", new Poisson().Compute(y01, p10), 0.5, 1e-3);
Check("LogCosh [[0,1],[0,0]] vs [[1,1],[0,0]]", new LogCosh().Compute(y01, p10), 0.108, 1e-3);
Check("MeanSquaredLogarithmicError [[0,1],[0,0]] vs [[1,1],[1,0]]", new MeanSquaredLogarithmicError().Compute(y01, p11), 0.24, 1e-2);
Check("MeanAbsolutePercentageError [[2,1],[2,3]] vs [[1,1],[1,0]]", new MeanAbsolutePercentageError().Compute(new float[,] { { 2, 1 }, { 2, 3 } }, p11), 50, 5e-7 * 50);

// The gradient comes from the same pass.
var (value, gradient) = bce.ValueAndGradient(yTrue, logits);
Console.WriteLine();
Console.WriteLine($"BCE(from_logits) value {value:0.000000}, gradient [{string.Join(", ", gradient.Select(g => g.ToString("0.000000", CultureInfo.InvariantCulture)))}]");
Console.WriteLine($"config: {bce.ToJson()}");
Console.WriteLine();
Console.WriteLine(failures == 0 ? "All documented examples reproduced." : $"{failures} example(s) differ from the documentation.");
return failures == 0 ? 0 : 1;
