namespace Forge.Integration.Tests.Infrastructure;

/// <summary>
/// The acceptance inputs, generated once per test run with the netCDF library (eng/data/make_inputs.py):
/// 40 daily OISST-like NetCDF-4 files (int16 packed, deflate + shuffle) and 12 monthly NetCDF-3 files with
/// 28-31 daily steps whose time units differ per file ("hours since &lt;first of the month&gt;").
/// </summary>
public sealed class InputFiles : IDisposable
{
    public InputFiles()
    {
        Root = Directory.CreateTempSubdirectory("forge-it-inputs-").FullName;
        var script = Repo.PathOf("eng", "data", "make_inputs.py");
        Processes.Check(Processes.Python, script, "daily", DailyDir, "--start", "1981-09-01", "--days", "40", "--nlat", "36", "--nlon", "72");
        Processes.Check(Processes.Python, script, "monthly", MonthlyDir, "--year", "1990", "--months", "12", "--nlat", "12", "--nlon", "24");
    }

    public string Root { get; }

    public string DailyDir => Path.Combine(Root, "daily");

    public string MonthlyDir => Path.Combine(Root, "monthly");

    public string[] DailyFiles => [.. Directory.GetFiles(DailyDir, "*.nc").Order(StringComparer.Ordinal)];

    public string[] MonthlyFiles => [.. Directory.GetFiles(MonthlyDir, "*.nc").Order(StringComparer.Ordinal)];

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
