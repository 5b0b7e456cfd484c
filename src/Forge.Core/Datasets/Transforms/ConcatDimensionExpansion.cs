using System.Collections.Immutable;

namespace Forge.Core.Datasets.Transforms;

/// <summary>
/// Inputs that hold one step of the concat dimension as a scalar coordinate (typical of GRIB files, where cfgrib
/// makes a single <c>time</c> a 0-d coordinate) get the dimension back with length 1, as xarray's
/// <c>open_mfdataset(combine="nested", concat_dim=...)</c> does with its defaults (<c>data_vars="all"</c>,
/// <c>coords="different"</c>): the scalar coordinate becomes 1-d and every data variable gains the dimension in
/// front. Other coordinates (latitude, longitude, step, level) stay as they are here; the combiner gives them the
/// dimension only when they differ between inputs (<see cref="Expand"/>). Applied after the recipe's transforms.
/// </summary>
public static class ConcatDimensionExpansion
{
    public static TransformedDataset Apply(TransformedDataset ds, string concatDim)
    {
        var schema = ds.Schema;
        if (schema.FindDimension(concatDim) is not null) return ds;
        if (schema.FindVariable(concatDim) is not { Rank: 0 }) return ds; // nothing to expand: the combiner reports the missing dimension

        var names = schema.Variables.Where(v => v.Name == concatDim || (!v.IsDimensionCoordinate && !v.IsCoordinate)).Select(v => v.Name);
        var dims = schema.Dimensions.Insert(0, new Dimension(concatDim, 1));
        return Expand(ds with { Schema = schema with { Dimensions = dims } }, concatDim, names.ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>
    /// Gives the named variables <paramref name="concatDim"/> in front, with the input's length along it (the dataset
    /// must already have that dimension): xarray's <c>concat</c> broadcasts a variable without the dimension along
    /// the input's steps (<c>set_dims</c>), so every step holds the same values. Read from the source without it.
    /// </summary>
    public static TransformedDataset Expand(TransformedDataset ds, string concatDim, IReadOnlySet<string> names)
    {
        var length = ds.Schema.FindDimension(concatDim)?.Length
            ?? throw new InvalidOperationException($"the dataset has no dimension '{concatDim}' to expand along");
        var origins = ds.Origins.ToBuilder();
        var vars = ImmutableArray.CreateBuilder<VariableSchema>(ds.Schema.Variables.Length);
        foreach (var v in ds.Schema.Variables)
        {
            if (!names.Contains(v.Name) || v.Dimensions.Contains(concatDim)) { vars.Add(v); continue; }
            var origin = ds.Origins[v.Name];
            // Existing expanded axes shift by one; the new axis is target axis 0.
            origins[v.Name] = origin with { ExpandedAxes = [0, .. origin.ExpandedAxes.Select(a => a + 1)] };
            vars.Add(v with
            {
                Dimensions = [concatDim, .. v.Dimensions],
                Shape = [length, .. v.Shape],
                IsCoordinate = v.IsCoordinate || v.Name == concatDim,
            });
        }

        return new TransformedDataset(ds.Schema with { Variables = vars.ToImmutable() }, origins.ToImmutable());
    }
}
