using System.Diagnostics;
using System.Text;

namespace Forge.Recipes.Tests;

/// <summary>
/// Hostile recipe structure is refused on the YAML event stream, before a tree is built, with a line:column: deep
/// nesting (the tree builder recurses per level and overflowed the stack at 40,000 levels), huge lists and node counts.
/// </summary>
public sealed class StructureLimitTests
{
    private const string Head = "forge: 1\nid: hostile\ninputs:\n  url: \"https://example.org/{time}.nc\"\n  concat:\n    dim: time\n    keys:\n";

    private static RecipeException Refused(string yaml)
    {
        // A thread with a small stack: on the old code the recursive tree builder overflowed it quickly.
        RecipeException? caught = null;
        var thread = new Thread(() =>
        {
            try { RecipeLoader.ParseRecipe("r.yaml", yaml); }
            catch (RecipeException e) { caught = e; }
        }, 16 << 20);
        thread.Start();
        thread.Join();
        Assert.NotNull(caught);
        return caught;
    }

    [Theory]
    [InlineData("flow")]
    [InlineData("block")]
    public void Deep_nesting_is_refused_at_the_level_that_crosses_the_limit(string style)
    {
        var sb = new StringBuilder(Head).Append("      list: ");
        if (style == "flow")
        {
            sb.Append('[', 40_000).Append(']', 40_000).Append('\n');
        }
        else
        {
            // "- - - x" nests one list per dash on a single line.
            sb.Append("\n        ");
            for (var i = 0; i < 40_000; i++) sb.Append("- ");
            sb.Append("x\n");
        }

        var e = Refused(sb.ToString());
        Assert.Contains("nested more than 64 levels deep", e.Message, StringComparison.Ordinal);
        Assert.Equal(style == "flow" ? 8 : 9, e.Line);
    }

    [Fact]
    public void A_list_of_three_million_keys_is_refused_at_the_list_without_building_it()
    {
        var sb = new StringBuilder(Head).Append("      list: [");
        for (var i = 0; i < 3_000_000; i++) sb.Append(i).Append(',');
        sb.Append("0]\n");
        var yaml = sb.ToString();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var e = Refused(yaml);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal("r.yaml:8:13: this list holds more than 200,000 items; write long key sequences as a range", e.Message);

        // The old tree builder took about 1.3 GiB for this list; the event scan stops at item 200,001.
        Assert.True(allocated < 400L << 20, $"allocated {allocated >> 20} MiB");
    }

    [Fact]
    public void Too_many_nodes_in_total_is_refused()
    {
        var sb = new StringBuilder("forge: 1\nid: hostile\nattrs:\n");
        for (var i = 0; i < 6_000; i++)
        {
            sb.Append("  a").Append(i).Append(": [");
            for (var j = 0; j < 180; j++) sb.Append("1,");
            sb.Append("1]\n");
        }

        var e = Refused(sb.ToString());
        Assert.Contains("more than 1,000,000 YAML nodes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversized_recipe_file_is_refused_before_reading_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"forge-big-{Guid.NewGuid():N}.yaml");
        try
        {
            using (var f = File.Create(path)) f.SetLength(65L << 20);
            var e = Assert.Throws<RecipeException>(() => RecipeLoader.LoadRecipe(path));
            Assert.Contains("recipe files are limited to 64 MiB", e.Message, StringComparison.Ordinal);
            Assert.Equal(1, e.Line);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Ordinary_recipes_stay_far_below_the_limits()
    {
        var sb = new StringBuilder(Head).Append("      list: [");
        for (var i = 0; i < 5_000; i++) sb.Append(i).Append(',');
        sb.Append("5000]\n");
        var recipe = RecipeLoader.ParseRecipe("r.yaml", sb.ToString());
        Assert.Equal(5_001, recipe.Inputs.Concat.Keys.Length);
    }
}
