// The documentation's C# cannot drift from code that compiles and runs: every ```csharp block of README.md, of the
// package's README (src/SharpLoss/README.md) and of docs/*.md must appear, line for line, in samples/ReadmeExamples,
// which CI builds and runs (it checks the numbers the blocks' comments state). Also: the version the README tells to
// install is the library's, and the README's relative links resolve.

using System.Reflection;
using System.Text.RegularExpressions;

namespace SharpLoss.Tests.Docs;

public partial class ReadmeTests
{
    private static readonly string Root = FindRepositoryRoot();

    /// <summary>The folder holding SharpLoss.slnx, found by walking up from the test assembly's folder.</summary>
    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SharpLoss.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No SharpLoss.slnx above {AppContext.BaseDirectory}.");
    }

    /// <summary>The documents whose C# blocks the sample mirrors, relative to the root.</summary>
    private static List<string> Documents()
    {
        var docs = new List<string> { "README.md", Path.Combine("src", "SharpLoss", "README.md") };
        string docsDir = Path.Combine(Root, "docs");
        if (Directory.Exists(docsDir))
        {
            docs.AddRange(Directory.GetFiles(docsDir, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => Path.GetRelativePath(Root, f)));
        }

        return docs;
    }

    private static string[] ReadLines(string path) => File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

    /// <summary>The ```csharp blocks of a Markdown file: their lines (the fence's indentation removed) and the line
    /// number of their opening fence.</summary>
    private static List<(int Line, string[] Lines)> CSharpBlocks(string path)
    {
        var blocks = new List<(int, string[])>();
        string[] lines = ReadLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            string trimmed = lines[i].TrimStart();
            if (!trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            string info = trimmed[3..].Trim();
            int indent = lines[i].Length - trimmed.Length;
            int end = i + 1;
            while (end < lines.Length && !lines[end].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                end++;
            }

            if (info is "csharp" or "cs" or "c#")
            {
                blocks.Add((i + 1, lines[(i + 1)..end].Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()).ToArray()));
            }

            i = end;
        }

        return blocks;
    }

    /// <summary>Whether <paramref name="block"/> occurs in <paramref name="source"/> at consecutive lines, every non-blank
    /// line behind the same indentation (the block may be a method body) and every blank line blank.</summary>
    private static bool ContainsBlock(string[] source, string[] block)
    {
        if (block.Length == 0)
        {
            return true;
        }

        for (int start = 0; start + block.Length <= source.Length; start++)
        {
            string first = source[start];
            if (!first.EndsWith(block[0], StringComparison.Ordinal) || block[0].Length == 0)
            {
                continue;
            }

            string prefix = first[..^block[0].Length];
            if (prefix.Trim().Length != 0)
            {
                continue;
            }

            bool all = true;
            for (int k = 1; k < block.Length && all; k++)
            {
                all = block[k].Length == 0 ? source[start + k].Length == 0 : source[start + k] == prefix + block[k];
            }

            if (all)
            {
                return true;
            }
        }

        return false;
    }

    private static string[] SampleSource()
    {
        string dir = Path.Combine(Root, "samples", "ReadmeExamples");
        char sep = Path.DirectorySeparatorChar;
        return Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{sep}bin{sep}", StringComparison.Ordinal) && !f.Contains($"{sep}obj{sep}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .SelectMany(f => ReadLines(f).Append(""))
            .ToArray();
    }

    [Fact]
    public void EveryCSharpBlockOfTheDocumentation_IsInTheReadmeExamplesSample()
    {
        string[] source = SampleSource();
        var missing = new List<string>();
        int count = 0;
        foreach (string doc in Documents())
        {
            foreach (var (line, lines) in CSharpBlocks(Path.Combine(Root, doc)))
            {
                count++;
                if (!ContainsBlock(source, lines))
                {
                    string firstMissing = lines.FirstOrDefault(l => l.Length > 0 && !source.Any(s => s.EndsWith(l, StringComparison.Ordinal))) ?? "(every line exists, but not as one block)";
                    missing.Add($"{doc}:{line}: the block is not in samples/ReadmeExamples; first line not found: {firstMissing}");
                }
            }
        }

        Assert.True(missing.Count == 0, string.Join(Environment.NewLine, missing));
        Assert.True(count > 0, "Found no ```csharp block in the documentation: has the fence changed?");
    }

    [Fact]
    public void ReadmeExamples_IsInTheSolution()
    {
        string slnx = File.ReadAllText(Path.Combine(Root, "SharpLoss.slnx"));
        Assert.Contains("samples/ReadmeExamples/ReadmeExamples.csproj", slnx, StringComparison.Ordinal);
    }

    [Fact]
    public void TheVersionTheReadmeInstalls_IsTheLibrarysVersion()
    {
        string informational = typeof(Loss).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        string version = informational.Split('+')[0];
        var installs = VersionArgument().Matches(File.ReadAllText(Path.Combine(Root, "README.md"))).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(installs);
        Assert.All(installs, v => Assert.Equal(version, v));
    }

    [Fact]
    public void TheDocumentationsRelativeLinks_Resolve()
    {
        var broken = new List<string>();
        foreach (string doc in Documents())
        {
            string dir = Path.GetDirectoryName(Path.Combine(Root, doc))!;
            foreach (Match m in MarkdownLink().Matches(File.ReadAllText(Path.Combine(Root, doc))))
            {
                string target = m.Groups[1].Value.Split('#')[0];
                if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                string path = Path.GetFullPath(Path.Combine(dir, target));
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    broken.Add($"{doc}: {m.Value}");
                }
            }
        }

        Assert.True(broken.Count == 0, string.Join(Environment.NewLine, broken));
    }

    [Fact]
    public void ThePackagesReadme_HasNoRelativeLinks()
    {
        // nuget.org shows the package's README without the repository around it: a relative link would lead nowhere.
        var relative = MarkdownLink().Matches(File.ReadAllText(Path.Combine(Root, "src", "SharpLoss", "README.md")))
            .Select(m => m.Groups[1].Value)
            .Where(t => !t.Contains("://", StringComparison.Ordinal) && !t.StartsWith('#'))
            .ToList();
        Assert.Empty(relative);
    }

    [GeneratedRegex(@"dotnet add package SharpLoss --version (\S+)")]
    private static partial Regex VersionArgument();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}
