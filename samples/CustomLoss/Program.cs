// A custom loss in a few lines: the pseudo-Huber loss δ²(√(1 + (e/δ)²) − 1), e = yPred − yTrue, with its derivative
// e/√(1 + (e/δ)²). It gets the whole Keras pipeline (weights, masks, reductions), gradients, float and double, and JSON
// under a registered name. The program round-trips it through JSON and checks its gradient against central finite
// differences; it exits with 1 on any failure.

using System.Numerics.Tensors;
using CustomLossSample;
using SharpLoss;

string registered = Losses.Register<PseudoHuber>("Samples");
var loss = new PseudoHuber(delta: 0.5);

double[] yTrue = [0.0, 1.0, 2.0, -1.0, 0.5, 3.0];
double[] yPred = [0.2, 0.4, 2.5, -3.0, 0.5, 1.0];
double[] weights = [1.0, 0.5];
var y = Tensor.Create(yTrue, [2, 3]);

// JSON: the Keras 3 envelope with "registered_name": "Samples>PseudoHuber", read back into an equal loss.
string json = loss.ToJson();
Loss back = Losses.FromJson(json);
Console.WriteLine($"registered as {registered}");
Console.WriteLine(json);
bool ok = back is PseudoHuber { Delta: 0.5 } && back.ToJson() == json
    && back.Compute(y, Tensor.Create(yPred, [2, 3]), weights) == loss.Compute(y, Tensor.Create(yPred, [2, 3]), weights);
Console.WriteLine($"JSON round trip: {(ok ? "ok" : "FAILED")}");

// Gradient: the analytic one against central differences of the value, with per-sample weights.
(double value, Tensor<double> gradient) = loss.ValueAndGradient(y, Tensor.Create(yPred, [2, 3]), weights);
double worst = 0;
for (int i = 0; i < yPred.Length; i++)
{
    double[] plus = (double[])yPred.Clone(), minus = (double[])yPred.Clone();
    double h = 1e-6;
    plus[i] += h;
    minus[i] -= h;
    double numeric = (loss.Compute(y, Tensor.Create(plus, [2, 3]), weights) - loss.Compute(y, Tensor.Create(minus, [2, 3]), weights)) / (plus[i] - minus[i]);
    worst = Math.Max(worst, Math.Abs(numeric - gradient[i / 3, i % 3]));
}

bool gradientOk = worst < 1e-8;
Console.WriteLine($"loss {value:G6}; largest gradient difference from finite differences {worst:E1}: {(gradientOk ? "ok" : "FAILED")}");
return ok && gradientOk ? 0 : 1;

namespace CustomLossSample
{
    /// <summary>The pseudo-Huber loss with scale δ (<c>delta</c> in the config).</summary>
    public sealed class PseudoHuber(double delta = 1.0, Reduction? reduction = null, string? name = null)
        : ElementwiseLoss(reduction, name)
    {
        /// <summary>The scale δ: quadratic below it, linear above.</summary>
        public double Delta { get; } = delta;

        /// <inheritdoc/>
        protected override T Evaluate<T>(T yTrue, T yPred, out T derivative)
        {
            T d = T.CreateChecked(Delta), e = yPred - yTrue, root = T.Sqrt(T.One + (e / d * (e / d)));
            derivative = e / root;
            return d * d * (root - T.One);
        }
    }
}
