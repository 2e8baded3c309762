using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;
using SharpLoss.Internals;

namespace SharpLoss;

/// <content><c>tf.nn.l2_loss</c>, <c>tf.nn.compute_average_loss</c> and <c>tf.nn.scale_regularization_loss</c>.</content>
/// <remarks>Sums accumulate in double and the result is returned in the element type; TensorFlow casts float64 inputs of
/// <c>compute_average_loss</c> with a sample weight to float32, which SharpLoss does not (precision follows the element type).
/// The number of replicas, which TensorFlow reads from the distribution strategy, is an explicit argument (1 outside
/// any strategy).</remarks>
public static partial class Nn
{
    /// <summary><c>tf.nn.l2_loss</c>: Σ t² / 2 over every element, as a number.</summary>
    /// <param name="t">The tensor (a scalar is allowed).</param>
    /// <returns>Half the sum of squares ([1, 2, 3] gives 7).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="t"/> is null or missing.</exception>
    public static float L2Loss(LossInput<float> t) => L2<float>(t);

    /// <inheritdoc cref="L2Loss(LossInput{float})"/>
    public static double L2Loss(LossInput<double> t) => L2<double>(t);

    /// <summary>Vector-Jacobian product of <see cref="L2Loss(LossInput{float})"/>: upstream · t.</summary>
    /// <param name="t">The tensor.</param>
    /// <param name="upstream">The upstream gradient (a number); default 1.</param>
    /// <returns>∂/∂t, with <paramref name="t"/>'s shape (shape [1] for a scalar).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="t"/> is null or missing.</exception>
    public static Tensor<float> L2LossGradient(LossInput<float> t, float upstream = 1f) => L2Gradient(t, upstream);

    /// <inheritdoc cref="L2LossGradient(LossInput{float}, float)"/>
    public static Tensor<double> L2LossGradient(LossInput<double> t, double upstream = 1.0) => L2Gradient(t, upstream);

    /// <summary>
    /// <c>tf.nn.compute_average_loss</c>: Σ(per_example_loss · sample_weight) over every element, divided by the global
    /// batch size (0 when it is 0). The divisor is <paramref name="globalBatchSize"/>, or by default the first dimension of
    /// <paramref name="perExampleLoss"/> times <paramref name="numReplicasInSync"/>: losses of shape (N, T) give Σ/N, not a
    /// per-element mean.
    /// </summary>
    /// <param name="perExampleLoss">The losses, of rank 1 or more.</param>
    /// <param name="sampleWeight">Nothing (1), a scalar, or a tensor that, after tf.keras's one-rank squeeze or expansion of its
    /// last axis to the losses' rank, broadcasts with them (NumPy rules).</param>
    /// <param name="globalBatchSize">The global batch size, ≥ 0; null for dim0 × <paramref name="numReplicasInSync"/>.</param>
    /// <param name="numReplicasInSync">The number of replicas in sync (TensorFlow reads it from the strategy), ≥ 1.</param>
    /// <returns>The scaled sum.</returns>
    /// <exception cref="ArgumentException"><paramref name="perExampleLoss"/> has rank 0, or <paramref name="sampleWeight"/> cannot
    /// be aligned with it (the message gives both shapes).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="globalBatchSize"/> is negative or
    /// <paramref name="numReplicasInSync"/> is less than 1.</exception>
    public static float ComputeAverageLoss(LossInput<float> perExampleLoss, LossInput<float> sampleWeight = default, long? globalBatchSize = null, int numReplicasInSync = 1) =>
        Average(perExampleLoss, sampleWeight, globalBatchSize, numReplicasInSync, default, 0f);

    /// <inheritdoc cref="ComputeAverageLoss(LossInput{float}, LossInput{float}, long?, int)"/>
    public static double ComputeAverageLoss(LossInput<double> perExampleLoss, LossInput<double> sampleWeight = default, long? globalBatchSize = null, int numReplicasInSync = 1) =>
        Average(perExampleLoss, sampleWeight, globalBatchSize, numReplicasInSync, default, 0.0);

    /// <summary>Vector-Jacobian product of <see cref="ComputeAverageLoss(LossInput{float}, LossInput{float}, long?, int)"/> with
    /// respect to <c>perExampleLoss</c>: upstream · (Σ of the weights that read the element) / global batch size.</summary>
    /// <param name="perExampleLoss">The losses.</param>
    /// <param name="sampleWeight">The weights, as for the value.</param>
    /// <param name="globalBatchSize">The global batch size, or null.</param>
    /// <param name="numReplicasInSync">The number of replicas in sync.</param>
    /// <param name="upstream">The upstream gradient (a number); default 1.</param>
    /// <returns>∂/∂perExampleLoss, with its shape.</returns>
    /// <exception cref="ArgumentException">As for the value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As for the value.</exception>
    public static Tensor<float> ComputeAverageLossGradient(LossInput<float> perExampleLoss, LossInput<float> sampleWeight = default, long? globalBatchSize = null, int numReplicasInSync = 1, float upstream = 1f)
    {
        var grad = new float[perExampleLoss.Kind == InputKind.Tensor ? perExampleLoss.Data.Length : 0];
        Average(perExampleLoss, sampleWeight, globalBatchSize, numReplicasInSync, grad, upstream);
        return Tensor.Create(grad, perExampleLoss.Shape.TensorLengths());
    }

