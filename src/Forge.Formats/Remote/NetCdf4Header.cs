using System.Collections.Immutable;
using System.Text;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Formats.NetCdf;
using Forge.Native.Hdf5;
using Forge.Native.Interop;
using N = Forge.Native.Hdf5.Hdf5ModelNative;

namespace Forge.Formats.Remote;

/// <summary>
/// The netCDF-4 data model read from an HDF5 file with HDF5's own API (netCDF-C needs a local file): datasets in the
/// root group in link creation order, dimension scales (<c>CLASS = "DIMENSION_SCALE"</c>; a <c>NAME</c> starting
/// "This is a netCDF dimension but not a netCDF variable" marks a dimension without a variable), dimension ids from
/// <c>_Netcdf4Dimid</c>, a variable's dimensions from <c>DIMENSION_LIST</c> (object references to the scales) or
/// <c>_Netcdf4Coordinates</c>, unlimited lengths as the longest variable along them (as netCDF-C computes them),
/// <c>_nc4_non_coord_</c> names, attributes in creation order without the hidden ones, chunking and filters.
/// Anything outside what netCDF-C writes (sub-groups, no creation order, phony dimensions, user-defined or committed
/// types, null or multi-valued fixed-string attributes) is reported as unsupported, so the caller downloads the file
/// and netCDF-C reads it: never a guessed schema. Caller holds <see cref="Native.NetCdf.NetCdfLock"/>.
/// </summary>
internal static unsafe class NetCdf4Header
{
    private const string NonCoordPrefix = "_nc4_non_coord_";
    private const string DimensionWithoutVariable = "This is a netCDF dimension but not a netCDF variable";
    private static readonly HashSet<string> Hidden = new(StringComparer.Ordinal) { "CLASS", "NAME", "REFERENCE_LIST", "DIMENSION_LIST", "_Netcdf4Dimid", "_Netcdf4Coordinates" };
    private static readonly HashSet<string> HiddenGlobal = new(StringComparer.Ordinal) { "_NCProperties", "_nc3_strict" };

    /// <summary>Why a file cannot be read this way; the caller downloads it.</summary>
    internal sealed class UnsupportedException(string reason) : Exception(reason);

    /// <summary>A variable and the HDF5 dataset (link name) holding it.</summary>
    internal sealed record Entry(VariableSchema Schema, string Dataset);

    private sealed class Scanned
    {
        public required string Link { get; init; }

        public required DataType Type { get; init; }

        public required ulong[] Dims { get; init; }

        public required ulong[] MaxDims { get; init; }

        public required List<KeyValuePair<string, AttributeValue>> Attributes { get; init; }

        public string? Class { get; set; }

        public string? ScaleName { get; set; }

        public int? DimId { get; set; }

        public int[]? Coordinates { get; set; }

        public string[]? DimensionList { get; set; }

        public StorageLayout Layout { get; set; } = StorageLayout.Contiguous;

        public bool IsScale => Class == "DIMENSION_SCALE";

        public bool IsDimensionOnly => IsScale && ScaleName is { } n && n.StartsWith(DimensionWithoutVariable, StringComparison.Ordinal);
    }

    public static (DatasetSchema Schema, ImmutableArray<Entry> Variables) Read(long file, string source)
    {
        var root = Hdf5Status.CheckId(N.H5Gopen2(file, "/", Hdf5Native.H5P_DEFAULT), "H5Gopen2(/)", source);
        try
        {
            var gcpl = Hdf5Status.CheckId(N.H5Gget_create_plist(root), "H5Gget_create_plist", source);
            uint order;
            try { Hdf5Status.Check(N.H5Pget_link_creation_order(gcpl, out order), "H5Pget_link_creation_order", source); }
            finally { Hdf5Native.H5Pclose(gcpl); }
            if ((order & N.H5P_CRT_ORDER_TRACKED) == 0) throw new UnsupportedException("its root group does not track link creation order (not written by netCDF-C)");
            Hdf5Status.Check(N.H5Gget_info(root, out var info), "H5Gget_info", source);

            var scanned = new List<Scanned>();
            for (ulong i = 0; i < info.LinkCount; i++)
            {
                var link = LinkName(root, i, source);
                var obj = N.H5Oopen(root, link, Hdf5Native.H5P_DEFAULT);
                if (obj < 0) throw new UnsupportedException($"link '{link}' does not open (external or dangling link)");
                try
                {
                    switch (N.H5Iget_type(obj))
                    {
                        case N.H5I_DATASET:
                            scanned.Add(ScanDataset(obj, link, source));
                            break;
                        case N.H5I_GROUP:
                            throw new UnsupportedException($"it has a sub-group '{link}'");
                        default:
                            throw new UnsupportedException($"'{link}' is a committed datatype (a user-defined netCDF type)");
                    }
                }
                finally
                {
                    N.H5Oclose(obj);
                }
            }

            var globals = ReadAttributes(root, source, "the root group", HiddenGlobal);
            return Build(scanned, globals, source);
        }
        finally
        {
            N.H5Gclose(root);
        }
    }

