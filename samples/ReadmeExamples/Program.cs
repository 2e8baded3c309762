// The C# blocks of README.md, verbatim, followed by checks of the numbers their comments state. The guides' blocks are
// in Guides/. Exits with 1 if a number differs.
using System.Numerics.Tensors;
using SharpLoss;

// Two samples with two binary labels each, and a model's logits for them.
float[,] yTrue = { { 0, 1 }, { 0, 0 } };
float[,] yPred = { { -18.6f, 0.51f }, { 2.94f, -12.8f } };

var bce = new BinaryCrossentropy(fromLogits: true);
float loss = bce.Compute(yTrue, yPred);                                               // 0.865458
float weighted = bce.Compute(yTrue, yPred, sampleWeight: new float[] { 0.8f, 0.2f }); // 0.2436386

// The gradient with respect to yPred (the logits here), from the same pass as the value.
(float value, Tensor<float> grad) = bce.ValueAndGradient(yTrue, yPred);
// value 0.865458; grad has yPred's shape, [2, 2]: [[2.0895967e-09, -0.09379838], [0.23744717, 6.9019114e-07]]

// No allocation: the gradient goes into a buffer of yPred's size that you own (yPred's own memory works too).
float[] gradBuffer = new float[yPred.Length];
float sameValue = bce.ValueAndGradientInto(yTrue, yPred, gradBuffer);  // 0.865458; gradBuffer holds grad, row-major

// A flat buffer with an explicit shape is an input too.
float[] flat = { -18.6f, 0.51f, 2.94f, -12.8f };
float fromFlat = bce.Compute(yTrue, new LossInput<float>(flat, 2, 2));   // 0.865458

// Unreduced: one loss per sample, and the vector-Jacobian product for an upstream gradient of that shape.
var perSampleBce = new BinaryCrossentropy(fromLogits: true, reduction: Reduction.None);
Tensor<float> perSample = perSampleBce.Call(yTrue, yPred);                            // [0.23515666, 1.4957594]
Tensor<float> vjp = perSampleBce.Backward(yTrue, yPred, upstream: new float[] { 1, 0.5f });
// vjp: [[4.1791934e-09, -0.18759677], [0.23744717, 6.9019114e-07]]

Expect.Near("Compute", loss, "0.865458");
Expect.Near("Compute with sampleWeight", weighted, "0.2436386");
Expect.Near("ValueAndGradient value", value, "0.865458");
Expect.Equal("ValueAndGradient gradient shape", string.Join(", ", grad.Lengths.ToArray()), "2, 2");
Expect.Near("ValueAndGradient gradient", grad, "2.0895967e-09", "-0.09379838", "0.23744717", "6.9019114e-07");
Expect.Near("ValueAndGradientInto value", sameValue, "0.865458");
Expect.That("ValueAndGradientInto gradient == ValueAndGradient's", gradBuffer.SequenceEqual(grad.ToArray()));
Expect.Near("Compute on a flat buffer with a shape", fromFlat, "0.865458");
Expect.Near("Call with Reduction.None", perSample, "0.23515666", "1.4957594");
Expect.Near("Backward", vjp, "4.1791934e-09", "-0.18759677", "0.23744717", "6.9019114e-07");

string json = bce.ToJson();
// {"module": "keras.losses", "class_name": "BinaryCrossentropy", "config": {"name": "binary_crossentropy",
//  "reduction": "sum_over_batch_size", "from_logits": true, "label_smoothing": 0.0, "axis": -1}, "registered_name": null}
Loss again = Losses.FromJson(json);                                   // the same loss: again.ToJson() == json
Loss byName = Losses.Get("bce");                                      // a BinaryCrossentropy with Keras's defaults
Loss saved = Losses.FromJson("\"binary_crossentropy\"");              // a bare name, as Keras 3 saves compile(loss=...)
Loss legacy = Losses.FromJson("\"binary_crossentropy\"", LossSemantics.TfKeras2);  // the same name, tf.keras 2 numbers

// tf.keras 2.x numbers, per instance (here BinaryCrossentropy's second epsilon inside the log).
float[] y4 = { 0, 0, 1, 1 }, p4 = { 1, 1, 1, 0 };
float keras3 = new BinaryCrossentropy().Compute(y4, p4);                                     // 12.000716
float tfKeras2 = new BinaryCrossentropy(semantics: LossSemantics.TfKeras2).Compute(y4, p4);  // 11.522857

Expect.Equal("ToJson", json, """{"module": "keras.losses", "class_name": "BinaryCrossentropy", "config": {"name": "binary_crossentropy", "reduction": "sum_over_batch_size", "from_logits": true, "label_smoothing": 0.0, "axis": -1}, "registered_name": null}""");
Expect.Equal("FromJson(ToJson()).ToJson()", again.ToJson(), json);
Expect.Equal("Get(\"bce\")", byName.ToJson(), new BinaryCrossentropy().ToJson());
Expect.Equal("FromJson(bare name)", saved.ToJson(), new BinaryCrossentropy().ToJson());
Expect.Equal("FromJson(bare name, TfKeras2)", legacy.ToJson(), new BinaryCrossentropy(semantics: LossSemantics.TfKeras2).ToJson());
Expect.Near("Keras 3", keras3, "12.000716");
Expect.Near("tf.keras 2", tfKeras2, "11.522857");

Guides.ComingFromKeras();
Guides.ComingFromPyTorch();
Guides.CustomLosses();
Guides.OnnxRuntime();

Console.WriteLine(Expect.Failures == 0 ? "README examples: all checks passed" : $"README examples: {Expect.Failures} check(s) failed");
return Expect.Failures == 0 ? 0 : 1;
