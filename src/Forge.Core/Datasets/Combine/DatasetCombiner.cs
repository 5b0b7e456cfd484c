using System.Globalization;
using System.Collections.Immutable;
using Forge.Core.Arrays;
using Forge.Core.Datasets.Cf;
using Forge.Core.Datasets.Transforms;

namespace Forge.Core.Datasets.Combine;

/// <summary>
/// Combines the inputs' schemas into the target dataset the way <c>xarray.open_mfdataset(combine="nested")</c> does
/// with its defaults: concat along one dimension (each file's length from its header), merge across variable
/// groups (values, dtype and shape must agree; attributes do not take part), coordinates without the concat
/// dimension kept once when equal in every input and concatenated when they differ (<c>coords="different"</c>),
/// attributes from the first input (<c>combine_attrs="override"</c>), one time units string for the concat axis,
/// packing attributes checked equal (never silently normalized). Errors name the files and say what differs.
/// </summary>
public static class DatasetCombiner
{
    private static readonly string[] PackingAttributes = ["scale_factor", "add_offset", "_FillValue", "missing_value"];

    public static TargetDataset Combine(string concatDim, IReadOnlyList<InputDataset> inputs, DataVariables dataVariables = DataVariables.All)
    {
        if (inputs.Count == 0) throw new DataException("the recipe has no inputs");
        int nConcat = inputs.Max(i => i.ConcatIndex) + 1, nMerge = inputs.Max(i => i.MergeIndex) + 1;
        var grid = new InputDataset?[nConcat, nMerge];
        foreach (var input in inputs) grid[input.ConcatIndex, input.MergeIndex] = input;
        var byConcat = ImmutableArray.CreateBuilder<ImmutableArray<InputDataset>>(nConcat);
        for (int c = 0; c < nConcat; c++)
        {
            var row = ImmutableArray.CreateBuilder<InputDataset>(nMerge);
            for (int m = 0; m < nMerge; m++)
                row.Add(grid[c, m] ?? throw new DataException($"no input for concat key #{c}, merge key #{m}"));
            byConcat.Add(row.MoveToImmutable());
        }

        var rows = byConcat.MoveToImmutable();
        var segments = BuildSegments(concatDim, rows);
        rows = ExpandAlongConcat(concatDim, rows, dataVariables);
        var dims = CombineDimensions(concatDim, inputs, segments.Sum(s => s.Length));
        var variables = CombineVariables(concatDim, rows, dims);
        var attrs = rows[0][0].Dataset.Schema.Attributes;

        var target = new TargetDataset(concatDim, dims, variables, attrs, segments, rows);
        return EncodeConcatCoordinate(target);
    }

    private static ImmutableArray<ConcatSegment> BuildSegments(string concatDim, ImmutableArray<ImmutableArray<InputDataset>> rows)
    {
        var segments = ImmutableArray.CreateBuilder<ConcatSegment>(rows.Length);
        long start = 0;
        for (int c = 0; c < rows.Length; c++)
        {
            long? length = null;
            InputDataset? first = null;
            foreach (var input in rows[c])
            {
                var dim = input.Dataset.Schema.FindDimension(concatDim)
                    ?? throw new DataException($"{input.Source}: has no dimension '{concatDim}' to concatenate along");
                if (length is null) { length = dim.Length; first = input; }
                else if (length != dim.Length)
                    throw new DataException($"'{concatDim}' has length {length} in {first!.Source} but {dim.Length} in {input.Source} (files merged for the same concat key must agree)");
            }

            segments.Add(new ConcatSegment(c, start, length!.Value));
            start += length.Value;
        }

        return segments.MoveToImmutable();
    }

