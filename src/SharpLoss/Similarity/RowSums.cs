using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;
using SharpLoss.Kernels;

namespace SharpLoss;

/// <summary>Helpers shared by the row-reducing losses of this folder: row sums in double, axis sets, availability.</summary>
internal static class RowSums
{
    /// <summary>Σy, Σp, Σy·p and Σp² … over a row, accumulated in double (Vector256 lanes when allowed, then the tail).</summary>
    public static void Sums<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> p, bool vectorize, out double sy, out double sp, out double syp, out double syy, out double spp)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = p.Length, i = 0;
        sy = sp = syp = syy = spp = 0;
        if (vectorize && Vector256.IsHardwareAccelerated && k >= Vector256<T>.Count)
        {
            ref T ry = ref MemoryMarshal.GetReference(y);
            ref T rp = ref MemoryMarshal.GetReference(p);
            Vector256<double> a0 = default, a1 = default, b0 = default, b1 = default, c0 = default, c1 = default, d0 = default, d1 = default, e0 = default, e1 = default;
            for (; i <= k - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                Vector256<T> yv = Vector256.LoadUnsafe(ref ry, (nuint)i);
                Vector256<T> pv = Vector256.LoadUnsafe(ref rp, (nuint)i);
                VMath.Accumulate(ref a0, ref a1, yv);
                VMath.Accumulate(ref b0, ref b1, pv);
                VMath.AccumulateProduct(ref c0, ref c1, yv, pv);
                VMath.AccumulateProduct(ref d0, ref d1, yv, yv);
                VMath.AccumulateProduct(ref e0, ref e1, pv, pv);
            }

            sy = VMath.Sum(a0, a1);
            sp = VMath.Sum(b0, b1);
            syp = VMath.Sum(c0, c1);
            syy = VMath.Sum(d0, d1);
            spp = VMath.Sum(e0, e1);
        }

        for (; i < k; i++)
        {
            double yi = double.CreateTruncating(y[i]), pi = double.CreateTruncating(p[i]);
            sy += yi;
            sp += pi;
            syp += yi * pi;
            syy += yi * yi;
            spp += pi * pi;
        }
    }

    /// <summary>grad_i = b·p_i + c·y_i + d over the row (b = 0: c·y_i + d); reads p_i and y_i before writing grad_i, so grad may alias p.</summary>
    public static void Affine<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> p, Span<T> grad, T b, T c, T d, bool vectorize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = p.Length, i = 0;
        bool linear = b == T.Zero;
        if (vectorize && Vector256.IsHardwareAccelerated && k >= Vector256<T>.Count)
        {
            ref T ry = ref MemoryMarshal.GetReference(y);
            ref T rp = ref MemoryMarshal.GetReference(p);
            ref T rg = ref MemoryMarshal.GetReference(grad);
            Vector256<T> vb = Vector256.Create(b), vc = Vector256.Create(c), vd = Vector256.Create(d);
            for (; i <= k - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                Vector256<T> pv = Vector256.LoadUnsafe(ref rp, (nuint)i);
                Vector256<T> yv = Vector256.LoadUnsafe(ref ry, (nuint)i);
                (linear ? (vc * yv) + vd : (vb * pv) + (vc * yv) + vd).StoreUnsafe(ref rg, (nuint)i);
            }
        }

        for (; i < k; i++)
        {
            T pi = p[i], yi = y[i];
            grad[i] = linear ? (c * yi) + d : (b * pi) + (c * yi) + d;
        }
    }

    /// <summary>Rejects a Keras-3-only class under tf.keras 2 semantics (SPEC B.23).</summary>
    public static void Keras3Only(LossSemantics semantics, string className)
    {
        if (semantics == LossSemantics.TfKeras2)
        {
            Throw.Argument(nameof(semantics), $"{className} exists only in Keras 3; tf.keras 2.x has no such loss (SPEC B.23). Expected LossSemantics.Keras3. Received: LossSemantics.TfKeras2.");
        }
    }

    /// <summary>Validates an axis set at construction: null (every axis) or a non-empty list without duplicates of
    /// non-negative/negative values (checked against the rank at call time).</summary>
    public static int[]? Axes(IReadOnlyList<int>? axis)
    {
        if (axis is null)
        {
            return null;
        }

        if (axis.Count == 0)
        {
            Throw.Argument(nameof(axis), "Expected `axis` to be null (every axis), one axis or a non-empty list of axes. Received: an empty list.");
        }

        return [.. axis];
    }

    /// <summary>
    /// The layout of a loss that sums over <paramref name="axes"/> (null: every axis, giving one scalar loss): the axes
    /// must resolve against yPred's rank, be distinct and adjacent once sorted.
    /// </summary>
    public static Layout AroundAxes(in Shape yPred, int[]? axes, string lossName)
    {
        if (axes is null)
        {
            long n = yPred.Count;
            if (n > Array.MaxLength)
            {
                Throw.Argument("yPred", $"Expected at most {Array.MaxLength} elements in yPred for {lossName}. Received: shape {yPred}.");
            }

            return new Layout { LossShape = Shape.Scalar, Outer = 1, D = (int)n, Inner = 1 };
        }

        Span<int> resolved = axes.Length <= 32 ? stackalloc int[axes.Length] : new int[axes.Length];   // no allocation per call
        for (int j = 0; j < axes.Length; j++)
        {
            int a = yPred.ResolveAxis(axes[j]);
            if (a < 0)
            {
                Throw.Argument("axis", $"Expected every `axis` in [-{yPred.Rank}, {yPred.Rank}) for {lossName} on yPred of shape {yPred}. Received: axis=({string.Join(", ", axes)}).");
            }

            resolved[j] = a;
        }

        resolved.Sort();
        for (int j = 1; j < resolved.Length; j++)
        {
            if (resolved[j] == resolved[j - 1])
            {
                Throw.Argument("axis", $"Expected distinct axes for {lossName}. Received: axis=({string.Join(", ", axes)}), which names axis {resolved[j]} twice for yPred of shape {yPred}.");
            }

            if (resolved[j] != resolved[j - 1] + 1)
            {
                Throw.Argument("axis", $"Expected adjacent axes for {lossName} (SharpLoss sums over one contiguous block of axes). Received: axis=({string.Join(", ", axes)}) for yPred of shape {yPred}.");
            }
        }

        int first = resolved[0], last = resolved[^1];
        Shape losses = yPred;
        for (int j = last; j >= first; j--)
        {
            losses = losses.RemoveAxis(j);
        }

        if (!losses.FitsInArray || yPred.Product(first, last + 1) > Array.MaxLength)
        {
            Throw.Argument("yPred", $"Expected at most {Array.MaxLength} per-sample losses and elements per sum for {lossName}. Received: yPred of shape {yPred}.");
        }

        return new Layout
        {
            LossShape = losses,
            Outer = (int)yPred.Product(0, first),
            D = (int)yPred.Product(first, last + 1),
            Inner = (int)yPred.Product(last + 1, yPred.Rank),
        };
    }
}
