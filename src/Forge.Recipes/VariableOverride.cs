using Forge.Core.Arrays;

namespace Forge.Recipes;

/// <summary><c>target.variables.&lt;name&gt;</c>: per-variable chunks, codec, dtype and fill_value; null = use the target-wide setting / the input's.</summary>
public sealed record VariableOverride(ChunkingSpec? Chunks, CodecSpec? Codec, DataType? DType, FillValueSpec? FillValue);
