using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Forge.Cli.Commands;
using Forge.Cli.Composition;
using Forge.Cli.Hosting;
using Forge.Cli.Output;
using Forge.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Forge.Cli;

/// <summary>
/// The `forge` command line: System.CommandLine parses (a bad command line is exit 2 before anything runs), then a
/// Microsoft.Extensions.Hosting host carries the invocation: layered settings, logging, and the signal lifetime.
/// </summary>
public static class ForgeApp
{
    /// <summary>Runs the command line writing to <paramref name="stdout"/>/<paramref name="stderr"/> (in-process hosts, tests); both pass the secret scrubber.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct = default, TimeProvider? clock = null)
    {
        await using var scrubbedOut = new ScrubbingWriter(stdout, SecretScrubber.Shared);
        await using var scrubbedErr = new ScrubbingWriter(stderr, SecretScrubber.Shared);
        return await RunAsync(args, new ForgeHostOptions(TextWriter.Synchronized(scrubbedOut), TextWriter.Synchronized(scrubbedErr)) { Clock = clock ?? TimeProvider.System }, ct);
    }

    /// <summary>Runs the command line; <paramref name="options"/>' writers must already scrub secrets (Program replaces the console's).</summary>
    internal static async Task<int> RunAsync(string[] args, ForgeHostOptions options, CancellationToken ct = default)
    {
        // Cloud keys in the environment are known to the scrubber before anything can print them.
        SecretRegistration.FromEnvironment(SecretScrubber.Shared, Environment.GetEnvironmentVariable);

        var ctx = new CommandContext(options.Stdout, options.Stderr) { Clock = options.Clock };
        var root = BuildRoot(ctx);
        var invocation = new InvocationConfiguration { Output = options.Stdout, Error = options.Stderr, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
        if (args.Length == 0)
        {
            // `forge` alone: the usage, on stderr (stdout stays clean for pipes), and the usage-error exit code.
            await root.Parse("--help").InvokeAsync(new InvocationConfiguration { Output = options.Stderr, Error = options.Stderr }, ct);
            return ExitCodes.Invalid;
        }

        var parse = root.Parse(args);
        var errors = parse.Errors.Select(e => e.Message).Concat(UnknownOptions(parse, ctx.Global)).ToList();
        if (errors.Count > 0 && parse.Action is not HelpAction)
        {
            foreach (var e in errors) options.Stderr.WriteLine($"forge: {e}");
            options.Stderr.WriteLine($"Run 'forge {(parse.CommandResult.Command is RootCommand ? "" : parse.CommandResult.Command.Name + " ")}--help' for usage.");
            return ExitCodes.Invalid;
        }

        if (parse.Action is HelpAction || parse.Action is null) return await parse.InvokeAsync(invocation, ct);

        ForgeSettings settings;
        try
        {
            settings = ResolveSettings(parse, ctx.Global, options);
        }
        catch (UsageException u)
        {
            options.Stderr.WriteLine($"forge: {u.Message}");
            return ExitCodes.Invalid;
        }

        IHost host;
        try
        {
            host = ForgeHost.Build(settings, ctx.Channel, options);
        }
        catch (UsageException u)
        {
            options.Stderr.WriteLine($"forge: {u.Message}");
            return ExitCodes.Invalid;
        }

        using (host)
        {
            await host.StartAsync(CancellationToken.None);
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.ApplicationStopping);
            ctx.Settings = settings;
            ctx.Loggers = host.Services.GetRequiredService<ILoggerFactory>();
            int code;
            try
            {
                code = await parse.InvokeAsync(invocation, stop.Token);
            }
            catch (Exception ex)
            {
                code = ErrorReporting.Report(ex, options.Stderr, stop.IsCancellationRequested);
            }

            await host.StopAsync(CancellationToken.None);
            return code;
        }
    }

    private static RootCommand BuildRoot(CommandContext ctx)
    {
        // HelpName: help says "forge" even when hosted in-process (tests, a renamed binary), not the host's file name.
        var root = new RootCommand("Forge: turn archival NetCDF/GRIB files into analysis-ready Zarr (a pangeo-forge recipe runner).") { HelpName = "forge" };
        foreach (var o in ctx.Global.All) root.Options.Add(o);
        root.Subcommands.Add(RunCommand.Create(ctx));
        root.Subcommands.Add(PlanCommand.Create(ctx));
        root.Subcommands.Add(ValidateCommand.Create(ctx));
        root.Subcommands.Add(InspectCommand.Create(ctx));
        root.Subcommands.Add(SchemaCommand.Create(ctx));
        root.Subcommands.Add(ConfigCommand.Create(ctx));
        root.Subcommands.Add(FinalizeCommand.Create(ctx));
        root.Subcommands.Add(VerifyCommand.Create(ctx));
        return root;
    }

