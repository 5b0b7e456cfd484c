namespace Forge.Core.Datasets;

/// <summary>A named netCDF dimension. <paramref name="IsUnlimited"/> marks the record dimension.</summary>
public sealed record Dimension(string Name, long Length, bool IsUnlimited = false);
