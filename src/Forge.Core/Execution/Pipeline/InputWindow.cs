using Forge.Core.Datasets;
using Forge.Core.Sources;

namespace Forge.Core.Execution.Pipeline;

/// <summary>
/// The inputs the pipeline decodes, fetched ahead in the order it decodes them, through a bounded window: at most
/// <c>inputs</c> fetched-or-fetching inputs not yet used up and at most <c>bytes</c> of their sizes (always at least
/// one), so fetching overlaps decoding while the local disk the inputs take stays bounded. Each local file is deleted
/// right after its last use (a temporary download; an input-cache entry or a user's local file stays). An input whose
/// header the schema pass read by range is checked on arrival to be the same object (size, ETag or Last-Modified): a
/// change under the same URL is a <see cref="DataException"/> naming it, never decoded.
/// Several stages (the objects outside the passes, then each pass) use inputs in turn: when every input the run
/// needs fits in the window at once, each is fetched once and kept until its last use in the run; otherwise each
/// stage fetches the inputs it needs again (a download, or a hit when the input cache keeps them).
/// </summary>
internal sealed class InputWindow : IAsyncDisposable
{
    /// <summary>Default byte bound of the window (run.input_window is not a recipe key: this and the fetch concurrency set it).</summary>
    public const long DefaultBytes = 1L << 30;

    private readonly List<Entry> _entries = [];
    private readonly Dictionary<(int Stage, int Concat, int Merge), int> _index = [];
    private readonly List<Task> _fetches = [];
    private readonly object _gate = new();
    private readonly IInputFetcher _fetcher;
    private readonly InputDisk _disk;
    private readonly CancellationTokenSource _cts;
    private int _next, _active;
    private long _activeBytes;
    private bool _disposed;

    private InputWindow(IInputFetcher fetcher, InputDisk disk, int maxInputs, long maxBytes, CancellationToken ct)
    {
        _fetcher = fetcher;
        _disk = disk;
        MaxInputs = maxInputs;
        MaxBytes = maxBytes;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
    }

    /// <summary>At most this many inputs are fetched or held ahead of their last use.</summary>
    public int MaxInputs { get; }

    /// <summary>At most this many bytes of inputs are fetched or held ahead of their last use (at least one input).</summary>
    public long MaxBytes { get; }

    /// <summary>True when each input is fetched once for the whole run (everything fits), false when stages fetch again.</summary>
    public bool KeepsAcrossStages { get; private set; }

    /// <summary>Inputs in the window by default: two per concurrent fetch, so one is decoded while the next arrive.</summary>
    public static int InputsFor(int fetchConcurrency) => Math.Max(2, 2 * fetchConcurrency);

    /// <summary>
    /// A window over <paramref name="stages"/>: per stage, the inputs it uses in order (an input once per use).
    /// Inputs neither fetched by the schema pass nor read by range (taken from the store) are not in it.
    /// </summary>
    public static InputWindow Create(PreparedRun run, IInputFetcher fetcher, InputDisk disk, IReadOnlyList<IReadOnlyList<(int Concat, int Merge)>> stages, CancellationToken ct)
    {
        var request = run.Request;
        var window = new InputWindow(fetcher, disk, request.InputWindowInputs ?? InputsFor(request.FetchConcurrency), request.InputWindowBytes ?? DefaultBytes, ct);
        bool Fetchable((int, int) key) => run.Files.ContainsKey(key) || run.Streamed.ContainsKey(key);
        long SizeOf((int, int) key) => run.Streamed.TryGetValue(key, out var s) ? s.Validators.Size : run.Files[key] is { IsTemporary: true } f ? f.Bytes : 0;
        var distinct = stages.SelectMany(s => s).Where(Fetchable).Distinct().ToList();
        window.KeepsAcrossStages = stages.Count(s => s.Any(Fetchable)) <= 1 || (distinct.Count <= window.MaxInputs && distinct.Sum(SizeOf) <= window.MaxBytes);
        var urls = request.Inputs.ToDictionary(i => (i.ConcatIndex, i.MergeIndex), i => i.Url);
        var first = new Dictionary<(int, int), int>();
        var last = new Dictionary<(int, int), (int Stage, int Entry)>();
        for (int s = 0; s < stages.Count; s++)
        {
            // The inputs pass 1 starts with that the objects outside the passes read (the first input of each merge
            // group) are kept, not fetched again: stage 0 holds them all at once and pass 1 uses them first, so the
            // window still moves on. (Between passes an input is fetched again: keeping it through a whole pass could
            // leave no room for the others.)
            bool prefix = true;
            foreach (var key in stages[s].Where(Fetchable))
            {
                var entryKey = (window.KeepsAcrossStages ? 0 : s, key.Concat, key.Merge);
                if (s == 1 && prefix && !window._index.ContainsKey(entryKey) && last.TryGetValue(key, out var held) && held.Stage == 0)
                    window._index[entryKey] = held.Entry;
                if (!window._index.TryGetValue(entryKey, out int i))
                {
                    prefix = false;
                    i = window._entries.Count;
                    // The schema pass's local copy serves the first use; a later stage that must fetch again fetches.
                    var present = first.ContainsKey(key) ? null : run.Files.GetValueOrDefault(key);
                    first.TryAdd(key, i);
                    window._entries.Add(new Entry(urls[key], SizeOf(key), present, run.Streamed.GetValueOrDefault(key)));
                    window._index[entryKey] = i;
                }

                window._entries[i].Remaining++;
                window._index[(s, key.Concat, key.Merge)] = i;
                last[key] = (s, i);
            }
        }

        lock (window._gate) window.Pump();
        return window;
    }

