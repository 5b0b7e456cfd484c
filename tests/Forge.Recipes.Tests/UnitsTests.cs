namespace Forge.Recipes.Tests;

public sealed class UnitsTests
{
    [Theory]
    [InlineData("64MiB", 64L * 1024 * 1024)]
    [InlineData("2GiB", 2L * 1024 * 1024 * 1024)]
    [InlineData("500MB", 500_000_000L)]
    [InlineData("1.5KiB", 1536L)]
    [InlineData("10kB", 10_000L)]
    [InlineData("3TB", 3_000_000_000_000L)]
    [InlineData("1TiB", 1L << 40)]
    [InlineData("4096", 4096L)]
    [InlineData("12 B", 12L)]
    public void Sizes(string text, long bytes)
    {
        Assert.True(Units.TryParseSize(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("2 gigs")]
    [InlineData("1.5B")]
    [InlineData("-1MB")]
    [InlineData("MiB")]
    [InlineData("64mib")]
    public void Bad_sizes(string text) => Assert.False(Units.TryParseSize(text, out _));

    [Theory]
    [InlineData("120s", 120.0)]
    [InlineData("5m", 300.0)]
    [InlineData("1h", 3600.0)]
    [InlineData("1h30m", 5400.0)]
    [InlineData("1d", 86400.0)]
    [InlineData("500ms", 0.5)]
    [InlineData("90", 90.0)]
    [InlineData("2.5s", 2.5)]
    public void Durations(string text, double seconds)
    {
        Assert.True(Units.TryParseDuration(text, out var parsed));
        Assert.Equal(TimeSpan.FromSeconds(seconds), parsed);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("5 minutes")]
    [InlineData("s")]
    [InlineData("1w")]
    public void Bad_durations(string text) => Assert.False(Units.TryParseDuration(text, out _));

    // Found by eng/fuzz.sh (recipe target): a huge number overflowed decimal/TimeSpan and escaped as OverflowException.
    [Theory]
    [InlineData("2222222222222221111111222GiB")]
    [InlineData("99999999999999999999999999999999999999TB")]
    [InlineData("9223372036854775808")]
    public void Sizes_too_large_for_any_type_are_not_sizes(string text) => Assert.False(Units.TryParseSize(text, out _));

    [Theory]
    [InlineData("99999999999999999d")]
    [InlineData("1000000000000000000000000000000000000000000")]
    [InlineData("9999999999999999999999h30m")]
    [InlineData("10675200d10675200d")]
    public void Durations_too_long_for_a_timespan_are_not_durations(string text) => Assert.False(Units.TryParseDuration(text, out _));
}
