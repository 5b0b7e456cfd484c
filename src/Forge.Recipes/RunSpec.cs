namespace Forge.Recipes;

/// <summary><c>run</c>: the memory bound for array data (bytes) and decode/encode parallelism (null = auto).</summary>
public sealed record RunSpec(long MaxMemory, int? Workers)
{
    /// <summary>2 GiB.</summary>
    public const long DefaultMaxMemory = 2L << 30;

    public static readonly RunSpec Default = new(DefaultMaxMemory, null);
}
