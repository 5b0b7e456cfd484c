using System.CommandLine;
using Forge.Recipes;

namespace Forge.Cli.Commands;

/// <summary><c>forge schema</c>: prints the JSON Schema of the recipe format (for editors' yaml-language-server).</summary>
internal static class SchemaCommand
{
    public static Command Create(CommandContext ctx)
    {
        var cmd = new Command("schema", "Print the JSON Schema of the recipe format.");
        cmd.SetAction(_ =>
        {
            ctx.Stdout.WriteLine(RecipeSchema.Json);
            return ExitCodes.Success;
        });
        return cmd;
    }
}
