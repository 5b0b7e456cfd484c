using System.Collections;

namespace Forge.Cli.Hosting;

/// <summary>How <see cref="ForgeApp"/> is hosted: the real process (signals, real environment) or in-process (tests).</summary>
internal sealed record ForgeHostOptions(TextWriter Stdout, TextWriter Stderr)
{
    /// <summary>Install SIGINT/SIGTERM/SIGHUP/SIGQUIT handlers (the real process only).</summary>
    public bool HandleSignals { get; init; }

    /// <summary>Where FORGE_* variables are read; the process environment unless a test substitutes one.</summary>
    public IDictionary Environment { get; init; } = System.Environment.GetEnvironmentVariables();

    /// <summary>The folder searched for forge.json/forge.yaml (besides the feedstock's).</summary>
    public string WorkingDirectory { get; init; } = System.Environment.CurrentDirectory;

    /// <summary>"Now" for relative range ends (<c>end: today</c>); tests fix it.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
