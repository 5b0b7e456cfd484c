using Forge.Core.Datasets;

namespace Forge.Formats.NetCdf;

/// <summary>A variable's schema plus what the reader needs to fetch it from netCDF-C.</summary>
internal sealed record NetCdfVariable(int VarId, VariableSchema Schema);