    /// <summary>
    /// What gets the concat dimension, as xarray's <c>concat</c> decides with open_mfdataset's defaults, per merge
    /// group (xarray concatenates each group along the concat dimension, then merges the groups):
    /// <c>data_vars="all"</c>: every data variable; <c>coords="different"</c>: a coordinate (not a dimension
    /// coordinate) that is not equal in every input of its group (GRIB's valid_time of a file with one reference
    /// time, a station's height). Such a variable is broadcast along each input's steps (repeated), as xarray's
    /// <c>set_dims</c> does. Equal coordinates (GRIB latitude/longitude on any grid, lat, lon, step) stay static.
    /// </summary>
    private static ImmutableArray<ImmutableArray<InputDataset>> ExpandAlongConcat(string concatDim, ImmutableArray<ImmutableArray<InputDataset>> rows, DataVariables dataVariables)
    {
        var updated = rows.Select(r => r.ToArray()).ToArray();
        for (int m = 0; m < rows[0].Length; m++)
        {
            var first = rows[0][m];
            var expand = new HashSet<string>(StringComparer.Ordinal);
            foreach (var v in first.Dataset.Schema.Variables)
            {
                if (v.IsDimensionCoordinate || v.Dimensions.Contains(concatDim) || v.DataType == DataType.String) continue;
                // A 0-d char (a one-character grid mapping) has no character dimension to stay last once broadcast,
                // which text arrays need (docs/zarr.md); it stays static and must be equal (docs/engine.md).
                if (v.DataType == DataType.Char && v.Rank == 0) continue;
                if (!v.IsCoordinate && dataVariables != DataVariables.Different)
                {
                    // data_vars="all" repeats it; "minimal" keeps it once (it must then be equal in every input).
                    if (dataVariables == DataVariables.All) expand.Add(v.Name);
                    continue;
                }

                // coords="different" (and data_vars="different"): compared with the first input of the group, as xarray does.
                if (rows.Skip(1).Select(r => r[m]).Any(i => i.Dataset.Schema.FindVariable(v.Name) is { } w
                    && !w.Dimensions.Contains(concatDim) && w.DataType == v.DataType && w.Dimensions.SequenceEqual(v.Dimensions)
                    && !StaticDifference.Equal(v.Name, first, i)))
                    expand.Add(v.Name);
            }

            if (expand.Count == 0) continue;
            for (int c = 0; c < rows.Length; c++)
            {
                var input = updated[c][m];
                if (input.Dataset.Schema.FindDimension(concatDim) is null) continue; // reported by BuildSegments
                // The digests stay: merge groups that both hold a broadcast variable compare them input by input.
                updated[c][m] = input with { Dataset = ConcatDimensionExpansion.Expand(input.Dataset, concatDim, expand) };
            }
        }

        return [.. updated.Select(r => r.ToImmutableArray())];
    }

    private static ImmutableArray<Dimension> CombineDimensions(string concatDim, IReadOnlyList<InputDataset> inputs, long concatLength)
    {
        var result = new List<Dimension>();
        var seenIn = new Dictionary<string, (Dimension Dim, string Source)>();
        foreach (var input in inputs.OrderBy(i => i.MergeIndex).ThenBy(i => i.ConcatIndex))
        {
            foreach (var d in input.Dataset.Schema.Dimensions)
            {
                if (d.Name == concatDim)
                {
                    if (!seenIn.ContainsKey(d.Name))
                    {
                        seenIn[d.Name] = (d, input.Source);
                        result.Add(new Dimension(concatDim, concatLength, d.IsUnlimited));
                    }

                    continue;
                }

                if (seenIn.TryGetValue(d.Name, out var seen))
                {
                    if (seen.Dim.Length != d.Length)
                        throw new DataException($"dimension '{d.Name}' has size {seen.Dim.Length} in {seen.Source} but {d.Length} in {input.Source}");
                }
                else
                {
                    seenIn[d.Name] = (d, input.Source);
                    result.Add(d with { IsUnlimited = false });
                }
            }
        }

        // Concat dimension first, as xarray orders an unlimited record dimension.
        return [.. result.OrderBy(d => d.Name == concatDim ? 0 : 1)];
    }

