using Forge.Testing.Peers;

namespace Forge.Storage.S3.Tests;

/// <summary>All S3 tests share one moto_server and run one after another (they reset it between tests).</summary>
[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoServerFixture>
{
    public const string Name = "moto";
}
