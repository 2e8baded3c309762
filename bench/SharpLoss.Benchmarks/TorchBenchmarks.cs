using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using TorchReduction = TorchSharp.torch.nn.Reduction;

namespace SharpLoss.Benchmarks;

/// <summary>
/// TorchSharp (libtorch, CPU): forward + backward of the matching <c>torch.nn.functional</c> loss, with the reduction
/// that gives the Keras loss's number (mean, except KL divergence: see <see cref="ValueAndGradient"/>): BCE from logits,
/// BCE, MSE, MAE, Huber, Poisson and KL divergence. Inputs are created once; the prediction requires grad; its grad is
/// reset to none every iteration (what <c>zero_grad()</c> does by default), so backward allocates it afresh as in
/// training. Temporaries are freed by a dispose scope. Run once with glibc malloc and once with tcmalloc preloaded
/// (bench/run.sh). The setup checks the value and gradient against the SharpLoss case's (<see cref="PeerCheck"/>).
/// </summary>
[MemoryDiagnoser]
public class TorchPointwise
{
    private Tensor? _y, _p;

    public static IEnumerable<string> Losses => [.. Cases.PointwiseLosses, .. Cases.ElementwiseTorchPeers];

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
        var ours = new SharpLossPointwise { Loss = Loss, Size = Size, Threads = Threads };
        ours.Setup();
        PeerCheck.Compare($"{Loss}, {Size}, {Threads} thread(s)", ours.ValueAndGradient(), ours.Gradient, ValueAndGradient(), _p);
        ours.Cleanup();
        Cases.SettleHeap();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _y?.Dispose();
        _p?.Dispose();
        (_y, _p) = (null, null);
    }

    /// <summary>
    /// One forward + backward. Poisson: <c>poisson_nll_loss</c> on rates (<c>log_input: false</c>), which is Keras's
    /// p − y·log(p + ε) with <c>eps</c> set to Keras's 1e-7 and no Stirling term. KL divergence: <c>kl_div</c> takes
    /// log-probabilities, so log p is computed here, in the measured call; the target y is a probability
    /// (<c>log_target: false</c>). Keras sums y·log(y/p) over the last axis, and the inputs here have rank 1 (16M, not
    /// 16M x 1), so the Keras loss is the sum over every element: reduction sum. Keras also clips y and p to [1e-7, 1];
    /// on this data p is always inside and only the few labels below 1e-7 are clipped (a difference far below the
    /// check's tolerance), so the peer does not clip.
    /// </summary>
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
            "Mae" => F.l1_loss(p, y, reduction: TorchReduction.Mean),
            "Huber" => F.huber_loss(p, y, delta: 1.0, reduction: TorchReduction.Mean),
            "Poisson" => F.poisson_nll_loss(p, y, log_input: false, full: false, eps: 1e-7f, reduction: TorchReduction.Mean),
            "Kld" => F.kl_div(p.log(), y, log_target: false, reduction: TorchReduction.Sum),
            _ => throw new ArgumentException(Loss),
        };
        loss.backward();
        return loss.item<float>();
    }
}

/// <summary>
/// TorchSharp row losses on the SharpLossRows cases' data: <c>cross_entropy</c> from logits with probability targets
/// (CCE) and class-index targets (SCCE); the negated mean over rows of <c>cosine_similarity</c> along the classes between
/// probability rows and one-hot targets (Keras <c>CosineSimilarity</c>). The setup checks the value and gradient against
/// the SharpLoss case's (<see cref="PeerCheck"/>).
/// </summary>
[MemoryDiagnoser]
public class TorchRows
{
    private Tensor? _x, _target;

