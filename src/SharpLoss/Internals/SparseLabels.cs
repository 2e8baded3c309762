using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace SharpLoss.Internals;

/// <summary>Converts sparse class ids to <see cref="long"/> and checks them against [0, K), as TensorFlow on CPU does.</summary>
internal static class SparseLabels
{
    /// <summary>The label written for an ignored sample: every other label lies in [0, K).</summary>
    public const long Ignored = -1;

    /// <summary>
    /// Writes the class ids into <paramref name="labels"/> and, when <paramref name="ignoreClass"/> is set, the
    /// validity mask into <paramref name="valid"/>; ignored samples get the label <see cref="Ignored"/>. Float ids are
    /// compared with the ignore class in the prediction type (as Keras does), then truncated toward zero (TensorFlow's
    /// cast): 3.5 with ignore class 3 is not ignored and scores as class 3. NaN, infinite and out-of-range ids throw.
    /// </summary>
    /// <param name="a">The call (its labels and their shape).</param>
    /// <param name="labelShape">The shape of the labels, for the position in messages.</param>
    /// <param name="classes">K.</param>
    /// <param name="ignoreClass">The ignored id, or null.</param>
    /// <param name="labels">Receives the ids.</param>
    /// <param name="valid">Receives the validity mask (empty when there is no ignore class).</param>
    public static void Convert<T>(scoped in CallArgs<T> a, in Shape labelShape, int classes, long? ignoreClass, Span<long> labels, Span<bool> valid)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = labels.Length;
        for (int i = 0; i < n; i++)
        {
            long id;
            bool ignored;
            T v = default;
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
                    v = a.YTrue.Data[i];
                    ignored = ignoreClass is long ic && v == T.CreateTruncating(ic);

                    // NaN and ±∞ have no id: −1 puts them out of range.
                    id = ignored ? ignoreClass!.Value : T.IsFinite(v) ? long.CreateSaturating(v) : -1;
                    break;
            }

            if (!ignored && (id < 0 || id >= classes))
            {
                // A float id is shown as given (4.5, NaN), an integer one as it is.
                string shown = a.LabelKind == LabelKind.Values ? v.ToString(null, CultureInfo.InvariantCulture) : id.ToString(CultureInfo.InvariantCulture);
                throw OutOfRange(a.TrueArg, labelShape, i, shown, classes, ignoreClass);
            }

            labels[i] = ignored ? Ignored : id;
            if (!valid.IsEmpty)
            {
                valid[i] = !ignored;
            }
        }
    }

    public static long[] Rent(int n) => ArrayPool<long>.Shared.Rent(Math.Max(1, n));

    public static void Return(long[] a) => ArrayPool<long>.Shared.Return(a);

    private static ArgumentOutOfRangeException OutOfRange(string argument, in Shape shape, int flat, string value, int classes, long? ignoreClass)
    {
        string ignore = ignoreClass is long ic ? $" or the ignored class {ic}" : string.Empty;
        return new ArgumentOutOfRangeException(
            argument,
            $"Expected class ids in [0, {classes}){ignore}: the predictions have {classes} classes. " +
            $"Received: {argument}{Position(shape, flat)} = {value}.");
    }

    /// <summary>The row-major index <paramref name="flat"/> as <c>[i, j, …]</c> in <paramref name="shape"/>.</summary>
    private static string Position(in Shape shape, int flat)
    {
        if (shape.Rank == 0)
        {
            return string.Empty;
        }

        Span<int> idx = stackalloc int[shape.Rank];
        long rest = flat;
        for (int d = shape.Rank - 1; d >= 0; d--)
        {
            int dim = Math.Max(1, shape[d]);
            idx[d] = (int)(rest % dim);
            rest /= dim;
        }

        var sb = new StringBuilder("[");
        for (int d = 0; d < idx.Length; d++)
        {
            sb.Append(d > 0 ? ", " : string.Empty).Append(idx[d]);
        }

        return sb.Append(']').ToString();
    }
}