    /// <inheritdoc cref="ComputeAverageLossGradient(LossInput{float}, LossInput{float}, long?, int, float)"/>
    public static Tensor<double> ComputeAverageLossGradient(LossInput<double> perExampleLoss, LossInput<double> sampleWeight = default, long? globalBatchSize = null, int numReplicasInSync = 1, double upstream = 1.0)
    {
        var grad = new double[perExampleLoss.Kind == InputKind.Tensor ? perExampleLoss.Data.Length : 0];
        Average(perExampleLoss, sampleWeight, globalBatchSize, numReplicasInSync, grad, upstream);
        return Tensor.Create(grad, perExampleLoss.Shape.TensorLengths());
    }

    /// <summary><c>tf.nn.scale_regularization_loss</c>: Σ regularization_loss / <paramref name="numReplicasInSync"/>.</summary>
    /// <param name="regularizationLoss">The regularization losses (a scalar is allowed).</param>
    /// <param name="numReplicasInSync">The number of replicas in sync (TensorFlow reads it from the strategy), ≥ 1.</param>
    /// <returns>The scaled sum.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="regularizationLoss"/> is null or missing.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numReplicasInSync"/> is less than 1.</exception>
    public static float ScaleRegularizationLoss(LossInput<float> regularizationLoss, int numReplicasInSync = 1) => ScaleRegularization(regularizationLoss, numReplicasInSync);

    /// <inheritdoc cref="ScaleRegularizationLoss(LossInput{float}, int)"/>
    public static double ScaleRegularizationLoss(LossInput<double> regularizationLoss, int numReplicasInSync = 1) => ScaleRegularization(regularizationLoss, numReplicasInSync);

    /// <summary>Vector-Jacobian product of <see cref="ScaleRegularizationLoss(LossInput{float}, int)"/>: upstream / replicas per element.</summary>
    /// <param name="regularizationLoss">The regularization losses.</param>
    /// <param name="numReplicasInSync">The number of replicas in sync, ≥ 1.</param>
    /// <param name="upstream">The upstream gradient (a number); default 1.</param>
    /// <returns>∂/∂regularizationLoss, with its shape (shape [1] for a scalar).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="regularizationLoss"/> is null or missing.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numReplicasInSync"/> is less than 1.</exception>
    public static Tensor<float> ScaleRegularizationLossGradient(LossInput<float> regularizationLoss, int numReplicasInSync = 1, float upstream = 1f) =>
        ScaleRegularizationGradient(regularizationLoss, numReplicasInSync, upstream);

    /// <inheritdoc cref="ScaleRegularizationLossGradient(LossInput{float}, int, float)"/>
    public static Tensor<double> ScaleRegularizationLossGradient(LossInput<double> regularizationLoss, int numReplicasInSync = 1, double upstream = 1.0) =>
        ScaleRegularizationGradient(regularizationLoss, numReplicasInSync, upstream);

    private static T L2<T>(LossInput<T> t)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Throw.IfUnusable(t, "t", allowScalar: true);
        if (t.IsScalar)
        {
            return t.Scalar * t.Scalar / T.CreateChecked(2);
        }

        double sum = 0;
        foreach (T v in t.Data)
        {
            sum += double.CreateTruncating(v * v);
        }

