using System.Buffers;
using System.Numerics;

namespace SharpLoss.Internals;

/// <summary>Converts sparse class ids to <see cref="long"/> and checks them against [0, K), as TensorFlow on CPU does.</summary>
internal static class SparseLabels
{
    /// <summary>
    /// Writes the class ids into <paramref name="labels"/> and, when <paramref name="ignoreClass"/> is set, the
    /// validity mask into <paramref name="valid"/>. Float ids are compared with the ignore class in floating
    /// point (as Keras does) and truncated toward zero (TensorFlow's cast); NaN and out-of-range ids throw.
    /// </summary>
    public static void Convert<T>(scoped in CallArgs<T> a, int classes, long? ignoreClass, Span<long> labels, Span<bool> valid)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = labels.Length;
        for (int i = 0; i < n; i++)
        {
            long id;
            bool ignored;
            switch (a.LabelKind)
            {
                case LabelKind.Int32:
                    id = a.YTrue32.Data[i];
                    ignored = id == ignoreClass;
                    break;
                case LabelKind.Int64:
                    id = a.YTrue64.Data[i];
                    ignored = id == ignoreClass;
                    break;
                default:
                    T v = a.YTrue.Data[i];
                    ignored = ignoreClass is long ic && v == T.CreateTruncating(ic);
                    if (T.IsNaN(v) || T.IsInfinity(v))
                    {
                        throw new ArgumentOutOfRangeException(
                            a.TrueArg, double.CreateTruncating(v), $"Received a label value of {v} which is outside the valid range of [0, {classes}).");
                    }

                    id = ignored ? ignoreClass!.Value : long.CreateSaturating(v);
                    break;
            }

            if (!ignored && (id < 0 || id >= classes))
            {
                throw new ArgumentOutOfRangeException(
                    a.TrueArg, id, $"Received a label value of {id} which is outside the valid range of [0, {classes}).");
            }

            labels[i] = id;
            if (!valid.IsEmpty)
            {
                valid[i] = !ignored;
            }
        }
    }

    public static long[] Rent(int n) => ArrayPool<long>.Shared.Rent(Math.Max(1, n));

    public static void Return(long[] a) => ArrayPool<long>.Shared.Return(a);
}
