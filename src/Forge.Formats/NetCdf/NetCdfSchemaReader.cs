using System.Collections.Immutable;
using Forge.Core.Datasets;
using Forge.Native.Interop;
using Forge.Native.NetCdf;

namespace Forge.Formats.NetCdf;

/// <summary>Builds a <see cref="DatasetSchema"/> from an open netCDF file's root group; caller holds <see cref="NetCdfLock"/>.</summary>
internal static unsafe class NetCdfSchemaReader
{
    public static (DatasetSchema Schema, ImmutableArray<NetCdfVariable> Variables, ImmutableArray<SkippedGroup> SkippedGroups) Read(int ncid, string file, NetCdfFormat format, SubGroupPolicy subGroups)
    {
        var skipped = ImmutableArray.CreateBuilder<SkippedGroup>();
        if (format is NetCdfFormat.NetCdf4) SubGroupsWithVariables(ncid, file, skipped);
        if (subGroups == SubGroupPolicy.Reject && skipped.Count > 0)
        {
            throw new DataException(
                $"{file}: group '{skipped[0].Path}' holds {skipped[0].Variables} variable(s); Forge reads only the root group and refuses rather than " +
                "drop them silently. To convert the root group and skip sub-groups (as xarray.open_dataset does), set " +
                "`inputs.netcdf.sub_groups: ignore` in the recipe");
        }

        NetCdfStatus.Check(NetCdfNative.nc_inq(ncid, out var ndims, out var nvars, out var natts, out _), file);
        var name = stackalloc byte[NetCdfNative.NameBufferLength];

        // Dimensions (ids are not guaranteed dense in NetCDF-4, so ask for them).
        var dimIds = new int[Math.Max(ndims, 1)];
        fixed (int* p = dimIds) NetCdfStatus.Check(NetCdfNative.nc_inq_dimids(ncid, out ndims, p, 0), file);
        var unlimited = new int[Math.Max(ndims, 1)];
        int nunlim;
        fixed (int* p = unlimited) NetCdfStatus.Check(NetCdfNative.nc_inq_unlimdims(ncid, out nunlim, p), file);
        var unlimitedSet = unlimited.AsSpan(0, nunlim).ToArray().ToHashSet();
        var dims = new Dictionary<int, Dimension>(ndims);
        var dimOrder = ImmutableArray.CreateBuilder<Dimension>(ndims);
        for (var i = 0; i < ndims; i++)
        {
            NetCdfStatus.Check(NetCdfNative.nc_inq_dim(ncid, dimIds[i], name, out var len), file);
            var dim = new Dimension(NameOf(name), checked((long)len), unlimitedSet.Contains(dimIds[i]));
            dims[dimIds[i]] = dim;
            dimOrder.Add(dim);
        }

        var varIds = new int[Math.Max(nvars, 1)];
        fixed (int* p = varIds) NetCdfStatus.Check(NetCdfNative.nc_inq_varids(ncid, out nvars, p), file);
        var variables = ImmutableArray.CreateBuilder<NetCdfVariable>(nvars);
        var varDims = new int[1024];
        for (var i = 0; i < nvars; i++)
        {
            var varid = varIds[i];
            int xtype, rank, nvatts;
            fixed (int* p = varDims) NetCdfStatus.Check(NetCdfNative.nc_inq_var(ncid, varid, name, out xtype, out rank, p, out nvatts), file);
            var varName = NameOf(name);
            var type = NetCdfTypes.Resolve(ncid, xtype, file, varName, "the variable");
            var dimNames = ImmutableArray.CreateBuilder<string>(rank);
            var shape = ImmutableArray.CreateBuilder<long>(rank);
            for (var d = 0; d < rank; d++)
            {
                if (!dims.TryGetValue(varDims[d], out var dim))
                    throw new DataException($"{file}: variable '{varName}' uses dimension id {varDims[d]} from outside the root group; Forge reads the root group only");
                dimNames.Add(dim.Name);
                shape.Add(dim.Length);
            }

            var schema = new VariableSchema(varName, type, dimNames.MoveToImmutable(), shape.MoveToImmutable(),
                NetCdfAttributeReader.Read(ncid, varid, nvatts, file, varName))
            {
                Layout = format.IsClassicFamily() ? StorageLayout.Contiguous : ReadLayout(ncid, varid, rank, file, varName),
            };
            variables.Add(new NetCdfVariable(varid, schema with { IsCoordinate = schema.IsDimensionCoordinate }));
        }

        var built = variables.MoveToImmutable();
        var dataset = new DatasetSchema(dimOrder.MoveToImmutable(), [.. built.Select(v => v.Schema)],
            NetCdfAttributeReader.Read(ncid, NetCdfNative.NC_GLOBAL, natts, file, null));
        return (dataset, built, skipped.ToImmutable());
    }