    private static (DatasetSchema, ImmutableArray<Entry>) Build(List<Scanned> scanned, List<KeyValuePair<string, AttributeValue>> globals, string source)
    {
        // Dimensions: every scale, ordered by _Netcdf4Dimid when all have one (netCDF-C lists dimension ids in order), else as created.
        var scales = scanned.Where(s => s.IsScale).ToList();
        if (scales.Any(s => s.Dims.Length < 1)) throw new UnsupportedException("a dimension scale is not one-dimensional");
        var byId = new Dictionary<int, Scanned>();
        if (scales.All(s => s.DimId is not null))
        {
            foreach (var s in scales)
            {
                if (!byId.TryAdd(s.DimId!.Value, s)) throw new UnsupportedException($"two dimensions have _Netcdf4Dimid {s.DimId}");
            }

            scales = [.. scales.OrderBy(s => s.DimId)];
        }
        else if (scales.Any(s => s.DimId is not null) || scanned.Any(s => s.Coordinates is not null))
        {
            throw new UnsupportedException("some dimension scales have no _Netcdf4Dimid");
        }

        var dimNames = scales.Select(s => s.Link).ToList();
        if (dimNames.Distinct(StringComparer.Ordinal).Count() != dimNames.Count) throw new UnsupportedException("two dimensions share a name");
        var unlimited = scales.Where(s => s.MaxDims[0] == N.H5S_UNLIMITED).Select(s => s.Link).ToHashSet(StringComparer.Ordinal);

        // Each variable's dimension names.
        var variables = scanned.Where(s => !s.IsDimensionOnly).ToList();
        var dimsOf = new Dictionary<Scanned, string[]>();
        foreach (var v in variables)
        {
            string[] names;
            if (v.Coordinates is { } ids)
            {
                names = [.. ids.Select(id => byId.TryGetValue(id, out var s) ? s.Link : throw new UnsupportedException($"variable '{v.Link}' names dimension id {id}, which is not a scale of the root group"))];
            }
            else if (v.IsScale)
            {
                names = [v.Link];
            }
            else if (v.DimensionList is { } list)
            {
                names = list;
            }
            else if (v.Dims.Length == 0)
            {
                names = [];
            }
            else
            {
                throw new UnsupportedException($"dataset '{v.Link}' has no dimension scales (netCDF-C would invent phony dimensions)");
            }

            if (names.Length != v.Dims.Length) throw new UnsupportedException($"dataset '{v.Link}' has {v.Dims.Length} dimensions but names {names.Length}");
            foreach (var n in names)
            {
                if (!dimNames.Contains(n)) throw new UnsupportedException($"dataset '{v.Link}' uses dimension '{n}', which is not a scale of the root group");
            }

            dimsOf[v] = names;
        }

        // Lengths: a fixed dimension is its scale's extent; an unlimited one the longest variable along it (0 without any).
        var lengths = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var s in scales) lengths[s.Link] = unlimited.Contains(s.Link) ? 0 : checked((long)s.Dims[0]);
        foreach (var v in variables)
        {
            var names = dimsOf[v];
            for (var d = 0; d < names.Length; d++)
            {
                if (unlimited.Contains(names[d])) lengths[names[d]] = Math.Max(lengths[names[d]], checked((long)v.Dims[d]));
                else if ((long)v.Dims[d] != lengths[names[d]]) throw new UnsupportedException($"dataset '{v.Link}' is {v.Dims[d]} long along fixed dimension '{names[d]}' of length {lengths[names[d]]}");
            }
        }

