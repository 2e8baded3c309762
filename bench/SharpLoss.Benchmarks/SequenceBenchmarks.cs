using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using TorchReduction = TorchSharp.torch.nn.Reduction;

namespace SharpLoss.Benchmarks;

/// <summary>The CTC and Circle cases' data, from fixed seeds.</summary>
public static class SequenceCases
{
    public const int Batch = 64, Frames = 200, Classes = 32, LabelLength = 40;

    /// <summary>CTC size label: 64 sequences x (200 frames x 32 classes) of logits.</summary>
    public const string CtcSize = "64x6400";

    /// <summary>Circle size label: 1024 embeddings of dimension 128.</summary>
    public const string CircleSize = "1024x128";

    /// <summary>Logits [64, 200, 32] in [-3, 3] and labels [64, 40] with ids in [1, 32) (blank 0), every label feasible.</summary>
    public static (float[] Logits, int[] Labels) Ctc()
    {
        var rng = new Random(20261207);
        var logits = new float[Batch * Frames * Classes];
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = (float)((rng.NextDouble() * 6) - 3);
        }

        var labels = new int[Batch * LabelLength];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = 1 + rng.Next(Classes - 1);
        }

        return (logits, labels);
    }

    /// <summary>1024 unit vectors of dimension 128 and labels in [0, 64) (16 embeddings per class on average).</summary>
    public static (float[] Embeddings, float[] Labels) Circle()
    {
        (int n, int dim) = Cases.Shape(CircleSize);
        var rng = new Random(20261208);
        var x = new float[n * dim];
        for (int i = 0; i < n; i++)
        {
            double norm = 0;
            for (int k = 0; k < dim; k++)
            {
                double v = (rng.NextDouble() * 2) - 1;
                x[(i * dim) + k] = (float)v;
                norm += v * v;
            }

            for (int k = 0; k < dim; k++)
            {
                x[(i * dim) + k] = (float)(x[(i * dim) + k] / Math.Sqrt(norm));
            }
        }

        var labels = new float[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = rng.Next(64);
        }

        return (x, labels);
    }
}

/// <summary>SharpLoss CTC (Keras conventions: blank 0, label lengths from the non-zero ids, every frame): value and
/// gradient with respect to the logits, summed over the batch, into a caller's buffer.</summary>
[MemoryDiagnoser]
public class SharpLossCtc
{
    private float[] _logits = [], _grad = [];
    private int[] _labels = [];
    private CTC _loss = null!;

    [Params("Ctc", Priority = 1)]
    public string Loss { get; set; } = "";

    [Params(SequenceCases.CtcSize, Priority = 2)]
    public string Size { get; set; } = "";

    [Params(1, 2, Priority = 3)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Cases.SettleHeap();
        (_logits, _labels) = SequenceCases.Ctc();
        _grad = new float[_logits.Length];
        _loss = new CTC(Reduction.Sum) { MaxDegreeOfParallelism = Threads };
        Cases.SettleHeap();
    }

    [GlobalCleanup]
    public void Cleanup() => (_logits, _grad, _labels) = ([], [], []);

    [Benchmark]
    public float ValueAndGradient() => _loss.ValueAndGradientInto(
        new LossInput<int>(_labels, SequenceCases.Batch, SequenceCases.LabelLength),
        new LossInput<float>(_logits, SequenceCases.Batch, SequenceCases.Frames, SequenceCases.Classes),
        _grad);

    /// <summary>The gradient of the last call (for the TorchSharp case's check against this case).</summary>
    internal float[] Gradient => _grad;
}

/// <summary>
/// TorchSharp <c>ctc_loss</c> on the SharpLossCtc case's data: log_softmax of the logits (batch-major, transposed to
/// the time-major layout torch expects), then ctc_loss with blank 0 and reduction sum, forward + backward to the
/// logits. The setup checks the value and gradient against the SharpLoss case's (<see cref="PeerCheck"/>).
/// </summary>
[MemoryDiagnoser]
public class TorchCtc
{
    private Tensor? _logits, _targets, _inputLengths, _targetLengths;

    [Params("Ctc", Priority = 1)]
    public string Loss { get; set; } = "";

    [Params(SequenceCases.CtcSize, Priority = 2)]
    public string Size { get; set; } = "";

