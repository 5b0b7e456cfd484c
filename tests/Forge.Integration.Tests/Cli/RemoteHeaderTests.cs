using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// Header-only reads of remote files by HTTP range requests, against an in-process Kestrel server that counts the
/// bytes it serves: <c>forge inspect URL</c> of classic, 64-bit offset, CDF-5, NetCDF-4 and NetCDF-4 classic-model
/// files (made by ncgen and nccopy, many variables) reads a small fraction of each and prints what inspecting the local file prints; <c>forge plan</c>
/// reads headers and coordinates only; a server that ignores ranges makes both download whole files (said in a log
/// line); a truncated or damaged header fails naming the URL.
/// </summary>
public sealed class RemoteHeaderTests : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-remote-header-");

    public void Dispose() => CliWork.Delete(_work);

    /// <summary>A record dimension of 40 days, 90 × 180 cells, sst plus six more data variables: about 12 MB.</summary>
    private string MakeFile(string kind, string name, int firstDay = 0)
    {
        var sb = new StringBuilder();
        sb.AppendLine("netcdf big {");
        sb.AppendLine("dimensions:\n\ttime = UNLIMITED ;\n\tlat = 90 ;\n\tlon = 180 ;\n\tnv = 2 ;");
        sb.AppendLine("variables:");
        sb.AppendLine("\tdouble time(time) ;\n\t\ttime:units = \"days since 1981-09-01 12:00:00\" ;\n\t\ttime:calendar = \"standard\" ;");
        sb.AppendLine("\tfloat lat(lat) ;\n\t\tlat:units = \"degrees_north\" ;\n\tfloat lon(lon) ;\n\t\tlon:units = \"degrees_east\" ;");
        sb.AppendLine("\tfloat lat_bnds(lat, nv) ;");
        sb.AppendLine("\tshort sst(time, lat, lon) ;\n\t\tsst:_FillValue = -999s ;\n\t\tsst:scale_factor = 0.01f ;\n\t\tsst:long_name = \"sea surface temperature\" ;");
        for (var i = 0; i < 6; i++) sb.AppendLine(CultureInfo.InvariantCulture, $"\tfloat v{i}(time, lat, lon) ;\n\t\tv{i}:units = \"K\" ;");
        sb.AppendLine("\tint crs ;\n\t\tcrs:grid_mapping_name = \"latitude_longitude\" ;");
        sb.AppendLine("// global attributes:\n\t\t:title = \"remote header fixture\" ;\n\t\t:Conventions = \"CF-1.8\" ;");
        sb.AppendLine("data:");
        sb.AppendLine("\ttime = " + string.Join(", ", Enumerable.Range(firstDay, 40)) + " ;");
        sb.AppendLine("\tlat = " + string.Join(", ", Enumerable.Range(0, 90).Select(i => (-89 + (2 * i)).ToString(CultureInfo.InvariantCulture))) + " ;");
        sb.AppendLine("\tlon = " + string.Join(", ", Enumerable.Range(0, 180).Select(i => ((2 * i) + 1).ToString(CultureInfo.InvariantCulture))) + " ;");
        sb.AppendLine("\tcrs = 0 ;");
        sb.AppendLine("}");
        var cdl = Path.Combine(_work, name + ".cdl");
        File.WriteAllText(cdl, sb.ToString());
        var dir = Path.Combine(_work, "served");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name + ".nc");
        if (kind is "nc4" or "nc7")
        {
            // nccopy writes every variable's data (ncgen -k nc4 leaves unwritten chunks out), so the file is large.
            var classic = Path.Combine(_work, name + ".classic.nc");
            Processes.Check("ncgen", "-b", "-k", "classic", "-o", classic, cdl);
            Processes.Check("nccopy", "-k", kind, classic, path);
        }
        else
        {
            Processes.Check("ncgen", "-b", "-k", kind, "-o", path, cdl);
        }

        return path;
    }

    [Theory]
    [InlineData("classic")]
    [InlineData("64-bit-offset")]
    [InlineData("cdf5")]
    [InlineData("nc4")]
    [InlineData("nc7")]
    public async Task Inspect_of_a_url_reads_a_small_fraction_and_prints_what_the_local_file_gives(string kind)
    {
        var path = MakeFile(kind, "big-" + kind);
        var size = new FileInfo(path).Length;
        Assert.True(size > 10_000_000, $"{size} bytes");
        await using var server = await StaticServer.StartAsync(Path.GetDirectoryName(path)!);
        var url = $"{server.BaseUrl}/{Path.GetFileName(path)}";

        foreach (var json in new[] { false, true })
        {
            string[] extra = json ? ["--json"] : [];
            var local = await ForgeCli.RunAsync(["inspect", path, .. extra]);
            Assert.True(local.ExitCode == 0, local.Stderr);
            long before = server.BytesServed;
            var remote = await ForgeCli.RunAsync(["inspect", url, .. extra]);
            Assert.True(remote.ExitCode == 0, remote.Stderr);
            long served = server.BytesServed - before;
            Assert.Equal(local.Stdout.Replace(path, url, StringComparison.Ordinal), remote.Stdout);
            Assert.True(served < size / 50, $"{served} bytes served for inspecting a {size}-byte file");
            Assert.DoesNotContain("downloading the whole file", remote.Stderr, StringComparison.Ordinal);
        }

        var text = (await ForgeCli.RunAsync("inspect", url)).Stdout;
        Assert.Contains("time: 1981-09-01T12:00:00 … 1981-10-10T12:00:00 (40 values)", text, StringComparison.Ordinal);
        Assert.Contains("float v5(time, lat, lon)", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("classic")]
    [InlineData("nc4")]
    public async Task Inspect_of_a_file_with_many_variables_by_range_equals_the_local_one(string kind)
    {
        var sb = new StringBuilder("netcdf many {\ndimensions:\n\ttime = UNLIMITED ;\n\tlat = 30 ;\n\tlon = 60 ;\nvariables:\n\tdouble time(time) ;\n\t\ttime:units = \"days since 2000-01-01\" ;\n");
        for (var i = 0; i < 300; i++) sb.Append(CultureInfo.InvariantCulture, $"\tfloat v{i:D3}(time, lat, lon) ;\n\t\tv{i:D3}:long_name = \"variable {i}\" ;\n");
        sb.Append("data:\n\ttime = 0, 1, 2, 3, 4 ;\n}\n");
        var cdl = Path.Combine(_work, $"many-{kind}.cdl");
        File.WriteAllText(cdl, sb.ToString());
        var dir = Path.Combine(_work, "many-" + kind);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "many.nc");
        var classic = Path.Combine(_work, $"many-{kind}.classic.nc");
        Processes.Check("ncgen", "-b", "-k", "classic", "-o", classic, cdl);
        if (kind == "nc4") Processes.Check("nccopy", "-k", "nc4", classic, path);
        else File.Copy(classic, path);
        var size = new FileInfo(path).Length;
        await using var server = await StaticServer.StartAsync(dir);
        var url = $"{server.BaseUrl}/many.nc";
        var local = await ForgeCli.RunAsync("inspect", path, "--json");
        var remote = await ForgeCli.RunAsync("inspect", url, "--json");
        Assert.True(remote.ExitCode == 0, remote.Stderr);
        Assert.Equal(local.Stdout.Replace(path, url, StringComparison.Ordinal), remote.Stdout);
        Assert.True(server.BytesServed < size / 10, $"{server.BytesServed} bytes served for a {size}-byte file");
    }

    [Fact]
    public async Task A_netcdf4_file_with_groups_is_downloaded_whole_said_in_a_log_line()
    {
        var cdl = Path.Combine(_work, "grouped.cdl");
        File.WriteAllText(cdl, "netcdf grouped {\ndimensions:\n\tx = 3 ;\nvariables:\n\tint x(x) ;\ndata:\n\tx = 1, 2, 3 ;\n\ngroup: sub {\n  variables:\n\tint y ;\n  data:\n\ty = 7 ;\n  }\n}\n");
        var dir = Path.Combine(_work, "grouped");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "grouped.nc");
        Processes.Check("ncgen", "-b", "-k", "nc4", "-o", path, cdl);
        await using var server = await StaticServer.StartAsync(dir);
        var url = $"{server.BaseUrl}/grouped.nc";
        var local = await ForgeCli.RunAsync("inspect", path);
        var remote = await ForgeCli.RunAsync("inspect", url);
        Assert.Equal(local.ExitCode, remote.ExitCode);
        Assert.Equal(local.Stderr.Replace(path, url, StringComparison.Ordinal).Trim(), remote.Stderr[(remote.Stderr.IndexOf('\n', StringComparison.Ordinal) + 1)..].Trim());
        Assert.Contains($"{url}: not read by range requests (it has a sub-group 'sub'); downloading the whole file", remote.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_ignores_ranges_gets_a_whole_download_said_in_a_log_line()
    {
        var path = MakeFile("classic", "noranges");
        var size = new FileInfo(path).Length;
        await using var server = await StaticServer.StartAsync(Path.GetDirectoryName(path)!, honourRanges: false);
        var url = $"{server.BaseUrl}/{Path.GetFileName(path)}";
        var local = await ForgeCli.RunAsync("inspect", path);
        var remote = await ForgeCli.RunAsync("inspect", url);
        Assert.True(remote.ExitCode == 0, remote.Stderr);
        Assert.Equal(local.Stdout.Replace(path, url, StringComparison.Ordinal), remote.Stdout);
        Assert.Contains("does not honour range requests", remote.Stderr, StringComparison.Ordinal);
        Assert.Contains(url, remote.Stderr, StringComparison.Ordinal);
        Assert.True(server.BytesServed >= size, $"{server.BytesServed} bytes served, the file has {size}");
    }

    [Fact]
    public async Task A_truncated_or_damaged_header_fails_naming_the_url()
    {
        var path = MakeFile("classic", "whole");
        var bytes = File.ReadAllBytes(path);
        var dir = Path.GetDirectoryName(path)!;
        File.WriteAllBytes(Path.Combine(dir, "cut.nc"), bytes[..(bytes.Length / 2)]);
        File.WriteAllBytes(Path.Combine(dir, "short.nc"), bytes[..200]);
        var hostile = (byte[])bytes.Clone();
        hostile[11] = 0x7F; // the dimension count's top byte: a count the file cannot hold
        File.WriteAllBytes(Path.Combine(dir, "hostile.nc"), hostile);
        var nc4 = File.ReadAllBytes(MakeFile("nc4", "whole4"));
        File.WriteAllBytes(Path.Combine(dir, "cut4.nc"), nc4[..(nc4.Length / 2)]);
        File.WriteAllBytes(Path.Combine(dir, "short4.nc"), nc4[..2000]);
        await using var server = await StaticServer.StartAsync(dir);
        foreach (var (file, expected) in new[] { ("cut.nc", "the file is truncated"), ("short.nc", "netCDF header"), ("hostile.nc", "corrupt netCDF header"), ("cut4.nc", "HDF5"), ("short4.nc", "HDF5") })
        {
            var url = $"{server.BaseUrl}/{file}";
            var (code, _, stderr) = await ForgeCli.RunAsync("inspect", url);
            Assert.True(code == 1, $"{file}: exit {code}\n{stderr}");
            Assert.Contains(url + ": ", stderr, StringComparison.Ordinal);
            Assert.Contains(expected, stderr, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("classic", "netcdf3")]
    [InlineData("nc4", "netcdf4")]
    public async Task Plan_reads_headers_and_coordinates_by_range_and_plans_what_whole_downloads_plan(string kind, string format)
    {
        string? dir = null;
        long total = 0;
        for (var k = 0; k < 3; k++)
        {
            var path = MakeFile(kind, $"part{k}", firstDay: 40 * k);
            dir = Path.GetDirectoryName(path)!;
            total += new FileInfo(path).Length;
        }

        await using var ranged = await StaticServer.StartAsync(dir!);
        await using var whole = await StaticServer.StartAsync(dir!, honourRanges: false);
        string Recipe(string sub, string baseUrl) => RecipeFiles.Write(Path.Combine(_work, sub), "parts", $$"""
            forge: 1
            id: parts
            inputs:
              url: "{{baseUrl}}/part{n}.nc"
              concat:
                dim: time
                keys:
                  list: [0, 1, 2]
              format: {{format}}
              fetch: { retries: 1, timeout: 20s }
            target:
              zarr_format: 2
              chunks: { time: 30, lat: 45, lon: 90 }
            """.Replace("{n}", "{time}", StringComparison.Ordinal));

        var byRange = await ForgeCli.RunAsync("plan", Recipe("a", ranged.BaseUrl), "--json");
        Assert.True(byRange.ExitCode == 0, byRange.Stderr);
        var doc = JsonNode.Parse(byRange.Stdout)!;
        Assert.Equal(3, doc["inputs_read_by_range"]!.GetValue<int>());
        Assert.Equal(0, doc["inputs_downloaded"]!.GetValue<int>());
        Assert.Equal(ranged.BytesServed, doc["range_bytes_fetched"]!.GetValue<long>());
        Assert.True(ranged.BytesServed < total / 20, $"{ranged.BytesServed} bytes served of {total}");

        var downloaded = await ForgeCli.RunAsync("plan", Recipe("b", whole.BaseUrl), "--json");
        Assert.True(downloaded.ExitCode == 0, downloaded.Stderr);
        var wholeDoc = JsonNode.Parse(downloaded.Stdout)!;
        Assert.Equal(0, wholeDoc["inputs_read_by_range"]!.GetValue<int>());
        Assert.Equal(3, wholeDoc["inputs_downloaded"]!.GetValue<int>());
        Assert.True(whole.BytesServed >= total);
        Assert.True(JsonNode.DeepEquals(doc["plan"], wholeDoc["plan"]), $"{doc["plan"]!.ToJsonString()}\nvs\n{wholeDoc["plan"]!.ToJsonString()}");
        Assert.Equal(120, doc["plan"]!["concat_length"]!.GetValue<long>());
    }
}
