using System.Collections.Frozen;

namespace Forge.Formats.Grib;

/// <summary>cfgrib's (0.9.10) tables: which ecCodes keys become attributes and dimensions, and the CF attributes of coordinates.</summary>
internal static class GribConventions
{
    /// <summary>Keys that must be unique within a file (→ global GRIB_* attributes).</summary>
    public static readonly string[] GlobalAttributeKeys = ["edition", "centre", "centreDescription", "subCentre"];

    /// <summary>Keys that must be unique within a variable (paramId); several values is a grouping error.</summary>
    public static readonly string[] DataAttributeKeys = ["paramId", "dataType", "numberOfPoints", "typeOfLevel", "stepUnits", "stepType", "gridType"];

    /// <summary>Keys read from a variable's first message, when ecCodes defines them.</summary>
    public static readonly string[] ExtraDataAttributeKeys =
        ["shortName", "units", "name", "cfName", "cfVarName", "missingValue", "totalNumber", "numberOfDirections", "numberOfFrequencies", "NV", "gridDefinitionDescription"];

    public static readonly FrozenDictionary<string, string[]> GridTypeKeys = new Dictionary<string, string[]>
    {
        ["regular_ll"] = ["Nx", "iDirectionIncrementInDegrees", "iScansNegatively", "longitudeOfFirstGridPointInDegrees", "longitudeOfLastGridPointInDegrees",
            "Ny", "jDirectionIncrementInDegrees", "jPointsAreConsecutive", "jScansPositively", "latitudeOfFirstGridPointInDegrees", "latitudeOfLastGridPointInDegrees"],
        ["rotated_ll"] = ["Nx", "Ny", "angleOfRotationInDegrees", "iDirectionIncrementInDegrees", "iScansNegatively", "jDirectionIncrementInDegrees",
            "jPointsAreConsecutive", "jScansPositively", "latitudeOfFirstGridPointInDegrees", "latitudeOfLastGridPointInDegrees", "latitudeOfSouthernPoleInDegrees",
            "longitudeOfFirstGridPointInDegrees", "longitudeOfLastGridPointInDegrees", "longitudeOfSouthernPoleInDegrees"],
        ["reduced_ll"] = ["Ny", "jDirectionIncrementInDegrees", "jPointsAreConsecutive", "jScansPositively", "latitudeOfFirstGridPointInDegrees", "latitudeOfLastGridPointInDegrees"],
        ["regular_gg"] = ["N", "Ni", "Nj", "iDirectionIncrementInDegrees", "iScansNegatively", "jScansPositively", "jPointsAreConsecutive",
            "longitudeOfFirstGridPointInDegrees", "longitudeOfLastGridPointInDegrees", "latitudeOfFirstGridPointInDegrees", "latitudeOfLastGridPointInDegrees"],
        ["rotated_gg"] = ["Nx", "Ny", "angleOfRotationInDegrees", "iDirectionIncrementInDegrees", "iScansNegatively", "jPointsAreConsecutive", "jScansPositively",
            "latitudeOfFirstGridPointInDegrees", "latitudeOfLastGridPointInDegrees", "latitudeOfSouthernPoleInDegrees", "longitudeOfFirstGridPointInDegrees",
            "longitudeOfLastGridPointInDegrees", "longitudeOfSouthernPoleInDegrees", "N"],
        ["lambert"] = ["LaDInDegrees", "LoVInDegrees", "iScansNegatively", "jPointsAreConsecutive", "jScansPositively", "latitudeOfFirstGridPointInDegrees",
            "latitudeOfSouthernPoleInDegrees", "longitudeOfFirstGridPointInDegrees", "longitudeOfSouthernPoleInDegrees", "DyInMetres", "DxInMetres",
            "Latin2InDegrees", "Latin1InDegrees", "Ny", "Nx"],
        ["reduced_gg"] = ["N", "pl"],
        ["sh"] = ["M", "K", "J"],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Grids with 1-D latitude/longitude dimension coordinates.</summary>
    public static readonly FrozenSet<string> DimensionCoordinateGrids = FrozenSet.ToFrozenSet(["regular_ll", "regular_gg"], StringComparer.Ordinal);

    /// <summary>Grids with (y, x) dimensions and 2-D latitude/longitude.</summary>
    public static readonly FrozenSet<string> TwoDimensionalGrids = FrozenSet.ToFrozenSet(
        ["rotated_ll", "rotated_gg", "lambert", "lambert_azimuthal_equal_area", "albers", "polar_stereographic"], StringComparer.Ordinal);

    /// <summary>cfgrib's missing value indicator: values equal to float32 max become NaN.</summary>
    public const double MissingValueIndicator = float.MaxValue;

    private static readonly (string Key, string Value)[] TimeAttrs =
        [("units", "seconds since 1970-01-01T00:00:00"), ("calendar", "proleptic_gregorian")];

    /// <summary>CF attributes of cfgrib's coordinates, in cfgrib's order.</summary>
    public static readonly FrozenDictionary<string, (string Key, string Value)[]> CoordinateAttributes = new Dictionary<string, (string, string)[]>
    {
        ["latitude"] = [("units", "degrees_north"), ("standard_name", "latitude"), ("long_name", "latitude")],
        ["longitude"] = [("units", "degrees_east"), ("standard_name", "longitude"), ("long_name", "longitude")],
        ["depthBelowLand"] = [("units", "m"), ("positive", "down"), ("long_name", "soil depth"), ("standard_name", "depth")],
        ["depthBelowLandLayer"] = [("units", "m"), ("positive", "down"), ("long_name", "soil depth"), ("standard_name", "depth")],
        ["hybrid"] = [("units", "1"), ("positive", "down"), ("long_name", "hybrid level"), ("standard_name", "atmosphere_hybrid_sigma_pressure_coordinate")],
        ["heightAboveGround"] = [("units", "m"), ("positive", "up"), ("long_name", "height above the surface"), ("standard_name", "height")],
        ["isobaricInhPa"] = [("units", "hPa"), ("positive", "down"), ("stored_direction", "decreasing"), ("standard_name", "air_pressure"), ("long_name", "pressure")],
        ["isobaricInPa"] = [("units", "Pa"), ("positive", "down"), ("stored_direction", "decreasing"), ("standard_name", "air_pressure"), ("long_name", "pressure")],
        ["isobaricLayer"] = [("units", "Pa"), ("positive", "down"), ("standard_name", "air_pressure"), ("long_name", "pressure")],
        ["number"] = [("units", "1"), ("standard_name", "realization"), ("long_name", "ensemble member numerical id")],
        ["step"] = [("units", "hours"), ("standard_name", "forecast_period"), ("long_name", "time since forecast_reference_time")],
        ["time"] = [.. TimeAttrs, ("standard_name", "forecast_reference_time"), ("long_name", "initial time of forecast")],
        ["valid_time"] = [.. TimeAttrs, ("standard_name", "time"), ("long_name", "time")],
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
