using Forge.Core.Storage;
using Forge.Testing.Peers;
using Forge.Testing.Storage;

namespace Forge.Storage.S3.Tests;

/// <summary>The shared store suite against moto_server, with the store under a key prefix (as a Zarr target usually is).</summary>
[Collection(MotoCollection.Name)]
public sealed class S3StoreConformanceTests(MotoServerFixture moto) : StoreConformance
{
    protected override async Task<IStore> CreateStoreAsync()
    {
        var bucket = await Moto.CreateBucketAsync(moto);
        return new S3Store(Moto.Options(moto, bucket, prefix: "targets/sst.zarr"));
    }

    protected override async Task DisposeStoreAsync(IStore store)
    {
        ((S3Store)store).Dispose();
        await moto.ResetAsync();
    }
}
