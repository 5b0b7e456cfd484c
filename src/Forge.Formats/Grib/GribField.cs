using System.Collections.Frozen;

namespace Forge.Formats.Grib;

/// <summary>
/// One GRIB message as the scan saw it: where it is, the keys that group it into a variable, and the header
/// coordinates that place it in that variable's hypercube (cfgrib's index entry). Offset/Length frame the whole
/// message; FieldIndex is the field within a multi-field GRIB2 message (0 otherwise). MessageNumber is how errors
/// name it ("3", or "3 (field 2)"); StepUnits is cfgrib's GRIB_stepUnits of this message (null without a step).
/// </summary>
internal sealed record GribField(
    int Ordinal,
    long Offset,
    long Length,
    long ParamId,
    long? Number,
    long Time,
    double? Step,
    double? Level,
    long? DirectionNumber,
    long? FrequencyNumber,
    string GridSignature,
    FrozenDictionary<string, GribKeyValue> UniqueKeys,
    FrozenDictionary<string, GribKeyValue> GlobalKeys,
    int FieldIndex = 0,
    string MessageNumber = "",
    long? StepUnits = null)
{
    /// <summary>Header value of a cfgrib coordinate key, null when ecCodes does not define it ("undef").</summary>
    public object? HeaderValue(string coordinateKey) => coordinateKey switch
    {
        "number" => Number,
        "time" => Time,
        "step" => Step,
        "level" => Level,
        "directionNumber" => DirectionNumber,
        "frequencyNumber" => FrequencyNumber,
        _ => throw new ArgumentOutOfRangeException(nameof(coordinateKey), coordinateKey, null),
    };
}
