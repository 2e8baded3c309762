// Trains a softmax classifier (a linear layer, logits = x·W + b) on three Gaussian clusters in the plane, with SharpLoss's
// SparseCategoricalCrossentropy(fromLogits: true) for the loss and its gradient, and plain full-batch gradient descent.
// Prints the loss curve and the accuracy; exits with 1 if the loss does not fall or the accuracy stays below 90 %.

using System.Numerics.Tensors;
using SharpLoss;

const int N = 600, Features = 2, Classes = 3, Epochs = 200;
const double LearningRate = 0.5;

// Data: class c is centred at (cos 2πc/3, sin 2πc/3) · 2 with unit spread (Box–Muller from a seeded generator).
var rng = new Random(42);
float[] x = new float[N * Features];
int[] labels = new int[N];
for (int i = 0; i < N; i++)
{
    int c = i % Classes;
    labels[i] = c;
    double angle = 2 * Math.PI * c / Classes;
    for (int f = 0; f < Features; f++)
    {
        double gaussian = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        x[(i * Features) + f] = (float)((2 * (f == 0 ? Math.Cos(angle) : Math.Sin(angle))) + (0.8 * gaussian));
    }
}

float[] w = new float[Features * Classes], b = new float[Classes];
float[] logits = new float[N * Classes], gradient = new float[N * Classes];
var loss = new SparseCategoricalCrossentropy(fromLogits: true);
float first = float.NaN, last = float.NaN;

for (int epoch = 0; epoch <= Epochs; epoch++)
{
    // Forward: logits[i, c] = Σ_f x[i, f]·W[f, c] + b[c].
    for (int i = 0; i < N; i++)
    {
        for (int c = 0; c < Classes; c++)
        {
            float z = b[c];
            for (int f = 0; f < Features; f++)
            {
                z += x[(i * Features) + f] * w[(f * Classes) + c];
            }

            logits[(i * Classes) + c] = z;
        }
    }

    // Loss (mean over the batch) and ∂loss/∂logits in one pass, into a reused buffer.
    last = loss.ValueAndGradientInto(labels, new LossInput<float>(logits, N, Classes), gradient);
    if (epoch == 0)
    {
        first = last;
    }

    if (epoch % 20 == 0)
    {
        Console.WriteLine($"epoch {epoch,3}: loss {last:F4}");
    }

    if (epoch == Epochs)
    {
        break;
    }

    // Backward through the linear layer and an SGD step: ∂W = xᵀ·g, ∂b = Σ_i g[i].
    for (int c = 0; c < Classes; c++)
    {
        float gb = 0;
        for (int i = 0; i < N; i++)
        {
            gb += gradient[(i * Classes) + c];
        }

        b[c] -= (float)LearningRate * gb;
        for (int f = 0; f < Features; f++)
        {
            float gw = 0;
            for (int i = 0; i < N; i++)
            {
                gw += x[(i * Features) + f] * gradient[(i * Classes) + c];
            }

            w[(f * Classes) + c] -= (float)LearningRate * gw;
        }
    }
}

int correct = 0;
for (int i = 0; i < N; i++)
{
    ReadOnlySpan<float> row = logits.AsSpan(i * Classes, Classes);
    correct += TensorPrimitives.IndexOfMax(row) == labels[i] ? 1 : 0;
}

double accuracy = (double)correct / N;
Console.WriteLine($"accuracy {accuracy:P1} ({correct}/{N}); loss {first:F4} -> {last:F4}");
return last < first && accuracy >= 0.9 ? 0 : 1;
