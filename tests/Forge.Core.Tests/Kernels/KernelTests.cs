using Forge.Core.Arrays;
using Forge.Core.Kernels;

namespace Forge.Core.Tests.Kernels;

public sealed class KernelTests
{
    [Fact]
    public void Endian_swap_reverses_each_element()
    {
        byte[] data = [1, 2, 3, 4, 5, 6, 7, 8];
        EndianSwap.SwapInPlace(data, 2);
        Assert.Equal([2, 1, 4, 3, 6, 5, 8, 7], data);
        EndianSwap.SwapInPlace(data, 2);
        EndianSwap.SwapInPlace(data, 4);
        Assert.Equal([4, 3, 2, 1, 8, 7, 6, 5], data);
        EndianSwap.SwapInPlace(data, 4);
        EndianSwap.SwapInPlace(data, 8);
        Assert.Equal([8, 7, 6, 5, 4, 3, 2, 1], data);
        Assert.Throws<ArgumentException>(() => EndianSwap.SwapInPlace(new byte[3], 2));
    }

    [Fact]
    public void Block_copy_moves_a_box_between_arrays()
    {
        // src 3x4 of values 0..11; copy the 2x2 box at (1,1) into a 2x3 destination at (0,1).
        var src = Enumerable.Range(0, 12).Select(i => (byte)i).ToArray();
        var dst = new byte[6];
        BlockCopy.Copy(src, [3, 4], [1, 1], dst, [2, 3], [0, 1], [2, 2], 1);
        Assert.Equal([0, 5, 6, 0, 9, 10], dst);
        var whole = new byte[12];
        BlockCopy.Copy(src, [3, 4], [0, 0], whole, [3, 4], [0, 0], [3, 4], 1);
        Assert.Equal(src, whole);
        Assert.Throws<ArgumentOutOfRangeException>(() => BlockCopy.Copy(src, [3, 4], [2, 0], dst, [2, 3], [0, 0], [2, 2], 1));
    }

    [Fact]
    public void Fill_pattern_detection_treats_any_nan_as_a_nan_fill()
    {
        var nanFill = BitConverter.GetBytes(float.NaN);
        var data = new float[100];
        Array.Fill(data, float.NaN);
        data[3] = BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00001)); // another NaN payload
        Assert.True(FillPattern.IsUniform(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()), nanFill, DataType.Float32));
        data[50] = 1f;
        Assert.False(FillPattern.IsUniform(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()), nanFill, DataType.Float32));
        var ints = new byte[40];
        FillPattern.Fill(ints, BitConverter.GetBytes(-9999));
        Assert.True(FillPattern.IsUniform(ints, BitConverter.GetBytes(-9999), DataType.Int32));
        Assert.Equal(-9999, BitConverter.ToInt32(ints, 36));
        Assert.False(FillPattern.IsUniform(ints, BitConverter.GetBytes(0), DataType.Int32));
    }
}
