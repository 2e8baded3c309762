using System.Globalization;

namespace SharpLoss.Benchmarks;

/// <summary>The sizes, losses and data every benchmark class shares, so that rows of different classes line up.</summary>
public static class Cases
{
    /// <summary>
    /// The size that streams from memory: 16M elements (64 MB per float array), or more on a machine whose L3 cache is so
    /// large that the three arrays of a read-2-write-1 pass (12 bytes per element) would not be four times its size (on a
    /// 260 MB L3, 16M floats stay in cache): the smallest power of two of Mi elements with 12·n ≥ 4·L3. The L3 size is read
    /// from /sys on Linux; elsewhere the size is 16M.
    /// </summary>
    public static readonly string Large = LargeSize();

    /// <summary>Element-wise losses: small (1K), odd (6*512+7, a SIMD tail and a partial chunk), in-cache (1M), beyond L3 (<see cref="Large"/>).</summary>
    public static readonly string[] PointwiseSizes = ["1K", "3079", "1M", Large];

    /// <summary>Row (softmax) losses: 32 rows of 32 classes (1K elements, the latency case) and 8192 rows of 1000 classes.</summary>
    public static readonly string[] RowSizes = ["32x32", "8192x1000"];

    /// <summary>Roofline sizes: 1M (three arrays fit in L3) and <see cref="Large"/> (from memory).</summary>
    public static readonly string[] RooflineSizes = ["1M", Large];

    /// <summary>BCE from logits, BCE on probabilities, MSE, MAE, Huber (delta 1).</summary>
    public static readonly string[] PointwiseLosses = ["BceLogits", "Bce", "Mse", "Mae", "Huber"];

    /// <summary>
    /// The other element-wise losses: MAPE, MSLE, log-cosh, Poisson, hinge and squared hinge (0/1 labels, so the label scan
    /// and the ±1 conversion run), KL divergence, binary focal. Only Poisson and KL divergence have a TorchSharp peer
    /// (<see cref="ElementwiseTorchPeers"/>); libtorch has no loss with the Keras definition of the others.
    /// </summary>
    public static readonly string[] ElementwiseLosses = ["Mape", "Msle", "LogCosh", "Poisson", "Hinge", "SquaredHinge", "Kld", "BinaryFocal"];

    /// <summary>
    /// The losses of <see cref="ElementwiseLosses"/> that TorchPointwise also runs: Poisson (<c>poisson_nll_loss</c> on
    /// rates) and KL divergence (<c>kl_div</c> on log p).
    /// </summary>
    public static readonly string[] ElementwiseTorchPeers = ["Poisson", "Kld"];

    /// <summary>CCE from logits (probability targets), SCCE from logits (class-id targets).</summary>
    public static readonly string[] RowLosses = ["CceLogits", "SparseCceLogits"];

    /// <summary>
    /// CCE (one-hot targets) and SCCE (class ids) on probabilities, the Keras defaults: SharpLoss only, so that the 1K
    /// latency target covers every configuration of the row losses.
    /// </summary>
    public static readonly string[] ProbabilityRowLosses = ["Cce", "SparseCce"];

    /// <summary>
    /// The other row losses, default options, one-hot targets (class ids for the sparse ones) against probability rows:
    /// categorical hinge, cosine similarity, the categorical and sparse focal losses, Dice and Tversky per row (axis 1), the
    /// categorical generalized cross-entropy. Only cosine similarity has a TorchSharp peer (<see cref="CatalogueRowTorchPeers"/>).
    /// </summary>
    public static readonly string[] CatalogueRowLosses = ["CategoricalHinge", "Cosine", "CategoricalFocal", "SparseFocal", "Dice", "Tversky", "Cgce"];

    /// <summary>The losses of <see cref="CatalogueRowLosses"/> that TorchRows also runs: cosine similarity (<c>cosine_similarity</c>).</summary>
    public static readonly string[] CatalogueRowTorchPeers = ["Cosine"];