    private static StorageLayout ReadLayout(int ncid, int varid, int rank, string file, string variable)
    {
        var chunks = new nuint[Math.Max(rank, 1)];
        int storage;
        fixed (nuint* p = chunks) NetCdfStatus.Check(NetCdfNative.nc_inq_var_chunking(ncid, varid, out storage, p), file, variable);
        var chunkShape = storage == NetCdfNative.NC_CHUNKED && rank > 0
            ? chunks.Take(rank).Select(c => checked((long)c)).ToImmutableArray()
            : default;

        NetCdfStatus.Check(NetCdfNative.nc_inq_var_filter_ids(ncid, varid, out var nfilters, null), file, variable);
        var filters = ImmutableArray.CreateBuilder<string>((int)nfilters);
        if (nfilters > 0)
        {
            var ids = new uint[(int)nfilters];
            fixed (uint* p = ids) NetCdfStatus.Check(NetCdfNative.nc_inq_var_filter_ids(ncid, varid, out nfilters, p), file, variable);
            foreach (var id in ids)
            {
                NetCdfStatus.Check(NetCdfNative.nc_inq_var_filter_info(ncid, varid, id, out var nparams, null), file, variable);
                var parameters = new uint[Math.Max((int)nparams, 1)];
                fixed (uint* p = parameters) NetCdfStatus.Check(NetCdfNative.nc_inq_var_filter_info(ncid, varid, id, out nparams, p), file, variable);
                filters.Add(FilterName(id, parameters.AsSpan(0, (int)nparams)));
            }
        }

        return new StorageLayout(chunkShape, filters.ToImmutable());
    }

    /// <summary>Names HDF5 filters as <see cref="StorageLayout.Filters"/> documents them.</summary>
    internal static string FilterName(uint id, ReadOnlySpan<uint> parameters) => id switch
    {
        1 => parameters.Length > 0 ? $"deflate({parameters[0]})" : "deflate",
        2 => "shuffle",
        3 => "fletcher32",
        4 => "szip",
        307 => "bzip2",
        32001 => "blosc",
        32004 => "lz4",
        32015 => parameters.Length > 0 ? $"zstd({(int)parameters[0]})" : "zstd",
        _ => $"filter({id})",
    };

    // Depth-first, in netCDF-C's group order: the first one is the one a refusal names.
    private static void SubGroupsWithVariables(int ncid, string file, ImmutableArray<SkippedGroup>.Builder found)
    {
        NetCdfStatus.Check(NetCdfNative.nc_inq_grps(ncid, out var count, null), file);
        if (count == 0) return;
        var groups = new int[count];
        fixed (int* p = groups) NetCdfStatus.Check(NetCdfNative.nc_inq_grps(ncid, out count, p), file);
        foreach (var group in groups)
        {
            NetCdfStatus.Check(NetCdfNative.nc_inq(group, out _, out var nvars, out _, out _), file);
            if (nvars > 0) found.Add(new SkippedGroup(GroupPath(group, file), nvars));
            SubGroupsWithVariables(group, file, found);
        }
    }

    private static string GroupPath(int group, string file)
    {
        NetCdfStatus.Check(NetCdfNative.nc_inq_grpname_full(group, out var len, null), file);
        var buffer = new byte[(int)len + 1];
        fixed (byte* p = buffer) NetCdfStatus.Check(NetCdfNative.nc_inq_grpname_full(group, out len, p), file);
        return NativeText.FromNulTerminated(buffer);
    }

    private static string NameOf(byte* name) => NativeText.FromNulTerminated(new ReadOnlySpan<byte>(name, NetCdfNative.NameBufferLength));
}
