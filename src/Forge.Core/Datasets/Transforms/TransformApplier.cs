using System.Collections.Immutable;
using Forge.Core.Arrays;

namespace Forge.Core.Datasets.Transforms;

/// <summary>Applies the recipe's transforms to one input's schema. Errors name the input and the variable.</summary>
public static class TransformApplier
{
    public static TransformedDataset Apply(DatasetSchema source, IEnumerable<DatasetTransform> transforms, string inputName)
    {
        var current = TransformedDataset.FromSource(source);
        int step = 0;
        foreach (var t in transforms)
        {
            step++;
            current = t switch
            {
                DatasetTransform.Squeeze s => Squeeze(current, s, inputName, step),
                DatasetTransform.Drop d => Drop(current, d, inputName, step),
                DatasetTransform.Select s => Select(current, s, inputName, step),
                DatasetTransform.Rename r => Rename(current, r, inputName, step),
                DatasetTransform.SetCoords c => SetCoords(current, c, inputName, step),
                DatasetTransform.SetAttributes a => SetAttributes(current, a, inputName, step),
                DatasetTransform.DecodeCf d => DecodeCf(current, d, inputName, step),
                _ => throw new InvalidOperationException($"unknown transform {t.GetType().Name}"),
            };
        }

        return current;
    }

    private static TransformException Error(string input, int step, string what) =>
        new($"{input}: transform #{step}: {what}", step, what);

    /// <summary>A name the transform refers to is missing: the error carries the names there are, for a suggestion.</summary>
    private static TransformException Missing(string input, int step, string what, string name, IEnumerable<string> candidates) =>
        new($"{input}: transform #{step}: {what}", step, what) { MissingName = name, Candidates = [.. candidates] };

    private static IEnumerable<string> Dims(DatasetSchema s) => s.Dimensions.Select(d => d.Name);

    private static IEnumerable<string> Vars(DatasetSchema s) => s.Variables.Select(v => v.Name);

    private static TransformedDataset Squeeze(TransformedDataset ds, DatasetTransform.Squeeze s, string input, int step)
    {
        var schema = ds.Schema;
        foreach (var dim in s.Dimensions)
        {
            var d = schema.FindDimension(dim) ?? throw Missing(input, step, $"squeeze: no dimension '{dim}'", dim, Dims(schema));
            if (d.Length != 1) throw Error(input, step, $"squeeze: dimension '{dim}' has length {d.Length}, not 1");
        }

        var drop = s.Dimensions.ToHashSet();
        var vars = ImmutableArray.CreateBuilder<VariableSchema>();
        var origins = ds.Origins.ToBuilder();
        foreach (var v in schema.Variables)
        {
            if (v.Dimensions.Length == 1 && drop.Contains(v.Dimensions[0]) && v.Name == v.Dimensions[0])
            {
                // The coordinate variable of a squeezed dimension disappears with it, as with xarray's squeeze(drop=True).
                origins.Remove(v.Name);
                continue;
            }

            var keep = Enumerable.Range(0, v.Rank).Where(i => !drop.Contains(v.Dimensions[i])).ToArray();
            if (keep.Length == v.Rank) { vars.Add(v); continue; }
            var origin = ds.Origins[v.Name];
            // Map removed target axes back to source axes: the origin's non-squeezed source axes are in target order.
            var liveSourceAxes = Enumerable.Range(0, origin.SourceDimensions.Length).Where(a => !origin.SqueezedAxes.Contains(a)).ToArray();
            var newlySqueezed = Enumerable.Range(0, v.Rank).Where(i => drop.Contains(v.Dimensions[i])).Select(i => liveSourceAxes[i]);
            origins[v.Name] = origin with { SqueezedAxes = [.. origin.SqueezedAxes.Concat(newlySqueezed).Order()] };
            vars.Add(v with { Dimensions = [.. keep.Select(i => v.Dimensions[i])], Shape = [.. keep.Select(i => v.Shape[i])] });
        }

        var dims = schema.Dimensions.Where(d => !drop.Contains(d.Name)).ToImmutableArray();
        return new TransformedDataset(schema with { Dimensions = dims, Variables = vars.ToImmutable() }, origins.ToImmutable());
    }

    private static TransformedDataset Drop(TransformedDataset ds, DatasetTransform.Drop d, string input, int step)
    {
        foreach (var name in d.Variables)
            if (ds.Schema.FindVariable(name) is null) throw Missing(input, step, $"drop: no variable '{name}'", name, Vars(ds.Schema));
        var drop = d.Variables.ToHashSet();
        return Keep(ds, v => !drop.Contains(v.Name));
    }

    private static TransformedDataset Keep(TransformedDataset ds, Func<VariableSchema, bool> keep)
    {
        var vars = ds.Schema.Variables.Where(keep).ToImmutableArray();
        var names = vars.Select(v => v.Name).ToHashSet();
        var usedDims = vars.SelectMany(v => v.Dimensions).ToHashSet();
        var dims = ds.Schema.Dimensions.Where(dim => usedDims.Contains(dim.Name)).ToImmutableArray();
        var origins = ds.Origins.Where(kv => names.Contains(kv.Key)).ToImmutableDictionary();
        return new TransformedDataset(ds.Schema with { Dimensions = dims, Variables = vars }, origins);
    }