    /// <summary>
    /// A full, blocking, compacting collection that also returns free memory to the operating system. Every benchmark
    /// class calls it at the start and at the end of its setup. The cases share one process (the in-process toolchain,
    /// for TorchSharp's native library), and this keeps a case from running on, or collecting during its measurement,
    /// the arrays of the cases before it and the temporaries of its own setup.
    /// </summary>
    public static void SettleHeap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    /// <summary>The L3 cache size in bytes (the largest index of cpu0's caches on Linux), or null where unknown.</summary>
    public static long? L3Bytes()
    {
        const string caches = "/sys/devices/system/cpu/cpu0/cache";
        long? best = null;
        if (!Directory.Exists(caches))
        {
            return null;
        }

        foreach (string index in Directory.GetDirectories(caches, "index*"))
        {
            string level = Path.Combine(index, "level"), size = Path.Combine(index, "size");
            if (File.Exists(level) && File.Exists(size) && File.ReadAllText(level).Trim() == "3")
            {
                string text = File.ReadAllText(size).Trim();
                long scale = text.EndsWith('K') ? 1024 : text.EndsWith('M') ? 1024 * 1024 : 1;
                if (long.TryParse(text.TrimEnd('K', 'M'), NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
                {
                    best = Math.Max(best ?? 0, value * scale);
                }
            }
        }

        return best;
    }

    private static string LargeSize()
    {
        long mi = 16;
        long l3 = L3Bytes() ?? 0;
        while (12 * (mi << 20) < 4 * l3)
        {
            mi *= 2;
        }

        return $"{mi}M";
    }

    /// <summary>Rows and classes of a size label: "16M" is 16Mi x 1, "8192x1000" is 8192 x 1000.</summary>
    public static (int Rows, int Classes) Shape(string size)
    {
        int x = size.IndexOf('x', StringComparison.Ordinal);
        if (x > 0)
        {
            return (int.Parse(size[..x], CultureInfo.InvariantCulture), int.Parse(size[(x + 1)..], CultureInfo.InvariantCulture));
        }

        return size[^1] switch
        {
            'K' => (int.Parse(size[..^1], CultureInfo.InvariantCulture) << 10, 1),
            'M' => (int.Parse(size[..^1], CultureInfo.InvariantCulture) << 20, 1),
            _ => (int.Parse(size, CultureInfo.InvariantCulture), 1),
        };
    }

    /// <summary>Elements (rows x classes) of a size label.</summary>
    public static long Elements(string size)
    {
        (int rows, int classes) = Shape(size);
        return (long)rows * classes;
    }

    /// <summary>Targets and predictions for an element-wise loss, from a fixed seed.</summary>
    public static (float[] YTrue, float[] YPred) Pointwise(string loss, int n)
    {
        var rng = new Random(20240611);
        var y = new float[n];
        var p = new float[n];
        for (int i = 0; i < n; i++)
        {
            switch (loss)
            {
                case "BceLogits":
                    y[i] = rng.Next(2);
                    p[i] = (rng.NextSingle() * 2 - 1) * 6;            // logits in [-6, 6)
                    break;
                case "Bce":
                case "BinaryFocal":
                    y[i] = rng.Next(2);
                    p[i] = 0.001f + (rng.NextSingle() * 0.998f);     // probabilities in (0, 1)
                    break;
                case "Mape":
                    y[i] = (rng.Next(2) * 2 - 1) * (0.5f + rng.NextSingle());   // |y| in [0.5, 1.5)
                    p[i] = rng.NextSingle() * 2 - 1;
                    break;
                case "Msle":
                    y[i] = rng.NextSingle() * 3;
                    p[i] = rng.NextSingle() * 3;
                    break;
                case "Poisson":
                    y[i] = rng.Next(5);                                 // counts
                    p[i] = 0.05f + (rng.NextSingle() * 4);              // rates
                    break;
                case "Hinge" or "SquaredHinge":
                    y[i] = rng.Next(2);                                 // 0/1 labels, converted to ±1
                    p[i] = (rng.NextSingle() * 2 - 1) * 2;
                    break;
                case "Kld":
                    y[i] = rng.NextSingle();
                    p[i] = 0.001f + (rng.NextSingle() * 0.998f);
                    break;
                default:
                    y[i] = rng.NextSingle() * 2 - 1;
                    p[i] = rng.NextSingle() * 2 - 1;
                    break;
            }
        }

        return (y, p);
    }

    /// <summary>Logits [rows x classes], probability targets (a softmax of random scores) and the matching class ids.</summary>
    public static (float[] Logits, float[] Probabilities, int[] Ids) Rows(int rows, int classes)
    {
        var rng = new Random(20240612);
        var logits = new float[rows * classes];
        var probs = new float[rows * classes];
        var ids = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            Span<float> x = logits.AsSpan(r * classes, classes);
            Span<float> t = probs.AsSpan(r * classes, classes);
            float sum = 0;
            for (int c = 0; c < classes; c++)
            {
                x[c] = (rng.NextSingle() * 2 - 1) * 4;
                t[c] = MathF.Exp(rng.NextSingle() * 4);
                sum += t[c];
            }

            for (int c = 0; c < classes; c++)
            {
                t[c] /= sum;
            }

            ids[r] = rng.Next(classes);
        }

        return (logits, probs, ids);
    }

    /// <summary>One-hot rows of <paramref name="classes"/> classes for the class ids.</summary>
    public static float[] OneHot(int[] ids, int classes)
    {
        var y = new float[ids.Length * classes];
        for (int r = 0; r < ids.Length; r++)
        {
            y[(r * classes) + ids[r]] = 1;
        }

        return y;
    }
}
