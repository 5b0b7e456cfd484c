namespace Forge.Recipes;

/// <summary><c>inputs.format</c>; <see cref="Auto"/> sniffs the magic bytes of each input.</summary>
public enum InputFormat
{
    Auto,
    NetCdf3,
    NetCdf4,
    Hdf5,
    Grib,
}
