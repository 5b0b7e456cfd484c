using System.Security.Cryptography;
using System.Text;
using Forge.Recipes.Patterns;

namespace Forge.Recipes.Tests;

public sealed class FilePatternTests
{
    private static FilePattern Pattern(string url, string keys, string? merge = null, string dim = "time")
    {
        var yaml = $"forge: 1\nid: p\ninputs:\n  url: \"{url}\"\n  concat:\n    dim: {dim}\n    keys:\n      {keys}\n" +
            (merge is null ? "" : $"  merge: {merge}\n");
        return FilePattern.FromRecipe(RecipeLoader.ParseRecipe("p.yaml", yaml));
    }

    private static string[] Urls(FilePattern pattern) => pattern.Expand().Select(i => i.Url).ToArray();

    [Fact]
    public void Day_range_is_inclusive()
    {
        var pattern = Pattern("https://h/{time:%Y}/{time:%Y%m%d}.nc", "range: { start: 1981-09-29, end: 1981-10-02, step: 1 day }");
        Assert.Equal(["https://h/1981/19810929.nc", "https://h/1981/19810930.nc", "https://h/1981/19811001.nc", "https://h/1981/19811002.nc"], Urls(pattern));
        Assert.Equal(4, pattern.Count);
    }

    [Fact]
    public void Default_step_of_a_date_range_is_one_day() =>
        Assert.Equal(["d/2000-01-01", "d/2000-01-02"], Urls(Pattern("d/{time}", "range: { start: 2000-01-01, end: 2000-01-02 }")));

    [Theory]
    [InlineData(2000, true)] // divisible by 400
    [InlineData(1900, false)] // divisible by 100 only
    [InlineData(2024, true)]
    [InlineData(2023, false)]
    public void Leap_years(int year, bool leap)
    {
        var urls = Urls(Pattern("{time:%Y%m%d}", $"range: {{ start: {year}-02-28, end: {year}-03-01 }}"));
        Assert.Equal(leap ? 3 : 2, urls.Length);
        Assert.Equal(leap, urls.Contains($"{year}0229"));
    }

    [Fact]
    public void Day_of_year_code()
    {
        var urls = Urls(Pattern("{time:%Y.%j}", "list: [2000-01-01, 2000-03-01, 2000-12-31, 2001-12-31]"));
        Assert.Equal(["2000.001", "2000.061", "2000.366", "2001.365"], urls);
    }

    [Fact]
    public void Hour_range_carries_the_time_of_day()
    {
        var pattern = Pattern("{time:%Y%m%d%H}/{time}", "range: { start: 2000-01-01, end: 2000-01-02, step: 6 hours }");
        Assert.Equal(["2000010100/2000-01-01T00:00:00", "2000010106/2000-01-01T06:00:00", "2000010112/2000-01-01T12:00:00",
            "2000010118/2000-01-01T18:00:00", "2000010200/2000-01-02T00:00:00"], Urls(pattern));
        Assert.All(pattern.Concat.Keys, k => Assert.True(((DateKey)k).HasTime));
    }

    [Fact]
    public void Minute_range_with_hour_and_minute_codes() =>
        Assert.Equal(["2330", "0000", "0030"], Urls(Pattern("{time:%H%M}", "range: { start: 2000-01-01T23:30, end: 2000-01-02T00:30, step: 30 minutes }")));

    [Fact]
    public void Month_range_counts_from_the_start_and_clamps_month_ends()
    {
        var urls = Urls(Pattern("{time:%Y-%m-%d}", "range: { start: 2000-01-31, end: 2000-05-31, step: 1 month }"));
        Assert.Equal(["2000-01-31", "2000-02-29", "2000-03-31", "2000-04-30", "2000-05-31"], urls);
    }

    [Fact]
    public void Multi_month_and_year_steps()
    {
        Assert.Equal(["199001", "199004", "199007", "199010"], Urls(Pattern("{time:%Y%m}", "range: { start: 1990-01-01, end: 1990-12-31, step: 3 months }")));
        Assert.Equal(["1990", "1991", "1992", "1993"], Urls(Pattern("{time:%Y}", "range: { start: 1990-01-01, end: 1993-06-01, step: 1 year }")));
        Assert.Equal(["2000-02-29", "2002-02-28", "2004-02-29"], Urls(Pattern("{time}", "range: { start: 2000-02-29, end: 2004-12-31, step: 2 years }")));
    }

    [Fact]
    public void Integer_range_with_step_and_zero_padding()
    {
        var pattern = Pattern("m{member:03}-{member}-{member:05d}", "range: { start: 1, end: 10, step: 3 }", dim: "member");
        Assert.Equal(["m001-1-00001", "m004-4-00004", "m007-7-00007", "m010-10-00010"], Urls(pattern));
        Assert.Equal(new IntegerKey(4), pattern.Concat.Keys[1]);
    }

