using System.Diagnostics;
using System.Globalization;
using Forge.Recipes.Patterns;

namespace Forge.Recipes.Tests;

/// <summary>Checks Forge's strftime subset against CPython's datetime.strftime on random dates.</summary>
public sealed class StrftimePeerTests
{
    [Fact]
    public void Matches_python_strftime_on_random_dates()
    {
        const string format = "%Y|%m|%d|%H|%M|%j|%%";
        var random = new Random(20261121);
        var dates = Enumerable.Range(0, 500)
            .Select(_ => new DateTime(1000, 1, 1).AddMinutes(random.NextInt64((long)(new DateTime(2400, 1, 1) - new DateTime(1000, 1, 1)).TotalMinutes)))
            .ToArray();

        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"import sys, datetime\nfor line in sys.stdin:\n    print(datetime.datetime.fromisoformat(line.strip()).strftime('{format}'))");
        using var python = Process.Start(start)!;
        foreach (var date in dates) python.StandardInput.WriteLine(date.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
        python.StandardInput.Close();
        var expected = python.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var errors = python.StandardError.ReadToEnd();
        python.WaitForExit();
        Assert.True(python.ExitCode == 0, errors);

        Assert.Equal(expected, dates.Select(d => Strftime.Format(d, format)).ToArray());
    }

    [Fact]
    public void A_range_that_expands_too_far_is_an_error()
    {
        var yaml = "forge: 1\nid: big\ninputs:\n  url: \"{time:%Y%m%d%H%M}\"\n  concat:\n    dim: time\n    keys:\n      range: { start: 1900-01-01, end: 2100-01-01, step: 1 minute }\n";
        var e = Assert.Throws<RecipeException>(() => RecipeLoader.ParseRecipe("big.yaml", yaml));
        Assert.StartsWith("big.yaml:8:14: 'inputs.concat.keys.range' expands to more than 2,000,000 keys", e.Message, StringComparison.Ordinal);
    }
}
