using System.Text.RegularExpressions;

namespace SharpLoss.TorchSharp.Tests;

/// <summary>
/// The package README (src/SharpLoss.TorchSharp/README.md) cannot drift from code that compiles and runs: each of its
/// ```csharp blocks must appear, line for line, in samples/TorchSharp, which CI builds and runs. (The repository's
/// ReadmeTests cover README.md, src/SharpLoss/README.md and docs/ against samples/ReadmeExamples, which does not
/// reference TorchSharp.) Also: the version it tells to install is the package's, and it has no relative links, which
/// would not resolve on nuget.org.
/// </summary>
public partial class ReadmeTests
{
    private static readonly string Root = FindRoot();

    private static string Readme => Path.Combine(Root, "src", "SharpLoss.TorchSharp", "README.md");

    [Fact]
    public void EveryCSharpBlockOfThePackageReadme_IsInTheTorchSharpSample()
    {
        string[] sample = Directory.GetFiles(Path.Combine(Root, "samples", "TorchSharp"), "*.cs", SearchOption.TopDirectoryOnly)
            .Order(StringComparer.Ordinal)
            .SelectMany(f => File.ReadAllText(f).ReplaceLineEndings("\n").Split('\n').Append(""))
            .ToArray();
        var blocks = CSharpBlocks(File.ReadAllText(Readme)).ToList();

        Assert.NotEmpty(blocks);
        foreach (string[] block in blocks)
        {
            bool found = Enumerable.Range(0, Math.Max(0, sample.Length - block.Length + 1))
                .Any(start => block.Select((line, k) => sample[start + k] == line).All(same => same));
            Assert.True(found, $"A ```csharp block of the package README is not in samples/TorchSharp verbatim; it starts: {block[0]}");
        }
    }

    [Fact]
    public void InstallCommand_NamesThePackageVersion()
    {
        string csproj = File.ReadAllText(Path.Combine(Root, "src", "SharpLoss.TorchSharp", "SharpLoss.TorchSharp.csproj"));
        string version = VersionPrefix().Match(csproj).Groups[1].Value;
        Assert.Matches(@"^\d+\.\d+\.\d+$", version);
        Assert.Contains($"dotnet add package SharpLoss.TorchSharp --version {version}", File.ReadAllText(Readme), StringComparison.Ordinal);
    }

    [Fact]
    public void PackageReadme_HasNoRelativeLinks()
    {
        var relative = MarkdownLink().Matches(File.ReadAllText(Readme))
            .Select(m => m.Groups[1].Value)
            .Where(target => !target.StartsWith("https://", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(relative);
    }

    private static IEnumerable<string[]> CSharpBlocks(string markdown)
    {
        string[] lines = markdown.ReplaceLineEndings("\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp")
            {
                continue;
            }

            int end = Array.FindIndex(lines, i + 1, l => l.Trim() == "```");
            Assert.True(end > i, $"Unclosed ```csharp block at line {i + 1}");
            yield return lines[(i + 1)..end];
            i = end;
        }
    }

    private static string FindRoot()
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

    [GeneratedRegex(@"<VersionPrefix>([^<]+)</VersionPrefix>")]
    private static partial Regex VersionPrefix();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}