    [Fact]
    public void Integer_range_default_step_is_one() =>
        Assert.Equal(["9", "10", "11"], Urls(Pattern("{n}", "range: { start: 9, end: 11 }", dim: "n")));

    [Fact]
    public void Lists_of_strings_integers_and_quoted_numbers()
    {
        Assert.Equal(["a.nc", "b.nc"], Urls(Pattern("{run}.nc", "list: [a, b]", dim: "run")));
        Assert.Equal(["7", "3"], Urls(Pattern("{n}", "list: [7, 3]", dim: "n"))); // list order is kept
        var quoted = Pattern("{n}", "list: [\"001\", \"002\"]", dim: "n");
        Assert.Equal(["001", "002"], Urls(quoted));
        Assert.IsType<TextKey>(quoted.Concat.Keys[0]);
    }

    [Fact]
    public void Merge_times_concat_is_concat_major()
    {
        var pattern = Pattern("{time:%Y}/{variable}.nc", "list: [2000-01-01, 2001-01-01]", "{ dim: variable, keys: [tmax, tmin, ppt] }");
        var inputs = pattern.Expand().ToArray();
        Assert.Equal(6, pattern.Count);
        Assert.Equal(["2000/tmax.nc", "2000/tmin.nc", "2000/ppt.nc", "2001/tmax.nc", "2001/tmin.nc", "2001/ppt.nc"], inputs.Select(i => i.Url).ToArray());
        Assert.Equal([0, 0, 0, 1, 1, 1], inputs.Select(i => i.ConcatIndex).ToArray());
        Assert.Equal([0, 1, 2, 0, 1, 2], inputs.Select(i => i.MergeIndex).ToArray());
        Assert.Equal(new PatternInput(1, new DateKey(new DateOnly(2001, 1, 1)), 2, "ppt", "2001/ppt.nc"), inputs[5]);
        Assert.Equal(inputs[4], pattern[1, 1]);
    }

    [Fact]
    public void Without_merge_the_merge_index_is_minus_one()
    {
        var input = Pattern("{time}", "list: [2000-01-01]").Expand().Single();
        Assert.Equal(-1, input.MergeIndex);
        Assert.Null(input.MergeKey);
    }

    [Fact]
    public void Prune_keeps_the_first_concat_keys_and_all_merge_keys()
    {
        var pattern = Pattern("{time:%Y%m%d}/{v}", "range: { start: 2000-01-01, end: 2000-12-31 }", "{ dim: v, keys: [a, b] }");
        Assert.Equal(732, pattern.Count);
        var pruned = pattern.Prune(2);
        Assert.Equal(["20000101/a", "20000101/b", "20000102/a", "20000102/b"], Urls(pruned));
        Assert.Same(pattern, pattern.Prune(1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => pattern.Prune(0));
    }

    [Fact]
    public void Expansion_is_deterministic_and_the_digest_covers_the_ordered_urls()
    {
        var a = Pattern("{time:%Y%m%d}", "range: { start: 2000-01-01, end: 2000-01-03 }");
        var b = Pattern("{time:%Y%m%d}", "list: [2000-01-01, 2000-01-02, 2000-01-03]");
        var reversed = Pattern("{time:%Y%m%d}", "list: [2000-01-03, 2000-01-02, 2000-01-01]");
        Assert.Equal(Urls(a), Urls(a));
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("20000101\n20000102\n20000103\n")));
        Assert.Equal(expected, a.Sha256());
        Assert.Equal(a.Sha256(), b.Sha256());
        Assert.NotEqual(a.Sha256(), reversed.Sha256());
        Assert.NotEqual(a.Sha256(), a.Prune(2).Sha256());
    }

    [Fact]
    public void Doubled_braces_are_literal() =>
        Assert.Equal(["x{1}/2000"], Urls(Pattern("x{{1}}/{time:%Y}", "list: [2000-06-01]")));

    [Fact]
    public void Percent_percent_is_a_literal_percent() =>
        Assert.Equal(["100%-2000"], Urls(Pattern("100{time:%%-%Y}", "list: [2000-06-01]")));

    [Fact]
    public void Strftime_formats_directly()
    {
        Assert.Equal("0099-01-05T07:08 005", Strftime.Format(new DateTime(99, 1, 5, 7, 8, 0), "%Y-%m-%dT%H:%M %j"));
        Assert.Null(Strftime.Validate("%Y%m%d%H%M%j%%"));
        Assert.Equal(2, Strftime.Validate("%Y%a")!.Value.Offset);
    }

    [Fact]
    public void A_template_with_unknown_placeholders_cannot_build_a_pattern()
    {
        var concat = new ConcatSpec("time", [new DateKey(new DateOnly(2000, 1, 1))], null, null);
        Assert.Throws<ArgumentException>(() => new FilePattern(UrlTemplate.Parse("{other}"), concat, null));
        Assert.Throws<FormatException>(() => UrlTemplate.Parse("{time"));
    }
}
