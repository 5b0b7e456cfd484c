using System.Security.Cryptography;
using Forge.Core.Arrays;

namespace Forge.Recipes.Tests;

public sealed class RecipeParsingTests : IDisposable
{
    private readonly TempRecipeDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Full_recipe_parses_every_key()
    {
        var path = _dir.Write("oisst.yaml", Samples.FullRecipe);
        var recipe = RecipeLoader.LoadRecipe(path);

        Assert.Equal(1, recipe.FormatVersion);
        Assert.Equal("noaa-oisst-avhrr", recipe.Id);
        Assert.Equal("NOAA OISST v2.1 AVHRR-only daily", recipe.Title);
        Assert.Equal("Daily 0.25 degree SST", recipe.Description);
        Assert.Equal(path, recipe.SourcePath);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), recipe.Sha256);

        var inputs = recipe.Inputs;
        Assert.Equal("https://www.ncei.noaa.gov/data/v2.1/avhrr/{time:%Y%m}/oisst-avhrr-v02r01.{time:%Y%m%d}.{variable}.nc", inputs.UrlTemplate);
        Assert.Equal("time", inputs.Concat.Dim);
        Assert.Equal(122, inputs.Concat.Keys.Length); // Sep 30 + Oct 31 + Nov 30 + Dec 31
        Assert.Equal(new DateKey(new DateOnly(1981, 9, 1)), inputs.Concat.Keys[0]);
        Assert.Equal(new DateKey(new DateOnly(1981, 12, 31)), inputs.Concat.Keys[^1]);
        Assert.Equal(new KeyRange(new DateKey(new DateOnly(1981, 9, 1)), new DateKey(new DateOnly(1981, 12, 31)), RangeStep.OneDay), inputs.Concat.Range);
        Assert.Equal(1, inputs.Concat.ItemsPerFile);
        Assert.Equal("variable", inputs.Merge!.Dim);
        Check.Seq(["tmax", "tmin", "ppt"], inputs.Merge.Keys);
        Assert.Equal(InputFormat.Grib, inputs.Format);
        Check.Seq(["surface"], inputs.Grib!.Filter["typeOfLevel"]);
        Check.Seq(["2t", "tp"], inputs.Grib.Filter["shortName"]);
        Assert.Equal(8, inputs.Fetch.Concurrency);
        Assert.Equal(3, inputs.Fetch.Retries);
        Assert.Equal(TimeSpan.FromSeconds(90), inputs.Fetch.Timeout);
        Assert.Equal(new BearerAuth("EARTHDATA_TOKEN"), inputs.Fetch.Auth);
        Assert.Equal("MY_API_KEY_ENV", Assert.Single(inputs.Fetch.QuerySecrets, p => p.Key == "apikey").Value);
        Assert.Equal(".forge/cache", inputs.Cache);

        Assert.Collection(recipe.Transforms,
            t => Check.Seq(["zlev"], Assert.IsType<SqueezeTransform>(t).Dims),
            t => Check.Seq(["zlev"], Assert.IsType<DropTransform>(t).Variables),
            t => Check.Seq(["sst", "anom"], Assert.IsType<SelectTransform>(t).Variables),
            t =>
            {
                var rename = Assert.IsType<RenameTransform>(t);
                Assert.Equal("latitude", rename.Names["lat"]);
                Assert.Equal("longitude", rename.Names["lon"]);
            },
            t => Check.Seq(["time_bnds"], Assert.IsType<SetCoordsTransform>(t).Variables),
            t =>
            {
                var attrs = Assert.IsType<AttrsTransform>(t);
                Assert.Equal("CC0-1.0", attrs.Global["license"]!.Text);
                Assert.Equal(DataType.Int64, attrs.Global["version"]!.Type);
                Check.Seq([2L], attrs.Global["version"]!.Integers);
                Assert.True(attrs.Global.ContainsKey("old"));
                Assert.Null(attrs.Global["old"]);
                Assert.Equal("a comment", attrs.Variables["sst"]["comment"]!.Text);
                Assert.Equal(DataType.Float64, attrs.Variables["sst"]["valid_range"]!.Type);
                Check.Seq([-3.0, 45.5], attrs.Variables["sst"]["valid_range"]!.Reals);
            },
            t => Check.Seq(["sst"], Assert.IsType<DecodeCfTransform>(t).Variables));
        Assert.Equal(new SourceLocation(path, 27, 5), recipe.Transforms[0].Location);
        Assert.Equal("decode_cf", recipe.Transforms[6].Name);

        var target = recipe.Target;
        Assert.Equal("s3://bucket/oisst.zarr", target.Url);
        Assert.True(target.IsS3);
        Assert.Equal(3, target.ZarrFormat);
        Assert.False(target.Chunks.IsAuto);
        Assert.Equal(365, target.Chunks.Explicit!["time"]);
        Assert.Equal(180, target.Chunks.Explicit["lat"]);
        Assert.Equal(360, target.Chunks.Explicit["lon"]);
        Assert.Equal(32L << 20, target.ChunkSize);
        Assert.Equal(730, Assert.Single(target.Shards!).Value);
        Assert.Equal(new ZstdCodecSpec(5), target.Codec);
        var sst = target.Variables["sst"];
        Assert.Equal(730, sst.Chunks!.Explicit!["time"]);
        Assert.Equal(new BloscCodecSpec("lz4", 5, BloscShuffle.BitShuffle, 0), sst.Codec);
        Assert.Equal(DataType.Float32, sst.DType);
        Assert.True(double.IsNaN(sst.FillValue!.Value!.Value));
        var anom = target.Variables["anom"];
        Assert.Null(anom.Chunks);
        Assert.Null(anom.Codec);
        Assert.Equal(DataType.Int16, anom.DType);
        Assert.Equal(new FillValueSpec(-999, -999), anom.FillValue);
        Assert.Equal(new S3Options("https://s3.example.org", "us-east-1", false, null), target.S3);
        Assert.Equal("OISST", target.Attrs["title"]!.Text);
        Check.Seq([1.5], target.Attrs["number"]!.Reals);

        Assert.Equal(500_000_000L, recipe.Run.MaxMemory);
        Assert.Equal(3, recipe.Run.Workers);

        Assert.True(recipe.Has("target.shards"));
        Assert.False(recipe.Has("inputs.fetch.auth.netrc"));
        Assert.Equal(new SourceLocation(path, 16, 3), recipe.LocationOf("inputs.grib"));
        Assert.Equal(new SourceLocation(path, 39, 3), recipe.LocationOf("target.shards"));
        var refused = recipe.ErrorAt("target.shards", "sharding is not supported yet");
        Assert.Equal($"{path}:39:3: sharding is not supported yet", refused.Message);
    }

    [Fact]
    public void Minimal_recipe_takes_the_documented_defaults()
    {
        var recipe = RecipeLoader.LoadRecipe(_dir.Write("minimal.yaml", Samples.Minimal));

        Assert.Null(recipe.Title);
        Assert.Null(recipe.Inputs.Merge);
        Assert.Null(recipe.Inputs.Concat.ItemsPerFile);
        Assert.Equal(InputFormat.Auto, recipe.Inputs.Format);
        Assert.Null(recipe.Inputs.Grib);
        Assert.Equal(SubGroups.Reject, recipe.Inputs.NetCdf.SubGroups);
        Assert.Equal(4, recipe.Inputs.Fetch.Concurrency);
        Assert.Equal(5, recipe.Inputs.Fetch.Retries);
        Assert.Equal(TimeSpan.FromSeconds(120), recipe.Inputs.Fetch.Timeout);
        Assert.Null(recipe.Inputs.Fetch.Auth);
        Assert.Empty(recipe.Inputs.Fetch.QuerySecrets);
        Assert.Null(recipe.Inputs.Cache);
        Assert.Empty(recipe.Transforms);
        Assert.Equal("./output/minimal.zarr", recipe.Target.Url);
        Assert.Equal(3, recipe.Target.ZarrFormat);
        Assert.True(recipe.Target.Chunks.IsAuto);
        Assert.Equal(64L * 1024 * 1024, recipe.Target.ChunkSize);
        Assert.Null(recipe.Target.Shards);
        Assert.Equal(new ZstdCodecSpec(3), recipe.Target.Codec);
        Assert.Empty(recipe.Target.Variables);
        Assert.Null(recipe.Target.S3);
        Assert.Empty(recipe.Target.Attrs);
        Assert.Equal(2L * 1024 * 1024 * 1024, recipe.Run.MaxMemory);
        Assert.Null(recipe.Run.Workers);
        Assert.Equal(10, recipe.Inputs.Concat.Keys.Length);
    }

    [Theory]
    [InlineData("codec: none", typeof(NoCodecSpec))]
    [InlineData("codec: zstd", typeof(ZstdCodecSpec))]
    [InlineData("codec: { gzip: { level: 9 } }", typeof(GzipCodecSpec))]
    [InlineData("codec: { gzip: }", typeof(GzipCodecSpec))]
    [InlineData("codec: { blosc: { cname: zlib } }", typeof(BloscCodecSpec))]
    [InlineData("codec: { none: {} }", typeof(NoCodecSpec))]
    public void Codec_forms_parse(string codecLine, Type expected)
    {
        var recipe = RecipeLoader.ParseRecipe("c.yaml", Samples.Minimal + "\ntarget:\n  " + codecLine + "\n");
        Assert.IsType(expected, recipe.Target.Codec);
        if (recipe.Target.Codec is GzipCodecSpec gzip) Assert.Equal(codecLine.Contains('9', StringComparison.Ordinal) ? 9 : GzipCodecSpec.DefaultLevel, gzip.Level);
        if (recipe.Target.Codec is BloscCodecSpec blosc) Assert.Equal(new BloscCodecSpec("zlib", 5, BloscShuffle.Shuffle, 0), blosc);
    }

    [Fact]
    public void Auth_basic_and_netrc_parse()
    {
        var basic = RecipeLoader.ParseRecipe("a.yaml", Samples.Minimal + "\n  fetch:\n    auth:\n      basic: { username_env: EARTHDATA_USER, password_env: EARTHDATA_PASS }\n");
        Assert.Equal(new BasicAuth("EARTHDATA_USER", "EARTHDATA_PASS"), basic.Inputs.Fetch.Auth);
        var netrc = RecipeLoader.ParseRecipe("a.yaml", Samples.Minimal + "\n  fetch:\n    auth: { netrc: true }\n");
        Assert.IsType<NetrcAuth>(netrc.Inputs.Fetch.Auth);
        var off = RecipeLoader.ParseRecipe("a.yaml", Samples.Minimal + "\n  fetch:\n    auth: { netrc: false }\n");
        Assert.Null(off.Inputs.Fetch.Auth);
    }

    [Fact]
    public void Run_strategy_and_scratch_parse()
    {
        var recipe = RecipeLoader.ParseRecipe("w.yaml", Samples.Minimal + "\nrun: { strategy: spill, scratch: scratch/dir }\n");
        Assert.Equal(Forge.Core.Planning.RechunkStrategy.Spill, recipe.Run.Strategy);
        Assert.Equal("scratch/dir", recipe.Run.Scratch);
        Assert.Equal(Forge.Core.Planning.RechunkStrategy.MultiPass, RecipeLoader.ParseRecipe("w.yaml", Samples.Minimal + "\nrun: { strategy: passes }\n").Run.Strategy);
        Assert.Equal(Forge.Core.Planning.RechunkStrategy.SinglePass, RecipeLoader.ParseRecipe("w.yaml", Samples.Minimal + "\nrun: { strategy: single }\n").Run.Strategy);
        var auto = RecipeLoader.ParseRecipe("w.yaml", Samples.Minimal + "\nrun: { strategy: auto, scratch: file:///var/tmp/forge }\n");
        Assert.Null(auto.Run.Strategy);
        Assert.Equal("/var/tmp/forge", auto.Run.Scratch);
        Assert.Null(RecipeLoader.ParseRecipe("w.yaml", Samples.Minimal).Run.Strategy);
    }

    [Fact]
    public void Run_fsync_defaults_to_true_and_parses()
    {
        Assert.True(RecipeLoader.ParseRecipe("w.yaml", Samples.Minimal).Run.Fsync);
        Assert.False(RecipeLoader.ParseRecipe("w.yaml", Samples.Minimal + "\nrun: { fsync: false }\n").Run.Fsync);
        Assert.True(RecipeLoader.ParseRecipe("w.yaml", Samples.Minimal + "\nrun: { fsync: true, workers: 2 }\n").Run.Fsync);
    }

    [Fact]
    public void Workers_auto_zarr2_and_chunks_auto_parse()
    {
        var recipe = RecipeLoader.ParseRecipe("w.yaml", Samples.Minimal + "\ntarget: { zarr_format: 2, chunks: auto, url: file:///data/x.zarr }\nrun: { workers: auto, max_memory: 1.5GiB }\n");
        Assert.Null(recipe.Run.Workers);
        Assert.Equal(3L * 512 * 1024 * 1024, recipe.Run.MaxMemory);
        Assert.Equal(2, recipe.Target.ZarrFormat);
        Assert.True(recipe.Target.Chunks.IsAuto);
        Assert.Equal("file:///data/x.zarr", recipe.Target.Url);
    }

    [Fact]
    public void Same_bytes_give_the_same_digest_and_one_byte_changes_it()
    {
        var a = RecipeLoader.ParseRecipe("a.yaml", Samples.Minimal);
        var b = RecipeLoader.ParseRecipe("b.yaml", Samples.Minimal);
        var c = RecipeLoader.ParseRecipe("c.yaml", Samples.Minimal + "\n");
        Assert.Equal(a.Sha256, b.Sha256);
        Assert.NotEqual(a.Sha256, c.Sha256);
        Assert.Equal(64, a.Sha256.Length);
    }
}
