using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Forge.Core.Execution;
using Forge.Core.Storage;

namespace Forge.Core.Tests.Engine;

/// <summary>The target lease: one run at a time per target, stale leases of dead runs taken over, never wiped.</summary>
public sealed class TargetLeaseTests
{
    private static readonly StoreKey LeaseKey = new(".forge/lease");

    private static byte[] Lease(string host, int pid, DateTimeOffset renewed, DateTime? processStarted = null) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["owner"] = "someone-else",
        ["host"] = host,
        ["pid"] = pid,
        ["process_started"] = (processStarted ?? DateTime.UtcNow).ToString("O", CultureInfo.InvariantCulture),
        ["purpose"] = "forge run other",
        ["started"] = renewed.ToString("O", CultureInfo.InvariantCulture),
        ["renewed"] = renewed.ToString("O", CultureInfo.InvariantCulture),
    }.ToJsonString());

    [Fact]
    public async Task ASecondLedgerOnTheSameTargetIsRefusedUntilTheFirstReleases()
    {
        var store = new MemoryStore();
        var first = new StoreRunLedger(store);
        var second = new StoreRunLedger(store);
        var held = await first.AcquireAsync("forge run a", CancellationToken.None);
        Assert.True(await store.ExistsAsync(LeaseKey));

        var ex = await Assert.ThrowsAsync<TargetConflictException>(async () => await second.AcquireAsync("forge run b", CancellationToken.None));
        Assert.Contains("in use by another forge run", ex.Message);
        Assert.Contains($"pid {Environment.ProcessId}", ex.Message);
        Assert.Contains("forge run a", ex.Message);

        // Re-entrant on one ledger: the inner handle does not release the lease.
        var inner = await first.AcquireAsync("forge run a", CancellationToken.None);
        await inner.DisposeAsync();
        Assert.True(await store.ExistsAsync(LeaseKey));

        await held.DisposeAsync();
        Assert.False(await store.ExistsAsync(LeaseKey));
        await using var now = await second.AcquireAsync("forge run b", CancellationToken.None);
        Assert.True(await store.ExistsAsync(LeaseKey));
    }

    [Fact]
    public async Task TheLeaseOfAProcessThatHasEndedIsTakenOver()
    {
        // Read the start time while the process lives (after exit it races with the reaper), then end it.
        using var gone = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        var started = gone.StartTime.ToUniversalTime();
        gone.Kill();
        await gone.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var store = new MemoryStore();
        await store.SetAsync(LeaseKey, Lease(Environment.MachineName, gone.Id, DateTimeOffset.UtcNow, started));

        await using var lease = await new StoreRunLedger(store).AcquireAsync("forge run", CancellationToken.None);
        using var doc = await store.GetAsync(LeaseKey);
        Assert.Equal(Environment.ProcessId, JsonNode.Parse(doc!.Memory.Span)!["pid"]!.GetValue<int>());
    }

    [Fact]
    public async Task ALiveProcessOnThisHostKeepsItsLease()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            var store = new MemoryStore();
            await store.SetAsync(LeaseKey, Lease(Environment.MachineName, sleeper.Id, DateTimeOffset.UtcNow.AddHours(-5), sleeper.StartTime.ToUniversalTime()));
            var ex = await Assert.ThrowsAsync<TargetConflictException>(async () => await new StoreRunLedger(store).AcquireAsync("forge run", CancellationToken.None));
            Assert.Contains($"pid {sleeper.Id}", ex.Message);
        }
        finally
        {
            sleeper.Kill();
        }
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(11, true)]
    public async Task ALeaseFromAnotherHostExpiresWhenNotRenewed(int minutesAgo, bool takenOver)
    {
        var store = new MemoryStore();
        await store.SetAsync(LeaseKey, Lease("some-other-node", 4242, DateTimeOffset.UtcNow.AddMinutes(-minutesAgo)));
        var ledger = new StoreRunLedger(store);
        if (takenOver)
        {
            await using var lease = await ledger.AcquireAsync("forge run", CancellationToken.None);
        }
        else
        {
            var ex = await Assert.ThrowsAsync<TargetConflictException>(async () => await ledger.AcquireAsync("forge run", CancellationToken.None));
            Assert.Contains("some-other-node", ex.Message);
        }
    }

    [Fact]
    public async Task TheLeaseIsNeitherForeignNorWiped()
    {
        var store = new MemoryStore();
        var ledger = new StoreRunLedger(store);
        await using var lease = await ledger.AcquireAsync("forge run", CancellationToken.None);
        Assert.Equal(LedgerState.Empty, (await ledger.InspectAsync(StoreRunLedgerTestsIdentity.Any("first"), CancellationToken.None)).State);
        await ledger.BeginAsync(StoreRunLedgerTestsIdentity.Any("first"), wipe: false, CancellationToken.None);
        await ledger.BeginAsync(StoreRunLedgerTestsIdentity.Any("second"), wipe: true, CancellationToken.None);
        Assert.True(await store.ExistsAsync(LeaseKey));
    }
}

internal static class StoreRunLedgerTestsIdentity
{
    public static RunIdentity Any(string recipeId) => new(
        recipeId, "zarr-v3", System.Collections.Immutable.ImmutableSortedDictionary.Create<string, JsonObject>(StringComparer.Ordinal), [], []);
}
