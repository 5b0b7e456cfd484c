using System.Runtime.InteropServices;
using Forge.Core.Arrays;
using Forge.Core.Codecs;

namespace Forge.Benchmarks.Codecs;

/// <summary>An OISST-like float32 chunk (1 x 360 x 720 = 1 MiB): smooth SST field, NaN over "land".</summary>
public static class OisstChunk
{
    public static readonly ChunkSpec Spec = new([1, 360, 720], DataType.Float32);

    public static byte[] Create()
    {
        var v = new float[360 * 720];
        for (var y = 0; y < 360; y++)
            for (var x = 0; x < 720; x++)
                v[y * 720 + x] = (x + y) % 97 < 30 ? float.NaN : MathF.Round(28f * MathF.Cos((y - 180) / 115f) + MathF.Sin(x / 40f), 2);
        return MemoryMarshal.AsBytes(v.AsSpan()).ToArray();
    }
}
