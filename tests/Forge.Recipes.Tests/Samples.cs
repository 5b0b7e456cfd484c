namespace Forge.Recipes.Tests;

/// <summary>Recipe texts shared by the tests.</summary>
internal static class Samples
{
    /// <summary>Every key of RECIPE-FORMAT.md section 2, with non-default values.</summary>
    public const string FullRecipe = """
        forge: 1
        id: noaa-oisst-avhrr
        title: NOAA OISST v2.1 AVHRR-only daily
        description: Daily 0.25 degree SST
        inputs:
          url: "https://www.ncei.noaa.gov/data/v2.1/avhrr/{time:%Y%m}/oisst-avhrr-v02r01.{time:%Y%m%d}.{variable}.nc"
          concat:
            dim: time
            keys:
              range: { start: 1981-09-01, end: 1981-12-31, step: 1 day }
            items_per_file: 1
          merge:
            dim: variable
            keys: [tmax, tmin, ppt]
          format: grib
          grib:
            filter: { typeOfLevel: surface, shortName: [2t, tp] }
          fetch:
            concurrency: 8
            retries: 3
            timeout: 90s
            auth:
              bearer_env: EARTHDATA_TOKEN
            query_secrets: { apikey: MY_API_KEY_ENV }
          cache: .forge/cache
        transforms:
          - squeeze: [zlev]
          - drop: [zlev]
          - select: [sst, anom]
          - rename: { lat: latitude, lon: longitude }
          - set_coords: [time_bnds]
          - attrs: { global: { license: CC0-1.0, version: 2, old: null }, sst: { comment: "a comment", valid_range: [-3, 45.5] } }
          - decode_cf: [sst]
        target:
          url: s3://bucket/oisst.zarr
          zarr_format: 3
          chunks: { time: 365, lat: 180, lon: 360 }
          chunk_size: 32MiB
          shards: { time: 730 }
          codec: { zstd: { level: 5 } }
          variables:
            sst: { chunks: { time: 730, lat: 90, lon: 180 }, codec: { blosc: { cname: lz4, clevel: 5, shuffle: bitshuffle } }, dtype: float32, fill_value: NaN }
            anom: { dtype: int16, fill_value: -999 }
          s3: { endpoint: https://s3.example.org, region: us-east-1, anonymous: false }
          attrs: { title: "OISST", number: 1.5 }
        run:
          max_memory: 500MB
          workers: 3
        """;

    /// <summary>The smallest valid recipe; errors in tests are introduced by editing copies of it.</summary>
    public const string Minimal = """
        forge: 1
        id: minimal
        inputs:
          url: "https://example.org/{time:%Y%m%d}.nc"
          concat:
            dim: time
            keys:
              range: { start: 2000-01-01, end: 2000-01-10 }
        """;
}
