using System.Collections.Immutable;

namespace Forge.Core.Datasets.Transforms;

/// <summary>
/// Inputs that hold one step of the concat dimension as a scalar coordinate (typical of GRIB files, where cfgrib
/// makes a single <c>time</c> a 0-d coordinate) get the dimension back with length 1, as xarray's
/// <c>open_mfdataset(concat_dim=...)</c> does: the scalar coordinate becomes 1-d, and every variable that is not
/// a dimension coordinate gains the dimension in front. Applied after the recipe's transforms.
/// </summary>
public static class ConcatDimensionExpansion
{
    public static TransformedDataset Apply(TransformedDataset ds, string concatDim)
    {
        var schema = ds.Schema;
        if (schema.FindDimension(concatDim) is not null) return ds;
        if (schema.FindVariable(concatDim) is not { Rank: 0 }) return ds; // nothing to expand: the combiner reports the missing dimension

        var origins = ds.Origins.ToBuilder();
        var vars = ImmutableArray.CreateBuilder<VariableSchema>(schema.Variables.Length);
        foreach (var v in schema.Variables)
        {
            if (v.IsDimensionCoordinate) { vars.Add(v); continue; }
            var origin = ds.Origins[v.Name];
            // Existing expanded axes shift by one; the new axis is target axis 0.
            origins[v.Name] = origin with { ExpandedAxes = [0, .. origin.ExpandedAxes.Select(a => a + 1)] };
            vars.Add(v with
            {
                Dimensions = [concatDim, .. v.Dimensions],
                Shape = [1, .. v.Shape],
                IsCoordinate = v.IsCoordinate || v.Name == concatDim,
            });
        }

        var dims = schema.Dimensions.Insert(0, new Dimension(concatDim, 1));
        return new TransformedDataset(schema with { Dimensions = dims, Variables = vars.ToImmutable() }, origins.ToImmutable());
    }
}