    private static ImmutableArray<TargetVariable> CombineVariables(string concatDim, ImmutableArray<ImmutableArray<InputDataset>> rows, ImmutableArray<Dimension> dims)
    {
        var result = new List<TargetVariable>();
        var owner = new Dictionary<string, int>();
        int nMerge = rows[0].Length;
        for (int m = 0; m < nMerge; m++)
        {
            var group = rows.Select(r => r[m]).ToList();
            var reference = group[0];
            foreach (var v in reference.Dataset.Schema.Variables)
            {
                bool hasConcat = v.Dimensions.Contains(concatDim);
                if (owner.TryGetValue(v.Name, out var other))
                {
                    // Coordinates shared by merged files (time, lat, lon) are taken from the first group, once they agree.
                    // CF boundary variables (time_bnds, lat_bnds: named by a coordinate's "bounds") are shared like their coordinate.
                    // Variables without the concat dimension (crs, grid mappings) may repeat when identical, as xarray merges them.
                    // Variables broadcast along the concat dimension (data variables without it, differing coordinates)
                    // repeat when each input's values equal those of the other group's input for the same concat key.
                    bool coordinate = v.IsCoordinate || v.IsDimensionCoordinate
                        || reference.Dataset.Schema.Variables.Any(c => c.Attributes.GetText("bounds") == v.Name);
                    bool broadcast = IsBroadcast(reference, v.Name) && IsBroadcast(rows[0][other], v.Name);
                    if (!coordinate && hasConcat && !broadcast)
                        throw new DataException($"variable '{v.Name}' is in {rows[0][other].Source} and in {reference.Source}: merged files must hold different variables");
                    CheckSameShape(rows[0][other].Dataset.Schema.GetVariable(v.Name), v, rows[0][other].Source, reference.Source);
                    if (!hasConcat) CheckMergedEqual(v.Name, rows[0][other], reference);
                    else if (broadcast)
                    {
                        foreach (var row in rows) CheckMergedEqual(v.Name, row[other], row[m]);
                    }
                    else if (v.Name == concatDim) CheckSameCoordinate(concatDim, rows, other, m);
                    continue;
                }

                foreach (var input in group.Skip(1))
                {
                    var vi = input.Dataset.Schema.FindVariable(v.Name)
                        ?? throw new DataException($"variable '{v.Name}' is in {reference.Source} but not in {input.Source}");
                    if (vi.DataType != v.DataType)
                        throw new DataException($"variable '{v.Name}' is {v.DataType} in {reference.Source} but {vi.DataType} in {input.Source}");
                    if (!vi.Dimensions.SequenceEqual(v.Dimensions))
                        throw new DataException($"variable '{v.Name}' has dimensions ({Dims(v.Dimensions, v.Shape)}) in {reference.Source} but ({Dims(vi.Dimensions, vi.Shape)}) in {input.Source}");
                    foreach (var key in PackingAttributes)
                    {
                        if (!Equals(v.Attributes[key], vi.Attributes[key]) && !(!hasConcat && FillOnlyDiffers(key, v, vi, reference, input)))
                            throw new DataException($"variable '{v.Name}': attribute {key} is {Show(v.Attributes[key])} in {reference.Source} but {Show(vi.Attributes[key])} in {input.Source}; Forge does not re-pack data silently");
                    }

                    if (!hasConcat) CheckStaticEqual(v.Name, reference, input);
                }

                var shape = v.Dimensions.Select(d => dims.First(x => x.Name == d).Length).ToImmutableArray();
                // xarray's combine_attrs="override": the first input's attributes (packing attributes were checked equal above).
                var attrs = v.Attributes;
                var target = new TargetVariable(v.Name, v.DataType, v.Dimensions, shape, attrs, v.IsCoordinate || v.IsDimensionCoordinate, hasConcat, m);
                if (hasConcat && CfTimeUnits.IsTimeUnits(v.Attributes.GetText("units")))
                    target = ReencodeTimeVariable(target, group, v.Name);
                result.Add(target);
                owner[v.Name] = m;
            }
        }

        // Bounds variables of a time coordinate carry the coordinate's units (CF 7.1) even without a units attribute.
        for (int i = 0; i < result.Count; i++)
        {
            var v = result[i];
            if (v.TimeUnits is null || v.Attributes.GetText("bounds") is not { } boundsName) continue;
            int j = result.FindIndex(x => x.Name == boundsName);
            if (j >= 0 && result[j].HasConcatDim && result[j].TimeUnits is null)
                result[j] = result[j] with { TimeUnits = v.TimeUnits, DataType = v.DataType.IsInteger() ? v.DataType : DataType.Float64 };
        }

        return [.. result];
    }

