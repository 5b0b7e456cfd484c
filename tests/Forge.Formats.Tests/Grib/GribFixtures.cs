using System.Diagnostics;

namespace Forge.Formats.Tests.Grib;

/// <summary>
/// Generates the GRIB fixtures once per test run (tests/data/grib/make-fixtures.sh: cdo, grib_set, ecCodes
/// samples, xarray's example.grib) and dumps cfgrib's view of each (tests/data/grib/cfgrib_dump.py).
/// </summary>
public sealed class GribFixtures : IDisposable
{
    public const string XarrayExample = "/usr/lib/python3/dist-packages/xarray/tests/data/example.grib";

    public GribFixtures()
    {
        Directory = Path.Combine(Path.GetTempPath(), "forge-grib-tests-" + Guid.NewGuid().ToString("N")[..8]);
        DumpDirectory = Path.Combine(Directory, "cfgrib");
        var scripts = FindScripts();
        Run("/bin/bash", [Path.Combine(scripts, "make-fixtures.sh"), Directory]);
        if (File.Exists(XarrayExample)) File.Copy(XarrayExample, Path.Combine(Directory, "example.grib"));
        var files = System.IO.Directory.GetFiles(Directory).Order(StringComparer.Ordinal).ToList();
        Run("/usr/bin/python3", [Path.Combine(scripts, "cfgrib_dump.py"), DumpDirectory, .. files]);
    }

    public string Directory { get; }

    public string DumpDirectory { get; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    public CfgribDump DumpOf(string name) => CfgribDump.Load(DumpDirectory, name);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort: temp files
        }
    }

    private static string FindScripts()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "data", "grib");
            if (File.Exists(Path.Combine(candidate, "make-fixtures.sh"))) return candidate;
        }

        throw new InvalidOperationException("tests/data/grib/make-fixtures.sh not found above " + AppContext.BaseDirectory);
    }

    internal static void Run(string program, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + program);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', psi.ArgumentList)} failed ({p.ExitCode}): {stderr} {stdout.Result}");
    }
}

[CollectionDefinition(Name)]
public sealed class GribCollection : ICollectionFixture<GribFixtures>
{
    public const string Name = "grib fixtures";
}