        var dimensions = scales.Select(s => new Dimension(s.Link, lengths[s.Link], unlimited.Contains(s.Link))).ToImmutableArray();
        var entries = ImmutableArray.CreateBuilder<Entry>(variables.Count);
        foreach (var v in variables)
        {
            var name = v.Link.StartsWith(NonCoordPrefix, StringComparison.Ordinal) ? v.Link[NonCoordPrefix.Length..] : v.Link;
            var names = dimsOf[v];
            var schema = new VariableSchema(name, v.Type, [.. names], [.. names.Select(n => lengths[n])], new AttributeSet(v.Attributes)) { Layout = v.Layout };
            entries.Add(new Entry(schema with { IsCoordinate = schema.IsDimensionCoordinate }, v.Link));
        }

        var built = entries.MoveToImmutable();
        if (built.Select(e => e.Schema.Name).Distinct(StringComparer.Ordinal).Count() != built.Length) throw new UnsupportedException("two variables share a name");
        return (new DatasetSchema(dimensions, [.. built.Select(e => e.Schema)], new AttributeSet(globals)), built);
    }

    private static string LinkName(long group, ulong index, string source)
    {
        var size = N.H5Lget_name_by_idx(group, ".", N.H5_INDEX_CRT_ORDER, N.H5_ITER_INC, index, null, 0, Hdf5Native.H5P_DEFAULT);
        if (size < 0) throw Hdf5Status.Error((int)size, "H5Lget_name_by_idx", source, null);
        var buffer = new byte[size + 1];
        fixed (byte* p = buffer) N.H5Lget_name_by_idx(group, ".", N.H5_INDEX_CRT_ORDER, N.H5_ITER_INC, index, p, (nuint)buffer.Length, Hdf5Native.H5P_DEFAULT);
        return NativeText.FromNulTerminated(buffer);
    }

    private static Scanned ScanDataset(long dataset, string link, string source)
    {
        var type = Hdf5Status.CheckId(Hdf5Native.H5Dget_type(dataset), "H5Dget_type", source, link);
        DataType dataType;
        try { dataType = TypeOf(type, $"dataset '{link}'"); }
        finally { Hdf5Native.H5Tclose(type); }

        var space = Hdf5Status.CheckId(Hdf5Native.H5Dget_space(dataset), "H5Dget_space", source, link);
        ulong[] dims, maxDims;
        try
        {
            var rank = Hdf5Status.Check(Hdf5Native.H5Sget_simple_extent_ndims(space), "H5Sget_simple_extent_ndims", source, link);
            dims = new ulong[rank];
            maxDims = new ulong[rank];
            fixed (ulong* d = dims)
            fixed (ulong* m = maxDims)
                Hdf5Status.Check(Hdf5Native.H5Sget_simple_extent_dims(space, rank == 0 ? null : d, rank == 0 ? null : m), "H5Sget_simple_extent_dims", source, link);
        }
        finally
        {
            Hdf5Native.H5Sclose(space);
        }

        var scanned = new Scanned { Link = link, Type = dataType, Dims = dims, MaxDims = maxDims, Attributes = [] };
        var dcpl = Hdf5Status.CheckId(Hdf5Native.H5Dget_create_plist(dataset), "H5Dget_create_plist", source, link);
        try
        {
            scanned.Layout = LayoutOf(dcpl, dims.Length, source, link);
            Hdf5Status.Check(N.H5Pget_attr_creation_order(dcpl, out var attrOrder), "H5Pget_attr_creation_order", source, link);
            scanned.Attributes.AddRange(ReadAttributes(dataset, source, $"dataset '{link}'", Hidden, scanned, (attrOrder & N.H5P_CRT_ORDER_TRACKED) != 0));
        }
        finally
        {
            Hdf5Native.H5Pclose(dcpl);
        }

        return scanned;
    }

    private static StorageLayout LayoutOf(long dcpl, int rank, string source, string link)
    {
        if (Hdf5Native.H5Pget_layout(dcpl) != Hdf5Native.H5D_CHUNKED) return StorageLayout.Contiguous;
        var chunks = new ulong[Math.Max(rank, 1)];
        fixed (ulong* p = chunks) Hdf5Status.Check(Hdf5Native.H5Pget_chunk(dcpl, rank, p), "H5Pget_chunk", source, link);
        var n = Hdf5Status.Check(Hdf5Native.H5Pget_nfilters(dcpl), "H5Pget_nfilters", source, link);
        var filters = ImmutableArray.CreateBuilder<string>(n);
        var values = new uint[32];
        for (uint i = 0; i < n; i++)
        {
            nuint count = (nuint)values.Length;
            int id;
            fixed (uint* v = values) id = Hdf5Native.H5Pget_filter2(dcpl, i, out _, ref count, v, 0, null, out _);
            if (id < 0) throw Hdf5Status.Error(id, "H5Pget_filter2", source, link);
            filters.Add(NetCdfSchemaReader.FilterName((uint)id, values.AsSpan(0, (int)Math.Min(count, (nuint)values.Length))));
        }

        return new StorageLayout(rank == 0 ? default : [.. chunks.Take(rank).Select(c => checked((long)c))], filters.ToImmutable());
    }

    private static List<KeyValuePair<string, AttributeValue>> ReadAttributes(long location, string source, string what, HashSet<string> hidden, Scanned? into = null, bool? creationOrder = null)
    {
        var count = N.H5Aget_num_attrs(location);
        if (count < 0) throw Hdf5Status.Error(count, "H5Aget_num_attrs", source, null);
        var tracked = creationOrder ?? GroupTracksAttributeOrder(location, source);
        var index = tracked ? N.H5_INDEX_CRT_ORDER : N.H5_INDEX_NAME;
        var items = new List<KeyValuePair<string, AttributeValue>>();
        for (ulong i = 0; i < (ulong)count; i++)
        {
            var size = N.H5Aget_name_by_idx(location, ".", index, N.H5_ITER_INC, i, null, 0, Hdf5Native.H5P_DEFAULT);
            if (size < 0) throw Hdf5Status.Error((int)size, "H5Aget_name_by_idx", source, null);
            var buffer = new byte[size + 1];
            fixed (byte* p = buffer) N.H5Aget_name_by_idx(location, ".", index, N.H5_ITER_INC, i, p, (nuint)buffer.Length, Hdf5Native.H5P_DEFAULT);
            var name = NativeText.FromNulTerminated(buffer);
            var attr = Hdf5Status.CheckId(N.H5Aopen_by_idx(location, ".", index, N.H5_ITER_INC, i, Hdf5Native.H5P_DEFAULT, Hdf5Native.H5P_DEFAULT), "H5Aopen_by_idx", source, null);
            try
            {
                if (into is not null && Special(attr, name, into, source)) continue;
                if (hidden.Contains(name)) continue;
                items.Add(new(name, ReadValue(attr, $"{what}: attribute '{name}'", source)));
            }
            finally
            {
                N.H5Aclose(attr);
            }
        }

        if (!tracked && items.Count > 1) throw new UnsupportedException($"{what} does not track attribute creation order (not written by netCDF-C)");
        return items;
    }

    private static bool GroupTracksAttributeOrder(long group, string source)
    {
        var gcpl = Hdf5Status.CheckId(N.H5Gget_create_plist(group), "H5Gget_create_plist", source);
        try
        {
            Hdf5Status.Check(N.H5Pget_attr_creation_order(gcpl, out var flags), "H5Pget_attr_creation_order", source);
            return (flags & N.H5P_CRT_ORDER_TRACKED) != 0;
        }
        finally
        {
            Hdf5Native.H5Pclose(gcpl);
        }
    }

    /// <summary>The dimension-scale attributes netCDF-C keeps to itself; true when <paramref name="name"/> was one.</summary>
    private static bool Special(long attr, string name, Scanned into, string source)
    {
        switch (name)
        {
            case "CLASS":
                into.Class = ReadValue(attr, "CLASS", source) is { IsText: true } c ? c.Text : null;
                return true;
            case "NAME":
                into.ScaleName = ReadValue(attr, "NAME", source) is { IsText: true } n ? n.Text : null;
                return true;
            case "_Netcdf4Dimid":
                into.DimId = ReadValue(attr, name, source) is { IsText: false, Count: 1 } id ? checked((int)id.AsDoubles()[0]) : throw new UnsupportedException("a _Netcdf4Dimid that is not one integer");
                return true;
            case "_Netcdf4Coordinates":
                into.Coordinates = ReadValue(attr, name, source) is { IsText: false } ids ? [.. ids.AsDoubles().Select(d => checked((int)d))] : throw new UnsupportedException("a _Netcdf4Coordinates that is not integers");
                return true;
            case "DIMENSION_LIST":
                into.DimensionList = DimensionList(attr, source, into.Link);
                return true;
            default:
                return false;
        }
    }

    /// <summary>DIMENSION_LIST: per dimension a variable-length list of object references; the first names the scale.</summary>
    private static string[] DimensionList(long attr, string source, string link)
    {
        var type = Hdf5Status.CheckId(N.H5Aget_type(attr), "H5Aget_type", source, link);
        var space = Hdf5Status.CheckId(N.H5Aget_space(attr), "H5Aget_space", source, link);
        long memType = -1;
        try
        {
            if (Hdf5Native.H5Tget_class(type) != N.H5T_VLEN) throw new UnsupportedException($"dataset '{link}': DIMENSION_LIST is not a variable-length list");
            var baseType = N.H5Tget_super(type);
            var isReference = Hdf5Native.H5Tget_class(baseType) == N.H5T_REFERENCE && Hdf5Native.H5Tget_size(baseType) == 8;
            Hdf5Native.H5Tclose(baseType);
            if (!isReference) throw new UnsupportedException($"dataset '{link}': DIMENSION_LIST does not hold object references");
            memType = Hdf5Status.CheckId(N.H5Tget_native_type(type, N.H5T_DIR_DEFAULT), "H5Tget_native_type", source, link);
            var n = checked((int)N.H5Sget_simple_extent_npoints(space));
            var lists = new N.VariableLength[n];
            fixed (N.VariableLength* p = lists)
            {
                Hdf5Status.Check(N.H5Aread(attr, memType, p), "H5Aread(DIMENSION_LIST)", source, link);
                try
                {
                    var names = new string[n];
                    for (var d = 0; d < n; d++)
                    {
                        if (lists[d].Length < 1) throw new UnsupportedException($"dataset '{link}': dimension {d} has no scale attached");
                        var target = N.H5Rdereference2(attr, Hdf5Native.H5P_DEFAULT, N.H5R_OBJECT, lists[d].Pointer);
                        if (target < 0) throw Hdf5Status.Error((int)target, "H5Rdereference2(DIMENSION_LIST)", source, link);
                        try
                        {
                            names[d] = ObjectName(target, source, link);
                        }
                        finally
                        {
                            N.H5Oclose(target);
                        }
                    }

                    return names;
                }
                finally
                {
                    N.H5Dvlen_reclaim(memType, space, Hdf5Native.H5P_DEFAULT, p);
                }
            }
        }
        finally
        {
            if (memType >= 0) Hdf5Native.H5Tclose(memType);
            Hdf5Native.H5Sclose(space);
            Hdf5Native.H5Tclose(type);
        }
    }

    /// <summary>The root-group link name of an object ("/lat" → "lat"); an object elsewhere is unsupported.</summary>
    private static string ObjectName(long obj, string source, string link)
    {
        var size = N.H5Iget_name(obj, null, 0);
        if (size <= 0) throw Hdf5Status.Error((int)size, "H5Iget_name", source, link);
        var buffer = new byte[size + 1];
        fixed (byte* p = buffer) N.H5Iget_name(obj, p, (nuint)buffer.Length);
        var path = NativeText.FromNulTerminated(buffer);
        if (!path.StartsWith('/') || path.IndexOf('/', 1) >= 0) throw new UnsupportedException($"dataset '{link}' uses a dimension scale outside the root group ({path})");
        return path[1..];
    }

    private static DataType TypeOf(long type, string what)
    {
        if (N.H5Tcommitted(type) > 0) throw new UnsupportedException($"{what} has a committed (user-defined) type");
        var size = (int)Hdf5Native.H5Tget_size(type);
        switch (Hdf5Native.H5Tget_class(type))
        {
            case Hdf5Native.H5T_INTEGER:
                var signed = N.H5Tget_sign(type) != N.H5T_SGN_NONE;
                return size switch
                {
                    1 => signed ? DataType.Int8 : DataType.UInt8,
                    2 => signed ? DataType.Int16 : DataType.UInt16,
                    4 => signed ? DataType.Int32 : DataType.UInt32,
                    8 => signed ? DataType.Int64 : DataType.UInt64,
                    _ => throw new UnsupportedException($"{what} is a {size}-byte integer"),
                };
            case Hdf5Native.H5T_FLOAT:
                return size switch
                {
                    4 => DataType.Float32,
                    8 => DataType.Float64,
                    _ => throw new UnsupportedException($"{what} is a {size}-byte float"),
                };
            case Hdf5Native.H5T_STRING:
                if (N.H5Tis_variable_str(type) > 0) return DataType.String;
                return size == 1 ? DataType.Char : throw new UnsupportedException($"{what} is a fixed-length string of {size} bytes");
            default:
                throw new UnsupportedException($"{what} has HDF5 type class {Hdf5Native.H5Tget_class(type)}");
        }
    }

    private static AttributeValue ReadValue(long attr, string what, string source)
    {
        var type = Hdf5Status.CheckId(N.H5Aget_type(attr), "H5Aget_type", source);
        var space = Hdf5Status.CheckId(N.H5Aget_space(attr), "H5Aget_space", source);
        long memType = -1;
        try
        {
            if (N.H5Sget_simple_extent_type(space) == N.H5S_NULL) throw new UnsupportedException($"{what} is empty (a null dataspace)");
            var n = checked((int)N.H5Sget_simple_extent_npoints(space));
            if (N.H5Tcommitted(type) > 0) throw new UnsupportedException($"{what} has a committed (user-defined) type");
            if (Hdf5Native.H5Tget_class(type) == Hdf5Native.H5T_STRING)
            {
                memType = Hdf5Status.CheckId(N.H5Tget_native_type(type, N.H5T_DIR_DEFAULT), "H5Tget_native_type", source);
                if (N.H5Tis_variable_str(type) > 0)
                {
                    // NC_STRING: several strings are joined by newlines, as the local reader does.
                    var pointers = new nint[Math.Max(n, 1)];
                    fixed (nint* p = pointers)
                    {
                        Hdf5Status.Check(N.H5Aread(attr, memType, p), "H5Aread", source);
                        try
                        {
                            return AttributeValue.FromText(string.Join('\n', pointers.Take(n).Select(s => s == 0 ? "" : NativeText.FromPointer((byte*)s))));
                        }
                        finally
                        {
                            N.H5Dvlen_reclaim(memType, space, Hdf5Native.H5P_DEFAULT, p);
                        }
                    }
                }

                if (n != 1) throw new UnsupportedException($"{what} is an array of {n} fixed-length strings");
                var text = new byte[Math.Max((int)Hdf5Native.H5Tget_size(type), 1)];
                fixed (byte* p = text) Hdf5Status.Check(N.H5Aread(attr, memType, p), "H5Aread", source);
                // NC_CHAR: as netCDF4-python (and the local reader), NUL padding is not part of the text.
                return AttributeValue.FromText(Encoding.UTF8.GetString(text, 0, (int)Hdf5Native.H5Tget_size(type)).Replace("\0", string.Empty, StringComparison.Ordinal));
            }

            var dataType = TypeOf(type, what);
            memType = Hdf5Status.CheckId(N.H5Tget_native_type(type, N.H5T_DIR_DEFAULT), "H5Tget_native_type", source);
            var size = dataType.ElementSize();
            var raw = new byte[Math.Max(n * size, 1)];
            fixed (byte* p = raw) Hdf5Status.Check(N.H5Aread(attr, memType, p), "H5Aread", source);
            return NetCdfAttributeReader.Convert(dataType, raw.AsSpan(0, n * size), n);
        }
        finally
        {
            if (memType >= 0) Hdf5Native.H5Tclose(memType);
            Hdf5Native.H5Sclose(space);
            Hdf5Native.H5Tclose(type);
        }
    }
}
