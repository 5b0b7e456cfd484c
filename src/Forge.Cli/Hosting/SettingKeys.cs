namespace Forge.Cli.Hosting;

/// <summary>The configuration keys, their flag and environment names. One table so file, env and flag agree.</summary>
internal static class SettingKeys
{
    public sealed record Key(string Name, string Flag, string Description)
    {
        public string Environment => "FORGE_" + Name.ToUpperInvariant();
    }

    public static readonly Key Target = new("target", "--target", "target store URL; overrides the recipe's target.url");
    public static readonly Key Cache = new("cache", "--cache", "input cache folder or s3:// URL; overrides inputs.cache");
    public static readonly Key MaxMemory = new("max_memory", "--max-memory", "memory bound for array data (512MiB, 4GiB); overrides run.max_memory");
    public static readonly Key Workers = new("workers", "--workers", "decode/encode parallelism; overrides run.workers");
    public static readonly Key Progress = new("progress", "--progress", "auto, plain, json or none");
    public static readonly Key LogLevel = new("log_level", "--log-level", "trace, debug, information, warning, error, critical or none");
    public static readonly Key LogFile = new("log_file", "--log-file", "also append log lines (with timestamps) to this file");

    public static readonly Key[] All = [Target, Cache, MaxMemory, Workers, Progress, LogLevel, LogFile];

    public static Key? ByFlag(string flag) => All.FirstOrDefault(k => k.Flag == flag);

    public static Key? ByName(string name) => All.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase));
}
