namespace SharpLoss.Internals;

/// <summary>Index maps for NumPy broadcasting (rare paths only; the hot paths never broadcast).</summary>
internal static class Broadcast
{
    /// <summary>For every row-major index of <paramref name="target"/>, the index of the element of a tensor of
    /// shape <paramref name="source"/> that broadcasting reads (source rank ≤ target rank, compatible).</summary>
    public static int[] Map(in Shape target, in Shape source)
    {
        int count = checked((int)target.Count);
        var map = new int[count];
        if (count == 0)
        {
            return map;
        }

        Span<long> strides = stackalloc long[Math.Max(1, target.Rank)];
        source.BroadcastStrides(target, strides);
        Span<int> idx = stackalloc int[Math.Max(1, target.Rank)];
        idx.Clear();
        long off = 0;
        for (int v = 0; v < count; v++)
        {
            map[v] = (int)off;
            for (int a = target.Rank - 1; a >= 0; a--)
            {
                idx[a]++;
                off += strides[a];
                if (idx[a] < target[a])
                {
                    break;
                }

                off -= strides[a] * idx[a];
                idx[a] = 0;
            }
        }

        return map;
    }
}
