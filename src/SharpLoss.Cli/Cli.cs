using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.Text.Json.Nodes;
using SharpLoss.Cli.Formats;
using Spectre.Console;

namespace SharpLoss.Cli;

/// <summary>
/// The <c>sharploss</c> commands: <c>eval</c>, <c>merge</c>, <c>list</c>, <c>config</c> and <c>batch</c>. Exit codes: 0 on
/// success, 2 for bad input (one line on stderr, no output file), 1 for an unexpected failure.
/// </summary>
internal static class Cli
{
    public const int BadInput = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        try
        {
            RootCommand root = Build(args, stdout, stderr, stdin);
            ParseResult parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                stderr.WriteLine("sharploss: " + parsed.Errors[0].Message);
                return BadInput;
            }

            if (parsed.Action is HelpAction)
            {
                using var help = new StringWriter();
                int code = parsed.Invoke(new InvocationConfiguration { Output = help, Error = stderr, EnableDefaultExceptionHandler = false });
                stdout.Write(WithCommandName(help.ToString()));
                return code;
            }

            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (CliException e)
        {
            stderr.WriteLine("sharploss: " + e.Message);
            return BadInput;
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine("sharploss: " + LossResolver.Plain(e));
            return BadInput;
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or FormatException)
        {
            stderr.WriteLine("sharploss: " + e.Message);
            return BadInput;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            stderr.WriteLine($"sharploss: internal error: {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }

    /// <summary>The command name that help shows.</summary>
    public const string CommandName = "sharploss";

    /// <summary>
    /// Help text with the tool's command name in its usage lines. A <see cref="RootCommand"/> is named after the running
    /// executable (SharpLoss.Cli under <c>dotnet run</c> and behind the tool's shim); it stays a RootCommand for its
    /// directives (<c>[suggest]</c>, the completions), and the usage lines it writes are renamed here.
    /// </summary>
    internal static string WithCommandName(string help)
    {
        string exe = RootCommand.ExecutableName;
        string[] lines = help.Split('\n');
        for (int i = 1; i < lines.Length; i++)
        {
            string trimmed = lines[i].TrimStart();
            if (lines[i - 1].TrimEnd() == "Usage:" && (trimmed == exe || trimmed.StartsWith(exe + " ", StringComparison.Ordinal)))
            {
                lines[i] = lines[i][..(lines[i].Length - trimmed.Length)] + CommandName + trimmed[exe.Length..];
            }
        }

        return string.Join('\n', lines);
    }

    private static RootCommand Build(string[] args, TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        var root = new RootCommand("Score prediction files with any Keras or TensorFlow loss (SharpLoss): values, per-sample losses and gradients, streaming and sharded.");
        root.Add(EvalCommand(args, stdout, stderr));
        root.Add(MergeCommand(stdout));
        root.Add(ListCommand(stdout));
        root.Add(ConfigCommand(args, stdout));
        root.Add(BatchCommand(stdin, stdout));
        return root;
    }

    private static Option<string> SemanticsOption() => new("--semantics")
    {
        Description = "keras3 (default) or tfkeras2: the semantics of a loss given by name",
        HelpName = "keras3|tfkeras2",
    };

    /// <summary>The LOSS argument as typed right after the command, and --semantics, read before parsing so that the loss's own
    /// options can be declared (its config keys).</summary>
    private static (Loss? Loss, Dictionary<string, Option<string>> Options) LossOptions(string[] args, string command)
    {
        var options = new Dictionary<string, Option<string>>(StringComparer.Ordinal);
        int at = Array.IndexOf(args, command);
        if (at < 0 || at + 1 >= args.Length || args[at + 1].StartsWith('-'))
        {
            return (null, options);
        }

        int s = Array.IndexOf(args, "--semantics");
        string? given = s >= 0 && s + 1 < args.Length ? args[s + 1] : args.FirstOrDefault(a => a.StartsWith("--semantics=", StringComparison.Ordinal))?["--semantics=".Length..];
        LossSemantics? semantics = LossResolver.ParseSemantics(given);
        Loss loss = LossResolver.Get(args[at + 1], semantics);
        foreach (var (key, value) in LossResolver.Options(loss))
        {
            var o = new Option<string>(LossResolver.Flag(key))
            {
                Description = $"the loss's '{key}' (default: {LossResolver.Show(value)})",
                HelpName = value is bool ? "true|false" : "value",
            };
            if (value is bool)
            {
                o.Arity = ArgumentArity.ZeroOrOne;
            }

            options[key] = o;
        }

        return (loss, options);
    }

    private static Loss ResolveLoss(ParseResult pr, Loss? byName, Dictionary<string, Option<string>> options, Option<string> config, Option<string> semanticsOption, Argument<string?> lossArg)
    {
        LossSemantics? semantics = LossResolver.ParseSemantics(pr.GetValue(semanticsOption));
        if (byName is null && pr.GetValue(lossArg) is string late)
        {
            // LOSS after other options: the loss without options of its own (they are declared only for LOSS given first).
            byName = LossResolver.Get(late, semantics);
        }
        string? configText = pr.GetValue(config);
        if (configText is not null)
        {
            if (byName is not null)
            {
                throw new CliException("Give either LOSS (with options) or --config, not both.");
            }

            return LossResolver.FromConfig(configText, semantics);
        }

        if (byName is null)
        {
            throw new CliException("No loss: give LOSS (a name such as bce or categorical_crossentropy; see `sharploss list`) or --config FILE|JSON.");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, option) in options)
        {
            var result = pr.GetResult(option);
            if (result is not null && !result.Implicit)
            {
                values[key] = pr.GetValue(option) ?? "true";
            }
        }

        return LossResolver.With(byName, values, semantics);
    }

    private static Command EvalCommand(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var cmd = new Command("eval", "Evaluate a loss on files of labels and predictions.");
        var lossArg = new Argument<string?>("LOSS") { Description = "a loss name (see `sharploss list`)", Arity = ArgumentArity.ZeroOrOne };
        var yTrue = new Option<string>("--y-true") { Description = "labels: .npy, .npz (FILE.npz:KEY), .csv or .parquet", Required = true };
        var yPred = new Option<string>("--y-pred") { Description = "predictions (float32 or float64)", Required = true };
        var weight = new Option<string>("--sample-weight") { Description = "sample weights" };
        var config = new Option<string>("--config") { Description = "a Keras loss config (file or JSON), in the Keras 3 or tf.keras 2 envelope" };
        var semantics = SemanticsOption();
        var perSample = new Option<string>("--per-sample") { Description = "write the per-sample losses (.npy, .csv or .parquet)" };
        var grad = new Option<string>("--grad") { Description = "write the gradient with respect to y_pred (.npy, .csv or .parquet)" };
        var json = new Option<bool>("--json") { Description = "print a JSON result" };
        var histogram = new Option<bool>("--histogram") { Description = "draw the distribution of the per-sample losses" };
        var shard = new Option<string>("--shard") { Description = "score the I-th of N contiguous row ranges (0-based)", HelpName = "I/N" };
        var partial = new Option<string>("--partial") { Description = "write the exact reduction state (for `sharploss merge`)" };
        var key = new Option<string>("--key") { Description = "the array of .npz inputs" };
        var column = new Option<string>("--column") { Description = "CSV/Parquet column(s): names or 0-based indices, comma-separated" };
        var header = new Option<bool?>("--header") { Description = "whether CSV files have a header line (default: detected)" };
        var blockRows = new Option<long?>("--block-rows") { Description = "rows per streamed block (rounded up to whole summation chunks)" };
        var blockMb = new Option<long?>("--block-mb") { Description = "input megabytes per streamed block (default 64)" };
        cmd.Add(lossArg);
        foreach (Option o in new Option[] { yTrue, yPred, weight, config, semantics, perSample, grad, json, histogram, shard, partial, key, column, header, blockRows, blockMb })
        {
            cmd.Add(o);
        }

        (Loss? byName, Dictionary<string, Option<string>> lossOptions) = LossOptions(args, "eval");
        foreach (Option<string> o in lossOptions.Values)
        {
            if (!cmd.Options.Any(x => x.Name == o.Name))
            {
                cmd.Add(o);
            }
        }

        cmd.SetAction(pr =>
        {
            Loss loss = ResolveLoss(pr, byName, lossOptions, config, semantics, lossArg);
            var input = new InputOptions(pr.GetValue(key), pr.GetValue(column), pr.GetValue(header));
            (int, int)? shardValue = pr.GetValue(shard) is string sh ? ParseShard(sh) : null;
            using IArraySource p = Sources.Open(pr.GetValue(yPred)!, "--y-pred", input);
            using IArraySource y = Sources.Open(pr.GetValue(yTrue)!, "--y-true", input);
            using IArraySource? w = pr.GetValue(weight) is string wp ? Sources.Open(wp, "--sample-weight", input) : null;
            var request = new EvalRequest
            {
                Loss = loss,
                YTrue = y,
                YPred = p,
                SampleWeight = w,
                PerSample = pr.GetValue(perSample),
                Grad = pr.GetValue(grad),
                Histogram = pr.GetValue(histogram),
                Shard = shardValue,
                Partial = pr.GetValue(partial),
                BlockRows = pr.GetValue(blockRows),
                BlockBytes = (pr.GetValue(blockMb) ?? 64) << 20,
            };
            EvalResult result = Progress.Run(stderr, request, Evaluator.Run);
            if (pr.GetValue(json))
            {
                var o = new JsonObject
                {
                    ["loss"] = loss.Name,
                    ["config"] = JsonNode.Parse(loss.ToJson()),
                    ["dtype"] = result.DType,
                    ["value"] = result.Value.Length == 0 ? null : NumberText(result.Value),
                    ["rows"] = result.Rows,
                };
                if (shardValue is not null)
                {
                    o["shard"] = pr.GetValue(shard);
                    o["range"] = new JsonArray(result.First, result.End);
                }

                stdout.WriteLine(o.ToJsonString());
            }
            else if (result.Value.Length > 0)
            {
                stdout.WriteLine(result.Value);
            }

            result.Histogram?.Draw(pr.GetValue(json) ? stderr : stdout);

            return 0;
        });
        return cmd;
    }

    /// <summary>A value as the JSON number of its shortest round-trip text in its own precision (a float32 value reads back
    /// as the same float), or the strings "NaN", "Infinity", "-Infinity".</summary>
    internal static JsonNode NumberText(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) ? JsonNode.Parse(text)! : JsonValue.Create(text);

    private static (int, int) ParseShard(string text)
    {
        string[] parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || i >= n)
        {
            throw new CliException($"--shard: expected I/N with 0 <= I < N (e.g. 3/8). Received: '{text}'.");
        }

        return (i, n);
    }

