using Forge.Cli.Composition;
using Forge.Core.Storage;
using Forge.Core.Zarr;

namespace Forge.Integration.Tests.Cli;

/// <summary>Reads two Zarr stores back with Forge's own readers and compares every array's decoded bytes.</summary>
internal static class StoreComparison
{
    public static async Task AssertSameArraysAsync(IStore expected, IStore actual)
    {
        Readers.RegisterNativeCodecs();
        var a = await ZarrGroupReader.OpenAsync(expected);
        var b = await ZarrGroupReader.OpenAsync(actual);
        Assert.Equal(a.Format, b.Format);
        Assert.Equal(a.Arrays.Keys.Order(StringComparer.Ordinal), b.Arrays.Keys.Order(StringComparer.Ordinal));
        Assert.NotEmpty(a.Arrays);
        foreach (var name in a.Arrays.Keys)
        {
            Assert.Equal(a.Arrays[name].Shape.ToArray(), b.Arrays[name].Shape.ToArray());
            Assert.Equal(a.Arrays[name].DataType, b.Arrays[name].DataType);
            var x = await a.OpenArray(name).ReadAllAsync();
            var y = await b.OpenArray(name).ReadAllAsync();
            Assert.True(x.AsSpan().SequenceEqual(y), $"array '{name}': values differ between {expected.Url} and {actual.Url}");
        }
    }

    public static async Task<string[]> KeysAsync(IStore store)
    {
        var keys = new List<string>();
        await foreach (var k in store.ListAsync("")) keys.Add(k.ToString());
        return [.. keys.Order(StringComparer.Ordinal)];
    }
}
