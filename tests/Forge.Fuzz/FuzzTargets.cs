using System.Text;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Zarr;
using Forge.Formats;
using Forge.Formats.Grib;
using Forge.Formats.NetCdf;
using Forge.Recipes;

namespace Forge.Fuzz;

/// <summary>
/// The fuzzed entry points. Each takes the raw input bytes; the exception a parser documents for bad input
/// (RecipeException, DataException, ZarrMetadataException) is a pass, anything else (or a hang) is a crash.
/// The regression tests replay every saved crash through the same methods.
/// </summary>
public static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["recipe"] = Recipe,
        ["classic"] = ClassicHeader,
        ["classic-range"] = ClassicRange,
        ["grib"] = GribFraming,
        ["zarr"] = ZarrMetadata,
    };

    /// <summary>The recipe parser: YAML structure limits, schema checks, keys, placeholders.</summary>
    public static void Recipe(byte[] input)
    {
        try
        {
            RecipeLoader.ParseRecipeBytes("fuzz.yaml", input);
        }
        catch (RecipeException)
        {
        }
    }

    /// <summary>The classic netCDF header parser and size check Forge runs before netCDF-C sees a CDF-1/2/5 file.</summary>
    public static void ClassicHeader(byte[] input) => WithFile(input, path =>
    {
        try
        {
            // What the reader runs at open, before netCDF-C sees the file: the header, then every declared extent.
            ClassicLayout.Read(path).CheckDeclaredSize(path);
        }
        catch (DataException)
        {
        }
    });

    /// <summary>
    /// The managed classic header reader of remote files read by range (Remote/ClassicHeader, what forge inspect and
    /// plan run on a URL), then a read of every variable up to 1 Mi elements through its range reader.
    /// </summary>
    public static void ClassicRange(byte[] input)
    {
        if (input.Length < 4 || input[0] != 'C' || input[1] != 'D' || input[2] != 'F') return; // HDF5 goes to libhdf5, not fuzzed here
        try
        {
            var source = new MemoryInput(input);
            var reader = new DatasetOpener().OpenHeaderAsync(source, "auto").AsTask().GetAwaiter().GetResult();
            if (reader is null) return;
            foreach (var v in reader.Schema.Variables)
            {
                if (v.DataType == DataType.String) continue;
                var elements = v.Shape.Aggregate(1L, (a, b) => a * b);
                if (elements > 1 << 20) continue;
                var buffer = new byte[elements * v.DataType.ElementSize()];
                reader.ReadAsync(v.Name, new long[v.Rank], v.Shape.ToArray(), buffer).AsTask().GetAwaiter().GetResult();
            }
        }
        catch (DataException)
        {
        }
    }

    /// <summary>The fuzz input as a range-read remote file.</summary>
    private sealed class MemoryInput(byte[] bytes) : Forge.Core.Sources.IRandomAccessInput
    {
        public string Url => "https://fuzz.invalid/input.nc";

        public long Length => bytes.Length;

        public Forge.Core.Sources.InputValidators Validators => new(bytes.Length, null, null);

        public long BytesFetched => 0;

        public int Requests => 0;

        public ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken ct = default)
        {
            if (offset < 0 || offset > bytes.Length - destination.Length) throw new DataException($"{Url}: read past the end");
            bytes.AsMemory((int)offset, destination.Length).CopyTo(destination);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>
    /// The GRIB framer (messages found by "GRIB", edition and declared length, as ecCodes does) and the GRIB2
    /// section walker that splits multi-field messages: the managed code a GRIB input meets before ecCodes.
    /// </summary>
    public static void GribFraming(byte[] input) => WithFile(input, path =>
    {
        try
        {
            using var framer = new GribMessageFramer(path);
            for (var n = 1; framer.Next(n) is { } message; n++)
            {
                using (message)
                {
                    // The scanner's next step, still before ecCodes: GRIB2 sections walked and each field cut out.
                    var fields = GribMultiField.CountFields(message.Span, "fuzz");
                    if (fields > 1)
                    {
                        for (var f = 0; f < fields; f++) GribMultiField.Extract(message.Span, f, "fuzz");
                    }
                }
            }
        }
        catch (DataException)
        {
        }
    });

    /// <summary>The Zarr metadata parser (.zarray + .zattrs, zarr.json).</summary>
    public static void ZarrMetadata(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        var split = text.IndexOf('\u0001', StringComparison.Ordinal);
        try
        {
            if (split < 0) ZarrArrayMetadata.Parse(text, "fuzz/zarr.json");
            else ZarrArrayMetadata.Parse(text[..split], "fuzz/.zarray", text[(split + 1)..]);
        }
        catch (ZarrMetadataException)
        {
        }
    }

    private static readonly string Scratch = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"forge-fuzz-{Environment.ProcessId}");

    private static void WithFile(byte[] input, Action<string> parse)
    {
        File.WriteAllBytes(Scratch, input);
        parse(Scratch);
    }
}
