using BenchmarkDotNet.Attributes;

namespace SharpLoss.Benchmarks;

/// <summary>
/// The baseline anyone would write first: one plain C# loop per loss, float arithmetic with a double accumulator, one
/// thread, mean reduction, value and gradient in the same pass. Same data as the SharpLoss and TorchSharp cases.
/// </summary>
internal static class NaiveLosses
{
    private const float Eps = 1e-7f;   // Keras's float32 epsilon (clip bound of BCE on probabilities)

    public static float BceLogits(float[] y, float[] x, float[] grad)
    {
        double sum = 0;
        float inv = 1f / x.Length;
        for (int i = 0; i < x.Length; i++)
        {
            // max(x, 0) - x*y + log(1 + exp(-|x|)), gradient sigmoid(x) - y.
            float e = MathF.Exp(-MathF.Abs(x[i]));
            sum += MathF.Max(x[i], 0) - (x[i] * y[i]) + MathF.Log(1 + e);
            float sigmoid = x[i] >= 0 ? 1 / (1 + e) : e / (1 + e);
            grad[i] = (sigmoid - y[i]) * inv;
        }

        return (float)(sum / x.Length);
    }

    public static float Bce(float[] y, float[] p, float[] grad)
    {
        double sum = 0;
        float inv = 1f / p.Length;
        for (int i = 0; i < p.Length; i++)
        {
            // -(y log q + (1 - y) log(1 - q)) with q = clip(p, eps, 1 - eps); zero gradient where the clip is active.
            float q = Math.Clamp(p[i], Eps, 1 - Eps);
            sum -= (y[i] * MathF.Log(q)) + ((1 - y[i]) * MathF.Log(1 - q));
            grad[i] = q == p[i] ? (q - y[i]) / (q * (1 - q)) * inv : 0;
        }

        return (float)(sum / p.Length);
    }

    public static float Mse(float[] y, float[] p, float[] grad)
    {
        double sum = 0;
        float scale = 2f / p.Length;
        for (int i = 0; i < p.Length; i++)
        {
            float d = p[i] - y[i];
            sum += d * d;
            grad[i] = d * scale;
        }

        return (float)(sum / p.Length);
    }

    public static float Mae(float[] y, float[] p, float[] grad)
    {
        double sum = 0;
        float inv = 1f / p.Length;
        for (int i = 0; i < p.Length; i++)
        {
            float d = p[i] - y[i];
            sum += MathF.Abs(d);
            grad[i] = MathF.Sign(d) * inv;
        }

        return (float)(sum / p.Length);
    }

    /// <summary>Huber with delta 1: 0.5·d² where |d| ≤ 1, else |d| − 0.5; gradient clamp(d, −1, 1) / n.</summary>
    public static float Huber(float[] y, float[] p, float[] grad)
    {
        double sum = 0;
        float inv = 1f / p.Length;
        for (int i = 0; i < p.Length; i++)
        {
            float d = p[i] - y[i];
            float a = MathF.Abs(d);
            sum += a <= 1f ? 0.5f * d * d : a - 0.5f;
            grad[i] = Math.Clamp(d, -1f, 1f) * inv;
        }

        return (float)(sum / p.Length);
    }

    /// <summary>Mean over rows of -sum(t * log_softmax(x)); gradient (softmax(x) * sum(t) - t) / rows.</summary>
    public static float CceLogits(float[] t, float[] x, float[] grad, int rows, int classes)
    {
        double sum = 0;
        float inv = 1f / rows;
        for (int r = 0; r < rows; r++)
        {
            int o = r * classes;
            float max = float.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                max = MathF.Max(max, x[o + c]);
            }

            float sumExp = 0, sumT = 0, dot = 0;
            for (int c = 0; c < classes; c++)
            {
                float e = MathF.Exp(x[o + c] - max);
                grad[o + c] = e;
                sumExp += e;
                sumT += t[o + c];
                dot += t[o + c] * x[o + c];
            }

            float lse = max + MathF.Log(sumExp);
            sum += (sumT * lse) - dot;
            float k = sumT / sumExp;
            for (int c = 0; c < classes; c++)
            {
                grad[o + c] = ((grad[o + c] * k) - t[o + c]) * inv;
            }
        }

