using System.Text.Json.Nodes;
using Forge.Cli.Composition;
using Forge.Core.Zarr;
using Forge.Storage.S3;
using Forge.Integration.Tests.Cli;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests;

/// <summary>
/// NetCDF char variables (station names, per-step labels, a 0-d grid-mapping variable) through `forge run`: the Zarr v2
/// store read by Debian's xarray and the Zarr v3 store read by zarrita give the same text as xarray's reading of the
/// inputs (one classic, one NetCDF-4 file made by ncgen), and so does numcodecs' VLenUTF8, which zarr-python 3
/// decodes with. Float attributes equal to NaN/±Infinity: floats in v2 (as xarray + zarr-python 2 write them), the
/// strings "NaN"/"Infinity" in v3 (as zarr-python 3 and zarrita write them).
/// </summary>
public sealed class TextVariableTests : IDisposable
{
    private const string Cdl = """
        netcdf st {
        dimensions:
          time = UNLIMITED ;
          station = 3 ;
          name_strlen = 12 ;
          label_len = 5 ;
        variables:
          double time(time) ;
            time:units = "days since 2000-01-01" ;
          char station_name(station, name_strlen) ;
            station_name:long_name = "station name" ;
            station_name:cf_role = "timeseries_id" ;
          float temp(time, station) ;
            temp:coordinates = "station_name" ;
            temp:valid_max = NaN ;
            temp:big = Infinity, -Infinity ;
          char crs ;
            crs:grid_mapping_name = "latitude_longitude" ;
          char label(time, label_len) ;
        data:
          time = TIMES ;
          station_name = "ZÜRICH", "ALERT", "" ;
          temp = 1, 2, 3, 4, 5, 6 ;
          crs = "A" ;
          label = LABELS ;
        }
        """;

    private readonly string _work = CliWork.TempDir("forge-text-");

    public void Dispose() => CliWork.Delete(_work);

    private string[] MakeInputs(string labels2 = "\"hé\", \"\"")
    {
        var first = Path.Combine(_work, "st-1.nc");
        var second = Path.Combine(_work, "st-2.nc");
        File.WriteAllText(Path.Combine(_work, "st-1.cdl"), Cdl.Replace("TIMES", "0, 1").Replace("LABELS", "\"ok\", \"gap\""));
        File.WriteAllText(Path.Combine(_work, "st-2.cdl"), Cdl.Replace("TIMES", "2, 3").Replace("LABELS", labels2));
        Processes.Check("ncgen", "-k", "classic", "-o", first, Path.Combine(_work, "st-1.cdl"));
        Processes.Check("ncgen", "-k", "nc4", "-o", second, Path.Combine(_work, "st-2.cdl"));
        return [first, second];
    }

    private string Recipe(int format, string targetExtra = "", string keys = "1, 2") => RecipeFiles.Write(_work, $"text-v{format}{(targetExtra.Length > 0 ? "-extra" : "")}{(keys == "1, 2" ? "" : "-first")}", $$"""
        forge: 1
        id: text-v{{format}}
        inputs:
          url: "{{_work}}/st-{n}.nc"
          concat:
            dim: time
            keys:
              list: [{{keys}}]
        target:
          zarr_format: {{format}}
          {{targetExtra}}
        """.Replace("{n}", "{time}"));

    [Fact]
    public async Task Char_variables_read_as_the_same_text_from_v2_by_xarray_and_from_v3_by_zarrita()
    {
        var files = MakeInputs();
        var v2 = Path.Combine(_work, "v2.zarr");
        var v3 = Path.Combine(_work, "v3.zarr");
        var sharded = Path.Combine(_work, "v3-sharded.zarr");
        // v2 and v3 are written from the first input, then appended to with the second: the ledger, append check and
        // verify read back what Forge wrote (0-d char arrays, NaN attributes; a 0-d array once crashed the append check).
        foreach (var (recipe, store) in new[] { (Recipe(2, keys: "1"), v2), (Recipe(3, keys: "1"), v3), (Recipe(2), v2), (Recipe(3), v3), (Recipe(3, "chunks: { time: 1 }\n  shards: { time: 2 }"), sharded) })
        {
            var (code, _, err) = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "none");
            Assert.True(code == 0, err);
        }

        foreach (var (format, store) in new[] { (2, v2), (3, v3) })
        {
            var (code, _, err) = await ForgeCli.RunAsync("verify", Recipe(format), "--target", store, "--sample", "all");
            Assert.True(code == 0, err);
        }

