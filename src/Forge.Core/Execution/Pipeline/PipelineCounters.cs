namespace Forge.Core.Execution.Pipeline;

/// <summary>What the stages did (thread-safe counters), for the run summary and the tests of the engine's contract.</summary>
public sealed class PipelineCounters
{
    private long _inputsOpened, _bytesDecoded, _bytesAssembled, _objectsEncoded, _objectsWritten, _bytesWritten, _spillBytes, _shardScratchBytes;

    /// <summary>Inputs opened for data (once per input and pass; the schema pass is not counted).</summary>
    public long InputsOpened => Interlocked.Read(ref _inputsOpened);

    /// <summary>Bytes read from the inputs' variables, in their source element types.</summary>
    public long BytesDecoded => Interlocked.Read(ref _bytesDecoded);

    /// <summary>Bytes scattered into object accumulators (target element types).</summary>
    public long BytesAssembled => Interlocked.Read(ref _bytesAssembled);

    public long ObjectsEncoded => Interlocked.Read(ref _objectsEncoded);

    public long ObjectsWritten => Interlocked.Read(ref _objectsWritten);

    /// <summary>Stored (encoded) bytes written to the target.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>Bytes written to the intermediate (spill) store.</summary>
    public long SpillBytes => Interlocked.Read(ref _spillBytes);

    /// <summary>Encoded inner chunks written to local scratch while their shards were assembled (read back once each).</summary>
    public long ShardScratchBytes => Interlocked.Read(ref _shardScratchBytes);

    internal void InputOpened() => Interlocked.Increment(ref _inputsOpened);

    internal void Decoded(long bytes) => Interlocked.Add(ref _bytesDecoded, bytes);

    internal void Assembled(long bytes) => Interlocked.Add(ref _bytesAssembled, bytes);

    internal void Encoded() => Interlocked.Increment(ref _objectsEncoded);

    internal void Written(long bytes)
    {
        Interlocked.Increment(ref _objectsWritten);
        Interlocked.Add(ref _bytesWritten, bytes);
    }

    internal void Spilled(long bytes) => Interlocked.Add(ref _spillBytes, bytes);

    internal void ShardScratch(long bytes) => Interlocked.Add(ref _shardScratchBytes, bytes);
}