    private static TransformedDataset Select(TransformedDataset ds, DatasetTransform.Select s, string input, int step)
    {
        var keep = new HashSet<string>();
        foreach (var name in s.Variables)
        {
            var v = ds.Schema.FindVariable(name) ?? throw Missing(input, step, $"select: no variable '{name}'", name, Vars(ds.Schema));
            keep.Add(name);
            // Coordinates stay: dimension coordinates of its dims, names in its CF "coordinates" attribute, bounds.
            foreach (var dim in v.Dimensions)
                if (ds.Schema.FindVariable(dim) is { } c) keep.Add(c.Name);
            foreach (var c in (v.Attributes.GetText("coordinates") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
                keep.Add(c);
        }

        foreach (var v in ds.Schema.Variables.Where(v => v.IsCoordinate && v.Dimensions.All(d => keep.Any(k => ds.Schema.FindVariable(k)?.Dimensions.Contains(d) == true))))
            keep.Add(v.Name);
        foreach (var name in keep.ToArray())
            if (ds.Schema.FindVariable(name)?.Attributes.GetText("bounds") is { } b) keep.Add(b);
        return Keep(ds, v => keep.Contains(v.Name));
    }

    private static TransformedDataset Rename(TransformedDataset ds, DatasetTransform.Rename r, string input, int step)
    {
        foreach (var (from, _) in r.Names)
            if (ds.Schema.FindVariable(from) is null && ds.Schema.FindDimension(from) is null)
                throw Missing(input, step, $"rename: no variable or dimension '{from}'", from, Vars(ds.Schema).Concat(Dims(ds.Schema)).Distinct());
        string Map(string n) => r.Names.TryGetValue(n, out var to) ? to : n;
        var vars = ds.Schema.Variables.Select(v => v with { Name = Map(v.Name), Dimensions = [.. v.Dimensions.Select(Map)] }).ToImmutableArray();
        var dupes = vars.GroupBy(v => v.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (dupes.Count > 0) throw Error(input, step, $"rename: two variables would be named '{dupes[0]}'");
        var dims = ds.Schema.Dimensions.Select(d => d with { Name = Map(d.Name) }).ToImmutableArray();
        var origins = ds.Origins.ToImmutableDictionary(kv => Map(kv.Key), kv => kv.Value);
        return new TransformedDataset(ds.Schema with { Dimensions = dims, Variables = vars }, origins);
    }

    private static TransformedDataset SetCoords(TransformedDataset ds, DatasetTransform.SetCoords c, string input, int step)
    {
        var set = c.Variables.ToHashSet();
        foreach (var name in set)
            if (ds.Schema.FindVariable(name) is null) throw Missing(input, step, $"set_coords: no variable '{name}'", name, Vars(ds.Schema));
        var vars = ds.Schema.Variables.Select(v =>
        {
            if (set.Contains(v.Name)) return v with { IsCoordinate = true };
            if (v.IsCoordinate) return v;
            // Record the new coordinates in the CF "coordinates" attribute of data variables that span their dims.
            var extra = set.Where(n => ds.Schema.GetVariable(n).Dimensions.All(v.Dimensions.Contains)).ToList();
            if (extra.Count == 0) return v;
            var existing = (v.Attributes.GetText("coordinates") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var all = existing.Concat(extra).Distinct();
            return v with { Attributes = v.Attributes.With("coordinates", AttributeValue.FromText(string.Join(' ', all))) };
        }).ToImmutableArray();
        return ds with { Schema = ds.Schema with { Variables = vars } };
    }

    private static TransformedDataset SetAttributes(TransformedDataset ds, DatasetTransform.SetAttributes a, string input, int step)
    {
        var schema = ds.Schema;
        foreach (var (target, edits) in a.ByVariable)
        {
            if (target == "global")
            {
                schema = schema with { Attributes = Edit(schema.Attributes, edits) };
                continue;
            }

            var v = schema.FindVariable(target) ?? throw Missing(input, step, $"attrs: no variable '{target}'", target, Vars(schema));
            var updated = v with { Attributes = Edit(v.Attributes, edits) };
            schema = schema with { Variables = schema.Variables.Replace(v, updated) };
        }

        return ds with { Schema = schema };

        static AttributeSet Edit(AttributeSet attrs, ImmutableArray<KeyValuePair<string, AttributeValue?>> edits)
        {
            foreach (var (k, value) in edits)
                attrs = value is null ? attrs.Without(k) : attrs.With(k, value);
            return attrs;
        }
    }

    private static TransformedDataset DecodeCf(TransformedDataset ds, DatasetTransform.DecodeCf d, string input, int step)
    {
        var schema = ds.Schema;
        var origins = ds.Origins.ToBuilder();
        foreach (var name in d.Variables)
        {
            var v = schema.FindVariable(name) ?? throw Missing(input, step, $"decode_cf: no variable '{name}'", name, Vars(schema));
            if (v.DataType is DataType.Char or DataType.String or DataType.Bool)
                throw Error(input, step, $"decode_cf: variable '{name}' has type {v.DataType} and cannot be decoded");
            var a = v.Attributes;
            double scale = ScalarOr(a, "scale_factor", 1.0, input, name);
            double offset = ScalarOr(a, "add_offset", 0.0, input, name);
            var fills = new List<double>();
            foreach (var key in new[] { "_FillValue", "missing_value" })
                if (a[key] is { IsText: false } fv) fills.AddRange(fv.AsDoubles());
            var attrs = a.Without("scale_factor").Without("add_offset").Without("missing_value").Without("_FillValue")
                .With("_FillValue", AttributeValue.FromReals(DataType.Float32, double.NaN));
            var updated = v with { DataType = DataType.Float32, Attributes = attrs };
            schema = schema with { Variables = schema.Variables.Replace(v, updated) };
            origins[name] = origins[name] with { Unpacking = new CfUnpacking(scale, offset, [.. fills]) };
        }

        return new TransformedDataset(schema, origins.ToImmutable());
    }

    private static double ScalarOr(AttributeSet attrs, string key, double fallback, string input, string variable)
    {
        var value = attrs[key];
        if (value is null) return fallback;
        return value.AsScalar() ?? throw new DataException($"{input}: variable '{variable}': attribute {key} must be a single number");
    }
}
