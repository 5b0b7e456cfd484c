using System.Collections.Immutable;
using Forge.Core.Datasets;

namespace Forge.Formats.Grib;

/// <summary>
/// Groups scanned fields into variables the way cfgrib 0.9.10 does: one variable per paramId, header
/// coordinates number/time/step/&lt;typeOfLevel&gt; (length-1 ones squeezed to scalars), geo coordinates from the
/// first message, valid_time from time + step, CF and GRIB_* attributes.
/// </summary>
internal static class GribDatasetBuilder
{
    private static readonly string[] HeaderKeys = ["number", "time", "step", "level", "directionNumber", "frequencyNumber"];
    private static readonly HashSet<string> IntegerHeaderKeys = ["number", "time", "directionNumber", "frequencyNumber"];

    internal sealed record Result(DatasetSchema Schema, IReadOnlyDictionary<string, GribVariable> Variables, IReadOnlyDictionary<string, GribCoordinate> Coordinates);

    public static Result Build(string path, GribScanner.Result scan)
    {
        var dims = new List<Dimension>();
        var schemaVars = new List<VariableSchema>();
        var variables = new Dictionary<string, GribVariable>(StringComparer.Ordinal);
        var coordinates = new Dictionary<string, GribCoordinate>(StringComparer.Ordinal);
        var coordinateOwner = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var group in scan.Fields.GroupBy(f => f.ParamId))
        {
            var info = scan.Variables[group.Key];
            var (variable, coords) = BuildVariable(path, [.. group], info);
            foreach (var coord in coords)
            {
                if (coordinates.TryGetValue(coord.Name, out var existing))
                {
                    if (!existing.SameAs(coord))
                    {
                        throw new DataException(
                            $"{path}: GRIB variables '{coordinateOwner[coord.Name]}' and '{variable.Name}' have different '{coord.Name}' coordinates " +
                            $"(cfgrib would skip '{variable.Name}'); read them separately with inputs.grib.filter, e.g. {{ shortName: {info.ShortName ?? variable.Name} }}");
                    }

                    continue;
                }

                coordinates[coord.Name] = coord;
                coordinateOwner[coord.Name] = variable.Name;
                schemaVars.Add(coord.ToSchema());
            }

            if (variables.ContainsKey(variable.Name) || coordinates.ContainsKey(variable.Name))
            {
                throw new DataException($"{path}: two GRIB parameters are both named '{variable.Name}' (paramId {variable.ParamId}); separate them with inputs.grib.filter on paramId");
            }

            variables[variable.Name] = variable;
            var schema = variable.ToSchema();
            schemaVars.Add(schema);
            for (var i = 0; i < schema.Rank; i++)
            {
                var found = dims.FirstOrDefault(d => d.Name == schema.Dimensions[i]);
                if (found is null) dims.Add(new Dimension(schema.Dimensions[i], schema.Shape[i]));
                else if (found.Length != schema.Shape[i])
                {
                    throw new DataException(
                        $"{path}: GRIB variable '{variable.Name}' has dimension '{found.Name}' of length {schema.Shape[i]}, another variable has {found.Length}; " +
                        "read them separately with inputs.grib.filter");
                }
            }
        }