    /// <summary>
    /// A token such as <c>--bogus</c> that System.CommandLine accepted as an argument value (a recipe path): an
    /// unknown option, never a file name. A file whose name starts with '-' is still reachable as ./-name.
    /// </summary>
    private static IEnumerable<string> UnknownOptions(ParseResult parse, GlobalOptions global)
    {
        var command = parse.CommandResult.Command;
        var known = command.Options.Concat(global.All).SelectMany(o => o.Aliases.Prepend(o.Name)).Distinct().ToArray();
        foreach (var arg in parse.CommandResult.Children.OfType<ArgumentResult>())
        {
            foreach (var token in arg.Tokens)
            {
                if (token.Value.Length > 1 && token.Value[0] == '-')
                    yield return $"{command.Name}: unknown option '{token.Value}'{DidYouMean.Hint(token.Value.Split('=')[0], known)}";
            }
        }
    }

    /// <summary>Flags given on this command line that are settings (target, cache, …), layered over env and files.</summary>
    private static ForgeSettings ResolveSettings(ParseResult parse, GlobalOptions global, ForgeHostOptions options)
    {
        var flags = new Dictionary<string, string>();
        var flagNames = new Dictionary<string, string>();
        foreach (var option in parse.CommandResult.Command.Options.Concat(global.All))
        {
            if (SettingKeys.ByFlag(option.Name) is not { } key) continue;
            if (parse.GetResult(option) is not OptionResult { Implicit: false } r || r.Tokens.Count == 0) continue;
            flags[key.Name] = r.Tokens[^1].Value;
            flagNames[key.Name] = option.Name;
        }

        var verbose = parse.GetValue(global.Verbose);
        var quiet = parse.GetValue(global.Quiet);
        if (verbose && quiet) throw new UsageException("--verbose and --quiet contradict each other; give one");
        if (!flags.ContainsKey(SettingKeys.LogLevel.Name) && (verbose || quiet))
        {
            flags[SettingKeys.LogLevel.Name] = verbose ? "debug" : "error";
            flagNames[SettingKeys.LogLevel.Name] = verbose ? "--verbose" : "--quiet";
        }

        var (root, labels) = ForgeConfiguration.Build(options.WorkingDirectory, FeedstockDirectory(parse, options.WorkingDirectory), options.Environment, flags);
        var settings = ForgeConfiguration.Resolve(root, labels);
        var sources = settings.Sources.ToDictionary(kv => kv.Key, kv => flagNames.TryGetValue(kv.Key, out var f) && kv.Value.StartsWith("--", StringComparison.Ordinal) ? f : kv.Value);
        return settings with { Sources = sources };
    }

    /// <summary>The folder of the recipe or feedstock the command works on, where a forge.yaml may sit.</summary>
    private static string? FeedstockDirectory(ParseResult parse, string workingDirectory)
    {
        var arg = parse.CommandResult.Children.OfType<ArgumentResult>().FirstOrDefault(a => a.Argument.Name is "recipe" or "recipes" or "path");
        if (arg?.Tokens.FirstOrDefault()?.Value is not { } value || value.Contains("://", StringComparison.Ordinal)) return null;
        var full = Path.GetFullPath(value, workingDirectory);
        if (Directory.Exists(full)) return full;
        return File.Exists(full) ? Path.GetDirectoryName(full) : null;
    }
}

/// <summary>What every command writes to, and the host's services once the command line is valid.</summary>
internal sealed class CommandContext(TextWriter stdout, TextWriter stderr)
{
    public TextWriter Stdout { get; } = stdout;

    public TextWriter Stderr { get; } = stderr;

    /// <summary>Human lines on stderr that a live display can take over.</summary>
    public ConsoleChannel Channel { get; } = new(stderr);

    public GlobalOptions Global { get; } = new();

    public ForgeSettings Settings { get; set; } = ForgeSettings.Default;

    public ILoggerFactory Loggers { get; set; } = NullLoggerFactory.Instance;

    /// <summary>"Now" for relative range ends, read when a recipe is loaded.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
