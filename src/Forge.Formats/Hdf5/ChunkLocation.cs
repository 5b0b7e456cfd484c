using System.Globalization;

namespace Forge.Formats.Hdf5;

/// <summary>Names a chunk in error messages; formatted only when an error is raised.</summary>
internal readonly record struct ChunkLocation(string File, string Variable, long[] Origin)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{File}: variable '{Variable}', chunk at [{string.Join(", ", Origin)}]");
}
