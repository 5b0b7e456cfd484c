namespace Forge.Integration.Tests.Infrastructure;

/// <summary>Paths in the repository checkout the tests run from.</summary>
internal static class Repo
{
    public static string Root { get; } = Find();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Forge.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (Forge.sln) above " + AppContext.BaseDirectory);
    }
}
