namespace Forge.Recipes.Tests;

public sealed class FeedstockTests : IDisposable
{
    private const string Meta = """
        title: "NOAA Optimum Interpolation SST v2.1"
        description: "Daily 0.25 degree SST, AVHRR-only"
        recipes:
          - id: minimal
            path: minimal.yaml
          - id: other
            path: sub/other.yaml
        provenance:
          providers:
            - name: NOAA NCEI
              description: National Centers for Environmental Information
              roles: [producer, licensor, host]
              url: https://www.ncei.noaa.gov/products/optimum-interpolation-sst
          license: CC0-1.0
        maintainers:
          - name: Jane Doe
            github: janedoe
            orcid: 0000-0000-0000-000X
        """;

    private readonly TempRecipeDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private void WriteRecipes()
    {
        _dir.Write("minimal.yaml", Samples.Minimal);
        _dir.Write("sub/other.yaml", Samples.Minimal.Replace("id: minimal", "id: other", StringComparison.Ordinal));
    }

    [Fact]
    public void Feedstock_loads_meta_and_recipes_in_meta_order()
    {
        WriteRecipes();
        _dir.Write("meta.yaml", Meta);
        var feedstock = RecipeLoader.LoadFeedstock(_dir.Path);

        var meta = feedstock.Meta;
        Assert.Equal("NOAA Optimum Interpolation SST v2.1", meta.Title);
        Assert.Equal("Daily 0.25 degree SST, AVHRR-only", meta.Description);
        Assert.Equal(["minimal", "other"], meta.Recipes.Select(r => r.Id).ToArray());
        Assert.Equal("sub/other.yaml", meta.Recipes[1].Path);
        var provider = Assert.Single(meta.Provenance!.Providers);
        Assert.Equal("NOAA NCEI", provider.Name);
        Assert.Equal("National Centers for Environmental Information", provider.Description);
        Assert.Equal(["producer", "licensor", "host"], provider.Roles.ToArray());
        Assert.Equal("https://www.ncei.noaa.gov/products/optimum-interpolation-sst", provider.Url);
        Assert.Equal("CC0-1.0", meta.Provenance.License);
        Assert.Equal(new Maintainer("Jane Doe", "janedoe", "0000-0000-0000-000X"), Assert.Single(meta.Maintainers));

        Assert.Equal(["minimal", "other"], feedstock.Recipes.Select(r => r.Id).ToArray());
        Assert.Equal(["minimal", "other"], RecipeLoader.Load(_dir.Path).Select(r => r.Id).ToArray());
        Assert.Equal(["minimal", "other"], RecipeLoader.Load(Path.Combine(_dir.Path, "meta.yaml")).Select(r => r.Id).ToArray());
    }

    [Fact]
    public void A_recipe_file_loads_alone_without_meta()
    {
        var path = _dir.Write("minimal.yaml", Samples.Minimal);
        Assert.Equal("minimal", Assert.Single(RecipeLoader.Load(path)).Id);
    }

    [Fact]
    public void Folder_without_meta_is_an_error()
    {
        WriteRecipes();
        var e = Assert.Throws<RecipeException>(() => RecipeLoader.Load(_dir.Path));
        Assert.Contains("has no meta.yaml", e.Message, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(_dir.Path, "meta.yaml"), e.File);
    }

    [Fact]
    public void Recipe_id_must_match_the_recipe_file()
    {
        WriteRecipes();
        var meta = _dir.Write("meta.yaml", Meta.Replace("id: other", "id: another", StringComparison.Ordinal));
        var e = Assert.Throws<RecipeException>(() => RecipeLoader.LoadFeedstock(_dir.Path));
        Assert.Equal($"{meta}:6:9: recipe id 'another' does not match id 'other' in sub/other.yaml", e.Message);
    }

    [Fact]
    public void Recipe_path_must_exist()
    {
        WriteRecipes();
        var meta = _dir.Write("meta.yaml", Meta.Replace("path: minimal.yaml", "path: missing.yaml", StringComparison.Ordinal));
        var e = Assert.Throws<RecipeException>(() => RecipeLoader.LoadFeedstock(_dir.Path));
        Assert.StartsWith($"{meta}:5:11: recipe file 'missing.yaml' does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_inside_listed_recipes_name_the_recipe_file()
    {
        WriteRecipes();
        var bad = _dir.Write("sub/other.yaml", Samples.Minimal.Replace("id: minimal", "id: other", StringComparison.Ordinal) + "\ntagret: {}\n");
        _dir.Write("meta.yaml", Meta);
        var e = Assert.Throws<RecipeException>(() => RecipeLoader.LoadFeedstock(_dir.Path));
        Assert.True(e.Message.StartsWith($"{bad}:9:1: unknown key 'tagret'", StringComparison.Ordinal), e.Message);
    }

    [Theory]
    [InlineData("maintainers:\n  - name: Jane Doe\n", "bakeries: {}\n", 19, 1, "unknown key 'bakeries' in the top level")]
    [InlineData("maintainers:\n  - name: Jane Doe\n", "bakery: {}\n", 19, 1, "'bakery' is a pangeo-forge key: delete it")]
    [InlineData("    path: minimal.yaml\n", "    object: \"recipe:recipe\"\n", 5, 5, "'object' names a Python recipe (module:attribute), a pangeo-forge key")]
    [InlineData("roles: [producer, licensor, host]", "roles: [producer, owner]", 12, 25, "unknown provider role 'owner'; allowed (STAC): producer, licensor, processor, host")]
    [InlineData("orcid: 0000-0000-0000-000X", "orcid: 1234", 18, 12, "invalid ORCID iD '1234'")]
    [InlineData("  - id: other\n", "  - id: minimal\n", 6, 9, "recipe id 'minimal' is listed twice")]
    [InlineData("  - id: other\n", "  - id: Other\n", 6, 9, "invalid id 'Other'")]
    [InlineData("title: \"NOAA Optimum Interpolation SST v2.1\"\n", "", 1, 1, "missing required key 'title' in the top level")]
    public void Meta_errors_have_positions(string find, string replace, int line, int column, string fragment)
    {
        WriteRecipes();
        var text = Meta + "\n";
        Assert.Contains(find, text, StringComparison.Ordinal);
        text = find.StartsWith("maintainers", StringComparison.Ordinal) ? text + replace : text.Replace(find, replace, StringComparison.Ordinal);
        var meta = _dir.Write("meta.yaml", text);
        var e = Assert.Throws<RecipeException>(() => RecipeLoader.LoadFeedstock(_dir.Path));
        Assert.True(e.Message.StartsWith($"{meta}:{line}:{column}: {fragment}", StringComparison.Ordinal), e.Message);
    }
}