    private static void CheckSameShape(VariableSchema existing, VariableSchema v, string a, string b)
    {
        if (!existing.Dimensions.SequenceEqual(v.Dimensions))
            throw new DataException($"variable '{v.Name}' differs between {a} and {b}: dimensions ({Dims(existing.Dimensions, existing.Shape)}) in {a} but ({Dims(v.Dimensions, v.Shape)}) in {b}");
        if (existing.DataType != v.DataType)
            throw new DataException($"variable '{v.Name}' differs between {a} and {b}: dtype {existing.DataType} in {a} but {v.DataType} in {b}");
    }

    private static string Dims(ImmutableArray<string> names, ImmutableArray<long> shape) =>
        string.Join(", ", names.Select((d, i) => i < shape.Length ? $"{d}: {shape[i]}" : d));

    private static void CheckSameCoordinate(string concatDim, ImmutableArray<ImmutableArray<InputDataset>> rows, int m0, int m1)
    {
        foreach (var row in rows)
        {
            var (a, b) = (row[m0], row[m1]);
            if (a.ConcatCoordinate is not { } va || b.ConcatCoordinate is not { } vb) continue;
            var ua = a.Dataset.Schema.FindVariable(concatDim)?.Attributes;
            var ub = b.Dataset.Schema.FindVariable(concatDim)?.Attributes;
            string? unitsA = ua?.GetText("units"), unitsB = ub?.GetText("units");
            bool timeA = CfTimeUnits.IsTimeUnits(unitsA), timeB = CfTimeUnits.IsTimeUnits(unitsB);
            if (timeA != timeB)
                throw new DataException($"coordinate '{concatDim}' differs between {a.Source} and {b.Source}: units {Show(ua?["units"])} in {a.Source} but {Show(ub?["units"])} in {b.Source} (one is a time, the other is not)");
            if (timeA && unitsA != unitsB)
            {
                // Like xarray, compare the decoded instants: "days since 2000-01-01" 1 equals "hours since 2000-01-01" 24.
                var pa = CfTimeUnits.Parse(unitsA!, ua!.GetText("calendar"), a.Source);
                var pb = CfTimeUnits.Parse(unitsB!, ub!.GetText("calendar"), b.Source);
                va = [.. va.Select(x => (double)pa.ReferenceMicros + x * CfTimeUnits.MicrosPer(pa.Unit))];
                vb = [.. vb.Select(x => (double)pb.ReferenceMicros + x * CfTimeUnits.MicrosPer(pb.Unit))];
            }

            if (va.Length != vb.Length)
                throw new DataException($"coordinate '{concatDim}' differs between {a.Source} and {b.Source}: {va.Length} values in {a.Source} but {vb.Length} in {b.Source}");
            int at = va.AsSpan().CommonPrefixLength(vb);
            if (at < va.Length)
            {
                var (ra, rb) = (a.ConcatCoordinate[at], b.ConcatCoordinate[at]);
                throw new DataException($"coordinate '{concatDim}' differs between {a.Source} and {b.Source}: element [{at}] is {ra.ToString(CultureInfo.InvariantCulture)} ({unitsA ?? "no units"}) in {a.Source} " +
                    $"but {rb.ToString(CultureInfo.InvariantCulture)} ({unitsB ?? "no units"}) in {b.Source}");
            }
        }
    }

