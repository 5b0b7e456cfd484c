using System.Collections.Frozen;
using System.Collections.Immutable;
using Forge.Core.Datasets;
using Forge.Native.EcCodes;

namespace Forge.Formats.Grib;

/// <summary>Reads every message header of a GRIB file once (no data decoding), applying the filter.</summary>
internal static class GribScanner
{
    /// <summary>The scan result: fields in file order and, per paramId, what its first field says.</summary>
    internal sealed record Result(ImmutableArray<GribField> Fields, IReadOnlyDictionary<long, GribVariableInfo> Variables, int MessagesInFile);

    public static Result Scan(string path, GribFilter? filter, CancellationToken ct)
    {
        var fields = ImmutableArray.CreateBuilder<GribField>();
        var variables = new Dictionary<long, GribVariableInfo>();
        var count = 0;
        using var framer = new GribMessageFramer(path);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            using var framed = framer.Next(count + 1);
            if (framed is null) break;
            count++;
            var where = $"{path} (GRIB message {count} at byte {framed.Offset})";
            var nFields = GribMultiField.CountFields(framed.Span, where);
            for (var f = 0; f < nFields; f++)
            {
                var owned = nFields > 1 ? GribMultiField.Extract(framed.Span, f, where) : null;
                var fieldWhere = nFields > 1 ? $"{path} (GRIB message {count} at byte {framed.Offset}, field {f + 1} of {nFields})" : where;
                using var message = EcCodesMessage.FromBytes(owned is null ? framed.Span : owned, fieldWhere);
                var number = nFields > 1 ? $"{count} (field {f + 1} of {nFields})" : $"{count}";
                var messageWhere = $"{path}: GRIB message {number} at byte {framed.Offset}, variable '{DisplayName(message)}'";
                message.Source = messageWhere; // ecCodes errors from here on name the variable too
                if (filter is not null && !Matches(filter, message, messageWhere)) continue;
                var field = ReadField(message, fields.Count, framed.Offset, framed.Length, f, number, messageWhere);
                fields.Add(field);
                if (!variables.ContainsKey(field.ParamId))
                {
                    variables[field.ParamId] = ReadVariableInfo(message, field, path, messageWhere);
                }
            }
        }

