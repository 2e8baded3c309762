using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpLoss.Kernels;

/// <summary>
/// Non-temporal (cache-bypassing) stores of a stream of vectors computed at positions 0, 8, 16, … of a destination
/// that need not be 32-byte aligned: <see cref="First"/> for position 0, then <see cref="Next"/>, then
/// <see cref="Flush"/>. Each aligned 32-byte block is assembled from the two vectors it straddles with one
/// lane rotation and one blend, so the values (and the positions they were computed at) are exactly those of ordinary
/// stores: results do not depend on the buffer's alignment. The partial blocks at both ends use masked stores, so a
/// writer touches only its own elements (chunks can be written by different threads).
/// </summary>
internal unsafe struct StreamingStore<T>
    where T : unmanaged
{
    /// <summary>Destinations at least this large (bytes) use streaming stores: larger than the last-level cache.</summary>
    public const long ThresholdBytes = 32L << 20;

    private readonly T* _dst;
    private readonly int _shift;          // misalignment of _dst in 32-bit lanes (0..7)
    private readonly Vector256<int> _rotate;
    private readonly Vector256<float> _high;  // lanes j ≥ shift
    private Vector256<float> _previous;
    private bool _started;

    public StreamingStore(T* destination)
    {
        _dst = destination;
        _shift = (int)(((nuint)destination & 31) / 4);
        _rotate = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) + Vector256.Create(8 - _shift);
        _rotate &= Vector256.Create(7);
        _high = Vector256.GreaterThanOrEqual(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(_shift)).AsSingle();
        _previous = default;
        _started = false;
    }

    /// <summary>Whether streaming stores can be used for this element type and machine.</summary>
    public static bool Supported(T* destination) =>
        Avx2.IsSupported && ((nuint)destination & 3) == 0 && (sizeof(T) == 4 || ((nuint)destination & 7) == 0);

    /// <summary>Stores the vector computed for elements [0, Count): the lanes up to the first aligned boundary.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void First(Vector256<T> value)
    {
        Vector256<float> v = value.AsSingle();
        Avx.MaskStore((float*)_dst, AllOnesBelow(8 - _shift), v);
        _previous = Avx2.PermuteVar8x32(v, _rotate);
        _started = true;
    }

    /// <summary>
    /// Stores the vector computed for elements [index, index + Count), index a positive multiple of Count, after
    /// <see cref="First"/>: the aligned block ending at this vector's boundary is the previous vector's high lanes and
    /// this one's low lanes. No branch: at shift 0 the rotation is the identity and the blend takes this vector whole.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Next(Vector256<T> value, int index)
    {
        Vector256<float> rotated = Avx2.PermuteVar8x32(value.AsSingle(), _rotate);
        Avx.StoreAlignedNonTemporal((float*)(_dst + index) - _shift, Avx.BlendVariable(_previous, rotated, _high));
        _previous = rotated;
    }

    /// <summary>Writes the last vector's trailing lanes (call once after the last <see cref="First"/> or <see cref="Next"/>).</summary>
    /// <param name="end">The index just past the last stored vector.</param>
    public readonly void Flush(int end)
    {
        if (_shift != 0 && _started)
        {
            // The last vector's lanes [8 − shift, 8) sit in the block starting at end − shift (rotated to lanes [0, shift)).
            Avx.MaskStore((float*)(_dst + end) - _shift, ~_high.AsInt32().AsSingle(), _previous);
        }

        Sse.StoreFence();
    }

    private static Vector256<float> AllOnesBelow(int n) => Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(n)).AsSingle();
}
