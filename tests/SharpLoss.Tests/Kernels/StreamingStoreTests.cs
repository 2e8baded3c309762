using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;
using SharpLoss.Kernels;

namespace SharpLoss.Tests.Kernels;

/// <summary>Non-temporal gradient stores write exactly what ordinary stores write, at every misalignment.</summary>
public unsafe class StreamingStoreTests
{
    [Fact]
    public void Store_EveryMisalignmentAndLength_WritesExactlyTheVectorsAndNothingElse()
    {
        if (!StreamingStore<float>.Supported((float*)32))
        {
            return; // no AVX2 here (e.g. DOTNET_EnableHWIntrinsic=0): the driver uses ordinary stores, nothing to check
        }

        const int capacity = 128;
        float* block = (float*)NativeMemory.AlignedAlloc(capacity * sizeof(float), 64);
        try
        {
            for (int shift = 0; shift < 8; shift++)
            {
                for (int vectors = 0; vectors <= 6; vectors++)
                {
                    new Span<float>(block, capacity).Fill(-1f);
                    float* dst = block + 16 + shift;
                    var store = new StreamingStore<float>(dst);
                    for (int v = 0; v < vectors; v++)
                    {
                        Vector256<float> value = Vector256.Create(v * 8f) + Vector256.Create(0f, 1, 2, 3, 4, 5, 6, 7);
                        if (v == 0)
                        {
                            store.First(value);
                        }
                        else
                        {
                            store.Next(value, v * 8);
                        }
                    }

                    store.Flush(vectors * 8);
                    for (int i = 0; i < capacity; i++)
                    {
                        long rel = (block + i) - dst;
                        float expected = rel >= 0 && rel < vectors * 8 ? rel : -1f;
                        Assert.True(block[i] == expected, $"shift {shift}, {vectors} vectors: element {rel} is {block[i]}, expected {expected}");
                    }
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(block);
        }
    }

    [Fact]
    public void Store_DoubleLanes_WritesExactlyTheVectors()
    {
        if (!StreamingStore<double>.Supported((double*)32))
        {
            return;
        }

        const int capacity = 64;
        double* block = (double*)NativeMemory.AlignedAlloc(capacity * sizeof(double), 64);
        try
        {
            for (int shift = 0; shift < 4; shift++)
            {
                new Span<double>(block, capacity).Fill(-1);
                double* dst = block + 8 + shift;
                var store = new StreamingStore<double>(dst);
                for (int v = 0; v < 5; v++)
                {
                    Vector256<double> value = Vector256.Create(v * 4.0) + Vector256.Create(0.0, 1, 2, 3);
                    if (v == 0)
                    {
                        store.First(value);
                    }
                    else
                    {
                        store.Next(value, v * 4);
                    }
                }

                store.Flush(20);
                for (int i = 0; i < capacity; i++)
                {
                    long rel = (block + i) - dst;
                    double expected = rel >= 0 && rel < 20 ? rel : -1;
                    Assert.True(block[i] == expected, $"shift {shift}: element {rel} is {block[i]}, expected {expected}");
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(block);
        }
    }

    [Fact]
    public void LargeGradient_AnyBufferAlignment_SameBitsAsScalarPath()
    {
        // 9M floats (36 MB gradient): above the streaming threshold. MSE's gradient −2(y − p) has no rounding
        // differences between the vector and scalar paths, so the streamed gradient must equal the scalar one bit for bit.
        const int n = 9 * 1024 * 1024 + 5;
        var rng = new Random(21);
        float[] y = new float[n], p = new float[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = (float)rng.NextDouble();
            p[i] = (float)rng.NextDouble();
        }

        float[] expected = new float[n];
        KernelSwitch.ForceScalar = true;
        try
        {
            new MeanSquaredError().ValueAndGradientInto(y, p, expected);
        }
        finally
        {
            KernelSwitch.ForceScalar = false;
        }

        float* block = (float*)NativeMemory.AlignedAlloc((nuint)(n + 16) * sizeof(float), 64);
        try
        {
            foreach (int shift in new[] { 0, 1, 2, 5 })
            {
                var grad = new Span<float>(block + shift, n);
                block[shift + n] = 42f;
                new MeanSquaredError().ValueAndGradientInto(y, p, grad);
                Assert.True(grad.SequenceEqual(expected), $"streamed gradient differs at buffer offset {shift}");
                Assert.Equal(42f, block[shift + n]);
            }
        }
        finally
        {
            NativeMemory.AlignedFree(block);
        }
    }
}
