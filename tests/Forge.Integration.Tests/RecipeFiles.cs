namespace Forge.Integration.Tests;

/// <summary>Writes recipe YAML for the acceptance inputs into a temp folder.</summary>
internal static class RecipeFiles
{
    public static string Daily(string dir, string baseUrl, int zarrFormat, string targetExtra = "", string id = "daily-oisst", string end = "1981-10-10") => Write(dir, id, $$"""
        forge: 1
        id: {{id}}
        inputs:
          url: "{{baseUrl}}/daily/oisst-avhrr-v02r01.{time:%Y%m%d}.nc"
          concat:
            dim: time
            keys:
              range: { start: 1981-09-01, end: {{end}}, step: 1 day }
          fetch: { retries: 1, timeout: 20s }
        transforms:
          - squeeze: [zlev]
        target:
          zarr_format: {{zarrFormat}}
          chunks: { time: 16, lat: 18, lon: 36 }
          {{targetExtra}}
        """);

    public static string Monthly(string dir, string baseUrl, int zarrFormat, string extra = "") => Write(dir, "monthly-t2m", $$"""
        forge: 1
        id: monthly-t2m
        inputs:
          url: "{{baseUrl}}/monthly/t2m.{time:%Y%m}.nc"
          concat:
            dim: time
            keys:
              range: { start: 1990-01-01, end: 1990-12-01, step: 1 month }
          format: netcdf3
          fetch: { retries: 1, timeout: 20s }
        target:
          zarr_format: {{zarrFormat}}
          chunks: { time: 100 }
          codec: { gzip: { level: 1 } }
        {{extra}}
        """);

    public static string Write(string dir, string id, string yaml)
    {
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, id + ".yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
