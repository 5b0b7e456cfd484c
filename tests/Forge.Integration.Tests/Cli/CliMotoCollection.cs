using Forge.Testing.Peers;

namespace Forge.Integration.Tests.Cli;

/// <summary>CLI tests with an S3 target share one moto_server and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class CliMotoCollection : ICollectionFixture<MotoServerFixture>
{
    public const string Name = "cli moto";
}
