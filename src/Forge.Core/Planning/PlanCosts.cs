using System.Globalization;

namespace Forge.Core.Planning;

/// <summary>
/// The rates the planner's cost model uses to choose between one pass, several passes and spilling (seconds per
/// GB unless named otherwise). Defaults are the measurements of docs/performance.md on the 2-core benchmark VM;
/// <see cref="WriteBackBytes"/> is this machine's (the kernel's dirty background threshold), so a plan can differ
/// between machines but never changes an object's bytes.
/// </summary>
/// <param name="InflateSecondsPerGB">Managed inflate + unshuffle of deflated input chunks, per decode worker (performance.md §10).</param>
/// <param name="CopySecondsPerGB">Reading unfiltered input chunks (memcpy-like), per decode worker.</param>
/// <param name="EncodeSecondsPerGB">Encoding objects, per encode worker (blosc lz4 + shuffle 0.57 s/GB, performance.md §10): the same bytes in every plan, so only the number of encode workers matters.</param>
/// <param name="OpenSeconds">Opening an input and reading its header, per input and pass (pydata/xarray #7697).</param>
/// <param name="FirstTouchSecondsPerGB">
/// Touching memory the process has not touched before (the kernel clears every fresh page; on the benchmark VM the
/// host also backs it lazily): S2 at 365 days spent 6.8 s of system time in one pass holding 1.83 GB of
/// accumulators against 2.3 s spilling with 0.23 GB (both writing the same 1.1 GB), ≈ 2.8 s per fresh GB.
/// Paid on the scatter's critical path, in concat order.
/// </param>
/// <param name="ScratchCachedSecondsPerGB">Writing the intermediate into the page cache and reading it back (dd: 0.33 + 0.06 s/GB), for the part the kernel does not write back before it is deleted.</param>
/// <param name="ScratchDiskSecondsPerGB">Writing the intermediate to the disk and reading it back (sustained write 3.0 s/GB + 0.3), beyond <paramref name="WriteBackBytes"/>.</param>
/// <param name="PieceSeconds">Per spill piece: a file write, its accounting and its read when the object is assembled.</param>
/// <param name="WriteBackBytes">Scratch bytes that stay in the page cache: the kernel starts writing dirty pages back above this.</param>
/// <param name="ScratchFreeBytes">Free space in the scratch folder, when known: an intermediate that would not fit is never chosen by cost (only by run.strategy spill).</param>
public sealed record PlanCosts(
    double InflateSecondsPerGB,
    double CopySecondsPerGB,
    double EncodeSecondsPerGB,
    double OpenSeconds,
    double FirstTouchSecondsPerGB,
    double ScratchCachedSecondsPerGB,
    double ScratchDiskSecondsPerGB,
    double PieceSeconds,
    long WriteBackBytes,
    long? ScratchFreeBytes = null)
{
    /// <summary>The documented rates, with no scratch assumed to stay in the page cache (every spilled byte at disk speed).</summary>
    public static PlanCosts Documented { get; } = new(1.2, 0.25, 0.6, 0.005, 2.8, 0.4, 3.3, 0.00005, 0);

    private static readonly Lazy<PlanCosts> MachineCosts = new(() => Documented with { WriteBackBytes = DirtyBackgroundBytes() });

    /// <summary>The documented rates with this machine's write-back threshold (what `forge plan` and `forge run` use).</summary>
    public static PlanCosts Machine => MachineCosts.Value;

    /// <summary>The machine's costs with the free space of <paramref name="scratchFolder"/> (null: the system temp folder).</summary>
    public static PlanCosts ForScratch(string? scratchFolder)
    {
        long? free = null;
        try
        {
            string folder = Path.GetFullPath(scratchFolder ?? Path.GetTempPath());
            while (!Directory.Exists(folder) && Path.GetDirectoryName(folder) is { } parent) folder = parent;
            free = new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        catch (ArgumentException) { }

        return Machine with { ScratchFreeBytes = free };
    }

    /// <summary>Seconds to write <paramref name="bytes"/> of intermediate to local scratch and read them back (infinite when they would not fit).</summary>
    public double ScratchSeconds(long bytes)
    {
        if (ScratchFreeBytes is { } free && bytes > free) return double.PositiveInfinity;
        long cached = Math.Min(bytes, Math.Max(0, WriteBackBytes));
        return (cached / 1e9 * ScratchCachedSecondsPerGB) + ((bytes - cached) / 1e9 * ScratchDiskSecondsPerGB);
    }

    /// <summary>
    /// /proc/sys/vm/dirty_background_bytes, else dirty_background_ratio % of the available memory (the kernel's rule):
    /// dirty pages below it are written back only when they expire (30 s), and a spilled piece is usually read and
    /// deleted before that. 0 when unknown (every spilled byte costs a disk write).
    /// </summary>
    private static long DirtyBackgroundBytes()
    {
        try
        {
            if (!OperatingSystem.IsLinux()) return 0;
            long bytes = long.Parse(File.ReadAllText("/proc/sys/vm/dirty_background_bytes").Trim(), CultureInfo.InvariantCulture);
            if (bytes > 0) return bytes;
            long ratio = long.Parse(File.ReadAllText("/proc/sys/vm/dirty_background_ratio").Trim(), CultureInfo.InvariantCulture);
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
                long kib = long.Parse(line["MemAvailable:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kib * 1024 / 100 * ratio;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        catch (FormatException) { }
        catch (OverflowException) { }

        return 0;
    }
}