    private static Command MergeCommand(TextWriter stdout)
    {
        var cmd = new Command("merge", "Merge the partial states of shards into the exact value (any order, any grouping).");
        var states = new Argument<string[]>("STATE") { Description = "state files written by `eval --partial`", Arity = ArgumentArity.OneOrMore };
        var partial = new Option<string>("--partial") { Description = "write the merged state instead of requiring all rows (a step of a tree of merges)" };
        var json = new Option<bool>("--json") { Description = "print a JSON result" };
        cmd.Add(states);
        cmd.Add(partial);
        cmd.Add(json);
        cmd.SetAction(pr =>
        {
            PartialReduction? merged = null;
            foreach (string path in pr.GetValue(states)!)
            {
                if (!File.Exists(path))
                {
                    throw new CliException($"State '{path}': no such file.");
                }

                PartialReduction s;
                try
                {
                    s = PartialReduction.Parse(File.ReadAllText(path));
                }
                catch (FormatException e)
                {
                    throw new CliException($"State '{path}': {e.Message}", e);
                }

                try
                {
                    merged = merged is null ? s : PartialReduction.Merge(merged, s);
                }
                catch (ArgumentException e)
                {
                    throw new CliException($"State '{path}': {LossResolver.Plain(e)}", e);
                }
            }

            if (pr.GetValue(partial) is string outPath)
            {
                Output.WriteText(outPath, merged!.ToJson() + "\n");
                return 0;
            }

            if (!merged!.IsComplete)
            {
                throw new CliException($"The states cover rows {string.Join(", ", merged.Ranges.Select(r => $"[{r.First}, {r.End})"))} of {merged.TotalRows}: states are missing.");
            }

            string value = merged.IsDouble ? Evaluator.Format(merged.Finish<double>()) : Evaluator.Format(merged.Finish<float>());
            if (pr.GetValue(json))
            {
                var o = new JsonObject
                {
                    ["value"] = NumberText(value),
                    ["dtype"] = merged.IsDouble ? "float64" : "float32",
                    ["rows"] = merged.TotalRows,
                };
                stdout.WriteLine(o.ToJsonString());
            }
            else
            {
                stdout.WriteLine(value);
            }

            return 0;
        });
        return cmd;
    }

