namespace Forge.Core.Execution.Memory;

/// <summary>
/// Keeps freed large blocks (<see cref="NativeHeap.Allocate"/>) for reuse while a run is active, instead of giving
/// them back to the OS at once. On the benchmark machine touching memory the process has not touched before costs
/// far more than copying (the kernel zeroes every fresh page, and a VM's host may back it lazily: `clear_page_erms`
/// was 23 % of a 365-file run's CPU): decode slabs, per-object accumulators and compressor outputs of the same size
/// class are reused while the run lasts. Blocks come in 2 MiB classes. Bound: live large blocks plus cached ones
/// never exceed the sum of the active runs' memory budgets (cached blocks are freed first when an allocation
/// would cross it), and the cache is emptied when the last run ends, so resident memory still follows the budget.
/// </summary>
internal static unsafe class LargeBlockCache
{
    private static readonly object Gate = new();
    private static readonly Dictionary<nuint, Stack<nint>> Free = [];
    private static long _cached;
    private static long _live;
    private static long _ceiling;

    /// <summary>Cached bytes now (for tests).</summary>
    public static long CachedBytes
    {
        get { lock (Gate) return _cached; }
    }

    /// <summary>Lets freed blocks be kept while the returned scope lives, up to <paramref name="budget"/> more bytes of live + cached blocks.</summary>
    public static IDisposable Enable(long budget)
    {
        lock (Gate) _ceiling += budget;
        return new Scope(budget);
    }

    /// <summary>A cached block of <paramref name="size"/> bytes (a class size), or null; counts the block as live either way.</summary>
    public static byte* Take(nuint size)
    {
        List<nint>? evicted = null;
        byte* block = null;
        lock (Gate)
        {
            if (Free.TryGetValue(size, out var stack) && stack.Count > 0)
            {
                block = (byte*)stack.Pop();
                _cached -= (long)size;
            }
            else
            {
                // A fresh block: make room under the ceiling by freeing cached blocks of other sizes.
                evicted = EvictUntil(_ceiling - (long)size - _live);
            }

            _live += (long)size;
        }

        FreeAll(evicted);
        return block;
    }

    /// <summary>Returns a block: kept when a run is active and it fits under the ceiling, else the caller frees it (false).</summary>
    public static bool Give(byte* block, nuint size)
    {
        lock (Gate)
        {
            _live -= (long)size;
            if (_ceiling == 0 || _live + _cached + (long)size > _ceiling) return false;
            if (!Free.TryGetValue(size, out var stack)) Free[size] = stack = new Stack<nint>();
            stack.Push((nint)block);
            _cached += (long)size;
            return true;
        }
    }

    private static List<nint>? EvictUntil(long allowedCached)
    {
        List<nint>? evicted = null;
        if (_cached <= Math.Max(0, allowedCached)) return null;
        foreach (var (size, stack) in Free)
        {
            while (stack.Count > 0 && _cached > Math.Max(0, allowedCached))
            {
                (evicted ??= []).Add(stack.Pop());
                _cached -= (long)size;
            }
        }

        return evicted;
    }

    private static void FreeAll(List<nint>? blocks)
    {
        if (blocks is null) return;
        foreach (var b in blocks) NativeHeap.FreeBlock((byte*)b);
    }

    private sealed class Scope(long budget) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            List<nint>? evicted;
            lock (Gate)
            {
                _ceiling -= budget;
                evicted = EvictUntil(_ceiling == 0 ? 0 : _ceiling - _live);
            }

            FreeAll(evicted);
        }
    }
}
