namespace Forge.Core.Datasets.Cf;

/// <summary>
/// Which variables are coordinates, as xarray's <c>open_dataset(decode_coords=True)</c> decides (its default): the
/// dimension coordinates, the variables a variable's CF <c>coordinates</c> attribute names (when every name there
/// is a variable of the file), and those a global <c>coordinates</c> attribute names. Bounds and grid-mapping
/// variables (<c>lat_bnds</c>, <c>crs</c>) stay data variables, as with xarray's default. The combine rule depends
/// on it: coordinates equal in every input stay static, data variables all get the concat dimension.
/// </summary>
public static class CfCoordinates
{
    public static DatasetSchema Mark(DatasetSchema schema)
    {
        var names = new HashSet<string>(schema.Variables.Length, StringComparer.Ordinal);
        foreach (var v in schema.Variables) names.Add(v.Name);
        var coordinates = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in schema.Variables)
        {
            if (v.Attributes.GetText("coordinates") is not { } text) continue;
            var named = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (named.All(names.Contains)) coordinates.UnionWith(named);
        }

        if (schema.Attributes.GetText("coordinates") is { } global)
            coordinates.UnionWith(global.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(names.Contains));
        if (coordinates.Count == 0) return schema;
        var marked = false;
        var variables = schema.Variables.Select(v =>
        {
            if (v.IsCoordinate || !coordinates.Contains(v.Name)) return v;
            marked = true;
            return v with { IsCoordinate = true };
        }).ToArray();
        return marked ? schema with { Variables = [.. variables] } : schema;
    }
}
