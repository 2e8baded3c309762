namespace SharpLoss.Serialization;

/// <summary>
/// "Did you mean …?" for unknown loss names: the known names closest to the one given, by the optimal-string-alignment
/// (restricted Damerau-Levenshtein) distance ignoring case and, in a second comparison, the separators <c>_</c>,
/// <c>-</c>, <c>.</c> and spaces (so <c>"BinaryCrossEntropy"</c> and <c>"binary-crossentropy"</c> are at distance 0 of
/// <c>"BinaryCrossentropy"</c> and <c>"binary_crossentropy"</c>). A name is close when that distance is at most a third
/// of its length (at least 1, at most 3), or, failing that, when it contains a known name or is contained in one (both
/// of 4 characters or more). Only the best-ranked names are suggested: smallest distance, then smallest distance with
/// separators, then with case (so <c>"Mse"</c> suggests <c>"mse"</c> rather than <c>"MSE"</c>).
/// </summary>
internal static class NameSuggestions
{
    private const int MaxSuggestions = 3;

    /// <summary>" Did you mean 'a'?", " Did you mean 'a' or 'b'?", " Did you mean 'a', 'b' or 'c'?", or empty.</summary>
    public static string DidYouMean(string input, IEnumerable<string> candidates)
    {
        List<string> best = Closest(input, candidates);
        return best.Count switch
        {
            0 => string.Empty,
            1 => $" Did you mean '{best[0]}'?",
            _ => $" Did you mean {string.Join(", ", best.Take(best.Count - 1).Select(b => $"'{b}'"))} or '{best[^1]}'?",
        };
    }

    /// <summary>
    /// The closest candidates (at most three, in ordinal order): those at the smallest distance ignoring case and
    /// separators, then, among those, at the smallest distance ignoring case only, then with case.
    /// </summary>
    public static List<string> Closest(string input, IEnumerable<string> candidates)
    {
        string lower = input.ToLowerInvariant();
        string bare = Bare(lower);
        int threshold = Math.Clamp(input.Length / 3, 1, 3);
        const int Far = 64;
        var scored = new List<(int Score, int IgnoreCase, int Exact, string Name)>();
        foreach (string candidate in candidates)
        {
            string cLower = candidate.ToLowerInvariant();
            string cBare = Bare(cLower);
            int score = Math.Min(Distance(lower, cLower, threshold), Distance(bare, cBare, threshold));
            if (score > threshold)
            {
                if (!Contains(lower, cLower) && !Contains(bare, cBare))
                {
                    continue;
                }

                score = threshold + 1;
            }

            scored.Add((score, Distance(lower, cLower, Far), Distance(input, candidate, Far), candidate));
        }

        if (scored.Count == 0)
        {
            return [];
        }

        var best = scored.Min(s => (s.Score, s.IgnoreCase, s.Exact));
        return [.. scored.Where(s => (s.Score, s.IgnoreCase, s.Exact) == best).Select(s => s.Name).Order(StringComparer.Ordinal).Take(MaxSuggestions)];
    }

    /// <summary>
    /// The optimal-string-alignment distance between <paramref name="a"/> and <paramref name="b"/> (insertions, deletions,
    /// substitutions and transpositions of adjacent characters, each costing 1), or <paramref name="max"/> + 1 when it
    /// exceeds <paramref name="max"/> (strings whose lengths differ by more than <paramref name="max"/> are not compared).
    /// </summary>
    public static int Distance(string a, string b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max)
        {
            return max + 1;
        }

        // Three rows of the dynamic-programming table: i - 2, i - 1 and i.
        int width = b.Length + 1;
        Span<int> rows = width <= 256 ? stackalloc int[3 * width] : new int[3 * width];
        Span<int> prev2 = rows[..width];
        Span<int> prev = rows.Slice(width, width);
        Span<int> cur = rows.Slice(2 * width, width);
        for (int j = 0; j <= b.Length; j++)
        {
            prev[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            int rowMin = cur[0];
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int v = Math.Min(Math.Min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    v = Math.Min(v, prev2[j - 2] + 1);
                }

                cur[j] = v;
                rowMin = Math.Min(rowMin, v);
            }

            if (rowMin > max)
            {
                return max + 1;
            }

            Span<int> oldest = prev2;
            prev2 = prev;
            prev = cur;
            cur = oldest;
        }

        return Math.Min(prev[b.Length], max + 1);
    }

    private static bool Contains(string input, string candidate) =>
        input.Length >= 4 && candidate.Length >= 4 &&
        (candidate.Contains(input, StringComparison.Ordinal) || (input.Length <= candidate.Length + 12 && input.Contains(candidate, StringComparison.Ordinal)));

    private static string Bare(string s) => string.Concat(s.Where(c => c is not ('_' or '-' or '.' or ' ')));
}
