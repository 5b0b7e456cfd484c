using System.CommandLine;
using System.Text;
using Forge.Cli.Composition;
using Forge.Formats.Inspect;
using Forge.Core.Storage;
using Forge.Core.Zarr;

using Forge.Sources;
using Microsoft.Extensions.Logging.Abstractions;

namespace Forge.Cli.Commands;

/// <summary><c>forge inspect</c>: a header summary of a NetCDF/GRIB file or URL, or of a Zarr store.</summary>
internal static class InspectCommand
{
    public static Command Create(CommandContext ctx)
    {
        var what = new Argument<string>("source") { Description = "A NetCDF/GRIB file, an http(s)/ftp/s3 URL of one, or a Zarr store (folder or s3://)." };
        var cmd = new Command("inspect", "Print a header summary (like ncdump -h) of a file, URL or Zarr store.") { what };
        cmd.SetAction((parse, ct) => CommandGuard.RunAsync(ctx, ct, async () =>
        {
            var source = parse.GetValue(what)!;
            if (IsZarrStore(source))
            {
                ctx.Stdout.Write(await DescribeStoreAsync(StoreFactory.Open(source, null), ct));
                return ExitCodes.Success;
            }

            // A folder that is not a store would otherwise be reported as "no such file".
            if (!source.Contains("://", StringComparison.Ordinal) && Directory.Exists(source))
                throw new IOException($"{source}: a folder, but not a Zarr store (no zarr.json or .zgroup in it)");

            var temp = Directory.CreateTempSubdirectory("forge-inspect-");
            try
            {
                using var fetcher = new InputFetcher(new FetchOptions(), null, NullLogger.Instance, temp.FullName);
                await using var file = await fetcher.FetchAsync(source.Contains("://", StringComparison.Ordinal) ? source : Path.GetFullPath(source), ct);
                await using var reader = await Readers.CreateOpener().OpenAsync(file.LocalPath, "auto", null, ct);
                ctx.Stdout.Write(DatasetSummary.Format(reader.Schema, file.Url));
                return ExitCodes.Success;
            }
            finally
            {
                try { temp.Delete(true); } catch (IOException) { }
            }
        }));
        return cmd;
    }

    private static bool IsZarrStore(string source)
    {
        if (source.StartsWith("s3://", StringComparison.Ordinal)) return true;
        var path = source.StartsWith("file://", StringComparison.Ordinal) ? new Uri(source).LocalPath : source;
        return Directory.Exists(path) && (File.Exists(Path.Combine(path, "zarr.json")) || File.Exists(Path.Combine(path, ".zgroup")));
    }

    internal static async Task<string> DescribeStoreAsync(IStore store, CancellationToken ct)
    {
        Readers.RegisterNativeCodecs();
        var group = await ZarrGroupReader.OpenAsync(store, ct);
        var sb = new StringBuilder();
        sb.AppendLine($"zarr {store.Url} (Zarr v{(int)group.Format}{(group.IsConsolidated ? ", consolidated" : "")})");
        sb.AppendLine("arrays:");
        foreach (var (name, a) in group.Arrays.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var dims = a.DimensionNames is { } dn ? string.Join(", ", dn) : "?";
            var codecs = string.Join(" | ", a.Codecs.Select(c => c.Name));
            sb.AppendLine($"  {name} {a.DataType.ToString().ToLowerInvariant()} ({dims}) shape ({string.Join(", ", a.Shape)}) chunks ({string.Join(", ", a.InnerChunkShape ?? a.ChunkShape)})" +
                          (a.IsSharded ? $" shards ({string.Join(", ", a.ChunkShape)})" : "") + (codecs.Length > 0 ? $" codecs {codecs}" : ""));
            foreach (var (k, v) in a.Attributes) sb.AppendLine($"      {k} = {v?.ToJsonString()}");
        }

        sb.AppendLine("attributes:");
        foreach (var (k, v) in group.Attributes) sb.AppendLine($"  {k} = {v?.ToJsonString()}");
        return sb.ToString();
    }
}
