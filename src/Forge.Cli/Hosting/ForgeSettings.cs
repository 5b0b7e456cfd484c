using Microsoft.Extensions.Logging;

namespace Forge.Cli.Hosting;

/// <summary>
/// The effective settings of one invocation after layering forge.json/forge.yaml &lt; FORGE_* environment variables
/// &lt; command-line flags. <see cref="Sources"/> says where each value came from (for <c>forge config</c> and errors).
/// </summary>
internal sealed record ForgeSettings
{
    public string? Target { get; init; }

    public string? Cache { get; init; }

    /// <summary>Bytes; null keeps the recipe's run.max_memory.</summary>
    public long? MaxMemory { get; init; }

    public int? Workers { get; init; }

    public string Progress { get; init; } = "auto";

    public LogLevel LogLevel { get; init; } = LogLevel.Warning;

    public string? LogFile { get; init; }

    /// <summary>Setting key (e.g. <c>max_memory</c>) → where its value came from (<c>--max-memory</c>, <c>FORGE_MAX_MEMORY</c>, a file path, <c>default</c>).</summary>
    public IReadOnlyDictionary<string, string> Sources { get; init; } = new Dictionary<string, string>();

    public static ForgeSettings Default { get; } = new();
}
