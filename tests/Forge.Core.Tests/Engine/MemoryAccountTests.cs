using Forge.Core.Execution.Memory;

namespace Forge.Core.Tests.Engine;

public sealed class MemoryAccountTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ARenterWaitsUntilEnoughIsReleased()
    {
        var account = new MemoryAccount(100, "test");
        var first = await account.ChargeAsync(70, "first", CancellationToken.None);
        var waiting = account.ChargeAsync(40, "second", CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted); // 70 + 40 > 100: back-pressure, not overshoot
        Assert.Equal(70, account.InUse);
        first.Dispose();
        using var second = await waiting.WaitAsync(Deadline);
        Assert.Equal(40, account.InUse);
        Assert.Equal(70, account.Peak);
        Assert.Equal(70, account.PeakCharged);
    }

    [Fact]
    public async Task WaitersAreServedFirstComeFirstServed()
    {
        var account = new MemoryAccount(100, "test");
        var held = await account.ChargeAsync(90, "held", CancellationToken.None);
        var big = account.ChargeAsync(80, "big", CancellationToken.None).AsTask();
        var small = account.ChargeAsync(5, "small", CancellationToken.None).AsTask();
        // 5 would fit now, but the big request came first and must not be starved.
        Assert.False(small.IsCompleted);
        held.Dispose();
        using var b = await big.WaitAsync(Deadline);
        using var s = await small.WaitAsync(Deadline);
        Assert.Equal(85, account.InUse);
    }

    [Fact]
    public async Task ABufferTheBudgetCanNeverHoldIsRefusedWithAClearMessage()
    {
        var account = new MemoryAccount(1000, "max_memory");
        var share = account.CreateShare(600, "decode");
        var ex = await Assert.ThrowsAsync<MemoryBudgetException>(() => share.RentAsync(700, "a slab of 'sst' from day1.nc", CancellationToken.None).AsTask());
        Assert.Contains("a slab of 'sst' from day1.nc", ex.Message);
        Assert.Contains("decode", ex.Message);
        Assert.Throws<MemoryBudgetException>(() => account.CreateShare(500, "encode")); // 600 + 500 > 1000
    }

    [Fact]
    public async Task AWaitingRenterCanBeCancelled()
    {
        var account = new MemoryAccount(10, "test");
        using var held = await account.ChargeAsync(10, "held", CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var waiting = account.ChargeAsync(5, "waiting", cts.Token).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Deadline));
        held.Dispose();
        Assert.Equal(0, account.InUse); // the cancelled request was never granted
    }

    [Fact]
    public async Task SharesChargeTheirParentAndBuffersAreExactAndReleasedOnce()
    {
        var account = new MemoryAccount(1 << 20, "max_memory");
        var share = account.CreateShare(4096, "accumulator");
        Assert.Equal(4096, account.InUse);
        var buffer = await share.RentAsync(3000, "object tas/0.0.0", CancellationToken.None);
        Assert.Equal(3000, buffer.Length);
        Assert.Equal(3000, buffer.Memory.Length);
        buffer.Span.Fill(7);
        Assert.Equal(3000, share.InUse);
        ((IDisposable)buffer).Dispose();
        ((IDisposable)buffer).Dispose();
        Assert.Equal(0, share.InUse);
        Assert.Equal(3000, account.PeakCharged);
    }
}
