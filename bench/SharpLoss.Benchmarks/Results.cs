using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace SharpLoss.Benchmarks;

/// <summary>
/// Machine-readable results of one run (<c>measurements-LABEL.tsv</c>) and the summary of all runs in a results
/// directory (<c>summary.md</c>): Gelem/s per case and the ratios SharpLoss/TorchSharp, SharpLoss/naive and
/// SharpLoss/roofline. The TorchSharp run with tcmalloc preloaded has the label <c>tcmalloc</c>.
/// </summary>
internal static class Results
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>One measured case.</summary>
    private sealed record Row(string Label, string Impl, string Method, string Loss, string Size, int Threads, double MeanNs, double ErrorNs, long? Allocated)
    {
        public double Gelem => Cases.Elements(Size) / MeanNs;
    }

    /// <summary>Starts <c>measurements-LABEL.tsv</c> with a header and the TorchSharp status.</summary>
    public static void Begin(string dir, string label, string torchStatus)
    {
        File.WriteAllText(Path.Combine(dir, $"measurements-{label}.tsv"),
            $"# torch\t{torchStatus}\n# label\timpl\tmethod\tloss\tsize\tthreads\tmean_ns\terror_ns\tallocated_bytes\n");
    }

    /// <summary>Appends a summary's cases to <c>measurements-LABEL.tsv</c>.</summary>
    public static void Append(string dir, string label, Summary summary)
    {
        var sb = new StringBuilder();
        foreach (BenchmarkReport report in summary.Reports)
        {
            var bc = report.BenchmarkCase;
            if (report.ResultStatistics is not { } stats)
            {
                continue;
            }

            string impl = bc.Descriptor.Type.Name;
            string loss = bc.Parameters["Loss"] as string ?? bc.Descriptor.WorkloadMethod.Name;
            long? allocated = report.GcStats.GetBytesAllocatedPerOperation(bc);
            sb.Append(Inv, $"{label}\t{impl}\t{bc.Descriptor.WorkloadMethod.Name}\t{loss}\t{bc.Parameters["Size"]}\t{bc.Parameters["Threads"]}\t")
              .Append(Inv, $"{stats.Mean:R}\t{stats.StandardError:R}\t{allocated?.ToString(Inv) ?? ""}\n");
        }

        File.AppendAllText(Path.Combine(dir, $"measurements-{label}.tsv"), sb.ToString());
    }

    /// <summary>Writes <c>summary.md</c> from every <c>measurements-*.tsv</c> in <paramref name="dir"/>.</summary>
    public static string WriteSummary(string dir)
    {
        var rows = new List<Row>();
        var torchStatus = new List<string>();
        foreach (string file in Directory.GetFiles(dir, "measurements-*.tsv").Order(StringComparer.Ordinal))
        {
            foreach (string line in File.ReadLines(file))
            {
                string[] f = line.Split('\t');
                if (f[0] == "# torch")
                {
                    torchStatus.Add($"{Path.GetFileNameWithoutExtension(file)["measurements-".Length..]}: {f[1]}");
                }
                else if (!line.StartsWith('#') && f.Length >= 9)
                {
                    rows.Add(new Row(f[0], f[1], f[2], f[3], f[4], int.Parse(f[5], Inv), double.Parse(f[6], Inv), double.Parse(f[7], Inv),
                        f[8].Length == 0 ? null : long.Parse(f[8], Inv)));
                }
            }
        }

        // Table order: loss (as listed in Cases), threads, size (small to large).
        string[] losses = [.. Cases.PointwiseLosses, .. Cases.ElementwiseLosses, .. Cases.RowLosses, .. Cases.ProbabilityRowLosses, .. Cases.CatalogueRowLosses];
        string[] sizes = [.. Cases.PointwiseSizes, .. Cases.RowSizes];
        rows = [.. rows.OrderBy(r => r.Impl, StringComparer.Ordinal)
            .ThenBy(r => Array.IndexOf(losses, r.Loss)).ThenBy(r => r.Loss, StringComparer.Ordinal)
            .ThenBy(r => r.Threads).ThenBy(r => Array.IndexOf(sizes, r.Size))];

        string path = Path.Combine(dir, "summary.md");
        File.WriteAllText(path, Render(rows, torchStatus));
        return path;
    }

    private static string Render(List<Row> rows, List<string> torchStatus)
    {
        Row? Find(string impl, string loss, string size, int threads, string label = "main") =>
            rows.FirstOrDefault(r => r.Impl == impl && r.Loss == loss && r.Size == size && r.Threads == threads && r.Label == label);

        // The read-2-write-1 roof of a size and thread count: the faster of ordinary and non-temporal stores.
        double? Roof(string size, int threads) =>
            rows.Where(r => r.Impl == "Roofline" && r.Method.StartsWith("Read2Write1", StringComparison.Ordinal) && r.Size == size && r.Threads == threads)
                .Select(r => (double?)r.Gelem).Max();

        var sb = new StringBuilder();
        sb.AppendLine("# SharpLoss benchmark summary").AppendLine()
          .AppendLine(Inv, $"Written {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC by bench/run.sh from the measurements-*.tsv files beside it; the machine is")
          .AppendLine("described in machine.md, BenchmarkDotNet's own tables are in main/ and tcmalloc/. float32, value + gradient")
          .AppendLine("with the Keras default reduction (the mean, except for KLD, whose sum over the last axis is the sum here: its")
          .AppendLine("inputs have rank 1). Gelem/s = elements / mean time (rows x classes for the row losses). Ratios compare cases")
          .AppendLine("of this one run. \"main\" is the run with glibc malloc; \"tcmalloc\" the TorchSharp cases again with")
          .AppendLine("`LD_PRELOAD=libtcmalloc_minimal.so.4`. Roofline: the faster of the two read-2-write-1 variants at the same size")
          .AppendLine("and thread count.").AppendLine();
        foreach (string s in torchStatus)
        {
            sb.AppendLine(Inv, $"- TorchSharp, {s}");
        }

        if (torchStatus.Count == 0)
        {
            sb.AppendLine("- TorchSharp: no run recorded");
        }

        sb.AppendLine();

        // Headline targets.
        sb.AppendLine("## Targets").AppendLine()
          .AppendLine("| case | SharpLoss | vs TorchSharp | vs TorchSharp + tcmalloc | vs roofline |")
          .AppendLine("|---|---|---|---|---|");
        void Target(string title, string impl, string loss, string size, int threads, bool roof)
        {
            Row? s = Find(impl, loss, size, threads);
            string torchImpl = impl.Replace("SharpLoss", "Torch", StringComparison.Ordinal);
            Row? t = Find(torchImpl, loss, size, threads);
            Row? tt = Find(torchImpl, loss, size, threads, "tcmalloc");
            double? r = roof ? Roof(size, threads) : null;
            sb.AppendLine(Inv, $"| {title} | {G(s?.Gelem)} Gelem/s | {X(s, t)} | {X(s, tt)} | {(roof ? Pct(s?.Gelem, r) : "")} |");
        }

        Target($"BCE from logits, {Cases.Large}, 2 threads (binary_cross_entropy_with_logits)", "SharpLossPointwise", "BceLogits", Cases.Large, 2, false);
        Target($"BCE on probabilities, {Cases.Large}, 2 threads (binary_cross_entropy)", "SharpLossPointwise", "Bce", Cases.Large, 2, false);
        Target($"MSE, {Cases.Large}, 2 threads (mse_loss)", "SharpLossPointwise", "Mse", Cases.Large, 2, true);
        Target($"MAE, {Cases.Large}, 2 threads (l1_loss)", "SharpLossPointwise", "Mae", Cases.Large, 2, true);
        Target($"Huber, {Cases.Large}, 2 threads (huber_loss)", "SharpLossPointwise", "Huber", Cases.Large, 2, true);
        foreach (string loss in Cases.ElementwiseLosses)
        {
            string peer = loss switch
            {
                "Poisson" => "poisson_nll_loss",
                "Kld" => "kl_div",
                _ => "no TorchSharp peer",
            };
            Target($"{loss}, {Cases.Large}, 2 threads ({peer})", "SharpLossPointwise", loss, Cases.Large, 2, true);
        }

        Target($"CTC, {SequenceCases.Batch} x {SequenceCases.Frames} frames x {SequenceCases.Classes} classes, labels of {SequenceCases.LabelLength}, 2 threads (log_softmax + ctc_loss)",
            "SharpLossCtc", "Ctc", SequenceCases.CtcSize, 2, false);
        Target("CCE from logits, 8192x1000, 2 threads (cross_entropy, probability targets)", "SharpLossRows", "CceLogits", "8192x1000", 2, false);
        Target("SCCE from logits, 8192x1000, 2 threads (cross_entropy, class indices)", "SharpLossRows", "SparseCceLogits", "8192x1000", 2, false);
        sb.AppendLine();

        var small = rows.Where(r => r.Label == "main" && r.Threads == 1
            && ((r.Impl == "SharpLossPointwise" && r.Size == "1K") || (r.Impl == "SharpLossRows" && r.Size == "32x32"))).ToList();
        if (small.Count > 0)
        {
            Row slowest = small.MaxBy(r => r.MeanNs)!;
            long maxAlloc = small.Max(r => r.Allocated ?? 0);
            bool ok = slowest.MeanNs <= 2000 && maxAlloc == 0;
            sb.AppendLine(Inv, $"1K elements (32x32 for the softmax losses), 1 thread, every loss: slowest {Time(slowest.MeanNs)} ({slowest.Loss}), most allocated {maxAlloc} B ")
              .AppendLine(Inv, $"(target: <= 2 us and 0 B): {(ok ? "met" : "NOT met")}.").AppendLine();
        }

        // Roofline.
        sb.AppendLine("## Memory roofline").AppendLine()
          .AppendLine("| pattern | size | threads | Gelem/s | GB/s | time |")
          .AppendLine("|---|---|---|---|---|---|");
        foreach (Row r in rows.Where(r => r.Impl == "Roofline" && r.Label == "main"))
        {
            int bytes = r.Method == "Read2" ? 8 : 12;
            sb.AppendLine(Inv, $"| {r.Method} | {r.Size} | {r.Threads} | {G(r.Gelem)} | {r.Gelem * bytes:0.0} | {Time(r.MeanNs)} |");
        }

        sb.AppendLine();

        // Circle against its yardstick, the similarity product with one TensorPrimitives.Dot per pair (target: at most 2x its time).
        sb.AppendLine("## Circle").AppendLine()
          .AppendLine("| size | threads | Circle value + gradient | Dot-per-pair similarity product | Circle / product |")
          .AppendLine("|---|---|---|---|---|");
        foreach (Row c in rows.Where(r => r.Impl == "SharpLossCircle" && r.Label == "main"))
        {
            Row? d = Find("CircleDotBaseline", c.Loss, c.Size, c.Threads);
            string ratio = d is null ? "–" : (c.MeanNs / d.MeanNs).ToString("0.00", Inv) + "x";
            sb.AppendLine(Inv, $"| {c.Size} | {c.Threads} | {Time(c.MeanNs)} | {(d is null ? "–" : Time(d.MeanNs))} | {ratio} |");
        }

        sb.AppendLine();

        // Loss tables.
        foreach ((string title, string impl, string naive, string torch) in new[]
        {
            ("Element-wise losses", "SharpLossPointwise", "NaivePointwise", "TorchPointwise"),
            ("Softmax row losses", "SharpLossRows", "NaiveRows", "TorchRows"),
        })
        {
            sb.AppendLine(Inv, $"## {title}").AppendLine()
              .AppendLine("| loss | size | threads | SharpLoss Gelem/s | time | allocated | naive (1 thread) | TorchSharp | TorchSharp + tcmalloc | vs naive | vs TorchSharp | vs TorchSharp + tcmalloc | vs roofline |")
              .AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (Row s in rows.Where(r => r.Impl == impl && r.Label == "main"))
            {
                Row? n = Find(naive, s.Loss, s.Size, 1);
                Row? t = Find(torch, s.Loss, s.Size, s.Threads);
                Row? tt = Find(torch, s.Loss, s.Size, s.Threads, "tcmalloc");
                string allocated = s.Allocated?.ToString(Inv) ?? "?";
                sb.AppendLine(Inv, $"| {s.Loss} | {s.Size} | {s.Threads} | {G(s.Gelem)} | {Time(s.MeanNs)} | {allocated} B | {G(n?.Gelem)} | {G(t?.Gelem)} | {G(tt?.Gelem)} | {X(s, n)} | {X(s, t)} | {X(s, tt)} | {Pct(s.Gelem, Roof(s.Size, s.Threads))} |");
            }

            sb.AppendLine();
        }

        return sb.ToString();
    }

    private static string G(double? gelem) => gelem is double g ? g.ToString(g < 0.01 ? "0.00000" : "0.000", Inv) : "–";

    private static string X(Row? ours, Row? theirs) =>
        ours is null || theirs is null ? "–" : (theirs.MeanNs / ours.MeanNs).ToString("0.0", Inv) + "x";

    private static string Pct(double? value, double? roof) =>
        value is double v && roof is double r ? (100 * v / r).ToString("0", Inv) + " %" : "–";

    private static string Time(double ns) => ns switch
    {
        < 1e3 => ns.ToString("0.0", Inv) + " ns",
        < 1e6 => (ns / 1e3).ToString("0.00", Inv) + " us",
        < 1e9 => (ns / 1e6).ToString("0.00", Inv) + " ms",
        _ => (ns / 1e9).ToString("0.00", Inv) + " s",
    };
}
