namespace Locus.Engine.Tensors;

/// <summary>Element types of tensors. Floating types carry activations and weights; integer types carry ids and masks.</summary>
public enum DType : byte
{
    /// <summary>IEEE-754 binary32.</summary>
    F32,
    /// <summary>IEEE-754 binary16.</summary>
    F16,
    /// <summary>bfloat16 (upper half of binary32), see <see cref="BFloat16"/>.</summary>
    BF16,
    /// <summary>Signed 32-bit integer.</summary>
    I32,
    /// <summary>Signed 64-bit integer.</summary>
    I64,
    /// <summary>Unsigned byte (masks).</summary>
    U8,
    /// <summary>FP8 E4M3; reserved: storage is recognised, no op computes in it yet.</summary>
    F8E4M3,
}
