namespace SharpLoss.Kernels;

/// <summary>
/// A mode of a kernel fixed at compile time: a kernel generic over <c>TFlag : IFlag</c> tests <c>TFlag.On</c>, a constant
/// for each instantiation, so every combination of modes gets its own loop with only its own arithmetic in it (the
/// branches on instance fields of a one-size kernel kept every mode's registers alive, and the loops spilled).
/// </summary>
internal interface IFlag
{
    /// <summary>Whether the mode is on.</summary>
    static abstract bool On { get; }
}

/// <summary>The mode is on.</summary>
internal readonly struct Yes : IFlag
{
    public static bool On => true;
}

/// <summary>The mode is off.</summary>
internal readonly struct No : IFlag
{
    public static bool On => false;
}
