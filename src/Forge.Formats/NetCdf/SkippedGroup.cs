namespace Forge.Formats.NetCdf;

/// <summary>A NetCDF-4 sub-group holding variables that the reader skipped (<see cref="SubGroupPolicy.Ignore"/>).</summary>
/// <param name="Path">The group's full path, e.g. <c>/forecast</c>.</param>
/// <param name="Variables">How many variables the group itself holds.</param>
public sealed record SkippedGroup(string Path, int Variables);
