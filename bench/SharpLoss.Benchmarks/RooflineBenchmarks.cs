using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;

namespace SharpLoss.Benchmarks;

/// <summary>
/// The memory roofline: the fastest any loss over (y_true, y_pred) can go. <c>Read2</c> sums two arrays (a forward
/// loss); <c>Read2Write1</c> writes c = a - b (a fused loss + gradient) with ordinary stores, and
/// <c>Read2Write1NonTemporal</c> with non-temporal (streaming) stores. 64-byte aligned native buffers, AVX where
/// available; two threads split the arrays into two aligned halves. <c>Read2Write1Chunked</c> streams too, but as the
/// library's drivers schedule work: chunks of 16K elements claimed one at a time by the calling thread and a pool
/// thread, so both threads read and write near each other (fewer DRAM pages open at once than two distant halves).
/// The summary's roofline is the fastest of the three read-2-write-1 variants.
/// </summary>
[MemoryDiagnoser]
public unsafe class Roofline
{
    private float* _a, _b, _c;
    private int _n, _half;
    private readonly double[] _partial = new double[2];
    private Action<int> _read2Part = null!, _read2Write1Part = null!, _nonTemporalPart = null!;
    private const int ChunkElements = 16 * 1024;
    private int _nextChunk;
    private int _helperDone;

    public static IEnumerable<string> Sizes => Cases.RooflineSizes;

    [ParamsSource(nameof(Sizes), Priority = 2)]
    public string Size { get; set; } = "";

    [Params(1, 2, Priority = 3)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Cases.SettleHeap();
        _n = Cases.Shape(Size).Rows;
        _half = _n / 2 / 16 * 16;    // the second half starts on a 64-byte boundary
        nuint bytes = (nuint)_n * sizeof(float);
        _a = (float*)NativeMemory.AlignedAlloc(bytes, 64);
        _b = (float*)NativeMemory.AlignedAlloc(bytes, 64);
        _c = (float*)NativeMemory.AlignedAlloc(bytes, 64);
        for (int i = 0; i < _n; i++)
        {
            _a[i] = i & 1023;
            _b[i] = i & 511;
            _c[i] = 0;                // touch every page before timing
        }

        _read2Part = h => _partial[h] = Read2Range(_a, _b, Start(h), End(h));
        _read2Write1Part = h => Read2Write1Range(_a, _b, _c, Start(h), End(h));
        _nonTemporalPart = h => Read2Write1NonTemporalRange(_a, _b, _c, Start(h), End(h));
        Cases.SettleHeap();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.AlignedFree(_a);
        NativeMemory.AlignedFree(_b);
        NativeMemory.AlignedFree(_c);
        _a = _b = _c = null;
    }

    [Benchmark]
    public double Read2()
    {
        if (Threads == 1)
        {
            return Read2Range(_a, _b, 0, _n);
        }

        Parallel.For(0, 2, _read2Part);
        return _partial[0] + _partial[1];
    }

    [Benchmark]
    public float Read2Write1()
    {
        if (Threads == 1)
        {
            Read2Write1Range(_a, _b, _c, 0, _n);
        }
        else
        {
            Parallel.For(0, 2, _read2Write1Part);
        }

        return _c[_n - 1];
    }

    [Benchmark]
    public float Read2Write1NonTemporal()
    {
        if (Threads == 1)
        {
            Read2Write1NonTemporalRange(_a, _b, _c, 0, _n);
        }
        else
        {
            Parallel.For(0, 2, _nonTemporalPart);
        }

        return _c[_n - 1];
    }

    [Benchmark]
    public float Read2Write1Chunked()
    {
        _nextChunk = 0;
        if (Threads == 1)
        {
            ClaimChunks();
        }
        else
        {
            Volatile.Write(ref _helperDone, 0);
            ThreadPool.UnsafeQueueUserWorkItem(static self => { self.ClaimChunks(); Volatile.Write(ref self._helperDone, 1); }, this, preferLocal: false);
            ClaimChunks();
            var spin = default(SpinWait);
            while (Volatile.Read(ref _helperDone) == 0)
            {
                spin.SpinOnce();
            }
        }

        return _c[_n - 1];
    }

    private void ClaimChunks()
    {
        int chunks = (_n + ChunkElements - 1) / ChunkElements;
        for (int k = Interlocked.Increment(ref _nextChunk) - 1; k < chunks; k = Interlocked.Increment(ref _nextChunk) - 1)
        {
            Read2Write1NonTemporalRange(_a, _b, _c, k * ChunkElements, Math.Min(_n, (k + 1) * ChunkElements));
        }
    }

    private int Start(int half) => half == 0 ? 0 : _half;

    private int End(int half) => half == 0 ? _half : _n;

    private static double Read2Range(float* a, float* b, int start, int end)
    {
        int i = start;
        var s0 = Vector256<float>.Zero;
        var s1 = Vector256<float>.Zero;
        var s2 = Vector256<float>.Zero;
        var s3 = Vector256<float>.Zero;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= end - 32; i += 32)
            {
                s0 += Vector256.LoadAligned(a + i) + Vector256.LoadAligned(b + i);
                s1 += Vector256.LoadAligned(a + i + 8) + Vector256.LoadAligned(b + i + 8);
                s2 += Vector256.LoadAligned(a + i + 16) + Vector256.LoadAligned(b + i + 16);
                s3 += Vector256.LoadAligned(a + i + 24) + Vector256.LoadAligned(b + i + 24);
            }
        }

        double sum = Vector256.Sum((s0 + s1) + (s2 + s3));
        for (; i < end; i++)
        {
            sum += a[i] + b[i];
        }

        return sum;
    }

    private static void Read2Write1Range(float* a, float* b, float* c, int start, int end)
    {
        int i = start;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= end - 16; i += 16)
            {
                Vector256.StoreAligned(Vector256.LoadAligned(a + i) - Vector256.LoadAligned(b + i), c + i);
                Vector256.StoreAligned(Vector256.LoadAligned(a + i + 8) - Vector256.LoadAligned(b + i + 8), c + i + 8);
            }
        }

        for (; i < end; i++)
        {
            c[i] = a[i] - b[i];
        }
    }

    private static void Read2Write1NonTemporalRange(float* a, float* b, float* c, int start, int end)
    {
        if (!Avx.IsSupported)
        {
            Read2Write1Range(a, b, c, start, end);   // no streaming stores on this CPU: ordinary stores
            return;
        }

        int i = start;
        for (; i <= end - 16; i += 16)
        {
            Avx.StoreAlignedNonTemporal(c + i, Avx.Subtract(Avx.LoadAlignedVector256(a + i), Avx.LoadAlignedVector256(b + i)));
            Avx.StoreAlignedNonTemporal(c + i + 8, Avx.Subtract(Avx.LoadAlignedVector256(a + i + 8), Avx.LoadAlignedVector256(b + i + 8)));
        }

        for (; i < end; i++)
        {
            c[i] = a[i] - b[i];
        }

        Sse.StoreFence();   // streaming stores are weakly ordered
    }
}
