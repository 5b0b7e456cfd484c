using System.Diagnostics;
using Forge.Integration.Tests.Cli;
using Forge.Integration.Tests.Infrastructure;
using Forge.Storage.S3;

namespace Forge.Integration.Tests.Feedstocks;

/// <summary>
/// The installed program: eng/install.sh publishes the one-file self-contained `forge` and installs it into a folder;
/// that binary then validates, runs and inspects the quickstart with PATH reduced to /usr/bin:/bin (no .NET SDK or
/// runtime reachable) and the store equals the one the in-process CLI writes.
/// </summary>
public sealed class PublishedBinaryTests : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-installed-");

    public void Dispose() => CliWork.Delete(_work);

    private static (int Code, string Stdout, string Stderr) Run(string file, IEnumerable<string> args, string cwd, IReadOnlyDictionary<string, string> env, bool clearEnvironment)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (clearEnvironment) psi.Environment.Clear();
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(20)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public async Task The_installed_binary_runs_the_quickstart_without_the_SDK()
    {
        var bin = Path.Combine(_work, "bin");
        // Without ReadyToRun: crossgen of every assembly can take longer than the suite's budget on a loaded machine;
        // the contract tested here (one self-contained file, no SDK) is the same. docs/install.md has the R2R figures.
        var install = Run("bash", [Repo.PathOf("eng", "install.sh"), "--prefix", bin, "--no-libs", "--no-ready-to-run"], Repo.Root, new Dictionary<string, string>(), clearEnvironment: false);
        Assert.True(install.Code == 0, $"install.sh failed:\n{install.Stdout}\n{install.Stderr}");
        var forge = Path.Combine(bin, "forge");
        Assert.True(File.Exists(forge));
        Assert.Equal(["forge"], Directory.GetFiles(bin).Select(f => Path.GetFileName(f)).ToArray()); // one file, nothing beside it

        // A clean environment: no dotnet on PATH, no DOTNET_ROOT; a fresh HOME; a copy of the quickstart feedstock.
        var home = Directory.CreateDirectory(Path.Combine(_work, "home")).FullName;
        var feedstock = Path.Combine(_work, "quickstart");
        Directory.CreateDirectory(Path.Combine(feedstock, "data"));
        foreach (var f in Directory.GetFiles(Repo.PathOf("recipes", "quickstart"))) File.Copy(f, Path.Combine(feedstock, Path.GetFileName(f)));
        foreach (var f in Directory.GetFiles(Repo.PathOf("recipes", "quickstart", "data"))) File.Copy(f, Path.Combine(feedstock, "data", Path.GetFileName(f)));
        // DOTNET_ROOT points nowhere: a framework-dependent program would fail to find a runtime (a machine may have
        // /usr/bin/dotnet; the self-contained binary must not need it).
        var env = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["HOME"] = home, ["LANG"] = "C.UTF-8", ["DOTNET_ROOT"] = Path.Combine(_work, "no-dotnet") };

        var version = Run(forge, ["--version"], _work, env, clearEnvironment: true);
        Assert.True(version.Code == 0, version.Stderr);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Stdout);
        var validate = Run(forge, ["validate", feedstock], _work, env, clearEnvironment: true);
        Assert.True(validate.Code == 0, validate.Stderr);
        var run = Run(forge, ["run", feedstock, "--offline", "--progress", "plain"], _work, env, clearEnvironment: true);
        Assert.True(run.Code == 0, run.Stderr);
        var store = Path.Combine(_work, "output", "quickstart-oisst.zarr");
        var inspect = Run(forge, ["inspect", store], _work, env, clearEnvironment: true);
        Assert.True(inspect.Code == 0, inspect.Stderr);
        Assert.Contains("sst", inspect.Stdout, StringComparison.Ordinal);

        var reference = Path.Combine(_work, "reference.zarr");
        var inProcess = await ForgeCli.RunAsync("run", Repo.PathOf("recipes", "quickstart"), "--offline", "--target", reference, "--progress", "none");
        Assert.True(inProcess.ExitCode == 0, inProcess.Stderr);
        await StoreComparison.AssertSameArraysAsync(StoreLocator.Open(reference), StoreLocator.Open(store));
    }
}