        return T.CreateTruncating(sum / 2);
    }

    private static Tensor<T> L2Gradient<T>(LossInput<T> t, T upstream)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Throw.IfUnusable(t, "t", allowScalar: true);
        if (t.IsScalar)
        {
            return Tensor.Create([upstream * t.Scalar], [1]);
        }

        var grad = new T[t.Data.Length];
        for (int i = 0; i < grad.Length; i++)
        {
            grad[i] = upstream * t.Data[i];
        }

        return Tensor.Create(grad, t.Shape.TensorLengths());
    }

    private static T ScaleRegularization<T>(LossInput<T> losses, int replicas)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Throw.IfUnusable(losses, "regularizationLoss", allowScalar: true);
        CheckReplicas(replicas);
        if (losses.IsScalar)
        {
            return losses.Scalar / T.CreateChecked(replicas);
        }

        double sum = 0;
        foreach (T v in losses.Data)
        {
            sum += double.CreateTruncating(v);
        }

        return T.CreateTruncating(sum / replicas);
    }

    private static Tensor<T> ScaleRegularizationGradient<T>(LossInput<T> losses, int replicas, T upstream)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Throw.IfUnusable(losses, "regularizationLoss", allowScalar: true);
        CheckReplicas(replicas);
        T g = upstream / T.CreateChecked(replicas);
        var grad = new T[losses.IsScalar ? 1 : losses.Data.Length];
        Array.Fill(grad, g);
        return Tensor.Create(grad, losses.IsScalar ? [1] : losses.Shape.TensorLengths());
    }

    private static void CheckReplicas(int replicas)
    {
        if (replicas < 1)
        {
            throw new ArgumentOutOfRangeException("numReplicasInSync", replicas, $"Expected `numReplicasInSync` ≥ 1. Received: {replicas}.");
        }
    }

    /// <summary>The value (when <paramref name="grad"/> is empty) or the gradient of compute_average_loss.</summary>
    private static T Average<T>(LossInput<T> losses, LossInput<T> weights, long? globalBatchSize, int replicas, Span<T> grad, T upstream)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Throw.IfUnusable(losses, "perExampleLoss", allowScalar: true);
        Throw.IfUnusableOptional(weights, "sampleWeight");
        if (losses.IsScalar || losses.Shape.Rank == 0)
        {
            Throw.Argument("perExampleLoss", "Invalid value passed for `perExampleLoss`. Expected a tensor with at least rank 1. Received: a scalar (rank 0).");
        }

        CheckReplicas(replicas);
        if (globalBatchSize is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(globalBatchSize), globalBatchSize, $"Expected `globalBatchSize` ≥ 0. Received: {globalBatchSize.Value.ToString(CultureInfo.InvariantCulture)}.");
        }

        double divisor = globalBatchSize ?? ((long)losses.Shape[0] * replicas);
        double scale = divisor == 0 ? 0 : 1 / divisor;
        bool wantGrad = !grad.IsEmpty || losses.Data.IsEmpty;
        if (weights.IsAbsent || weights.IsScalar || (weights.Shape.Rank == 0 && weights.Data.Length == 1))
        {
            T w = weights.IsAbsent ? T.One : weights.IsScalar ? weights.Scalar : weights.Data[0];
            if (wantGrad)
            {
                grad.Fill(T.CreateTruncating(double.CreateTruncating(upstream * w) * scale));
                return T.Zero;
            }

            double total = 0;
            foreach (T v in losses.Data)
            {
                total += double.CreateTruncating(v * w);
            }

            return divisor == 0 ? T.Zero : T.CreateTruncating(total / divisor);
        }

        // tf.keras's squeeze_or_expand_dimensions: one rank more → squeeze the last axis (of size 1); one rank less → expand it.
        Shape wShape = weights.Shape;
        Shape lShape = losses.Shape;
        if (wShape.Rank == lShape.Rank + 1)
        {
            if (wShape[wShape.Rank - 1] != 1)
            {
                Throw.Argument("sampleWeight", $"Expected `sampleWeight` of the shape of `perExampleLoss` {lShape}, one rank more with a last dimension of 1, or one rank less. Received: shape {wShape}.");
            }

            wShape = wShape.DropLast();
        }
        else if (wShape.Rank + 1 == lShape.Rank)
        {
            wShape = wShape.Append(1);
        }

        if (!Shape.TryBroadcast(lShape, wShape, out Shape b) || !b.FitsInArray)
        {
            Throw.Argument("sampleWeight", $"Expected `sampleWeight` that broadcasts with `perExampleLoss`. Received: perExampleLoss.shape={lShape}, sampleWeight.shape={weights.Shape}.");
        }

        int[] lMap = Broadcast.Map(b, lShape);
        int[] wMap = Broadcast.Map(b, wShape);
        if (wantGrad)
        {
            var sums = new double[losses.Data.Length];
            for (int i = 0; i < lMap.Length; i++)
            {
                sums[lMap[i]] += double.CreateTruncating(weights.Data[wMap[i]]);
            }

            for (int k = 0; k < grad.Length; k++)
            {
                grad[k] = T.CreateTruncating(double.CreateTruncating(upstream) * sums[k] * scale);
            }

            return T.Zero;
        }

        double sum = 0;
        for (int i = 0; i < lMap.Length; i++)
        {
            sum += double.CreateTruncating(losses.Data[lMap[i]] * weights.Data[wMap[i]]);
        }

        return divisor == 0 ? T.Zero : T.CreateTruncating(sum / divisor);
    }
}