        return new Result(new DatasetSchema([.. dims], [.. schemaVars], GlobalAttributes(scan.Fields)), variables, coordinates);
    }

    private static (GribVariable, List<GribCoordinate>) BuildVariable(string path, GribField[] fields, GribVariableInfo info)
    {
        var first = fields[0];
        var paramId = first.ParamId;
        var displayName = VariableName(info, paramId);
        var attrs = new List<KeyValuePair<string, AttributeValue>>();

        // Keys that must be single-valued within a variable (cfgrib's enforce_unique_attributes).
        foreach (var key in GribConventions.DataAttributeKeys)
        {
            if (key == "stepUnits")
            {
                // Not a grouping key in Forge: every step is read in seconds, so 15-minute steps up to 1 hour (cfgrib:
                // "multiple values for key 'stepUnits'", 0 and 1) form one step dimension; the finest unit is reported.
                var stepUnits = fields.Where(f => f.StepUnits is not null).Select(f => f.StepUnits!.Value).Distinct().ToList();
                if (stepUnits.Count > 0) attrs.Add(new("GRIB_stepUnits", AttributeValue.FromIntegers(Core.Arrays.DataType.Int64, GribSteps.Finest(stepUnits))));
                continue;
            }

            var distinct = fields.DistinctBy(f => f.UniqueKeys.GetValueOrDefault(key)?.Text).ToList();
            if (distinct.Count > 1)
            {
                var values = string.Join(", ", distinct.Select(f => $"{f.UniqueKeys.GetValueOrDefault(key)?.Text ?? "undef"} (message {f.MessageNumber})"));
                throw new DataException(
                    $"{path}: GRIB variable '{displayName}' (paramId {paramId}) has several {key} values: {values}; " +
                    $"select one with inputs.grib.filter, e.g. {{ {key}: {distinct[0].UniqueKeys.GetValueOrDefault(key)?.Text ?? "undef"} }}");
            }

            if (distinct[0].UniqueKeys.GetValueOrDefault(key) is { IsUndefined: false } v) attrs.Add(new("GRIB_" + key, v.Value));
        }

        var gridSignatures = fields.DistinctBy(f => f.GridSignature).Take(2).ToList();
        if (gridSignatures.Count > 1)
        {
            throw new DataException(
                $"{path}: messages of GRIB variable '{displayName}' are on different grids: message {gridSignatures[0].MessageNumber} ({gridSignatures[0].GridSignature}), " +
                $"message {gridSignatures[1].MessageNumber} ({gridSignatures[1].GridSignature}); select one grid with inputs.grib.filter (e.g. on Ni, Nj or gridType)");
        }

        attrs.AddRange(info.ExtraAttributes);
        var typeOfLevel = attrs.FirstOrDefault(a => a.Key == "GRIB_typeOfLevel").Value?.Text;

        // Header coordinates in cfgrib order; length-1 ones become scalar coordinates.
        var coords = new List<GribCoordinate>();
        var headerDims = ImmutableArray.CreateBuilder<string>();
        var headerShape = ImmutableArray.CreateBuilder<long>();
        var headerIndexOf = new List<(string Key, Dictionary<double, int> Index)>();
        foreach (var key in HeaderKeys)
        {
            var raw = fields.Select(f => f.HeaderValue(key)).ToList();
            if (raw.All(v => v is null)) continue;
            if (raw.Any(v => v is null))
            {
                var with = fields.First(f => f.HeaderValue(key) is not null);
                var without = fields.First(f => f.HeaderValue(key) is null);
                throw new DataException(
                    $"{path}: GRIB variable '{displayName}': key '{key}' is defined in message {with.MessageNumber} and not in message {without.MessageNumber}" +
                    (key == "step" ? " (a product without a forecast step, e.g. template 4.31, mixed with forecasts); read them separately with inputs.grib.filter on productDefinitionTemplateNumber" : "; read them separately with inputs.grib.filter"));
            }

            var name = key == "level" && typeOfLevel is not null ? typeOfLevel : key;
            var coordAttrs = new AttributeSet([
                new("long_name", AttributeValue.FromText($"original GRIB coordinate for key: {key}({name})")),
                new("units", AttributeValue.FromText("1"))]);
            if (GribConventions.CoordinateAttributes.TryGetValue(name, out var cf))
            {
                foreach (var (k, value) in cf) coordAttrs = coordAttrs.With(k, AttributeValue.FromText(value));
            }

            var decreasing = coordAttrs.GetText("stored_direction") == "decreasing";
            var values = raw.Select(Convert.ToDouble).Distinct().Order().ToArray();
            if (decreasing) Array.Reverse(values);
            var squeezed = values.Length == 1;
            ImmutableArray<string> cdims = squeezed ? [] : [name];
            ImmutableArray<long> cshape = squeezed ? [] : [values.Length];
            coords.Add(IntegerHeaderKeys.Contains(key)
                ? GribCoordinate.FromLongs(name, cdims, cshape, coordAttrs, values.Select(v => (long)v).ToArray())
                : GribCoordinate.FromDoubles(name, cdims, cshape, coordAttrs, values));
            if (!squeezed)
            {
                headerDims.Add(name);
                headerShape.Add(values.Length);
                headerIndexOf.Add((key, values.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i)));
            }
        }

        coords.AddRange(info.GeoCoordinates);
        if (coords.FirstOrDefault(c => c.Name == "time") is { } time && coords.FirstOrDefault(c => c.Name == "step") is { } step)
        {
            coords.Add(ValidTime(time, step));
        }

        // Place each message in the hypercube; the first message of a cell wins, as in cfgrib.
        var map = new Dictionary<long, GribField>();
        foreach (var field in fields)
        {
            long flat = 0;
            for (var d = 0; d < headerIndexOf.Count; d++)
            {
                flat = flat * headerShape[d] + headerIndexOf[d].Index[Convert.ToDouble(field.HeaderValue(headerIndexOf[d].Key))];
            }

            map.TryAdd(flat, field);
        }

        // cfgrib's encode_cf_first: long_name/units from the parameter tables.
        var result = new AttributeSet(attrs)
            .With("long_name", AttributeValue.FromText($"original GRIB paramId: {paramId}"))
            .With("units", AttributeValue.FromText("1"));
        if (result.GetText("GRIB_cfName") is { } cfName) result = result.With("standard_name", AttributeValue.FromText(cfName));
        if (result.GetText("GRIB_name") is { } longName) result = result.With("long_name", AttributeValue.FromText(longName));
        if (result.GetText("GRIB_units") is { } units) result = result.With("units", AttributeValue.FromText(units));
        result = result.With("coordinates", AttributeValue.FromText(string.Join(" ", coords.Select(c => c.Name))));

        var variable = new GribVariable(displayName, paramId, headerDims.ToImmutable(), headerShape.ToImmutable(), info.GeoDimensions, info.GeoShape, map, result);
        return (variable, coords);
    }

    private static string VariableName(GribVariableInfo info, long paramId)
    {
        if (info.CfVarName is { } cf && cf is not ("undef" or "unknown")) return cf;
        return info.ShortName ?? $"paramId_{paramId}";
    }

    private static GribCoordinate ValidTime(GribCoordinate time, GribCoordinate step)
    {
        var times = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(time.Data).ToArray();
        var steps = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(step.Data).ToArray();
        var values = new long[times.Length * steps.Length];
        for (var i = 0; i < times.Length; i++)
        {
            for (var j = 0; j < steps.Length; j++) values[(i * steps.Length) + j] = times[i] + (long)Math.Round(steps[j] * 3600);
        }

        ImmutableArray<string> dims = [.. time.Dimensions, .. step.Dimensions];
        ImmutableArray<long> shape = [.. time.Shape, .. step.Shape];
        return GribCoordinate.FromLongs("valid_time", dims, shape, GribScanner.CoordinateAttributes("valid_time"), values);
    }

    private static AttributeSet GlobalAttributes(ImmutableArray<GribField> fields)
    {
        var attrs = new List<KeyValuePair<string, AttributeValue>>();
        foreach (var key in GribConventions.GlobalAttributeKeys)
        {
            // cfgrib refuses files where these differ; Forge omits the attribute instead (mixed GRIB1/GRIB2 files are read).
            var distinct = fields.Select(f => f.GlobalKeys.GetValueOrDefault(key)).DistinctBy(v => v?.Text).ToList();
            if (distinct.Count == 1 && distinct[0] is { IsUndefined: false } v) attrs.Add(new("GRIB_" + key, v.Value));
        }

        attrs.Add(new("Conventions", AttributeValue.FromText("CF-1.7")));
        if (attrs.FirstOrDefault(a => a.Key == "GRIB_centreDescription").Value is { } centre) attrs.Add(new("institution", centre));
        return new AttributeSet(attrs);
    }
}