        // xarray: the inputs and the v2 store give equal text (and equal non-finite float attributes).
        var (pyCode, pyOut, pyErr) = Processes.Run(Processes.Python, [Path.Combine(AppContext.BaseDirectory, "peers", "compare_text.py"), v2, "time", "station_name,label,crs", "--", .. files]);
        Assert.True(pyCode == 0, $"xarray comparison failed:\n{pyOut}\n{pyErr}");
        var expected = JsonNode.Parse(pyOut)!;
        Assert.Equal(["ZÜRICH", "ALERT", ""], expected["variables"]!["station_name"]!["text"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["ok", "gap", "hé", ""], expected["variables"]!["label"]!["text"]!.AsArray().Select(n => n!.GetValue<string>()));

        // zarrita: the v3 store's string arrays hold the same text, with xarray's dims (no char dimension).
        var zarrita = Repo.PathOf("tests", "interop", "zarrita");
        Zarrita.Read("v3", v3, WriteEmptyManifest()); // installs zarrita when needed
        var (nodeCode, nodeOut, nodeErr) = Processes.Run("node", [Path.Combine(zarrita, "read_text.mjs"), v3, "station_name,label,crs", "temp"]);
        Assert.True(nodeCode == 0, $"zarrita could not read the text:\n{nodeOut}\n{nodeErr}");
        var got = JsonNode.Parse(nodeOut)!;
        foreach (var name in new[] { "station_name", "label", "crs" })
        {
            Assert.Equal(expected["variables"]![name]!["text"]!.ToJsonString(), got[name]!["text"]!.ToJsonString());
            var doc = JsonNode.Parse(File.ReadAllText(Path.Combine(v3, name, "zarr.json")))!;
            Assert.Equal("string", doc["data_type"]!.GetValue<string>());
            Assert.Equal(expected["variables"]![name]!["dims"]!.ToJsonString(), doc["dimension_names"]!.ToJsonString());
        }

        Assert.Equal("name_strlen=12", got["station_name"]!["attrs"]!["_CharDimension"]!.GetValue<string>());

        // numcodecs' VLenUTF8 (the codec zarr-python 3's vlen-utf8 calls) decodes the v3 chunks to the same text.
        var (ncCode, ncOut, ncErr) = Processes.Run(Processes.Python, [Path.Combine(AppContext.BaseDirectory, "peers", "numcodecs_text.py"), v3, "station_name,label,crs"]);
        Assert.True(ncCode == 0, $"numcodecs could not decode the text:\n{ncOut}\n{ncErr}");
        foreach (var name in new[] { "station_name", "label", "crs" })
            Assert.Equal(expected["variables"]![name]!["text"]!.ToJsonString(), JsonNode.Parse(ncOut)![name]!["text"]!.ToJsonString());

        // With shards requested, numeric arrays are sharded and char arrays stay unsharded text with the same content.
        var (shCode, shOut, shErr) = Processes.Run("node", [Path.Combine(zarrita, "read_text.mjs"), sharded, "station_name,label,crs"]);
        Assert.True(shCode == 0, $"zarrita could not read the sharded store's text:\n{shOut}\n{shErr}");
        foreach (var name in new[] { "station_name", "label", "crs" })
            Assert.Equal(got[name]!["text"]!.ToJsonString(), JsonNode.Parse(shOut)![name]!["text"]!.ToJsonString());
        Assert.Contains("sharding_indexed", File.ReadAllText(Path.Combine(sharded, "temp", "zarr.json")), StringComparison.Ordinal);

        // v3 attributes are strict JSON: NaN/±Infinity are the strings zarr-python 3 and zarrita write (and read back
        // as strings); zarrita parses the document (JSON.parse would refuse bare NaN tokens) and gets those strings.
        var temp = JsonNode.Parse(File.ReadAllText(Path.Combine(v3, "temp", "zarr.json")))!["attributes"]!;
        Assert.Equal("NaN", temp["valid_max"]!.GetValue<string>());
        Assert.Equal("""["Infinity","-Infinity"]""", temp["big"]!.ToJsonString());
        Assert.Equal("NaN", got["temp"]!["attrs"]!["valid_max"]!.GetValue<string>());
        Assert.Equal("""["Infinity","-Infinity"]""", got["temp"]!["attrs"]!["big"]!.ToJsonString());

        // Forge reads its v3 text back as the same char rows as the v2 store, and a rerun has nothing to do.
        Readers.RegisterNativeCodecs();
        var g2 = await ZarrGroupReader.OpenAsync(StoreLocator.Open(v2));
        var g3 = await ZarrGroupReader.OpenAsync(StoreLocator.Open(v3));
        foreach (var name in new[] { "station_name", "label", "crs" })
        {
            Assert.Equal(g2.Arrays[name].Shape.ToArray(), g3.Arrays[name].Shape.ToArray());
            Assert.Equal(await g2.OpenArray(name).ReadAllAsync(), await g3.OpenArray(name).ReadAllAsync());
        }

        var again = await ForgeCli.RunAsync("run", Recipe(3), "--target", v3, "--progress", "none");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("up to date", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Char_data_that_is_not_utf8_is_refused_for_v3_naming_the_variable_and_kept_as_bytes_in_v2()
    {
        // Latin-1 'é' (0xE9) alone is not UTF-8: v3 text cannot hold it unchanged, so the run fails instead of altering it.
        MakeInputs(labels2: "\"h\\351\", \"\"");
        var v3 = Path.Combine(_work, "latin1-v3.zarr");
        var (code, _, err) = await ForgeCli.RunAsync("run", Recipe(3), "--target", v3, "--progress", "none");
        Assert.Equal(1, code);
        Assert.Contains("label", err, StringComparison.Ordinal);
        Assert.Contains("UTF-8", err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(v3, "zarr.json")), "no store may be published");

        var v2 = Path.Combine(_work, "latin1-v2.zarr");
        var ok = await ForgeCli.RunAsync("run", Recipe(2), "--target", v2, "--progress", "none");
        Assert.True(ok.ExitCode == 0, ok.Stderr);
    }

    // An empty manifest: read.mjs reads nothing, which installs zarrita's node_modules on a fresh checkout.
    private string WriteEmptyManifest()
    {
        var path = Path.Combine(_work, "empty-manifest.json");
        File.WriteAllText(path, """{"arrays": []}""");
        return path;
    }
}
