using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Core.Storage;

namespace Forge.Core.Execution;

/// <summary>
/// The lease a run holds on its target: <c>.forge/lease</c>, created with the store's conditional write so exactly
/// one of two concurrent runs gets it. The holder renews it while it runs and deletes it when it ends. A lease whose
/// process is gone (same host) or that was not renewed for <see cref="Expiry"/> (another host) is stale and taken over.
/// </summary>
internal sealed class TargetLease : IAsyncDisposable
{
    public static readonly StoreKey Key = new(".forge/lease");
    public static readonly TimeSpan Renewal = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(10);

    /// <summary>Leases of the shards of a sharded run: <c>.forge/leases/shard-K-of-N</c>, one per shard.</summary>
    public const string ShardPrefix = ".forge/leases/";

    private readonly IStore _store;
    private readonly StoreKey _key;
    private readonly string _owner;
    private readonly string _purpose;
    private readonly DateTimeOffset _started;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    private TargetLease(IStore store, StoreKey key, string owner, string purpose, DateTimeOffset started)
    {
        _store = store;
        _key = key;
        _owner = owner;
        _purpose = purpose;
        _started = started;
        _renewing = RenewAsync(_stop.Token);
    }

    /// <summary>Takes the lease or throws <see cref="TargetConflictException"/> naming the run that holds it.</summary>
    public static Task<TargetLease> AcquireAsync(IStore store, string purpose, CancellationToken ct) => AcquireAsync(store, Key, purpose, ct);

    /// <summary>The lease of one shard: two processes running the same shard refuse each other like two plain runs.</summary>
    public static StoreKey ShardKey(int index, int count) => new($"{ShardPrefix}shard-{index}-of-{count}");

    /// <summary>Takes the lease under <paramref name="key"/> or throws <see cref="TargetConflictException"/> naming the run that holds it.</summary>
    public static async Task<TargetLease> AcquireAsync(IStore store, StoreKey key, string purpose, CancellationToken ct)
    {
        var owner = Guid.NewGuid().ToString("N");
        var started = DateTimeOffset.UtcNow;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await CreateAsync(store, key, Document(owner, purpose, started, started), ct)) return new TargetLease(store, key, owner, purpose, started);
            using var held = await store.GetAsync(key, null, ct);
            if (held is null) continue; // released meanwhile
            var doc = Parse(held.Memory.Span);
            if (!IsStale(doc, DateTimeOffset.UtcNow))
                throw new TargetConflictException($"{store.Url} is in use by another forge run ({Describe(doc)}); wait for it to end. If that run is dead on another machine its lease expires {Expiry.TotalMinutes:0} minutes after its last renewal");
            await store.DeleteAsync(key, ct); // stale: its process is gone
        }

        throw new TargetConflictException($"{store.Url}: another forge run took the lease at the same moment; retry");
    }

    /// <summary>Releases the lease if it is still this run's.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _renewing; } catch (OperationCanceledException) { }
        _stop.Dispose();
        try
        {
            using var held = await _store.GetAsync(_key, null, CancellationToken.None);
            if (held is not null && Parse(held.Memory.Span)?["owner"]?.GetValue<string>() == _owner)
                await _store.DeleteAsync(_key, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException)
        {
            // Best effort: a lease left behind by this process is stale once it exits.
        }
    }

    private async Task RenewAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Renewal);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                await _store.SetAsync(_key, Document(_owner, _purpose, _started, DateTimeOffset.UtcNow), ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException)
            {
                // A missed renewal is retried at the next tick; expiry is ten renewals away.
            }
        }
    }

    /// <summary>Every Forge store has the conditional write; a plain wrapper (tests, adapters) gets check-then-set.</summary>
    private static async ValueTask<bool> CreateAsync(IStore store, StoreKey key, byte[] document, CancellationToken ct)
    {
        if (store is IConditionalWritableStore conditional) return await conditional.SetIfAbsentAsync(key, document, ct);
        if (await store.ExistsAsync(key, ct)) return false;
        await store.SetAsync(key, document, ct);
        return true;
    }

    /// <summary>
    /// Who holds the lease under <paramref name="key"/> when it is live ("pid P on HOST, started T, forge run ID"),
    /// or null when nobody does; a stale lease found here is deleted.
    /// </summary>
    public static async Task<string?> LiveHolderAsync(IStore store, StoreKey key, CancellationToken ct)
    {
        using var held = await store.GetAsync(key, null, ct);
        if (held is null) return null;
        var doc = Parse(held.Memory.Span);
        if (!IsStale(doc, DateTimeOffset.UtcNow)) return Describe(doc);
        await store.DeleteAsync(key, ct);
        return null;
    }

    private static byte[] Document(string owner, string purpose, DateTimeOffset started, DateTimeOffset renewed)
    {
        using var self = Process.GetCurrentProcess();
        var json = new JsonObject
        {
            ["owner"] = owner,
            ["host"] = Environment.MachineName,
            ["pid"] = Environment.ProcessId,
            ["process_started"] = self.StartTime.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["purpose"] = purpose,
            ["started"] = started.ToString("O", CultureInfo.InvariantCulture),
            ["renewed"] = renewed.ToString("O", CultureInfo.InvariantCulture),
        };
        return Encoding.UTF8.GetBytes(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static JsonObject? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Stale: unreadable, its process is gone (same host), or not renewed within the expiry.</summary>
    internal static bool IsStale(JsonObject? doc, DateTimeOffset now)
    {
        if (doc is null) return true;
        var renewed = DateTimeOffset.TryParse(doc["renewed"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var r) ? r : DateTimeOffset.MinValue;
        if (doc["host"]?.GetValue<string>() != Environment.MachineName) return now - renewed > Expiry;
        var pid = doc["pid"]?.GetValue<int>() ?? -1;
        return !ProcessIsAlive(pid, doc["process_started"]?.GetValue<string>());
    }

    private static bool ProcessIsAlive(int pid, string? startedText)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            if (p.HasExited) return false;
            // A recycled pid belongs to a process started later than the one that wrote the lease.
            return !DateTimeOffset.TryParse(startedText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var started)
                || Math.Abs((p.StartTime.ToUniversalTime() - started.UtcDateTime).TotalSeconds) < 2;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static string Describe(JsonObject? doc) =>
        doc is null ? "unreadable lease" : $"pid {doc["pid"]} on {doc["host"]}, started {doc["started"]}, {doc["purpose"]}";
}