    /// <summary>Local copies from the schema pass that no stage uses (another shard's inputs): deleted at once.</summary>
    public static async ValueTask DeleteUnusedAsync(PreparedRun run, InputDisk disk, IReadOnlyList<IReadOnlyList<(int Concat, int Merge)>> stages)
    {
        var used = stages.SelectMany(s => s).ToHashSet();
        foreach (var (key, file) in run.Files)
        {
            if (used.Contains(key)) continue;
            await file.DisposeAsync().ConfigureAwait(false);
            disk.Deleted(file);
        }
    }

    /// <summary>The local file of <paramref name="key"/> for one use in <paramref name="stage"/>, once fetched (and checked).</summary>
    public Task<FetchedInput> AcquireAsync(int stage, (int Concat, int Merge) key, CancellationToken ct)
    {
        var entry = _entries[_index[(stage, key.Concat, key.Merge)]];
        return entry.Ready.Task.WaitAsync(ct);
    }

    /// <summary>One use of <paramref name="key"/> in <paramref name="stage"/> is over: after its last, the local file is deleted and the window moves on.</summary>
    public async ValueTask ReleaseAsync(int stage, (int Concat, int Merge) key)
    {
        var entry = _entries[_index[(stage, key.Concat, key.Merge)]];
        FetchedInput? done = null;
        lock (_gate)
        {
            if (--entry.Remaining == 0)
            {
                if (entry.Counted) _active--;
                _activeBytes -= entry.Size;
                done = entry.File;
                entry.File = null;
            }
        }

        if (done is not null)
        {
            await done.DisposeAsync().ConfigureAwait(false);
            _disk.Deleted(done);
        }

        lock (_gate) Pump();
    }

    /// <summary>Starts the next inputs while the window has room (called under the lock).</summary>
    private void Pump()
    {
        while (!_disposed && _next < _entries.Count)
        {
            var e = _entries[_next];
            if (e.Counted && _active > 0 && (_active >= MaxInputs || _activeBytes + e.Size > MaxBytes)) return;
            _next++;
            if (e.Counted) _active++;
            _activeBytes += e.Size;
            if (e.Present is { } present)
            {
                e.File = present;
                e.Ready.TrySetResult(present);
            }
            else
            {
                _fetches.Add(Task.Run(() => FetchAsync(e)));
            }
        }
    }

    private async Task FetchAsync(Entry e)
    {
        try
        {
            var file = await _fetcher.FetchAsync(e.Url, _cts.Token).ConfigureAwait(false);
            _disk.Fetched(e.Url, file);
            if (e.Expected is { } expected && Difference(expected.Validators, file) is { } change)
            {
                await file.DisposeAsync().ConfigureAwait(false);
                _disk.Deleted(file);
                throw new DataException($"{expected.Shown}: changed at the source since the run read its header ({change}); the run stops so that no object mixes two versions of it. Rerun with --overwrite to rebuild the store from the new version");
            }

            bool orphan;
            lock (_gate)
            {
                orphan = _disposed;
                if (!orphan) e.File = file;
            }

            if (orphan)
            {
                await file.DisposeAsync().ConfigureAwait(false);
                _disk.Deleted(file);
                e.Ready.TrySetCanceled();
                return;
            }

            e.Ready.TrySetResult(file);
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            e.Ready.TrySetCanceled(_cts.Token);
        }
        catch (Exception ex)
        {
            e.Ready.TrySetException(ex);
        }
    }

    /// <summary>How the fetched file differs from the object whose header was read, or null when it is the same one.</summary>
    internal static string? Difference(InputValidators expected, FetchedInput file)
    {
        if (file.Bytes != expected.Size) return $"size {expected.Size} → {file.Bytes} bytes";
        if (file.Validators is not { } now) return null;
        if (expected.ETag is { } a && now.ETag is { } b) return a == b ? null : $"ETag {a} → {b}";
        if (expected.LastModified is { } x && now.LastModified is { } y) return x == y ? null : $"Last-Modified {x:R} → {y:R}";
        return null;
    }

    /// <summary>Stops fetching and deletes every temporary file still held (a failed or cancelled run).</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate) _disposed = true;
        await _cts.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_fetches).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Each failure reached its entry's waiter.
        }

        List<FetchedInput> held;
        lock (_gate)
        {
            held = [.. _entries.Where(e => e.File is not null).Select(e => e.File!)];
            foreach (var e in _entries) e.File = null;
        }

        foreach (var f in held)
        {
            await f.DisposeAsync().ConfigureAwait(false);
            _disk.Deleted(f);
        }

        _cts.Dispose();
    }

    private sealed class Entry(string url, long size, FetchedInput? present, StreamedInput? expected)
    {
        public string Url { get; } = url;

        /// <summary>What the input costs the window: its size, or 0 for a file the run does not delete.</summary>
        public long Size { get; } = size;

        public FetchedInput? Present { get; } = present;

        /// <summary>False for a file already on disk that the run does not delete (a local input, a cache entry): it takes no room in the window.</summary>
        public bool Counted => Present is null || Size > 0;

        public StreamedInput? Expected { get; } = expected;

        public int Remaining { get; set; }

        public FetchedInput? File { get; set; }

        public TaskCompletionSource<FetchedInput> Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