        return new Result(fields.ToImmutable(), variables, count);
    }

    private static bool Matches(GribFilter filter, EcCodesMessage message, string where)
    {
        // Step keys read through GribSteps (hours, whatever ecCodes read before); the step is read only when the
        // filter names one, so a message the filter leaves out never fails on its step.
        GribStep? step = null;
        var stepRead = false;
        return filter.Matches(key =>
        {
            if (!GribSteps.IsStepKey(key)) return KeyText(message, key);
            if (!stepRead)
            {
                step = GribSteps.Read(message, where);
                stepRead = true;
            }

            return GribSteps.FilterText(step, key);
        });
    }

    private static string? KeyText(EcCodesMessage message, string key)
    {
        try
        {
            return message.TryGetString(key);
        }
        catch (EcCodesException)
        {
            return null; // a key that cannot be rendered does not match
        }
    }

    /// <summary>The name the variable will get (cfVarName, else shortName, else paramId_N), for error messages.</summary>
    private static string DisplayName(EcCodesMessage m)
    {
        string? Text(string key)
        {
            try
            {
                return m.TryGetString(key) is { } t && t is not ("undef" or "unknown" or "") ? t : null;
            }
            catch (EcCodesException)
            {
                return null;
            }
        }

        return Text("cfVarName") ?? Text("shortName") ?? $"paramId_{Text("paramId") ?? "?"}";
    }

    private static GribField ReadField(EcCodesMessage m, int ordinal, long offset, int length, int fieldIndex, string messageNumber, string where)
    {
        var step = GribSteps.Read(m, where);
        var uniqueKeys = ReadKeys(m, GribConventions.DataAttributeKeys).ToDictionary(StringComparer.Ordinal);
        // stepUnits as ecCodes reads it depends on the keys read before; the variable's GRIB_stepUnits comes from the steps.
        uniqueKeys.Remove("stepUnits");
        var unique = uniqueKeys.ToFrozenDictionary(StringComparer.Ordinal);
        var globals = ReadKeys(m, GribConventions.GlobalAttributeKeys);
        var paramId = m.TryGetLong("paramId") ?? 0;
        return new GribField(
            ordinal,
            offset,
            length,
            paramId,
            m.IsDefined("number") ? m.TryGetLong("number") : null,
            ReferenceTime(m, where),
            step?.EndHours,
            m.IsDefined("level") ? m.TryGetDouble("level") : null,
            m.IsDefined("directionNumber") ? m.TryGetLong("directionNumber") : null,
            m.IsDefined("frequencyNumber") ? m.TryGetLong("frequencyNumber") : null,
            GridSignature(m, unique),
            unique,
            globals,
            fieldIndex,
            messageNumber,
            step?.Units);
    }

    private static FrozenDictionary<string, GribKeyValue> ReadKeys(EcCodesMessage m, string[] keys)
    {
        var values = new Dictionary<string, GribKeyValue>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (GribKeyValue.Read(m, key) is { } v) values[key] = v;
        }

        return values.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>dataDate/dataTime as seconds since 1970-01-01 (cfgrib's <c>time</c>).</summary>
    private static long ReferenceTime(EcCodesMessage m, string where)
    {
        var date = m.TryGetLong("dataDate") ?? throw new DataException($"{where}: no dataDate key");
        var time = m.TryGetLong("dataTime") ?? throw new DataException($"{where}: no dataTime key");
        try
        {
            var t = new DateTime((int)(date / 10000), (int)(date / 100 % 100), (int)(date % 100), (int)(time / 100), (int)(time % 100), 0, DateTimeKind.Utc);
            return (long)(t - DateTime.UnixEpoch).TotalSeconds;
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new DataException($"{where}: invalid reference time dataDate={date} dataTime={time:D4}");
        }
    }

    // Two messages are on the same grid when gridType, point count and cfgrib's grid keys agree.
    private static string GridSignature(EcCodesMessage m, FrozenDictionary<string, GribKeyValue> unique)
    {
        var gridType = unique.TryGetValue("gridType", out var g) ? g.Text : "undef";
        var parts = new List<string> { "gridType=" + gridType, "numberOfPoints=" + (unique.TryGetValue("numberOfPoints", out var n) ? n.Text : "undef") };
        if (GribConventions.GridTypeKeys.TryGetValue(gridType, out var keys))
        {
            foreach (var key in keys)
            {
                parts.Add(key + "=" + (GribKeyValue.Read(m, key)?.Text ?? "undef"));
            }
        }

        return string.Join(", ", parts);
    }

    private static GribVariableInfo ReadVariableInfo(EcCodesMessage m, GribField field, string path, string where)
    {
        // cfgrib sets missingValue before reading, so GRIB_missingValue is its NaN indicator.
        m.SetDouble("missingValue", GribConventions.MissingValueIndicator);
        var gridType = field.UniqueKeys.TryGetValue("gridType", out var g) ? g.Text : "undef";
        var keys = GribConventions.ExtraDataAttributeKeys
            .Concat(GribConventions.GridTypeKeys.TryGetValue(gridType, out var gk) ? gk : [])
            .Order(StringComparer.Ordinal)
            .Distinct();
        var attrs = ImmutableArray.CreateBuilder<KeyValuePair<string, AttributeValue>>();
        string? shortName = null, cfVarName = null;
        foreach (var key in keys)
        {
            GribKeyValue? value;
            try
            {
                value = GribKeyValue.Read(m, key);
            }
            catch (EcCodesException)
            {
                value = null; // cfgrib skips keys it cannot read
            }

            if (value is null) continue;
            attrs.Add(new("GRIB_" + key, value.Value));
            if (key == "shortName") shortName = value.Text;
            if (key == "cfVarName") cfVarName = value.Text;
        }

        var cacheKey = string.Join("|", new[] { field.GridSignature, "latitudeOfFirstGridPointInDegrees", "latitudeOfLastGridPointInDegrees",
            "longitudeOfFirstGridPointInDegrees", "longitudeOfLastGridPointInDegrees", "Ni", "Nj" }.Select((k, i) => i == 0 ? k : TryText(m, k)));
        var (dims, shape, coords) = GribGeographyCache.GetOrAdd(cacheKey, () => ReadGeography(m, gridType, path, where));
        return new GribVariableInfo(attrs.ToImmutable(), shortName, cfVarName, dims, shape, coords);
    }

    private static string TryText(EcCodesMessage m, string key)
    {
        try
        {
            return GribKeyValue.Read(m, key)?.Text ?? "undef";
        }
        catch (EcCodesException)
        {
            return "error";
        }
    }

    private static (ImmutableArray<string>, ImmutableArray<long>, ImmutableArray<GribCoordinate>) ReadGeography(EcCodesMessage m, string gridType, string path, string where)
    {
        var latAttrs = CoordinateAttributes("latitude");
        var lonAttrs = CoordinateAttributes("longitude");
        if (GribConventions.DimensionCoordinateGrids.Contains(gridType))
        {
            var ny = m.GetLong("Ny");
            var nx = m.GetLong("Nx");
            var lats = m.GetDoubleArray("distinctLatitudes");
            var lons = m.GetDoubleArray("distinctLongitudes");
            if (lats.Length != ny || lons.Length != nx)
            {
                throw new DataException($"{where}: {gridType} grid of {ny}x{nx} points has {lats.Length} distinct latitudes and {lons.Length} distinct longitudes");
            }

            if (lats.Length > 1 && lats[0] > lats[^1]) latAttrs = latAttrs.With("stored_direction", AttributeValue.FromText("decreasing"));
            return (["latitude", "longitude"], [ny, nx],
                [GribCoordinate.FromDoubles("latitude", ["latitude"], [ny], latAttrs, lats),
                 GribCoordinate.FromDoubles("longitude", ["longitude"], [nx], lonAttrs, lons)]);
        }

        ImmutableArray<string> dims;
        ImmutableArray<long> shape;
        if (GribConventions.TwoDimensionalGrids.Contains(gridType))
        {
            dims = ["y", "x"];
            shape = [m.GetLong("Ny"), m.GetLong("Nx")];
        }
        else
        {
            dims = ["values"];
            shape = [m.GetLong("numberOfPoints")];
        }

        double[] latitudes, longitudes;
        try
        {
            latitudes = m.GetDoubleArray("latitudes");
            longitudes = m.GetDoubleArray("longitudes");
        }
        catch (EcCodesException ex) when (ex.ErrorCode == EcCodesStatus.NotFound)
        {
            // ecCodes has no geolocation for this grid (spherical harmonics, local templates such as NCEP's 3.32769,
            // unstructured grids): the values without latitude/longitude, as cfgrib.
            return (dims, shape, []);
        }
        catch (EcCodesException ex)
        {
            // cfgrib fails here too (only "not found" means "no geolocation"): a grid ecCodes finds inconsistent.
            throw new DataException($"{where}: ecCodes cannot compute the latitudes/longitudes of its {gridType} grid: {ex.Message}", ex);
        }

        var points = shape.Aggregate(1L, (a, b) => a * b);
        if (latitudes.Length != points || longitudes.Length != points)
        {
            throw new DataException($"{where}: {gridType} grid of {points} points has {latitudes.Length} latitudes and {longitudes.Length} longitudes");
        }

        return (dims, shape,
            [GribCoordinate.FromDoubles("latitude", dims, shape, latAttrs, latitudes),
             GribCoordinate.FromDoubles("longitude", dims, shape, lonAttrs, longitudes)]);
    }

    internal static AttributeSet CoordinateAttributes(string name) =>
        new(GribConventions.CoordinateAttributes[name].Select(a => new KeyValuePair<string, AttributeValue>(a.Key, AttributeValue.FromText(a.Value))));
}
