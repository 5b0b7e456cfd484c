namespace Forge.Recipes;

/// <summary>What <c>inputs.netcdf.sub_groups</c> says about variables in NetCDF-4 sub-groups (Forge reads the root group).</summary>
public enum SubGroups
{
    /// <summary><c>reject</c> (the default): an input whose sub-group holds variables fails, naming the file and the group.</summary>
    Reject,

    /// <summary><c>ignore</c>: the root group is converted and sub-groups are skipped, as <c>xarray.open_dataset</c> does.</summary>
    Ignore,
}

/// <summary><c>inputs.netcdf</c>: options of the NetCDF/HDF5 reader (not for grib inputs).</summary>
public sealed record NetCdfOptions(SubGroups SubGroups)
{
    public static readonly NetCdfOptions Default = new(SubGroups.Reject);

    /// <summary>The names <c>inputs.netcdf.sub_groups</c> accepts.</summary>
    public static readonly IReadOnlyDictionary<string, SubGroups> SubGroupNames = new Dictionary<string, SubGroups>(StringComparer.Ordinal)
    {
        ["reject"] = SubGroups.Reject,
        ["ignore"] = SubGroups.Ignore,
    };
}