    [Params(1, 2, Priority = 3)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Cases.SettleHeap();
        torch.set_num_threads(Threads);
        (float[] logits, int[] labels) = SequenceCases.Ctc();
        _logits = torch.tensor(logits, [SequenceCases.Batch, SequenceCases.Frames, SequenceCases.Classes], requires_grad: true);
        _targets = torch.tensor(labels.Select(i => (long)i).ToArray(), [SequenceCases.Batch, SequenceCases.LabelLength]);
        _inputLengths = torch.full([SequenceCases.Batch], SequenceCases.Frames, dtype: ScalarType.Int64);
        _targetLengths = torch.full([SequenceCases.Batch], SequenceCases.LabelLength, dtype: ScalarType.Int64);
        var ours = new SharpLossCtc { Loss = Loss, Size = Size, Threads = Threads };
        ours.Setup();
        // Each sequence's log-likelihood is about −620 nats, summed over 200 frames in float32 by both sides, so the
        // occupancies exp(α + β − ll) carry relative errors of a few 1e-4: on this data the largest difference between
        // SharpLoss's float32 gradient and its float64 one is 5.4e-4, and at the element where the two float32 gradients
        // differ most (3296) float64 gives −0.8141775, SharpLoss float32 −0.8141792, TorchSharp −0.8139966. Hence 1e-3.
        PeerCheck.Compare($"{Loss}, {Size}, {Threads} thread(s)", ours.ValueAndGradient(), ours.Gradient, ValueAndGradient(), _logits, tolerance: 1e-3);
        ours.Cleanup();
        Cases.SettleHeap();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _logits?.Dispose();
        _targets?.Dispose();
        _inputLengths?.Dispose();
        _targetLengths?.Dispose();
        (_logits, _targets, _inputLengths, _targetLengths) = (null, null, null, null);
    }

    [Benchmark]
    public float ValueAndGradient()
    {
        using var scope = torch.NewDisposeScope();
        Tensor x = _logits!;
        x.grad = null;
        Tensor logProbs = F.log_softmax(x.transpose(0, 1), 2);
        Tensor loss = F.ctc_loss(logProbs, _targets!, _inputLengths!, _targetLengths!, blank: 0, zero_infinity: false, reduction: TorchReduction.Sum);
        loss.backward();
        return loss.item<float>();
    }
}

/// <summary>SharpLoss Circle (Keras defaults γ = 80, m = 0.4) on 1024 embeddings of dimension 128: value and gradient
/// (mean over the rows with a positive loss) into a caller's buffer.</summary>
[MemoryDiagnoser]
public class SharpLossCircle
{
    private float[] _x = [], _labels = [], _grad = [];
    private Circle _loss = null!;
    private int _n, _dim;

    [Params("Circle", Priority = 1)]
    public string Loss { get; set; } = "";

    [Params(SequenceCases.CircleSize, Priority = 2)]
    public string Size { get; set; } = "";

    [Params(1, 2, Priority = 3)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Cases.SettleHeap();
        (_n, _dim) = Cases.Shape(Size);
        (_x, _labels) = SequenceCases.Circle();
        _grad = new float[_x.Length];
        _loss = new Circle { MaxDegreeOfParallelism = Threads };
        if (!float.IsFinite(ValueAndGradient()))
        {
            throw new InvalidOperationException("Circle: the benchmark's value is not finite.");
        }

        Cases.SettleHeap();
    }

    [GlobalCleanup]
    public void Cleanup() => (_x, _labels, _grad) = ([], [], []);

    [Benchmark]
    public float ValueAndGradient() =>
        _loss.ValueAndGradientInto(new LossInput<float>(_labels, _n), new LossInput<float>(_x, _n, _dim), _grad);
}

/// <summary>
/// The Circle target's yardstick: the 1024 x 1024 similarity matrix of the SharpLossCircle case's embeddings, one
/// <c>TensorPrimitives.Dot</c> of 128 elements per pair (rows split over the threads). The setup checks one entry
/// against a plain loop.
/// </summary>
[MemoryDiagnoser]
public class CircleDotBaseline
{
    private float[] _x = [], _s = [];
    private int _n, _dim;

    [Params("Circle", Priority = 1)]
    public string Loss { get; set; } = "";

    [Params(SequenceCases.CircleSize, Priority = 2)]
    public string Size { get; set; } = "";

    [Params(1, 2, Priority = 3)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_n, _dim) = Cases.Shape(Size);
        (_x, _) = SequenceCases.Circle();
        _s = new float[_n * _n];
        SimilarityProduct();
        double check = 0;
        for (int k = 0; k < _dim; k++)
        {
            check += _x[(3 * _dim) + k] * _x[(7 * _dim) + k];
        }

        if (Math.Abs(check - _s[(3 * _n) + 7]) > 1e-5)
        {
            throw new InvalidOperationException($"similarity product: {_s[(3 * _n) + 7]} vs {check}");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => (_x, _s) = ([], []);

    [Benchmark]
    public float SimilarityProduct()
    {
        if (Threads == 1)
        {
            for (int i = 0; i < _n; i++)
            {
                Row(i);
            }
        }
        else
        {
            Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
            {
                for (int i = t; i < _n; i += Threads)
                {
                    Row(i);
                }
            });
        }

        return _s[_n + 1];
    }

    private void Row(int i)
    {
        ReadOnlySpan<float> xi = _x.AsSpan(i * _dim, _dim);
        for (int j = 0; j < _n; j++)
        {
            _s[(i * _n) + j] = TensorPrimitives.Dot(xi, _x.AsSpan(j * _dim, _dim));
        }
    }
}
