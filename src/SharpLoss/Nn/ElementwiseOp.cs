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
    LogPoisson,
    LogPoissonFull,
    HingeV1,
    LogLossV1,
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
    private readonly string _labelsName;
    private readonly string _predictionsName;

    /// <summary>Creates the op.</summary>
    /// <param name="kind">The element term.</param>
    /// <param name="opName">TensorFlow's function name, for messages.</param>
    /// <param name="parameter">The term's parameter: pos_weight, delta, epsilon, or the label smoothing of the sigmoid cross-entropy.</param>
    /// <param name="labelsName">TensorFlow's name of the labels argument, for messages.</param>
    /// <param name="predictionsName">TensorFlow's name of the predictions argument, for messages.</param>
    public ElementwiseOp(ElementwiseKind kind, string opName, double parameter = 0, string labelsName = "labels", string predictionsName = "logits")
        : base(opName, Reduction.None, LossSemantics.Keras3, opName)
    {
        _kind = kind;
        _parameter = parameter;
        _opName = opName;
        _labelsName = labelsName;
        _predictionsName = predictionsName;
    }

    public override string ClassName => _opName;

    private protected override void WriteConfig(ConfigWriter writer)
    {
    }

    private protected override Layout PlanShapes(Shape yTrue, Shape yPred)
    {
        if (_kind != ElementwiseKind.Identity && yTrue != yPred)
        {
            // Named yTrue: a facade's call renames it to its own argument (labels, targets, …).
            Throw.Argument("yTrue", $"{_opName}: {_predictionsName} and {_labelsName} must have the same shape ({yPred} vs {yTrue}).");
        }

        int n = checked((int)yPred.Count);
        return new Layout { LossShape = yPred, Outer = n, D = 1, Inner = 1 };
    }

    private protected override double Execute<T>(scoped ref Batch<T> batch) => _kind switch
    {
        ElementwiseKind.SigmoidCrossEntropy => PointwiseDriver.Run(
            new BinaryCrossentropy.LogitsKernel<T>(T.One - T.CreateChecked(_parameter), T.CreateChecked(0.5) * T.CreateChecked(_parameter)), ref batch),
        ElementwiseKind.WeightedCrossEntropy => PointwiseDriver.Run(new WeightedKernel<T>(T.CreateChecked(_parameter)), ref batch),
        ElementwiseKind.SquaredDifference => PointwiseDriver.Run(default(MeanSquaredError.Kernel<T>), ref batch),
        ElementwiseKind.AbsoluteDifference => PointwiseDriver.Run(default(MeanAbsoluteError.Kernel<T>), ref batch),
        ElementwiseKind.Huber => PointwiseDriver.Run(new Huber.V1Kernel<T>(T.CreateChecked(_parameter)), ref batch),
        ElementwiseKind.LogPoisson => PointwiseDriver.Run(default(LogPoissonKernel<T>), ref batch),
        ElementwiseKind.LogPoissonFull => PointwiseDriver.Run(default(LogPoissonFullKernel<T>), ref batch),
        ElementwiseKind.HingeV1 => PointwiseDriver.Run(default(HingeV1Kernel<T>), ref batch),
        ElementwiseKind.LogLossV1 => PointwiseDriver.Run(new LogLossV1Kernel<T>(T.CreateChecked(_parameter)), ref batch),
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

        public static bool StreamsGradient => true;

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

    /// <summary><c>tf.nn.log_poisson_loss</c> without the Stirling term: e = exp(c) − c·z with c = log_input and z =
    /// targets; ∂e/∂c = exp(c) − z.</summary>
    internal readonly struct LogPoissonKernel<T> : IPointwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Loss(T z, T c) => T.Exp(c) - (c * z);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T LossGrad(T z, T c, out T grad)
        {
            T e = T.Exp(c);
            grad = e - z;
            return e - (c * z);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Loss(Vector256<T> z, Vector256<T> c) => VMath.Exp(c) - (c * z);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> LossGrad(Vector256<T> z, Vector256<T> c, out Vector256<T> grad)
        {
            Vector256<T> e = VMath.Exp(c);
            grad = e - z;
            return e - (c * z);
        }
    }

    /// <summary>
    /// <c>tf.nn.log_poisson_loss(compute_full_loss=True)</c>: exp(c) − c·z plus Stirling's term z·log z − z + ½·log(2π·z)
    /// wherever z is not in [0, 1] (NaN for a negative z, as in TensorFlow); the term does not depend on c, so ∂e/∂c =
    /// exp(c) − z. Scalar only (the logarithm of arbitrary targets).
    /// </summary>
    internal readonly struct LogPoissonFullKernel<T> : IPointwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Loss(T z, T c) => LossGrad(z, c, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T LossGrad(T z, T c, out T grad)
        {
            T e = T.Exp(c);
            grad = e - z;
            T result = e - (c * z);
            T stirling = (z * T.Log(z)) - z + (T.CreateChecked(0.5) * T.Log(T.CreateChecked(2 * Math.PI) * z));
            return result + (z >= T.Zero && z <= T.One ? T.Zero : stirling);
        }

        public Vector256<T> Loss(Vector256<T> z, Vector256<T> c) => throw new NotSupportedException();

        public Vector256<T> LossGrad(Vector256<T> z, Vector256<T> c, out Vector256<T> grad) => throw new NotSupportedException();
    }

    /// <summary><c>tf.compat.v1.losses.hinge_loss</c>: e = relu(1 − s·x) with s = 2l − 1; ∂e/∂x = −s where 1 − s·x &gt; 0, else 0
    /// (relu'(0) = 0).</summary>
    internal readonly struct HingeV1Kernel<T> : IPointwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => true;

        public static bool StreamsGradient => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Loss(T l, T x) => LossGrad(l, x, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T LossGrad(T l, T x, out T grad)
        {
            T s = (T.CreateChecked(2) * l) - T.One;
            T m = T.One - (s * x);
            grad = m > T.Zero ? -s : T.Zero;
            return m > T.Zero ? m : T.IsNaN(m) ? m : T.Zero;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> Loss(Vector256<T> l, Vector256<T> x) => LossGrad(l, x, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<T> LossGrad(Vector256<T> l, Vector256<T> x, out Vector256<T> grad)
        {
            Vector256<T> s = (Vector256.Create(T.CreateChecked(2)) * l) - Vector256<T>.One;
            Vector256<T> m = Vector256<T>.One - (s * x);
            Vector256<T> positive = Vector256.GreaterThan(m, Vector256<T>.Zero);
            grad = positive & -s;
            return Vector256.ConditionalSelect(positive | ~Vector256.Equals(m, m), m, Vector256<T>.Zero);
        }
    }

    /// <summary>
    /// <c>tf.compat.v1.losses.log_loss</c>: e = −l·log(p + ε) − (1 − l)·log(1 − p + ε), with no clipping;
    /// ∂e/∂p = −l/(p + ε) + (1 − l)/(1 − p + ε). Scalar only (logarithms of unclipped inputs).
    /// </summary>
    internal readonly struct LogLossV1Kernel<T>(T eps) : IPointwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static bool Vectorizable => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Loss(T l, T p) => LossGrad(l, p, out _);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T LossGrad(T l, T p, out T grad)
        {
            T a = p + eps;
            T b = T.One - p + eps;
            grad = -(l / a) + ((T.One - l) / b);
            return -(l * T.Log(a)) - ((T.One - l) * T.Log(b));
        }

        public Vector256<T> Loss(Vector256<T> l, Vector256<T> p) => throw new NotSupportedException();

        public Vector256<T> LossGrad(Vector256<T> l, Vector256<T> p, out Vector256<T> grad) => throw new NotSupportedException();
    }
}