    /// <summary>
    /// A static variable (written once, from the first input) whose <c>_FillValue</c>/<c>missing_value</c> is absent
    /// or different in another input decodes to the same values when the raw values are equal and none of them is a
    /// fill value of either file: xarray compares decoded values and keeps the first file's attributes (a coordinate
    /// written by xarray with <c>_FillValue</c> NaN merges with one from another tool without it).
    /// </summary>
    private static bool FillOnlyDiffers(string key, VariableSchema a, VariableSchema b, InputDataset ia, InputDataset ib)
    {
        if (key is not ("_FillValue" or "missing_value") || !StaticDifference.Equal(a.Name, ia, ib)) return false;
        var fills = new[] { a.Attributes[key], b.Attributes[key] }.Where(f => f is { IsText: false }).SelectMany(f => f!.AsDoubles()).ToArray();
        return StaticDifference.ContainsNone(a.Name, ia, fills);
    }

    /// <summary>A variable the combiner gave the concat dimension (its digest is of the values without it).</summary>
    private static bool IsBroadcast(InputDataset input, string name) =>
        input.StaticDigests.ContainsKey(name) && input.Dataset.Origins.TryGetValue(name, out var o) && o.ExpandedAxes.Length > 0;

    /// <summary>xarray merges a variable two groups share when its values are equal (compat="no_conflicts"); attributes are the first group's.</summary>
    private static void CheckMergedEqual(string name, InputDataset a, InputDataset b)
    {
        if (!StaticDifference.Equal(name, a, b))
            throw new StaticValuesDifferException($"variable '{name}' is in {a.Source} and in {b.Source} (merged for the same concat key) but differs: ", StaticDifference.Describe(name, a, b), name, a, b);
    }

    private static void CheckStaticEqual(string name, InputDataset a, InputDataset b)
    {
        if (!StaticDifference.Equal(name, a, b))
            throw new StaticValuesDifferException($"variable '{name}' does not vary along the concat dimension, so it must be equal in every input, but it differs between {a.Source} and {b.Source}: ", StaticDifference.Describe(name, a, b), name, a, b);
    }

    private static string Show(AttributeValue? v) => v is null ? "absent" : v.ToString();

    private static TargetVariable ReencodeTimeVariable(TargetVariable target, List<InputDataset> group, string name)
    {
        var unitsPerInput = group.Select(i =>
        {
            var a = i.Dataset.Schema.GetVariable(name).Attributes;
            var units = a.GetText("units") ?? throw new DataException($"{i.Source}: variable '{name}' has no units, but it has time units in {group[0].Source}");
            return (Units: units, Calendar: a.GetText("calendar"), i.Source);
        }).ToList();
        var first = unitsPerInput[0];
        var firstUnits = CfTimeUnits.Parse(first.Units, first.Calendar, first.Source);
        foreach (var u in unitsPerInput.Skip(1))
        {
            var parsed = CfTimeUnits.Parse(u.Units, u.Calendar, u.Source);
            if (parsed.Calendar != firstUnits.Calendar)
                throw new DataException($"variable '{name}': calendar '{firstUnits.CalendarName}' in {first.Source} but '{parsed.CalendarName}' in {u.Source}");
        }

        if (target.Attributes.GetText("calendar") is null && first.Calendar is not null)
            target = target with { Attributes = target.Attributes.With("calendar", AttributeValue.FromText(first.Calendar)) };
        if (unitsPerInput.All(u => u.Units == first.Units))
            return target; // one units string already: values pass through unchanged.
        // Float64 so that no value is truncated; the concat coordinate's final unit and type are chosen in EncodeConcatCoordinate.
        return target with { TimeUnits = firstUnits, DataType = DataType.Float64, Attributes = target.Attributes.With("units", AttributeValue.FromText(firstUnits.Format())) };
    }

