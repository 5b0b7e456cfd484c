namespace Forge.Core.Execution.Pipeline;

/// <summary>
/// The pipeline's shared cancellation: the first stage that fails records its exception and cancels every other
/// stage, so none waits forever on a channel or the memory account, and the run reports that first failure.
/// </summary>
internal sealed class PipelineFailure(CancellationToken outer) : IDisposable
{
    private readonly CancellationTokenSource _cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
    private Exception? _first;

    public CancellationToken Token => _cts.Token;

    public bool IsCancellationRequested => _cts.IsCancellationRequested;

    /// <summary>The first failure that was not a cancellation, if any.</summary>
    public Exception? First => Volatile.Read(ref _first);

    public void Fail(Exception ex)
    {
        if (ex is not OperationCanceledException) Interlocked.CompareExchange(ref _first, ex, null);
        try { _cts.Cancel(); } catch (ObjectDisposedException) { } catch (AggregateException) { }
    }

    public void Dispose() => _cts.Dispose();
}
