using Forge.Core.Zarr;

namespace Forge.Core.Tests.Engine;

/// <summary>
/// Atomic publish: every chunk before any metadata; the commit point is one write — v3: the root zarr.json (group
/// attributes and inline consolidated metadata together), written exactly once; v2: .zmetadata, after every array's
/// metadata and the root .zattrs, with .zgroup last (a new store becomes a group only then).
/// </summary>
public sealed class PublishOrderTests
{
    [Theory]
    [InlineData(ZarrFormat.V2)]
    [InlineData(ZarrFormat.V3)]
    public async Task Metadata_follows_data_and_the_commit_point_is_one_write(ZarrFormat format)
    {
        var h = new RecipeRunnerTests.Harness();
        await h.RunAsync(RecipeRunnerTests.Request(), format);
        var sets = h.Store.Sets.Where(k => !k.StartsWith(".forge/", StringComparison.Ordinal)).ToList();
        int lastData = sets.FindLastIndex(k => !Bytes.IsMetadata(k));
        int firstMetadata = sets.FindIndex(Bytes.IsMetadata);
        Assert.True(lastData >= 0 && firstMetadata > lastData, string.Join(", ", sets));
        if (format == ZarrFormat.V3)
        {
            Assert.Equal(1, sets.Count(k => k == "zarr.json"));
            Assert.Equal("zarr.json", sets[^1]);
        }
        else
        {
            Assert.Equal(1, sets.Count(k => k == ".zmetadata"));
            Assert.Equal([".zattrs", ".zmetadata", ".zgroup"], sets.TakeLast(3));
        }

        await RecipeRunnerTests.AssertDatasetAsync(h.Store, format);
    }
}
