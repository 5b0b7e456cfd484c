namespace Forge.Recipes.Tests;

/// <summary>
/// Relative range ends (<c>end: today</c>, <c>-N days|hours|months</c>) resolve against an injected clock in UTC, once
/// per load, so a cron job's recipe grows by itself and a test can fix "now".
/// </summary>
public sealed class RelativeRangeEndTests
{
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static Recipe Load(string range, DateTimeOffset now) => RecipeLoader.ParseRecipe("r.yaml",
        $"forge: 1\nid: r\ninputs:\n  url: \"https://h/{{time:%Y%m%d%H}}.nc\"\n  concat:\n    dim: time\n    keys:\n      range: {range}\n", new FixedClock(now));

    private static string[] Keys(Recipe r) => [.. r.Inputs.Concat.Keys.Select(k => k.ToString()!)];

    [Fact]
    public void Today_is_the_utc_date_of_the_clock_and_is_included()
    {
        // 23:30 at UTC-5 is already the next day in UTC.
        var r = Load("{ start: 2026-11-25, end: today }", new DateTimeOffset(2026, 11, 26, 23, 30, 0, TimeSpan.FromHours(-5)));
        Assert.Equal(["2026-11-25", "2026-11-26", "2026-11-27"], Keys(r));
        Assert.Equal("today", r.Inputs.Concat.Range!.RelativeEnd);
        Assert.Equal("2026-11-27", r.Inputs.Concat.Range.End.ToString());
    }

    [Theory]
    [InlineData("-2 days", new[] { "2026-11-23", "2026-11-24", "2026-11-25" })]
    [InlineData("-1 day", new[] { "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26" })]
    [InlineData("-0 days", new[] { "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27" })]
    public void Minus_n_days_counts_back_from_today(string end, string[] expected) =>
        Assert.Equal(expected, Keys(Load($"{{ start: 2026-11-23, end: {end} }}", new DateTimeOffset(2026, 11, 27, 6, 17, 0, TimeSpan.Zero))));

    [Fact]
    public void Minus_n_months_counts_back_and_clamps_to_the_month_end() =>
        Assert.Equal(["2026-01-31", "2026-02-28"], Keys(Load("{ start: 2026-01-31, end: -1 month, step: 1 month }", new DateTimeOffset(2026, 3, 31, 0, 0, 0, TimeSpan.Zero))));

    [Fact]
    public void A_relative_day_end_includes_every_key_of_that_day()
    {
        var keys = Keys(Load("{ start: 2026-11-26T00:00, end: -1 day, step: 6 hours }", new DateTimeOffset(2026, 11, 27, 1, 0, 0, TimeSpan.Zero)));
        Assert.Equal(["2026-11-26T00:00:00", "2026-11-26T06:00:00", "2026-11-26T12:00:00", "2026-11-26T18:00:00"], keys);
    }

    [Fact]
    public void Minus_n_hours_is_an_instant()
    {
        var keys = Keys(Load("{ start: 2026-11-27T00:00, end: -6 hours, step: 6 hours }", new DateTimeOffset(2026, 11, 27, 13, 59, 0, TimeSpan.Zero)));
        Assert.Equal(["2026-11-27T00:00:00", "2026-11-27T06:00:00"], keys);
    }

    [Fact]
    public void A_relative_end_before_the_start_names_now_and_the_line()
    {
        var e = Assert.Throws<RecipeException>(() => Load("{ start: 2026-12-01, end: today }", new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero)));
        var error = Assert.Single(e.Errors);
        Assert.Equal(8, error.Line);
        Assert.Contains("range end 'today' is 2026-11-27", error.Message, StringComparison.Ordinal);
        Assert.Contains("before start 2026-12-01", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relative_end_needs_a_date_range()
    {
        var e = Assert.Throws<RecipeException>(() => Load("{ start: 1, end: -2 days }", DateTimeOffset.UtcNow));
        Assert.Contains("relative to today", Assert.Single(e.Errors).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-2 weeks")]
    [InlineData("tomorrow")]
    [InlineData("+2 days")]
    public void Other_words_are_not_relative_ends(string end)
    {
        var e = Assert.Throws<RecipeException>(() => Load($"{{ start: 2026-11-01, end: {end} }}", DateTimeOffset.UtcNow));
        Assert.Contains("range end", Assert.Single(e.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_clock_the_system_clock_is_used()
    {
        var r = RecipeLoader.ParseRecipe("r.yaml", "forge: 1\nid: r\ninputs:\n  url: \"https://h/{time:%Y%m%d}.nc\"\n  concat:\n    dim: time\n    keys:\n      range: { start: 2020-01-01, end: today }\n");
        var today = DateTime.UtcNow.Date;
        Assert.InRange(((DateKey)r.Inputs.Concat.Keys[^1]).Value, today.AddDays(-1), today);
    }
}