    private static Command ListCommand(TextWriter stdout)
    {
        var cmd = new Command("list", "List the losses, their names and aliases, and their options with defaults.");
        var semantics = SemanticsOption();
        var json = new Option<bool>("--json") { Description = "print JSON" };
        cmd.Add(semantics);
        cmd.Add(json);
        cmd.SetAction(pr =>
        {
            LossSemantics sem = LossResolver.ParseSemantics(pr.GetValue(semantics)) ?? LossSemantics.Keras3;
            IReadOnlyList<string> names = sem == LossSemantics.TfKeras2 ? Losses.TfKeras2Names : Losses.Names;
            var groups = new SortedDictionary<string, (Loss Loss, List<string> Names)>(StringComparer.Ordinal);
            foreach (string name in names)
            {
                Loss loss = Losses.Get(name, sem);
                JsonNode env = JsonNode.Parse(loss.ToJson())!;
                string id = ((string?)env["module"] is string m && m != "keras.losses" ? m + "." : string.Empty) + (string)env["class_name"]!;
                if (!groups.TryGetValue(id, out var g))
                {
                    groups[id] = g = (loss, []);
                }

                g.Names.Add(name);
            }

            if (pr.GetValue(json))
            {
                var arr = new JsonArray();
                foreach (var (id, (loss, ns)) in groups)
                {
                    var opts = new JsonObject();
                    foreach (var (k, v) in loss.GetConfig())
                    {
                        opts[k] = Batch.ToNode(v);
                    }

                    arr.Add(new JsonObject { ["loss"] = id, ["names"] = new JsonArray([.. ns.Select(n => (JsonNode?)n)]), ["options"] = opts });
                }

                stdout.WriteLine(arr.ToJsonString());
                return 0;
            }

            var console = Terminal.For(stdout);
            var table = new Table().AddColumn("Loss").AddColumn("Names (LOSS)").AddColumn("Options (default)");
            foreach (var (id, (loss, ns)) in groups)
            {
                string opts = string.Join("\n", loss.GetConfig().Select(p => $"{LossResolver.Flag(p.Key)} {LossResolver.Show(p.Value)}"));
                table.AddRow(Markup.Escape(id), Markup.Escape(string.Join("\n", ns)), Markup.Escape(opts));
            }

            console.Write(table);
            return 0;
        });
        return cmd;
    }

