namespace Forge.Core.Execution.Memory;

/// <summary>
/// The one memory account of a run: every large buffer (input slabs, accumulators, encoded objects, codec scratch,
/// pool rounding) is charged to it. A renter whose charge does not fit waits until enough is released
/// (back-pressure through the stages) instead of overshooting; a charge the account can never hold is refused with
/// a <see cref="MemoryBudgetException"/>. Shares (<see cref="CreateShare"/>) split the budget between stages so
/// that one stage waiting can never starve the stage that would release memory.
/// </summary>
public sealed class MemoryAccount
{
    private readonly object _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly MemoryAccount? _parent;
    private readonly MemoryAccount _root;
    private long _used;
    private long _peak;
    private long _charged; // root only: bytes charged by renters anywhere in the tree

    public MemoryAccount(long limit, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        Limit = limit;
        Name = name;
        _root = this;
        NativeHeap.ReturnLargeBlocksToTheOs();
    }

    private MemoryAccount(MemoryAccount parent, long limit, string name)
    {
        Limit = limit;
        Name = name;
        _parent = parent;
        _root = parent._root;
    }

    public string Name { get; }

    /// <summary>The most this account can ever hold; also the largest single buffer it can hand out.</summary>
    public long Limit { get; }

    public long InUse => Interlocked.Read(ref _used);

    /// <summary>Most bytes this account held at once.</summary>
    public long Peak => Interlocked.Read(ref _peak);

    /// <summary>Root account: most bytes charged by renters at once, over every share (what the buffers really held).</summary>
    public long PeakCharged => Interlocked.Read(ref _root._peakCharged);

    private long _peakCharged;

    /// <summary>Carves a fixed share out of this account (charged now, for the share's lifetime).</summary>
    public MemoryAccount CreateShare(long bytes, string name)
    {
        if (!TryTake(bytes))
            throw new MemoryBudgetException($"the {name} share ({Planning.Sizes.Format(bytes)}) does not fit in the {Name} budget ({Planning.Sizes.Format(Limit - InUse)} of {Planning.Sizes.Format(Limit)} free)");
        return new MemoryAccount(this, bytes, name);
    }

    /// <summary>Charges <paramref name="bytes"/>, waiting while they do not fit. Dispose the result to release them.</summary>
    public ValueTask<MemoryCharge> ChargeAsync(long bytes, string purpose, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes > Limit)
            throw new MemoryBudgetException($"{purpose} needs {Planning.Sizes.Format(bytes)}, more than the whole {Name} share of the memory budget ({Planning.Sizes.Format(Limit)}); raise run.max_memory or use smaller chunks");
        Waiter waiter;
        lock (_gate)
        {
            if (_waiters.Count == 0 && TryTake(bytes)) return ValueTask.FromResult(Granted(bytes));
            waiter = new Waiter(bytes);
            waiter.Node = _waiters.AddLast(waiter);
        }

        return WaitAsync(waiter, ct);
    }

    /// <summary>Rents an exact-size native buffer charged to this account (freed to the OS on dispose, no pool rounding).</summary>
    public async ValueTask<AccountedBuffer> RentAsync(long bytes, string purpose, CancellationToken ct)
    {
        var charge = await ChargeAsync(bytes, purpose, ct).ConfigureAwait(false);
        try
        {
            return new AccountedBuffer(bytes, charge);
        }
        catch
        {
            charge.Dispose();
            throw;
        }
    }

    private async ValueTask<MemoryCharge> WaitAsync(Waiter waiter, CancellationToken ct)
    {
        await using (ct.Register(() => Cancel(waiter)).ConfigureAwait(false))
        {
            await waiter.Done.Task.ConfigureAwait(false);
        }

        return Granted(waiter.Bytes);
    }

    private MemoryCharge Granted(long bytes)
    {
        long now = Interlocked.Add(ref _root._charged, bytes);
        UpdateMax(ref _root._peakCharged, now);
        return new MemoryCharge(this, bytes);
    }

    private void Cancel(Waiter waiter)
    {
        lock (_gate)
        {
            if (waiter.Node?.List is null) return; // already granted
            _waiters.Remove(waiter.Node);
        }

        waiter.Done.TrySetCanceled();
    }

    private bool TryTake(long bytes)
    {
        lock (_gate)
        {
            if (_used + bytes > Limit) return false;
            _used += bytes;
            UpdateMax(ref _peak, _used);
            return true;
        }
    }

    internal void Release(long bytes)
    {
        Interlocked.Add(ref _root._charged, -bytes);
        var granted = new List<Waiter>();
        lock (_gate)
        {
            _used -= bytes;
            // First come, first served: a large request is not starved by smaller ones behind it.
            while (_waiters.First is { } first && _used + first.Value.Bytes <= Limit)
            {
                _used += first.Value.Bytes;
                UpdateMax(ref _peak, _used);
                _waiters.RemoveFirst();
                granted.Add(first.Value);
            }
        }

        foreach (var w in granted) w.Done.TrySetResult();
    }

    private static void UpdateMax(ref long target, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private sealed class Waiter(long bytes)
    {
        public long Bytes { get; } = bytes;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }
}

/// <summary>Bytes charged to a <see cref="MemoryAccount"/>; disposing releases them (once).</summary>
public sealed class MemoryCharge : IDisposable
{
    private MemoryAccount? _account;

    internal MemoryCharge(MemoryAccount account, long bytes)
    {
        _account = account;
        Bytes = bytes;
    }

    public long Bytes { get; }

    public void Dispose() => Interlocked.Exchange(ref _account, null)?.Release(Bytes);
}

/// <summary>A charge or share the budget can never hold. CLI exit code 2, like a plan error.</summary>
public sealed class MemoryBudgetException : Exception
{
    public MemoryBudgetException(string message) : base(message) { }

    public MemoryBudgetException() { }

    public MemoryBudgetException(string message, Exception inner) : base(message, inner) { }
}
