using System.Globalization;

namespace Forge.Core.Execution.Memory;

/// <summary>The process's own memory figures from /proc (Linux); null elsewhere.</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set size (VmHWM), in bytes.</summary>
    public static long? PeakResidentBytes() => Read("VmHWM:");

    /// <summary>Current resident set size (VmRSS), in bytes.</summary>
    public static long? ResidentBytes() => Read("VmRSS:");

    private static long? Read(string field)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
                var parts = line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024; // "kB"
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }

        return null;
    }
}
