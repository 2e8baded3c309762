using System.Numerics;
using System.Runtime.Intrinsics;

namespace SharpLoss.Kernels;

/// <summary>
/// The math of an element-wise loss term e(y, p) and its derivative ∂e/∂p, as scalar and Vector256
/// operators (and optionally Vector512 ones), and whether the per-sample loss averages or sums the terms
/// (<see cref="SumsOverAxis"/>). Bodies are math only: no loops, no bounds checks; <see cref="PointwiseDriver"/> owns the loops.
/// Implementations mark these methods <c>AggressiveInlining</c>: without it only profile-guided tier-1 code inlines the
/// larger ones into the driver's loops, and code compiled without a profile (tiered compilation off, TieredPGO off,
/// ahead-of-time) calls them once per vector, with the vectors passed through memory: BCE from logits ran at about a
/// third of its speed with tiered compilation off.
/// </summary>
internal interface IPointwiseKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>False keeps the driver on the scalar path.</summary>
    static abstract bool Vectorizable { get; }

    T Loss(T y, T p);

    T LossGrad(T y, T p, out T grad);

    Vector256<T> Loss(Vector256<T> y, Vector256<T> p);

    Vector256<T> LossGrad(Vector256<T> y, Vector256<T> p, out Vector256<T> grad);

    /// <summary>
    /// True when the per-sample loss is the sum of the element terms over the reduced axis (Keras <c>kl_divergence</c>),
    /// false (the default) when it is their mean. A sum over an empty axis is 0, a mean NaN.
    /// </summary>
    static virtual bool SumsOverAxis => false;

    /// <summary>
    /// True for a kernel of a few arithmetic operations per element, whose loop is bound by memory: its gradients larger
    /// than the last-level cache are written with streaming (cache-bypassing) stores. False (the default) for the
    /// kernels with a logarithm, an exponential or a division chain per element, which are bound by their arithmetic:
    /// for them ordinary stores measured faster at 16M elements on 2 threads (BCE on probabilities 17.3 against 23.3
    /// ms, Poisson 14.3 against 20.7, log-cosh 21.2 against 28.6), while MSE ran 8.0 ms with streaming stores and 10.9
    /// without.
    /// </summary>
    static virtual bool StreamsGradient => false;

    /// <summary>True when the kernel also has Vector512 operators (used where Vector512 is hardware accelerated).</summary>
    static virtual bool Wide => false;

    /// <summary>The Vector512 loss; only called when <see cref="Wide"/> is true.</summary>
    Vector512<T> Loss(Vector512<T> y, Vector512<T> p) => throw new NotSupportedException();

    /// <summary>The Vector512 loss and derivative; only called when <see cref="Wide"/> is true.</summary>
    Vector512<T> LossGrad(Vector512<T> y, Vector512<T> p, out Vector512<T> grad) => throw new NotSupportedException();
}
