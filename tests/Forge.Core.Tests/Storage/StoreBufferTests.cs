using Forge.Core.Storage;

namespace Forge.Core.Tests.Storage;

public sealed class StoreBufferTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(1 << 20)]
    public void RentedMemoryHasExactlyTheRequestedLength(int length)
    {
        using var buffer = StoreBuffer.Rent(length);
        Assert.Equal(length, buffer.Memory.Length);
    }

    [Fact]
    public void CopyOfCopies()
    {
        byte[] source = [1, 2, 3, 4, 5];
        using var buffer = StoreBuffer.CopyOf(source.AsSpan(1, 3));
        source[2] = 99;
        Assert.Equal(new byte[] { 2, 3, 4 }, buffer.Memory.ToArray());
    }

    [Fact]
    public void DisposeIsIdempotentAndEndsAccess()
    {
        var buffer = StoreBuffer.Rent(10);
        buffer.Dispose();
        buffer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => buffer.Memory);
    }

    [Fact]
    public void NegativeLengthsAreRefused() => Assert.Throws<ArgumentOutOfRangeException>(() => StoreBuffer.Rent(-1));
}