    /// <summary>Chooses the store's time units (first file's reference date, coarsest exact unit) and encodes the concat coordinate.</summary>
    private static TargetDataset EncodeConcatCoordinate(TargetDataset target)
    {
        var coordVar = target.Variables.FirstOrDefault(v => v.Name == target.ConcatDim && v.IsDimensionCoordinate);
        if (coordVar is null) return target;
        int m = coordVar.MergeIndex;
        var raw = new List<double>();
        var deltas = new List<double>();
        foreach (var row in target.InputsByConcatThenMerge)
        {
            var input = row[m];
            var values = input.ConcatCoordinate ?? throw new DataException($"{input.Source}: coordinate '{target.ConcatDim}' was not read");
            raw.AddRange(values);
            if (coordVar.TimeUnits is { } first)
            {
                var a = input.Dataset.Schema.GetVariable(coordVar.Name).Attributes;
                var units = CfTimeUnits.Parse(a.GetText("units")!, a.GetText("calendar"), input.Source);
                // Offset between references in exact integers: absolute instants (~6e16 µs) are beyond double precision.
                long shift = units.ReferenceMicros - first.ReferenceMicros;
                long per = CfTimeUnits.MicrosPer(units.Unit);
                deltas.AddRange(values.Select(v => shift + v * per));
            }
        }

        var encoded = raw;
        if (coordVar.TimeUnits is { } reference)
        {
            var unit = Enum.GetValues<CfTimeUnit>().FirstOrDefault(u => deltas.All(d => IsMultiple(d, CfTimeUnits.MicrosPer(u))), reference.Unit);
            bool exact = deltas.All(d => IsMultiple(d, CfTimeUnits.MicrosPer(unit)));
            var storeUnits = reference with { Unit = unit };
            encoded = [.. deltas.Select(d => exact ? Math.Round(d / CfTimeUnits.MicrosPer(unit)) : d / CfTimeUnits.MicrosPer(unit))];
            bool hasBounds = target.Variables.Any(v => v.Name != coordVar.Name && v.TimeUnits is not null);
            var dtype = exact && !hasBounds ? DataType.Int64 : DataType.Float64;
            var attrs = coordVar.Attributes.With("units", AttributeValue.FromText(storeUnits.Format()));
            if (coordVar.Attributes.GetText("calendar") is null)
                attrs = attrs.With("calendar", AttributeValue.FromText(reference.CalendarName));
            var updated = coordVar with { DataType = dtype, Attributes = attrs, TimeUnits = storeUnits };
            var vars = target.Variables.Select(v => v.Name == coordVar.Name ? updated
                : v.TimeUnits is not null ? v with { TimeUnits = storeUnits, DataType = DataType.Float64, Attributes = v.Attributes.Contains("units") ? v.Attributes.With("units", AttributeValue.FromText(storeUnits.Format())) : v.Attributes }
                : v).ToImmutableArray();
            target = target with { Variables = vars };
        }

        for (int i = 1; i < encoded.Count; i++)
        {
            if (!(encoded[i] > encoded[i - 1]))
            {
                var (a, b) = (SourceOf(target, i - 1, m), SourceOf(target, i, m));
                throw new DataException($"coordinate '{target.ConcatDim}' is not strictly increasing: element {i - 1} ({encoded[i - 1]}) in {a} and element {i} ({encoded[i]}) in {b}");
            }
        }

        return target with { ConcatCoordinate = [.. encoded] };
    }

    private static string SourceOf(TargetDataset target, long index, int m)
    {
        var seg = target.Segments.First(s => index >= s.Start && index < s.Start + s.Length);
        return target.Input(seg.ConcatIndex, m).Source;
    }

    /// <summary>True when <paramref name="micros"/> is a whole number of units, within double rounding (never more than ~1 µs).</summary>
    private static bool IsMultiple(double micros, long unitMicros)
    {
        double q = Math.Round(micros / unitMicros);
        return Math.Abs(micros - q * unitMicros) <= Math.Max(1e-3, Math.Abs(micros) * 1e-15);
    }
}
