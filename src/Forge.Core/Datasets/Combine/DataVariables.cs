namespace Forge.Core.Datasets.Combine;

/// <summary>
/// Which data variables without the concat dimension get it: xarray's <c>data_vars</c> argument of
/// <c>open_mfdataset</c>/<c>concat</c>, recipe key <c>inputs.concat.data_vars</c>.
/// </summary>
public enum DataVariables
{
    /// <summary>Every data variable, repeated along each input's steps (xarray's default).</summary>
    All,

    /// <summary>Only those that differ between inputs; those equal everywhere are written once.</summary>
    Different,

    /// <summary>None: each is written once and must be equal in every input (else the run is refused, naming what differs).</summary>
    Minimal,
}
