namespace Forge.Recipes;

/// <summary><c>inputs</c>: the URL template and the keys that fill it, the input format and its reader options, and how to fetch.</summary>
public sealed record InputsSpec(
    string UrlTemplate,
    ConcatSpec Concat,
    MergeSpec? Merge,
    InputFormat Format,
    GribFilter? Grib,
    FetchSpec Fetch,
    string? Cache)
{
    /// <summary><c>inputs.netcdf</c>; <see cref="NetCdfOptions.Default"/> when the recipe leaves it out.</summary>
    public NetCdfOptions NetCdf { get; init; } = NetCdfOptions.Default;
}
