using System.CommandLine;
using Forge.Cli.Commands;
using Forge.Cli.Composition;
using Forge.Cli.Output;
using Forge.Core.Telemetry;

namespace Forge.Cli;

/// <summary>The `forge` command line: verbs, options, and the exit-code policy around them.</summary>
public static class ForgeApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct = default)
    {
        // Every line this program prints passes the secret scrubber (rule: secrets never appear in output).
        SecretRegistration.FromEnvironment(SecretScrubber.Shared, Environment.GetEnvironmentVariable);
        await using var scrubbedOut = new ScrubbingWriter(stdout, SecretScrubber.Shared);
        await using var scrubbedErr = new ScrubbingWriter(stderr, SecretScrubber.Shared);
        stdout = TextWriter.Synchronized(scrubbedOut);
        stderr = TextWriter.Synchronized(scrubbedErr);

        // HelpName: help says "forge" even when hosted in-process (tests, a renamed binary), not the host's file name.
        var root = new RootCommand("Forge: turn archival NetCDF/GRIB files into analysis-ready Zarr (a pangeo-forge recipe runner).") { HelpName = "forge" };
        var ctx = new CommandContext(stdout, stderr);
        root.Subcommands.Add(RunCommand.Create(ctx));
        root.Subcommands.Add(PlanCommand.Create(ctx));
        root.Subcommands.Add(ValidateCommand.Create(ctx));
        root.Subcommands.Add(InspectCommand.Create(ctx));
        root.Subcommands.Add(SchemaCommand.Create(ctx));
        root.Subcommands.Add(NotYetCommands.Finalize(ctx));
        root.Subcommands.Add(NotYetCommands.Verify(ctx));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var e in parse.Errors) stderr.WriteLine($"forge: {e.Message}");
            stderr.WriteLine("Run 'forge --help' for usage.");
            return ExitCodes.Invalid;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, ct);
        }
        catch (Exception ex)
        {
            return ErrorReporting.Report(ex, stderr, ct.IsCancellationRequested);
        }
    }
}

/// <summary>What every command writes to.</summary>
internal sealed record CommandContext(TextWriter Stdout, TextWriter Stderr);