    public static IEnumerable<string> Losses => [.. Cases.RowLosses, .. Cases.CatalogueRowTorchPeers];

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
        (_x, _target) = Loss switch
        {
            "CceLogits" => (torch.tensor(logits, [rows, classes], requires_grad: true), torch.tensor(probs, [rows, classes])),
            "SparseCceLogits" => (torch.tensor(logits, [rows, classes], requires_grad: true), torch.tensor(ids.Select(i => (long)i).ToArray(), [rows])),
            "Cosine" => (torch.tensor(probs, [rows, classes], requires_grad: true), torch.tensor(Cases.OneHot(ids, classes), [rows, classes])),
            _ => throw new ArgumentException(Loss),
        };
        var ours = new SharpLossRows { Loss = Loss, Size = Size, Threads = Threads };
        ours.Setup();
        PeerCheck.Compare($"{Loss}, {Size}, {Threads} thread(s)", ours.ValueAndGradient(), ours.Gradient, ValueAndGradient(), _x);
        ours.Cleanup();
        Cases.SettleHeap();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _x?.Dispose();
        _target?.Dispose();
        (_x, _target) = (null, null);
    }

    [Benchmark]
    public float ValueAndGradient()
    {
        using var scope = torch.NewDisposeScope();
        Tensor x = _x!;
        x.grad = null;
        Tensor loss = Loss == "Cosine"
            ? -F.cosine_similarity(x, _target!, dim: 1).mean()
            : F.cross_entropy(x, _target!, reduction: TorchReduction.Mean);
        loss.backward();
        return loss.item<float>();
    }
}

/// <summary>
/// Makes sure a TorchSharp case computes what the SharpLoss case with the same loss, size and threads computes, on the
/// same data: the value within 1e-4 relative, every gradient element within 1e-4 of the largest. A peer that computes
/// another quantity makes its ratio meaningless, so a mismatch fails the case's setup (BenchmarkDotNet then reports
/// the exception and skips the case).
/// </summary>
internal static class PeerCheck
{
    private const double Tolerance = 1e-4;

    /// <summary>Compares SharpLoss's value and gradient with TorchSharp's (the grad of <paramref name="input"/>), then resets that
    /// grad; <paramref name="tolerance"/> (default 1e-4) bounds the value's relative difference and the gradient's difference
    /// relative to its largest element.</summary>
    public static void Compare(string name, float ours, float[] ourGrad, float theirs, Tensor input, double tolerance = Tolerance)
    {
        float[] theirGrad;
        using (Tensor grad = input.grad ?? throw new InvalidOperationException($"TorchSharp {name}: no gradient"))
        {
            theirGrad = grad.data<float>().ToArray();
        }

        input.grad = null;
        double valueError = Math.Abs(ours - theirs) / Math.Max(Math.Max(Math.Abs(ours), Math.Abs(theirs)), double.Epsilon);
        double largest = 0, gradError = 0;
        int worst = -1;
        if (theirGrad.Length == ourGrad.Length)
        {
            for (int i = 0; i < ourGrad.Length; i++)
            {
                largest = Math.Max(largest, Math.Abs(ourGrad[i]));
                double e = Math.Abs(ourGrad[i] - theirGrad[i]);
                if (double.IsNaN(e))
                {
                    (gradError, worst) = (double.NaN, i);
                    break;
                }

                if (e > gradError || worst < 0)
                {
                    (gradError, worst) = (e, i);
                }
            }

            gradError /= Math.Max(largest, double.Epsilon);
        }

        string summary = FormattableString.Invariant(
            $"{name}: SharpLoss {ours:R}, TorchSharp {theirs:R} (relative difference {valueError:E1}); gradient: {ourGrad.Length} vs {theirGrad.Length} elements, largest difference {gradError:E1} of the largest element");
        if (theirGrad.Length != ourGrad.Length || !(valueError <= tolerance) || !(gradError <= tolerance))
        {
            throw new InvalidOperationException(
                $"TorchSharp peer differs from SharpLoss, {summary}" + (worst >= 0 ? FormattableString.Invariant($" (element {worst}: {ourGrad[worst]:R} vs {theirGrad[worst]:R})") : ""));
        }

        Console.WriteLine($"// peer check {summary}");
    }
}
