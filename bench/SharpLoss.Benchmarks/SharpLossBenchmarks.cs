using BenchmarkDotNet.Attributes;

namespace SharpLoss.Benchmarks;

/// <summary>SharpLoss element-wise losses: value and gradient (mean reduction) into a caller's buffer.</summary>
[MemoryDiagnoser]
public class SharpLossPointwise
{
    private float[] _y = [], _p = [], _grad = [];
    private Loss _loss = null!;

    public static IEnumerable<string> Losses => [.. Cases.PointwiseLosses, .. Cases.ElementwiseLosses];

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
        int n = Cases.Shape(Size).Rows;
        (_y, _p) = Cases.Pointwise(Loss, n);
        _grad = new float[n];
        _loss = Loss switch
        {
            "BceLogits" => new BinaryCrossentropy(fromLogits: true) { MaxDegreeOfParallelism = Threads },
            "Bce" => new BinaryCrossentropy() { MaxDegreeOfParallelism = Threads },
            "Mse" => new MeanSquaredError() { MaxDegreeOfParallelism = Threads },
            "Mae" => new MeanAbsoluteError() { MaxDegreeOfParallelism = Threads },
            "Huber" => new Huber() { MaxDegreeOfParallelism = Threads },
            "Mape" => new MeanAbsolutePercentageError() { MaxDegreeOfParallelism = Threads },
            "Msle" => new MeanSquaredLogarithmicError() { MaxDegreeOfParallelism = Threads },
            "LogCosh" => new LogCosh() { MaxDegreeOfParallelism = Threads },
            "Poisson" => new Poisson() { MaxDegreeOfParallelism = Threads },
            "Hinge" => new Hinge() { MaxDegreeOfParallelism = Threads },
            "SquaredHinge" => new SquaredHinge() { MaxDegreeOfParallelism = Threads },
            "Kld" => new KLDivergence() { MaxDegreeOfParallelism = Threads },
            "BinaryFocal" => new BinaryFocalCrossentropy() { MaxDegreeOfParallelism = Threads },
            _ => throw new ArgumentException(Loss),
        };
        Cases.SettleHeap();
    }

    [GlobalCleanup]
    public void Cleanup() => (_y, _p, _grad) = ([], [], []);

    [Benchmark]
    public float ValueAndGradient() =>
        _loss.ValueAndGradientInto(new LossInput<float>(_y, _y.Length), new LossInput<float>(_p, _p.Length), _grad);

    /// <summary>The gradient of the last call (for the TorchSharp cases' check against this case).</summary>
    internal float[] Gradient => _grad;
}

/// <summary>
/// SharpLoss softmax losses over rows: CCE from logits with probability targets, SCCE from logits with class ids, and
/// both on probabilities (CCE with one-hot targets), the Keras defaults.
/// </summary>
[MemoryDiagnoser]
public class SharpLossRows
{
    private float[] _logits = [], _probs = [], _oneHot = [], _grad = [];
    private int[] _ids = [];
    private int _rows, _classes;
    private Func<float> _call = null!;

    public static IEnumerable<string> Losses => [.. Cases.RowLosses, .. Cases.ProbabilityRowLosses, .. Cases.CatalogueRowLosses];

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
        (_rows, _classes) = Cases.Shape(Size);
        (_logits, _probs, _ids) = Cases.Rows(_rows, _classes);
        _oneHot = Loss is "Cce" or "CategoricalHinge" or "Cosine" or "CategoricalFocal" or "Dice" or "Tversky" ? Cases.OneHot(_ids, _classes) : [];
        _grad = new float[_logits.Length];
        _call = Loss switch
        {
            "CceLogits" => Call(new CategoricalCrossentropy(fromLogits: true) { MaxDegreeOfParallelism = Threads }, _probs, _logits),
            "SparseCceLogits" => Call(new SparseCategoricalCrossentropy(fromLogits: true) { MaxDegreeOfParallelism = Threads }, _logits),
            "Cce" => Call(new CategoricalCrossentropy() { MaxDegreeOfParallelism = Threads }, _oneHot, _probs),
            "SparseCce" => Call(new SparseCategoricalCrossentropy() { MaxDegreeOfParallelism = Threads }, _probs),
            "CategoricalHinge" => Call(new CategoricalHinge() { MaxDegreeOfParallelism = Threads }, _oneHot, _probs),
            "Cosine" => Call(new CosineSimilarity() { MaxDegreeOfParallelism = Threads }, _oneHot, _probs),
            "CategoricalFocal" => Call(new CategoricalFocalCrossentropy() { MaxDegreeOfParallelism = Threads }, _oneHot, _probs),
            "SparseFocal" => Call(new SparseCategoricalFocalCrossentropy() { MaxDegreeOfParallelism = Threads }, _probs),
            "Dice" => Call(new Dice(axis: [1]) { MaxDegreeOfParallelism = Threads }, _oneHot, _probs),
            "Tversky" => Call(new Tversky(axis: [1]) { MaxDegreeOfParallelism = Threads }, _oneHot, _probs),
            "Cgce" => Call(new CategoricalGeneralizedCrossEntropy() { MaxDegreeOfParallelism = Threads }, _probs),
            _ => throw new ArgumentException(Loss),
        };
        Cases.SettleHeap();
    }

    [GlobalCleanup]
    public void Cleanup() => (_logits, _probs, _oneHot, _grad, _ids) = ([], [], [], [], []);

    [Benchmark]
    public float ValueAndGradient() => _call();

    /// <summary>The gradient of the last call (for the TorchSharp cases' check against this case).</summary>
    internal float[] Gradient => _grad;

    private Func<float> Call(Loss loss, float[] labels, float[] predictions) =>
        () => loss.ValueAndGradientInto(new LossInput<float>(labels, _rows, _classes), new LossInput<float>(predictions, _rows, _classes), _grad);

    private Func<float> Call(ClassIdLoss loss, float[] predictions) =>
        () => loss.ValueAndGradientInto(new LossInput<int>(_ids, _rows), new LossInput<float>(predictions, _rows, _classes), _grad);
}
