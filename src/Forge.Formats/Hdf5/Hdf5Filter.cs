namespace Forge.Formats.Hdf5;

/// <summary>One stage of a dataset's HDF5 filter pipeline (in write order).</summary>
internal sealed record Hdf5Filter(int Id, uint[] Parameters);
