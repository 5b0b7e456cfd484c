using System.Diagnostics;
using Forge.Core.Codecs;
using Forge.Native.Compression;

namespace Forge.Core.Tests.Zarr;

/// <summary>Runs the real peers (Debian python zarr/xarray, node zarrita) and locates test assets in the repository.</summary>
internal static class Peers
{
    public const string Python = "/usr/bin/python3";

    static Peers() => NativeCodecFactory.RegisterDefault();

    /// <summary>Makes sure blosc/zstd are in <see cref="CodecRegistry.Default"/>.</summary>
    public static void EnsureNativeCodecs() => NativeCodecFactory.RegisterDefault();

    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Forge.sln"))) return dir.FullName;
        throw new InvalidOperationException($"Forge.sln not found above {AppContext.BaseDirectory}");
    }

    public static string DataFile(string name) => Path.Combine(RepoRoot, "tests", "data", "zarr", name);

    /// <summary>Runs a program; returns stdout, throws with stderr when it fails.</summary>
    public static string Run(string program, IEnumerable<string> args, string? workingDirectory = null, int timeoutSeconds = 120)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoRoot,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {program}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in {timeoutSeconds} s");
        }

        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {p.ExitCode}:\n{stderr.Result}\n{stdout.Result}");
        return stdout.Result;
    }

    public static string RunPython(string script, params string[] args) => Run(Python, [DataFile(script), .. args]);
}

/// <summary>A temporary directory deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "forge-zarr-" + Guid.NewGuid().ToString("N")[..12]);

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
