namespace Forge.Sources.Tests.Infrastructure;

public static class RepoRoot
{
    /// <summary>The checkout root (the folder holding Forge.sln), found from the test binary's folder.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Forge.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("Forge.sln not found above " + AppContext.BaseDirectory);
    }
}
