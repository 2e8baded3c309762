using TorchSharp;
using static TorchSharp.torch;

namespace SharpLoss.TorchSharp.Tests;

/// <summary>Small deterministic models and data sets for the training tests.</summary>
internal static class Models
{
    /// <summary>inputs → hidden (tanh) → outputs, its parameters drawn from <paramref name="seed"/> (not the global RNG).</summary>
    public static nn.Module<Tensor, Tensor> Mlp(int inputs, int hidden, int outputs, long seed, ScalarType dtype = ScalarType.Float32)
    {
        var model = nn.Sequential(nn.Linear(inputs, hidden), nn.Tanh(), nn.Linear(hidden, outputs));
        model.to(dtype);
        var g = new Generator((ulong)seed);
        using (no_grad())
        {
            foreach (var p in model.parameters())
            {
                p.copy_(randn(p.shape, dtype: dtype, generator: g) * 0.5);
            }
        }

        return model;
    }

    /// <summary>A copy of <paramref name="source"/> with the same parameter values.</summary>
    public static nn.Module<Tensor, Tensor> Twin(nn.Module<Tensor, Tensor> source, int inputs, int hidden, int outputs, ScalarType dtype = ScalarType.Float32)
    {
        var twin = Mlp(inputs, hidden, outputs, seed: 0, dtype);
        using (no_grad())
        {
            foreach (var (mine, theirs) in twin.parameters().Zip(source.parameters()))
            {
                mine.copy_(theirs);
            }
        }

        return twin;
    }

    /// <summary>Largest absolute difference between the two models' parameters.</summary>
    public static double MaxParameterDifference(nn.Module<Tensor, Tensor> a, nn.Module<Tensor, Tensor> b) =>
        a.parameters().Zip(b.parameters()).Max(pq => (pq.First - pq.Second).abs().max().to(ScalarType.Float64).item<double>());

    /// <summary>
    /// <paramref name="n"/> points in 4 dimensions (standard normal, from <paramref name="seed"/>) and their class:
    /// the largest of <paramref name="classes"/> fixed linear scores (for 2 classes, the sign of one score, as 0/1).
    /// </summary>
    public static (Tensor X, Tensor Scores) Points(int n, int classes, long seed)
    {
        var g = new Generator((ulong)seed);
        Tensor x = randn([n, 4], generator: g);
        Tensor w = randn([4, classes], generator: g);
        return (x, x.matmul(w));
    }

    /// <summary>Trains <paramref name="model"/> with plain SGD for <paramref name="steps"/> full-batch steps; the loss before each step.</summary>
    public static float[] Train(nn.Module<Tensor, Tensor> model, Func<Tensor, Tensor> loss, Tensor x, int steps, double learningRate)
    {
        var optimizer = optim.SGD(model.parameters(), learningRate);
        var curve = new float[steps];
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            Tensor value = loss(model.call(x));
            value.backward();
            optimizer.step();
            curve[step] = value.item<float>();
        }

        return curve;
    }
}
