using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests;

/// <summary>
/// The real-file GRIB classes of issue 10 through <c>forge run</c> (format auto), two dates per class stacked along
/// time, each store compared with xarray's open_mfdataset(engine="cfgrib") of the same files: dims, dtypes, values,
/// step and valid_time. Files are made at test time from ecCodes' samples with grib_set and make_multifield.py.
/// </summary>
public sealed class GribRealFileClassesTests : IDisposable
{
    private static readonly string[] Days = ["20200101", "20200102"];
    private readonly string _work = Directory.CreateTempSubdirectory("forge-grib-classes-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_work, true); } catch (IOException) { }
    }

    [Fact]
    public async Task Stores_of_each_class_equal_cfgrib()
    {
        var multifield = Repo.PathOf("tests", "data", "grib", "make_multifield.py");
        var cases = new (string Name, string Extension, string MakeOneDay)[]
        {
            // Item 2: a 30-minute step (ecCodes reads endStep 30 with stepUnits 1 on a fresh handle): step 0.5 h.
            ("minutes", "grib2", "grib_set -s dataDate=$d,indicatorOfUnitOfTimeRange=0,forecastTime=30 $S/GRIB2.tmpl $out"),
            // Item 2: 45 minutes coded as 3 x 15 minutes (code 14); ecCodes 2.28 asked for seconds reads 5,760,454,026.
            ("quarter-hours", "grib2", "grib_set -s dataDate=$d,indicatorOfUnitOfTimeRange=14,forecastTime=3 $S/GRIB2.tmpl $out"),
            // Item 3: a multi-field message (t and u, sections 4-7 repeated).
            ("multifield", "grib2", $"grib_set -s dataDate=$d $S/GRIB2.tmpl t.$d && grib_set -s shortName=u -d 2 t.$d u.$d && /usr/bin/python3 {multifield} $out t.$d u.$d"),
            // Item 4: no forecast step (product template 4.31): no step, no valid_time.
            ("pdt31", "grib2", "grib_set -s productDefinitionTemplateNumber=31,dataDate=$d $S/GRIB2.tmpl $out"),
            // Item 4: a grid ecCodes decodes but cannot locate (NCEP's 3.32769): values only.
            ("ncep32769", "grib2", "grib_set -s centre=kwbc,dataDate=$d $S/GRIB2.tmpl k.$d && grib_set -s gridDefinitionTemplateNumber=32769 k.$d $out"),
            // Item 10: a 12000-byte WMO bulletin header before the message.
            ("bulletin", "grib", "grib_set -s dataDate=$d $S/GRIB1.tmpl g.$d && { printf '\\001\\r\\r\\n123\\r\\r\\nHTXA50 KWBC 010000\\r\\r\\n'; printf '%011969d' 0 | tr 0 ' '; cat g.$d; } >$out"),
        };

        var compare = new List<string> { Path.Combine(AppContext.BaseDirectory, "peers", "compare_cfgrib_cases.py") };
        foreach (var (name, extension, make) in cases)
        {
            var dir = Directory.CreateDirectory(Path.Combine(_work, name)).FullName;
            foreach (var d in Days)
            {
                Processes.Check("bash", "-c", $"set -e; cd {dir}; S=/usr/share/eccodes/samples; d={d}; out=in.{d}.{extension}; {make}; rm -f t.* u.* k.* g.*");
            }

            var recipe = RecipeFiles.Write(_work, name, $$"""
                forge: 1
                id: grib-{{name}}
                inputs:
                  url: "{{dir}}/in.{time:%Y%m%d}.{{extension}}"
                  concat:
                    dim: time
                    keys:
                      range: { start: 2020-01-01, end: 2020-01-02, step: 1 day }
                target:
                  zarr_format: 2
                """);
            var store = Path.Combine(_work, name + ".zarr");
            var (code, _, err) = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "none");
            Assert.True(code == 0, $"{name}: {err}");
            compare.AddRange([store, .. Days.Select(d => Path.Combine(dir, $"in.{d}.{extension}")), "--"]);
        }

        var (pc, stdout, stderr) = Processes.Run(Processes.Python, compare);
        Assert.True(pc == 0, $"cfgrib comparison failed:\n{stdout}\n{stderr}");
    }
}
