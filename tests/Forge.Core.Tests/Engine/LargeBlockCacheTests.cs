using Forge.Core.Execution.Memory;

namespace Forge.Core.Tests.Engine;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LargeBlockCacheCollection
{
    public const string Name = "large block cache (process-wide)";
}

/// <summary>
/// Freed large blocks are reused during a run (no fresh pages), never beyond the run's budget counting live and
/// cached blocks, and given back to the OS when the run ends or when no run is active.
/// </summary>
[Collection(LargeBlockCacheCollection.Name)]
public sealed unsafe class LargeBlockCacheTests
{
    private const long MiB = 1 << 20;

    [Fact]
    public void A_freed_block_is_reused_for_the_same_size_class_while_a_run_is_active()
    {
        using (LargeBlockCache.Enable(64 * MiB))
        {
            var a = NativeHeap.Allocate(8 * MiB);
            a[0] = 1;
            NativeHeap.Free(a, 8 * MiB);
            Assert.Equal(8 * MiB, LargeBlockCache.CachedBytes);

            // 7.5 MiB is in the same 2 MiB class as 8 MiB: the same block comes back.
            var b = NativeHeap.Allocate((15 * MiB) / 2);
            Assert.True(a == b);
            Assert.Equal(0, LargeBlockCache.CachedBytes);
            NativeHeap.Free(b, (15 * MiB) / 2);
        }

        Assert.Equal(0, LargeBlockCache.CachedBytes);
    }

    [Fact]
    public void Live_and_cached_blocks_stay_within_the_budget()
    {
        using (LargeBlockCache.Enable(64 * MiB))
        {
            var a = NativeHeap.Allocate(16 * MiB);
            NativeHeap.Free(a, 16 * MiB);
            Assert.Equal(16 * MiB, LargeBlockCache.CachedBytes);

            // 56 MiB live + 16 MiB cached would exceed 64 MiB: the cached block is freed first.
            var big = NativeHeap.Allocate(56 * MiB);
            Assert.Equal(0, LargeBlockCache.CachedBytes);

            // With 56 MiB live, a freed 16 MiB block does not fit under the budget: it goes back to the OS.
            var c = NativeHeap.Allocate(16 * MiB);
            NativeHeap.Free(c, 16 * MiB);
            Assert.Equal(0, LargeBlockCache.CachedBytes);
            NativeHeap.Free(big, 56 * MiB);
            Assert.Equal(56 * MiB, LargeBlockCache.CachedBytes);
        }

        Assert.Equal(0, LargeBlockCache.CachedBytes);
    }

    [Fact]
    public void Without_an_active_run_nothing_is_cached()
    {
        var a = NativeHeap.Allocate(8 * MiB);
        NativeHeap.Free(a, 8 * MiB);
        Assert.Equal(0, LargeBlockCache.CachedBytes);
    }
}
