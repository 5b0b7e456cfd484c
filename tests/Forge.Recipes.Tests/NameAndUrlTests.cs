namespace Forge.Recipes.Tests;

/// <summary>
/// Names a recipe introduces (rename targets, selections, per-variable settings) become Zarr array names and store
/// keys: a name that would be a path is an error at its line:column. s3 target URLs are normalized, and a prefix
/// that climbs out of its bucket is refused.
/// </summary>
public sealed class NameAndUrlTests
{
    private const string Minimal = "forge: 1\nid: names\ninputs:\n  url: \"https://example.org/{time}.nc\"\n  concat:\n    dim: time\n    keys:\n      list: [1, 2]\n"; // 8 lines

    private static RecipeException Fails(string yaml, int line, int column, string fragment)
    {
        var e = Assert.Throws<RecipeException>(() => RecipeLoader.ParseRecipe("r.yaml", yaml));
        Assert.True(e.Line == line && e.Column == column, $"{e.Line}:{e.Column} {e.Message}");
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void A_rename_to_a_path_is_refused_at_the_new_name() =>
        Fails(Minimal + "transforms:\n  - rename: { sst: '../../../X' }\n", 10, 20, "name '../../../X' in 'transforms[0].rename.sst' contains a path separator");

    [Fact]
    public void A_rename_from_a_dot_name_is_refused() =>
        Fails(Minimal + "transforms:\n  - rename: { '..': x }\n", 10, 15, "name '..' in 'transforms[0].rename' is '.' or '..'");

    [Fact]
    public void Select_names_are_checked() =>
        Fails(Minimal + "transforms:\n  - select: [sst, 'a/b']\n", 10, 19, "name 'a/b' in 'transforms[0].select' contains a path separator");

    [Fact]
    public void Attrs_variable_keys_are_checked() =>
        Fails(Minimal + "transforms:\n  - attrs: { '.zattrs': { a: 1 } }\n", 10, 14, "starts with '.'");

    [Fact]
    public void Target_variable_names_are_checked() =>
        Fails(Minimal + "target:\n  variables:\n    '__x': { dtype: float32 }\n", 11, 5, "starts with '__'");

    [Fact]
    public void A_control_character_in_a_name_is_shown_escaped() =>
        Fails(Minimal + "transforms:\n  - drop: [\"a\\nb\"]\n", 10, 12, "name 'a\\u000ab'");

    [Theory]
    [InlineData("s3://bucket/a/../../b.zarr", "climbs out of bucket 'bucket'")]
    [InlineData("s3://bucket/..", "climbs out of bucket 'bucket'")]
    [InlineData("s3://../b.zarr", "'..' is not a bucket name")]
    public void A_target_url_that_escapes_its_bucket_is_refused(string url, string fragment) =>
        Fails(Minimal + $"target: {{ url: \"{url}\" }}\n", 9, 16, fragment);

    [Theory]
    [InlineData("s3://bucket/a/../b.zarr", "s3://bucket/b.zarr")]
    [InlineData("s3://bucket/./x//y.zarr/", "s3://bucket/x/y.zarr")]
    [InlineData("s3://bucket", "s3://bucket")]
    [InlineData("./out/../x.zarr", "./out/../x.zarr")]
    public void Target_urls_are_normalized(string url, string expected) =>
        Assert.Equal(expected, RecipeLoader.ParseRecipe("r.yaml", Minimal + $"target: {{ url: \"{url}\" }}\n").Target.Url);

    [Fact]
    public void Ordinary_names_pass() =>
        Assert.Single(RecipeLoader.ParseRecipe("r.yaml", Minimal + "transforms:\n  - rename: { lat: latitude, 'sst anom': sst_anom }\n  - select: [latitude, 'Température']\n").Transforms.Take(1));
}
