using Forge.Core.Codecs;
using Forge.Core.Execution.Memory;
using Forge.Core.Planning;

namespace Forge.Core.Execution.Pipeline;

/// <summary>
/// A target object encoded as its steps arrive (the <c>stream</c> strategy): the concat dimension is the object's
/// outermost, so step t of the object is one contiguous run of its C-order bytes and the object's bytes complete in
/// concat order. Each step goes straight to the encoder (a few blocks held, charged to the memory account), whose
/// output goes to the object's file; the object is stored when its last step (and the zero padding of an edge
/// object beyond the array) has been encoded.
/// </summary>
internal sealed class StreamedObject : IDisposable
{
    private readonly IBytesStreamEncoder? _encoder;
    private readonly StreamedObjectFile _file;
    private readonly long _validSteps;
    private MemoryCharge? _charge;
    private long _steps;

    public StreamedObject(ArrayPlan array, long[] index, string key, IBytesStreamEncoder? encoder, StreamedObjectFile file, MemoryCharge charge)
    {
        Array = array;
        Index = index;
        Id = array.ObjectId(index);
        Key = key;
        _encoder = encoder;
        _file = file;
        _charge = charge;
        int axis = 0;
        StepBytes = array.ObjectBytes / array.ObjectShape[axis];
        _validSteps = array.ObjectRegion(index).Count[axis];
    }

    public ArrayPlan Array { get; }

    public long[] Index { get; }

    public string Id { get; }

    public string Key { get; }

    /// <summary>Bytes of one step of the object (its full, padded extent in every other dimension).</summary>
    public long StepBytes { get; }

    public bool IsComplete => _steps == _validSteps;

    /// <summary>Encodes the next <paramref name="steps"/> whole steps of the object (in concat order).</summary>
    public void Append(ReadOnlySpan<byte> bytes, long steps)
    {
        if (bytes.Length != steps * StepBytes) throw new InvalidOperationException($"object {Id}: {bytes.Length} bytes for {steps} steps of {StepBytes}");
        if (_steps + steps > _validSteps) throw new InvalidOperationException($"object {Id} received {_steps + steps} steps, more than its {_validSteps}");
        if (_encoder is null) _file.Append(bytes);
        else _encoder.Append(bytes, _file);
        _steps += steps;
    }

    /// <summary>After the last step: pads an edge object with zero steps, completes the encoding and releases the encoder's memory.</summary>
    public void Finish()
    {
        if (!IsComplete) throw new InvalidOperationException($"object {Id} finished after {_steps} of {_validSteps} steps");
        long pad = (Array.ObjectShape[0] - _validSteps) * StepBytes;
        if (pad > 0)
        {
            var zeros = new byte[(int)Math.Min(pad, 1 << 20)];
            for (long left = pad; left > 0; left -= zeros.Length)
            {
                var part = zeros.AsSpan(0, (int)Math.Min(zeros.Length, left));
                if (_encoder is null) _file.Append(part);
                else _encoder.Append(part, _file);
            }
        }

        _encoder?.Finish(_file);
        _encoder?.Dispose();
        _charge?.Dispose();
        _charge = null;
    }

    /// <summary>Stores the encoded object (rename into place, or upload); returns its size and CRC-32C for the ledger.</summary>
    public async ValueTask<(long Length, uint Crc32C)> StoreAsync(CancellationToken ct)
    {
        long length = _file.Length;
        uint crc = _file.Crc32C();
        _file.Close();
        await _file.PublishAsync(ct).ConfigureAwait(false);
        return (length, crc);
    }

    public void Dispose()
    {
        _encoder?.Dispose();
        _charge?.Dispose();
        _charge = null;
        _file.Dispose();
    }
}
