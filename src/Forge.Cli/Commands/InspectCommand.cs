using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Cli.Composition;
using Forge.Cli.Inspection;
using Forge.Cli.Plotting;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Sources;
using Forge.Core.Storage;
using Forge.Core.Zarr;
using Forge.Formats;
using Forge.Formats.Inspect;
using Forge.Sources;
using Microsoft.Extensions.Logging;

namespace Forge.Cli.Commands;

/// <summary>
/// <c>forge inspect</c>: a header summary of a NetCDF/HDF5/GRIB file or URL, a Zarr store, or one array inside a
/// store (<c>store.zarr/sst</c>), with the first and last value of each 1-D coordinate (times decoded); <c>--json</c>
/// prints the same as one JSON document. Anything else is named as "not NetCDF, HDF5, GRIB or Zarr".
/// </summary>
internal static class InspectCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(CommandContext ctx)
    {
        var what = new Argument<string>("source") { Description = "A NetCDF/HDF5/GRIB file, an http(s)/ftp/s3 URL of one, a Zarr store (folder or s3://), or an array inside a store (store.zarr/sst)." };
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON document on stdout." };
        var filter = new Option<IReadOnlyDictionary<string, object?>?>("--filter")
        {
            Description = "GRIB only: read only messages whose ecCodes key has this value, as inputs.grib.filter (key=value; repeat for more keys; key=a,b for any of).",
            CustomParser = OptionParsers.GribFilter,
            AllowMultipleArgumentsPerToken = false,
            Arity = ArgumentArity.ZeroOrMore,
        };
        var plot = new Option<string?>("--plot") { Description = "Zarr stores: write a PNG of this variable (a map of one time step with a colour bar; a 1-D variable as a line) instead of the summary." };
        var time = new Option<string?>("--time") { Description = "With --plot: the time step, as an index (0 first, -1 last) or a date (the nearest step). Default: the first." };
        var outFile = new Option<string?>("--out") { Description = "With --plot: the PNG file to write (default: STORE-NAME.VAR.png in the current folder)." };
        var cmd = new Command("inspect", "Print a header summary (like ncdump -h) of a file, URL, Zarr store or array, with coordinate ranges.") { what, json, filter, plot, time, outFile };
        cmd.SetAction((parse, ct) => CommandGuard.RunAsync(ctx, ct, async () =>
        {
            var source = parse.GetValue(what)!;
            var asJson = parse.GetValue(json);
            var gribFilter = parse.GetValue(filter);
            var plotVariable = parse.GetValue(plot);
            if (plotVariable is null && (parse.GetValue(time) is not null || parse.GetValue(outFile) is not null))
                throw new UsageException($"inspect: {(parse.GetValue(time) is not null ? "--time" : "--out")} goes with --plot VAR");
            if (plotVariable is not null)
            {
                if (ZarrLocation.TryResolve(source) is not { } plotted)
                    throw new UsageException($"inspect --plot: {source} is not a Zarr store; --plot draws a variable of a store (run forge first, or inspect the file without --plot)");
                var plotStore = StoreFactory.Open(plotted.StoreUrl, null);
                var outPath = parse.GetValue(outFile) ?? DefaultPlotPath(plotted.StoreUrl, plotVariable);
                var report = await QuickLook.PlotAsync(plotStore, plotVariable, parse.GetValue(time), outPath, ct);
                ctx.Stdout.WriteLine(asJson ? PlotJson(report).ToJsonString(Indented) : PlotLine(report));
                return ExitCodes.Success;
            }

            if (ZarrLocation.TryResolve(source) is { } zarr)
            {
                var store = StoreFactory.Open(zarr.StoreUrl, null);
                var (text, doc) = await DescribeStoreAsync(store, zarr.ArrayPath, ct);
                ctx.Stdout.Write(asJson ? doc.ToJsonString(Indented) + "\n" : text);
                return ExitCodes.Success;
            }

            // A folder that is not a store would otherwise be reported as "no such file".
            if (!source.Contains("://", StringComparison.Ordinal) && Directory.Exists(source))
                throw new IOException($"{source}: a folder, but not a Zarr store (no zarr.json or .zgroup in it)");

            var temp = Directory.CreateTempSubdirectory("forge-inspect-");
            IRandomAccessInput? remote = null;
            FetchedInput? file = null;
            IDatasetReader? reader = null;
            try
            {
                var url = source.Contains("://", StringComparison.Ordinal) ? source : Path.GetFullPath(source);
                var logger = ctx.Loggers.CreateLogger("forge.inspect");
                using var fetcher = new InputFetcher(new FetchOptions(), null, ctx.Loggers.CreateLogger("forge.sources"), temp.FullName);
                // NetCDF-4 sub-groups are listed as skipped rather than refused: inspect is where one looks at such a file.
                IReadOnlyDictionary<string, object?> options = gribFilter is null
                    ? new Dictionary<string, object?> { ["sub_groups"] = "ignore" }
                    : new Dictionary<string, object?> { ["filter"] = gribFilter };
                var told = false;
                var opener = Readers.CreateOpener(null, (u, why) => { told = true; InspectLog.NotByRange(logger, u, why); });
                var kind = ContainerKind.Unknown;
                string shown;

                // A remote file on a server that honours ranges: only the header and the coordinates' bytes are read.
                if (gribFilter is null && (remote = await fetcher.OpenRandomAccessAsync(url, ct)) is not null)
                {
                    kind = await KindAsync(remote, ct);
                    reader = await opener.OpenHeaderAsync(remote, "auto", null, ct);
                    if (reader is null && !told) InspectLog.NotByRange(logger, remote.Url, kind == ContainerKind.Grib ? "GRIB is read from whole messages" : "its kind is not known from its first bytes");
                }

                if (reader is not null)
                {
                    shown = remote!.Url;
                }
                else
                {
                    file = await fetcher.FetchAsync(url, ct);
                    shown = file.Url;
                    kind = FormatSniffer.Sniff(file.LocalPath);
                    if (kind == ContainerKind.Unknown)
                        throw new DataException($"{file.Url}: not NetCDF, HDF5, GRIB or Zarr (starts with {Preview(file.LocalPath)}); inspect reads netCDF-3/4, HDF5 and GRIB 1/2 files and Zarr v2/v3 stores");
                    if (gribFilter is not null && kind != ContainerKind.Grib)
                        throw new DataException($"{file.Url}: --filter applies to GRIB files only, and this one is {(kind == ContainerKind.NetCdf3 ? "NetCDF-3" : "NetCDF-4/HDF5")}");
                    try
                    {
                        reader = await opener.OpenAsync(file.LocalPath, "auto", options, ct);
                    }
                    catch (DataException e) when (file.LocalPath != file.Url && e.Message.Contains(file.LocalPath, StringComparison.Ordinal))
                    {
                        // A downloaded file is named by its URL, not the temporary copy.
                        throw new DataException(e.Message.Replace(file.LocalPath, file.Url, StringComparison.Ordinal), e);
                    }
                }

                var ranges = await CoordinateRangesAsync(reader, shown, ct);
                if (file is null && remote is not null) InspectLog.ReadByRange(logger, remote.Url, remote.BytesFetched, remote.Length, remote.Requests);
                var skipped = reader is Forge.Formats.NetCdf.NetCdfDatasetReader netcdf ? netcdf.SkippedGroups : [];
                if (asJson)
                {
                    var doc = DescribeFile(reader.Schema, shown, kind, ranges);
                    if (skipped.Length > 0)
                        doc["skipped_groups"] = new JsonArray([.. skipped.Select(g => (JsonNode)new JsonObject { ["path"] = g.Path, ["variables"] = g.Variables })]);
                    ctx.Stdout.WriteLine(doc.ToJsonString(Indented));
                }
                else
                {
                    var cdl = DatasetSummary.Format(reader.Schema, shown);
                    var sb = new StringBuilder(cdl.TrimEnd('\n', '}').TrimEnd('\n')).Append('\n');
                    // As CDL comments, so ncgen still reads the header.
                    if (ranges.Count > 0)
                    {
                        sb.Append("\n// coordinate ranges (first … last):\n");
                        foreach (var r in ranges) sb.Append("//\t").Append(r.Text).Append('\n');
                    }

                    if (skipped.Length > 0)
                    {
                        sb.Append("\n// sub-groups not shown (Forge reads the root group; `forge run` refuses such a file unless the recipe sets inputs.netcdf.sub_groups: ignore):\n");
                        foreach (var g in skipped) sb.Append("//\tgroup '").Append(g.Path).Append("': ").Append(g.Variables).Append(" variable(s)\n");
                    }

                    ctx.Stdout.Write(sb.Append("}\n").ToString());
                }

                return ExitCodes.Success;
            }
            finally
            {
                if (reader is not null) await reader.DisposeAsync();
                if (file is not null) await file.DisposeAsync();
                if (remote is not null) await remote.DisposeAsync();
                try { temp.Delete(true); } catch (IOException) { }
            }
        }));
        return cmd;
    }

    /// <summary>What a range-read file is (classic netCDF, HDF5, GRIB, else unknown), sniffed as a local file is (a GRIB message after a bulletin header too).</summary>
    private static async Task<ContainerKind> KindAsync(IRandomAccessInput input, CancellationToken ct) => await FormatSniffer.SniffAsync(input, ct);

    /// <summary>STORE-NAME.VAR.png in the current folder (out.zarr, sst → out.sst.png).</summary>
    private static string DefaultPlotPath(string storeUrl, string variable)
    {
        var name = storeUrl.TrimEnd('/', Path.DirectorySeparatorChar);
        name = name[(name.LastIndexOfAny(['/', Path.DirectorySeparatorChar]) + 1)..];
        if (name.EndsWith(".zarr", StringComparison.OrdinalIgnoreCase)) name = name[..^5];
        return $"{(name.Length == 0 ? "store" : name)}.{variable.Replace('/', '_')}.png";
    }

    internal static string PlotLine(PlotReport r)
    {
        var range = r.Min is { } lo && r.Max is { } hi
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{lo:G6} … {hi:G6}{(r.Units is { Length: > 0 } u ? " " + u : "")}")
            : "no values";
        return $"{r.Path}: {r.Variable} at {string.Join("; ", r.Panels)}; {range}; {r.Missing} missing ({r.Width}×{r.Height} PNG)";
    }

    internal static JsonObject PlotJson(PlotReport r) => new()
    {
        ["plot"] = r.Path,
        ["variable"] = r.Variable,
        ["panels"] = new JsonArray([.. r.Panels.Select(p => (JsonNode)p)]),
        ["min"] = r.Min,
        ["max"] = r.Max,
        ["missing"] = r.Missing,
        ["units"] = r.Units,
        ["width"] = r.Width,
        ["height"] = r.Height,
    };

    private static string Preview(string path)
    {
        var head = new byte[16];
        using (var s = File.OpenRead(path)) head = head[..s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
        var text = new string([.. head.Select(b => b is >= 32 and < 127 ? (char)b : '.')]);
        return $"\"{text}\"";
    }

    private static async Task<List<CoordinateRange>> CoordinateRangesAsync(IDatasetReader reader, string source, CancellationToken ct)
    {
        var ranges = new List<CoordinateRange>();
        foreach (var v in reader.Schema.Variables)
        {
            if (v.Rank != 1 || v.Dimensions[0] != v.Name || v.Shape[0] == 0 || v.DataType is DataType.String or DataType.Char) continue;
            var size = v.DataType.ElementSize();
            var buffer = new byte[size];
            await reader.ReadAsync(v.Name, new long[] { 0 }, new long[] { 1 }, buffer, ct);
            var first = ElementValues.ToDouble(v.DataType, buffer, 0);
            await reader.ReadAsync(v.Name, new long[] { v.Shape[0] - 1 }, new long[] { 1 }, buffer, ct);
            var last = ElementValues.ToDouble(v.DataType, buffer, 0);
            ranges.Add(CoordinateRange.Create(v.Name, v.Shape[0], first, last, v.Attributes.GetText("units"), v.Attributes.GetText("calendar"), source));
        }

        return ranges;
    }

    private static JsonObject DescribeFile(DatasetSchema schema, string source, ContainerKind kind, List<CoordinateRange> ranges)
    {
        var dims = new JsonObject();
        foreach (var d in schema.Dimensions) dims[d.Name] = d.Length;
        var vars = new JsonObject();
        foreach (var v in schema.Variables)
        {
            vars[v.Name] = new JsonObject
            {
                ["dtype"] = v.DataType.ToString().ToLowerInvariant(),
                ["dimensions"] = new JsonArray([.. v.Dimensions.Select(d => (JsonNode)d)]),
                ["shape"] = new JsonArray([.. v.Shape.Select(s => (JsonNode)s)]),
                ["coordinate"] = v.IsCoordinate,
                ["attributes"] = Attributes(v.Attributes),
            };
        }

        var coords = new JsonObject();
        foreach (var r in ranges) coords[r.Name] = r.ToJson();
        return new JsonObject
        {
            ["source"] = source,
            ["format"] = kind switch { ContainerKind.NetCdf3 => "netcdf3", ContainerKind.Hdf5 => "netcdf4/hdf5", _ => "grib" },
            ["dimensions"] = dims,
            ["variables"] = vars,
            ["attributes"] = Attributes(schema.Attributes),
            ["coordinates"] = coords,
        };
    }

    private static JsonObject Attributes(AttributeSet attributes)
    {
        var o = new JsonObject();
        foreach (var (k, v) in attributes)
        {
            o[k] = v.IsText ? v.Text : v.Count == 1 ? JsonValue.Create(v.AsDoubles()[0]) : new JsonArray([.. v.AsDoubles().Select(d => (JsonNode?)JsonValue.Create(d))]);
        }

        return o;
    }

    internal static async Task<(string Text, JsonObject Json)> DescribeStoreAsync(IStore store, string? arrayPath, CancellationToken ct)
    {
        Readers.RegisterNativeCodecs();
        var group = await ZarrGroupReader.OpenAsync(store, ct);
        if (arrayPath is not null && !group.Arrays.ContainsKey(arrayPath))
            throw new DataException($"{store.Url}: no array '{arrayPath}'{DidYouMean.Hint(arrayPath, [.. group.Arrays.Keys])}");
        var sb = new StringBuilder();
        sb.AppendLine($"zarr {store.Url}{(arrayPath is null ? "" : "/" + arrayPath)} (Zarr v{(int)group.Format}{(group.IsConsolidated ? ", consolidated" : "")})");
        sb.AppendLine(arrayPath is null ? "arrays:" : "array:");
        var arrays = new JsonObject();
        var ranges = new List<CoordinateRange>();
        foreach (var (name, a) in group.Arrays.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (arrayPath is not null && name != arrayPath) continue;
            var dims = a.DimensionNames is { } dn ? string.Join(", ", dn) : "?";
            var codecs = string.Join(" | ", a.Codecs.Select(c => c.Name));
            sb.AppendLine($"  {name} {a.DataType.ToString().ToLowerInvariant()} ({dims}) shape ({string.Join(", ", a.Shape)}) chunks ({string.Join(", ", a.InnerChunkShape ?? a.ChunkShape)})" +
                          (a.IsSharded ? $" shards ({string.Join(", ", a.ChunkShape)})" : "") + (codecs.Length > 0 ? $" codecs {codecs}" : ""));
            foreach (var (k, v) in a.Attributes) sb.AppendLine($"      {k} = {v?.ToJsonString()}");
            arrays[name] = new JsonObject
            {
                ["dtype"] = a.DataType.ToString().ToLowerInvariant(),
                ["dimensions"] = a.DimensionNames is { } names ? new JsonArray([.. names.Select(n => (JsonNode?)n)]) : null,
                ["shape"] = new JsonArray([.. a.Shape.Select(s => (JsonNode)s)]),
                ["chunks"] = new JsonArray([.. (a.InnerChunkShape ?? a.ChunkShape).Select(s => (JsonNode)s)]),
                ["shards"] = a.IsSharded ? new JsonArray([.. a.ChunkShape.Select(s => (JsonNode)s)]) : null,
                ["codecs"] = new JsonArray([.. a.Codecs.Select(c => (JsonNode)c.Name)]),
                ["attributes"] = a.Attributes.DeepClone(),
            };

            // A dimension coordinate (1-D, named after its dimension), or the one array asked for when it is 1-D.
            var isCoordinate = a.Rank == 1 && (a.DimensionNames is [var d0] && d0 == name || arrayPath is not null);
            if (isCoordinate && a.Shape[0] > 0 && a.DataType is not (DataType.String or DataType.Char))
            {
                var reader = group.OpenArray(name);
                var buffer = new byte[a.DataType.ElementSize()];
                await reader.ReadRegionAsync(new long[] { 0 }, new long[] { 1 }, buffer, ct);
                var first = ElementValues.ToDouble(a.DataType, buffer, 0);
                await reader.ReadRegionAsync(new long[] { a.Shape[0] - 1 }, new long[] { 1 }, buffer, ct);
                var last = ElementValues.ToDouble(a.DataType, buffer, 0);
                ranges.Add(CoordinateRange.Create(name, a.Shape[0], first, last, (string?)a.Attributes["units"], (string?)a.Attributes["calendar"], store.Url));
            }
        }

        if (ranges.Count > 0)
        {
            sb.AppendLine("coordinates:");
            foreach (var r in ranges) sb.AppendLine($"  {r.Text}");
        }

        var coords = new JsonObject();
        foreach (var r in ranges) coords[r.Name] = r.ToJson();
        var doc = new JsonObject
        {
            ["store"] = store.Url,
            ["zarr_format"] = (int)group.Format,
            ["consolidated"] = group.IsConsolidated,
            ["arrays"] = arrays,
            ["coordinates"] = coords,
        };
        if (arrayPath is null)
        {
            sb.AppendLine("attributes:");
            foreach (var (k, v) in group.Attributes) sb.AppendLine($"  {k} = {v?.ToJsonString()}");
            doc["attributes"] = group.Attributes.DeepClone();
        }
        else
        {
            doc["array"] = arrayPath;
        }

        return (sb.ToString(), doc);
    }
}
