using Forge.Fuzz;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Hostile;

/// <summary>
/// Replays every input eng/fuzz.sh ever crashed a parser with (tests/data/fuzz/TARGET/) and the fuzzing seeds
/// (eng/fuzz/seeds/TARGET/) through the same entry points the fuzzer drives: each must parse or fail with the
/// parser's documented exception, never anything else.
/// </summary>
public sealed class FuzzRegressionTests
{
    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in FuzzTargets.All.Keys)
        {
            foreach (var root in new[] { Repo.PathOf("tests", "data", "fuzz", target), Repo.PathOf("eng", "fuzz", "seeds", target) })
            {
                if (!Directory.Exists(root)) continue;
                foreach (var file in Directory.EnumerateFiles(root).Order(StringComparer.Ordinal))
                {
                    if (Path.GetFileName(file) != ".gitkeep") data.Add(target, Path.GetRelativePath(Repo.Root, file));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Saved_input_parses_or_fails_with_the_documented_exception(string target, string file) =>
        FuzzTargets.All[target](File.ReadAllBytes(Repo.PathOf(file)));

    [Fact]
    public void Every_target_has_seeds() =>
        Assert.All(FuzzTargets.All.Keys, t => Assert.NotEmpty(Directory.EnumerateFiles(Repo.PathOf("eng", "fuzz", "seeds", t))));
}
