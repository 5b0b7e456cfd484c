using System.CommandLine;
using Forge.Recipes;

namespace Forge.Cli.Commands;

/// <summary>Where a feedstock repository keeps its meta.yaml: the option `run`, `plan` and `validate` share.</summary>
internal sealed class FeedstockOptions
{
    public Option<string?> Subdir { get; } = new("--feedstock-subdir")
    {
        Description = $"Read the feedstock from this subfolder of the given folder (default: the folder itself when it has meta.yaml, else its '{RecipeLoader.DefaultFeedstockSubdir}' subfolder).",
    };

    public void AddTo(Command cmd) => cmd.Options.Add(Subdir);

    public RecipeSource Open(ParseResult parse, string pathOrDir, TimeProvider clock) => RecipeLoader.Open(pathOrDir, parse.GetValue(Subdir), clock);
}
