using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Forge.Core.Execution;

/// <summary>
/// Working folders a process creates under a temp or scratch root (downloads, spill pieces, shards being assembled):
/// <c>forge-&lt;kind&gt;-&lt;host&gt;-&lt;pid&gt;-&lt;process start&gt;-&lt;random&gt;</c>. A process killed before it removes
/// its folder leaves it behind, so each new one first deletes the folders of processes of this host that no longer
/// exist (the start time tells a recycled pid apart; another host's folders on a shared scratch are left alone).
/// </summary>
public static partial class ProcessFolders
{
    private static readonly Lazy<string> HostTag = new(() =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Environment.MachineName.ToLowerInvariant())))[..8].ToLowerInvariant());

    /// <summary>Removes dead processes' folders under <paramref name="parent"/>, then creates and returns this process's folder of <paramref name="kind"/> (lower-case letters).</summary>
    public static string Create(string parent, string kind)
    {
        if (!KindRegex().IsMatch(kind)) throw new ArgumentException($"folder kind '{kind}' must be lower-case letters", nameof(kind));
        Directory.CreateDirectory(parent);
        SweepDead(parent);
        using var self = Process.GetCurrentProcess();
        var path = Path.Combine(parent, $"forge-{kind}-{HostTag.Value}-{Environment.ProcessId}-{StartStamp(self)}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Deletes the folders under <paramref name="parent"/> whose process (on this host) has ended; returns how many.</summary>
    public static int SweepDead(string parent)
    {
        if (!Directory.Exists(parent)) return 0;
        List<string> candidates;
        try
        {
            candidates = [.. Directory.EnumerateDirectories(parent, "forge-*")];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }

        var removed = 0;
        foreach (var dir in candidates)
        {
            var m = NameRegex().Match(Path.GetFileName(dir));
            if (!m.Success) continue;
            // Folders named before the host tag existed (no host group) are this host's: TMPDIR is local.
            if (m.Groups["host"].Success && m.Groups["host"].Value != HostTag.Value) continue;
            var pid = int.Parse(m.Groups["pid"].ValueSpan, CultureInfo.InvariantCulture);
            var stamp = long.Parse(m.Groups["start"].ValueSpan, CultureInfo.InvariantCulture);
            if (IsAlive(pid, stamp)) continue;
            try
            {
                Directory.Delete(dir, recursive: true);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another user's folder or one being removed concurrently: leave it.
            }
        }

        return removed;
    }

    /// <summary>Deletes a folder this process made (best effort: a leftover is swept by a later process).</summary>
    public static void Delete(string path)
    {
        try { Directory.Delete(path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static bool IsAlive(int pid, long stamp)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited && Math.Abs(StartStamp(p) - stamp) <= 1;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>The process start time in whole seconds since the Unix epoch.</summary>
    private static long StartStamp(Process p) => new DateTimeOffset(p.StartTime.ToUniversalTime()).ToUnixTimeSeconds();

    [GeneratedRegex(@"^forge-[a-z]+-(?:(?<host>[0-9a-f]{8})-)?(?<pid>[0-9]{1,9})-(?<start>[0-9]{1,12})-[0-9a-f]{8}$")]
    private static partial Regex NameRegex();

    [GeneratedRegex("^[a-z]+$")]
    private static partial Regex KindRegex();
}
