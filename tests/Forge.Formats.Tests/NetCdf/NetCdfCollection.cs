namespace Forge.Formats.Tests.NetCdf;

/// <summary>All netCDF test classes share one set of generated fixtures.</summary>
[CollectionDefinition(Name)]
public sealed class NetCdfCollection : ICollectionFixture<NetCdfFixtures>
{
    public const string Name = "netcdf fixtures";
}