    private static Command ConfigCommand(string[] args, TextWriter stdout)
    {
        var cmd = new Command("config", "Print a loss's Keras config (Keras 3, or tf.keras 2 with --semantics tfkeras2), or convert a config between envelopes.");
        var lossArg = new Argument<string?>("LOSS") { Description = "a loss name", Arity = ArgumentArity.ZeroOrOne };
        var semantics = SemanticsOption();
        var convert = new Option<string>("--convert") { Description = "a config (file or JSON) to convert to the other envelope (or to --semantics)" };
        cmd.Add(lossArg);
        cmd.Add(semantics);
        cmd.Add(convert);
        (Loss? byName, Dictionary<string, Option<string>> lossOptions) = LossOptions(args, "config");
        foreach (Option<string> o in lossOptions.Values)
        {
            cmd.Add(o);
        }

        var noConfig = new Option<string>("--no-config-option") { Hidden = true };
        cmd.SetAction(pr =>
        {
            if (pr.GetValue(convert) is string text)
            {
                if (byName is not null)
                {
                    throw new CliException("Give either LOSS or --convert, not both.");
                }

                LossSemantics? target = LossResolver.ParseSemantics(pr.GetValue(semantics));
                Loss source = LossResolver.FromConfig(text, null);
                LossSemantics to = target ?? (source.Semantics == LossSemantics.Keras3 ? LossSemantics.TfKeras2 : LossSemantics.Keras3);
                stdout.WriteLine(Convert(source, to).ToJson());
                return 0;
            }

            Loss loss = ResolveLoss(pr, byName, lossOptions, noConfig, semantics, lossArg);
            stdout.WriteLine(loss.ToJson());
            return 0;
        });
        return cmd;
    }

    /// <summary>The same loss under the other semantics: its config read again with that semantics. The defaults map onto
    /// each other: tf.keras 2's "auto" is Keras 3's "sum_over_batch_size" (which "auto" means outside a distribution
    /// strategy), and back.</summary>
    private static Loss Convert(Loss source, LossSemantics to)
    {
        if (source.Semantics == to)
        {
            return source;
        }

        JsonNode root = JsonNode.Parse(source.ToJson())!;
        if (root["config"] is JsonObject c)
        {
            if (to == LossSemantics.Keras3 && (string?)c["reduction"] == "auto")
            {
                c["reduction"] = "sum_over_batch_size";
            }
            else if (to == LossSemantics.TfKeras2 && (string?)c["reduction"] == "sum_over_batch_size")
            {
                c["reduction"] = "auto";
            }
        }

        try
        {
            return Losses.FromJson(root.ToJsonString(), to);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--convert: {LossResolver.Plain(e)}", e);
        }
    }

    private static Command BatchCommand(TextReader stdin, TextWriter stdout)
    {
        var cmd = new Command("batch", "Evaluate JSON Lines cases from stdin: {\"config\": …, \"y_true\": …, \"y_pred\": …, \"sample_weight\"?: …, \"grad\"?: true}; one result line each.");
        cmd.SetAction(pr => Batch.Run(stdin, stdout));
        return cmd;
    }
}