        return (float)(sum / rows);
    }

    /// <summary>Mean over rows of logsumexp(x) - x[id]; gradient (softmax(x) - onehot(id)) / rows.</summary>
    public static float SparseCceLogits(int[] ids, float[] x, float[] grad, int rows, int classes)
    {
        double sum = 0;
        float inv = 1f / rows;
        for (int r = 0; r < rows; r++)
        {
            int o = r * classes;
            float max = float.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                max = MathF.Max(max, x[o + c]);
            }

            float sumExp = 0;
            for (int c = 0; c < classes; c++)
            {
                float e = MathF.Exp(x[o + c] - max);
                grad[o + c] = e;
                sumExp += e;
            }

            sum += max + MathF.Log(sumExp) - x[o + ids[r]];
            float k = inv / sumExp;
            for (int c = 0; c < classes; c++)
            {
                grad[o + c] *= k;
            }

            grad[o + ids[r]] -= inv;
        }

        return (float)(sum / rows);
    }
}

/// <summary>The naive scalar loop on the element-wise losses (one thread).</summary>
[MemoryDiagnoser]
public class NaivePointwise
{
    private float[] _y = [], _p = [], _grad = [];

    public static IEnumerable<string> Losses => Cases.PointwiseLosses;

    public static IEnumerable<string> Sizes => Cases.PointwiseSizes;

    [ParamsSource(nameof(Losses), Priority = 1)]
    public string Loss { get; set; } = "";

    [ParamsSource(nameof(Sizes), Priority = 2)]
    public string Size { get; set; } = "";

    [Params(1, Priority = 3)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Cases.SettleHeap();
        (_y, _p) = Cases.Pointwise(Loss, Cases.Shape(Size).Rows);
        _grad = new float[_p.Length];
        Cases.SettleHeap();
    }

    [GlobalCleanup]
    public void Cleanup() => (_y, _p, _grad) = ([], [], []);

    [Benchmark]
    public float ValueAndGradient() => Loss switch
    {
        "BceLogits" => NaiveLosses.BceLogits(_y, _p, _grad),
        "Bce" => NaiveLosses.Bce(_y, _p, _grad),
        "Mse" => NaiveLosses.Mse(_y, _p, _grad),
        "Huber" => NaiveLosses.Huber(_y, _p, _grad),
        _ => NaiveLosses.Mae(_y, _p, _grad),
    };
}

/// <summary>The naive scalar loop on the softmax row losses (one thread).</summary>
[MemoryDiagnoser]
public class NaiveRows
{
    private float[] _logits = [], _probs = [], _grad = [];
    private int[] _ids = [];
    private int _rows, _classes;

    public static IEnumerable<string> Losses => Cases.RowLosses;

    public static IEnumerable<string> Sizes => Cases.RowSizes;

    [ParamsSource(nameof(Losses), Priority = 1)]
    public string Loss { get; set; } = "";

    [ParamsSource(nameof(Sizes), Priority = 2)]
    public string Size { get; set; } = "";

    [Params(1, Priority = 3)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Cases.SettleHeap();
        (_rows, _classes) = Cases.Shape(Size);
        (_logits, _probs, _ids) = Cases.Rows(_rows, _classes);
        _grad = new float[_logits.Length];
        Cases.SettleHeap();
    }

    [GlobalCleanup]
    public void Cleanup() => (_logits, _probs, _grad, _ids) = ([], [], [], []);

    [Benchmark]
    public float ValueAndGradient() => Loss == "CceLogits"
        ? NaiveLosses.CceLogits(_probs, _logits, _grad, _rows, _classes)
        : NaiveLosses.SparseCceLogits(_ids, _logits, _grad, _rows, _classes);
}
