namespace Forge.Recipes.Tests;

/// <summary>A temporary folder for recipe files, deleted on dispose.</summary>
public sealed class TempRecipeDir : IDisposable
{
    public TempRecipeDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "forge-recipes-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes a file (normalising CRLF to LF so line:column expectations hold) and returns its path.</summary>
    public string Write(string name, string text)
    {
        var path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.Replace("\r\n", "\n", StringComparison.Ordinal));
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
