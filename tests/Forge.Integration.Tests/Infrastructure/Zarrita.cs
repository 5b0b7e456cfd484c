namespace Forge.Integration.Tests.Infrastructure;

/// <summary>Reads stores with zarrita (npm), the independent Zarr v3 reader, through tests/interop/zarrita/read.mjs.</summary>
internal static class Zarrita
{
    public static string Read(string format, string store, string manifest)
    {
        var dir = Repo.PathOf("tests", "interop", "zarrita");
        if (!Directory.Exists(Path.Combine(dir, "node_modules")))
            Processes.Check("npm", "ci", "--prefix", dir, "--no-audit", "--no-fund");
        var (code, stdout, stderr) = Processes.Run("node", [Path.Combine(dir, "read.mjs"), format, store, manifest]);
        if (code != 0) throw new Xunit.Sdk.XunitException($"zarrita could not read {store}:\n{stdout}\n{stderr}");
        return stdout;
    }
}
