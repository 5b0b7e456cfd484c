using Forge.Core.Storage;
using Forge.Testing.Storage;

namespace Forge.Core.Tests.Storage;

public sealed class MemoryStoreConformanceTests : StoreConformance
{
    protected override Task<IStore> CreateStoreAsync() => Task.FromResult<IStore>(new MemoryStore());
}
