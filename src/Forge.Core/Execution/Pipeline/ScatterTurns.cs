namespace Forge.Core.Execution.Pipeline;

/// <summary>
/// Hands out turns in order: job i may scatter only after job i−1 has. Decoding runs ahead on every decode worker;
/// scattering in concat order keeps the open set of accumulators exactly what the planner counted.
/// </summary>
internal sealed class ScatterTurns
{
    private readonly TaskCompletionSource[] _turns;

    public ScatterTurns(int jobs)
    {
        _turns = new TaskCompletionSource[jobs + 1];
        for (int i = 0; i < _turns.Length; i++) _turns[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _turns[0].SetResult();
    }

    public Task WaitAsync(int job, CancellationToken ct) => _turns[job].Task.WaitAsync(ct);

    public void Done(int job) => _turns[job + 1].TrySetResult();
}
