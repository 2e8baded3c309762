using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using TorchReduction = TorchSharp.torch.nn.Reduction;

namespace SharpLoss.Benchmarks;

/// <summary>
/// TorchSharp (libtorch, CPU): forward + backward of the matching <c>torch.nn.functional</c> loss, reduction mean.
/// Inputs are created once; the prediction requires grad; its grad is reset to none every iteration (what
/// <c>zero_grad()</c> does by default), so backward allocates it afresh as in training. Temporaries are freed by a
/// dispose scope. Run once with glibc malloc and once with tcmalloc preloaded (bench/run.sh).
/// </summary>
[MemoryDiagnoser]
public class TorchPointwise
{
    private Tensor? _y, _p;

    public static IEnumerable<string> Losses => Cases.PointwiseLosses;

    public static IEnumerable<string> Sizes => Cases.PointwiseSizes;

    [ParamsSource(nameof(Losses), Priority = 1)]
    public string Loss { get; set; } = "";

    [ParamsSource(nameof(Sizes), Priority = 2)]
    public string Size { get; set; } = "";

    [Params(1, 2, Priority = 3)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Cases.SettleHeap();
        torch.set_num_threads(Threads);
        (float[] y, float[] p) = Cases.Pointwise(Loss, Cases.Shape(Size).Rows);
        _y = torch.tensor(y, [y.Length]);
        _p = torch.tensor(p, [p.Length], requires_grad: true);
        Cases.SettleHeap();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _y?.Dispose();
        _p?.Dispose();
        (_y, _p) = (null, null);
    }

    [Benchmark]
    public float ValueAndGradient()
    {
        using var scope = torch.NewDisposeScope();
        Tensor p = _p!, y = _y!;
        p.grad = null;
        Tensor loss = Loss switch
        {
            "BceLogits" => F.binary_cross_entropy_with_logits(p, y, reduction: TorchReduction.Mean),
            "Bce" => F.binary_cross_entropy(p, y, reduction: TorchReduction.Mean),
            "Mse" => F.mse_loss(p, y, reduction: TorchReduction.Mean),
            "Huber" => F.huber_loss(p, y, delta: 1.0, reduction: TorchReduction.Mean),
            _ => F.l1_loss(p, y, reduction: TorchReduction.Mean),
        };
        loss.backward();
        return loss.item<float>();
    }
}

/// <summary>TorchSharp <c>cross_entropy</c> from logits: probability targets (CCE) and class-index targets (SCCE).</summary>
[MemoryDiagnoser]
public class TorchRows
{
    private Tensor? _logits, _target;

    public static IEnumerable<string> Losses => Cases.RowLosses;

    public static IEnumerable<string> Sizes => Cases.RowSizes;

    [ParamsSource(nameof(Losses), Priority = 1)]
    public string Loss { get; set; } = "";

    [ParamsSource(nameof(Sizes), Priority = 2)]
    public string Size { get; set; } = "";

    [Params(1, 2, Priority = 3)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Cases.SettleHeap();
        torch.set_num_threads(Threads);
        (int rows, int classes) = Cases.Shape(Size);
        (float[] logits, float[] probs, int[] ids) = Cases.Rows(rows, classes);
        _logits = torch.tensor(logits, [rows, classes], requires_grad: true);
        _target = Loss == "CceLogits"
            ? torch.tensor(probs, [rows, classes])
            : torch.tensor(ids.Select(i => (long)i).ToArray(), [rows]);
        Cases.SettleHeap();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _logits?.Dispose();
        _target?.Dispose();
        (_logits, _target) = (null, null);
    }

    [Benchmark]
    public float ValueAndGradient()
    {
        using var scope = torch.NewDisposeScope();
        Tensor x = _logits!;
        x.grad = null;
        Tensor loss = F.cross_entropy(x, _target!, reduction: TorchReduction.Mean);
        loss.backward();
        return loss.item<float>();
    }
}
