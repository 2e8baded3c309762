using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpLoss.TorchSharp;

/// <summary>Argument checks, and spans over the memory of contiguous CPU tensors (no copy).</summary>
internal static class TensorMemory
{
    /// <summary>yPred: a float32 or float64 CPU tensor.</summary>
    public static void CheckPrediction(Tensor? tensor, string name)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        CheckCpu(tensor, name);
        if (tensor.dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"Expected a float32 or float64 tensor. Received: a {DTypeName(tensor.dtype)} tensor.", name);
        }
    }

    /// <summary>yTrue: yPred's dtype, or int64/int32 class ids for a <see cref="ClassIdLoss"/>.</summary>
    public static void CheckTarget(Tensor? tensor, Tensor yPred, Loss loss, string name)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        CheckCpu(tensor, name);
        if (loss is ClassIdLoss)
        {
            if (tensor.dtype is not (ScalarType.Int64 or ScalarType.Int32))
            {
                throw new ArgumentException(
                    $"Expected int64 (or int32) class ids for {loss.ClassName}. Received: a {DTypeName(tensor.dtype)} tensor.", name);
            }
        }
        else if (tensor.dtype != yPred.dtype)
        {
            throw new ArgumentException(
                $"Expected a {DTypeName(yPred.dtype)} tensor (yPred's dtype) for {loss.ClassName}. Received: a {DTypeName(tensor.dtype)} tensor.", name);
        }
    }

    /// <summary>sampleWeight: yPred's dtype, on the CPU.</summary>
    public static void CheckLike(Tensor tensor, Tensor yPred, string name)
    {
        CheckCpu(tensor, name);
        if (tensor.dtype != yPred.dtype)
        {
            throw new ArgumentException($"Expected a {DTypeName(yPred.dtype)} tensor (yPred's dtype). Received: a {DTypeName(tensor.dtype)} tensor.", name);
        }
    }

    /// <summary>The tensor itself when it is contiguous, else a contiguous copy.</summary>
    public static Tensor Contiguous(Tensor tensor) => tensor.is_contiguous() ? tensor : tensor.contiguous();

    /// <summary>The elements of a contiguous CPU tensor, in place.</summary>
    public static ReadOnlySpan<T> Read<T>(Tensor tensor)
        where T : unmanaged => Write<T>(tensor);

    /// <summary>The elements of a contiguous CPU tensor, in place and writable.</summary>
    public static Span<T> Write<T>(Tensor tensor)
        where T : unmanaged => tensor.NumberOfElements == 0 ? [] : MemoryMarshal.Cast<byte, T>(tensor.bytes);

    /// <summary>The tensor's shape as SharpLoss takes it.</summary>
    public static int[] Shape(Tensor tensor)
    {
        long[] shape = tensor.shape;
        var dims = new int[shape.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = checked((int)shape[i]);
        }

        return dims;
    }

    /// <summary>A torch shape for a result of <see cref="System.Numerics.Tensors"/>.</summary>
    public static long[] Shape(ReadOnlySpan<nint> lengths)
    {
        var dims = new long[lengths.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = lengths[i];
        }

        return dims;
    }

    private static void CheckCpu(Tensor tensor, string name)
    {
        if (tensor.device_type != DeviceType.CPU)
        {
            throw new ArgumentException(
                $"Expected a CPU tensor: SharpLoss computes on the CPU. Received: a tensor on {tensor.device}. Move it with .cpu() first.", name);
        }
    }

    private static string DTypeName(ScalarType type) => type.ToString().ToLowerInvariant();
}
