using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SharpLoss.Internals;
using SharpLoss.Kernels;
using SharpLoss.Serialization;

namespace SharpLoss;

/// <summary>The element-wise terms behind the <c>tf.nn</c> and <c>tf.compat.v1.losses</c> facades.</summary>
internal enum ElementwiseKind
{
    SigmoidCrossEntropy,
    WeightedCrossEntropy,
    SquaredDifference,
    AbsoluteDifference,
    Huber,
    Identity,
}

/// <summary>
/// An element-wise loss: one value per element of y_pred (no axis is reduced), labels of the same shape.
/// Used by the facades only; it has no Keras class or config.
/// </summary>
internal sealed class ElementwiseOp : Loss
{
    private readonly ElementwiseKind _kind;
    private readonly double _parameter;
    private readonly string _opName;

    public ElementwiseOp(ElementwiseKind kind, string opName, double parameter = 0)
        : base(opName, Reduction.None, LossSemantics.Keras3, opName)
    {
        _kind = kind;
        _parameter = parameter;
        _opName = opName;
    }

    public override string ClassName => _opName;

    private protected override void WriteConfig(ConfigWriter writer)
    {
    }

    private protected override Layout PlanShapes(Shape yTrue, Shape yPred)
    {
        if (_kind != ElementwiseKind.Identity && yTrue != yPred)
        {
            Throw.Argument("labels", $"{_opName}: logits and labels must have the same shape ({yPred} vs {yTrue}).");
        }

        int n = checked((int)yPred.Count);
        return new Layout { LossShape = yPred, Outer = n, D = 1, Inner = 1 };
    }

    private protected override double Execute<T>(scoped ref Batch<T> batch) => _kind switch
    {
        ElementwiseKind.SigmoidCrossEntropy => PointwiseDriver.Run(new BinaryCrossentropy.LogitsKernel<T>(T.One, T.Zero), ref batch),
        ElementwiseKind.WeightedCrossEntropy => PointwiseDriver.Run(new WeightedKernel<T>(T.CreateChecked(_parameter)), ref batch),
        ElementwiseKind.SquaredDifference => PointwiseDriver.Run(default(MeanSquaredError.Kernel<T>), ref batch),
        ElementwiseKind.AbsoluteDifference => PointwiseDriver.Run(default(MeanAbsoluteError.Kernel<T>), ref batch),
        ElementwiseKind.Huber => PointwiseDriver.Run(new Huber.V1Kernel<T>(T.CreateChecked(_parameter)), ref batch),
        _ => PointwiseDriver.Run(default(IdentityKernel<T>), ref batch),
    };

    /// <summary>
    /// <c>tf.nn.weighted_cross_entropy_with_logits</c> with scalar q, in the cancellation-free form
    /// e = (x ≥ 0 ? (1 − z)·x : −q·z·x) + l·log1p(exp(−|x|)), l = 1 + (q − 1)·z. Gradient with TensorFlow's
    /// conventions (|x|' = sign x, relu'(0) = 0): (1 − z) − l·σ(−x) for x ≠ 0 and 1 − z at x = 0.
    /// </summary>
    internal readonly struct WeightedKernel<T>(T q) : IPointwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Loss(T z, T x) => LossGrad(z, x, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T LossGrad(T z, T x, out T grad)
        {
            T l = T.One + ((q - T.One) * z);
            T e = T.Exp(-T.Abs(x));
            T inv = T.One / (T.One + e);
            T d = x > T.Zero ? e * inv : x < T.Zero ? inv : T.Zero;
            grad = T.One - z - (l * d);
            T linear = x >= T.Zero ? (T.One - z) * x : -(q * z * x);
            return linear + (l * VMath.Log1pSmall(e));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Loss(Vector256<T> z, Vector256<T> x) => LossGrad(z, x, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> LossGrad(Vector256<T> z, Vector256<T> x, out Vector256<T> grad)
        {
            Vector256<T> one = Vector256<T>.One, vq = Vector256.Create(q);
            Vector256<T> l = one + ((vq - one) * z);
            Vector256<T> e = VMath.ExpNonPositive(-Vector256.Abs(x));
            Vector256<T> inv = one / (one + e);
            Vector256<T> pos = Vector256.GreaterThan(x, Vector256<T>.Zero), neg = Vector256.LessThan(x, Vector256<T>.Zero);
            Vector256<T> d = (pos & (e * inv)) | (neg & inv);
            grad = one - z - (l * d);
            Vector256<T> linear = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256<T>.Zero), (one - z) * x, -(vq * z * x));
            return linear + (l * VMath.Log1pSmall(e));
        }
    }

    /// <summary>e = p (the per-element losses themselves), ∂e/∂p = 1.</summary>
    internal readonly struct IdentityKernel<T> : IPointwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Loss(T y, T p) => p;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T LossGrad(T y, T p, out T grad)
        {
            grad = T.One;
            return p;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Loss(Vector256<T> y, Vector256<T> p) => p;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> LossGrad(Vector256<T> y, Vector256<T> p, out Vector256<T> grad)
        {
            grad = Vector256<T>.One;
            return p;
        }
    }
}
