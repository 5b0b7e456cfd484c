using System.Diagnostics;
using System.Globalization;
using Forge.Core.Datasets;
using Forge.Formats.Grib;
using Forge.Native.EcCodes;

namespace Forge.Formats.Tests.Grib;

/// <summary>
/// Classes of real GRIB files where Debian's cfgrib 0.9.10 / ecCodes 2.28 is not a usable oracle as is: sub-hourly
/// steps (cfgrib drops a 30-minute step or refuses the file), key-order dependence of stepUnits, sniffing past a
/// bulletin header. The oracle is ecCodes itself (python3-eccodes in a child process, asked for explicit units).
/// </summary>
[Collection(GribCollection.Name)]
public sealed class GribRealFileTests(GribFixtures fixtures)
{
    [Fact]
    public async Task Thirty_minute_step_is_half_an_hour_as_ecCodes_says_in_minutes()
    {
        var path = fixtures.PathOf("minutes_0_30.grib2");
        var minutes = EcCodesEndStepMinutes(path);
        Assert.Equal([30.0], minutes);
        await using var reader = await GribDatasetReader.OpenAsync(path, null, CancellationToken.None);
        var step = await GribTestData.ReadAllAsync(reader, "step");
        Assert.Equal(minutes.Select(m => m / 60.0), step);
        Assert.Equal(0L, reader.Schema.GetVariable("tp").Attributes["GRIB_stepUnits"]!.AsScalar());
        var time = await GribTestData.ReadAllAsync(reader, "time");
        var valid = await GribTestData.ReadAllAsync(reader, "valid_time");
        Assert.Equal(time[0] + 1800, valid[0]);
    }

    [Fact]
    public async Task Minute_steps_of_several_messages_form_one_step_dimension()
    {
        // cfgrib refuses this file ("multiple values for key 'stepUnits'": 1 on the message it cannot express in hours).
        Assert.NotNull(fixtures.DumpOf("minutes_two_steps.grib2").Error);
        var path = fixtures.PathOf("minutes_two_steps.grib2");
        await using var reader = await GribDatasetReader.OpenAsync(path, null, CancellationToken.None);
        Assert.Equal(EcCodesEndStepMinutes(path).Select(m => m / 60.0), await GribTestData.ReadAllAsync(reader, "step"));
        Assert.Equal(["step", "latitude", "longitude"], reader.Schema.GetVariable("tp").Dimensions.ToArray());
    }

    /// <summary>
    /// Every order of reading ecCodes' step keys before Forge reads the step gives the same step and unit. ecCodes
    /// 2.28 alone does not: on a fresh handle stepUnits is 1 and endStep of the 30-minute message reads 30, after
    /// stepRange both are in minutes; the GRIB2 15-minute code (14) asked for in seconds reads 5,760,454,026.
    /// Expected values are how the files were made (make-fixtures.sh); cfgrib agrees where it reads them.
    /// </summary>
    [Theory]
    [InlineData("steps_30min.grib2", 1800, 1800, 0)]
    [InlineData("steps_90s.grib2", 90, 90, 13)]
    [InlineData("steps_15min_grib1.grib", 2700, 2700, 13)]
    [InlineData("steps_15min_code14.grib2", 2700, 2700, 14)]
    [InlineData("minutes_0_30.grib2", 0, 1800, 0)]
    [InlineData("eccodes_grib2_minutes.grib2", 1800, 3600, 0)]
    [InlineData("sample_GRIB1.grib", 0, 0, 1)]
    [InlineData("cdo_grib2_simple.grib2", 0, 0, 1)]
    public void Step_does_not_depend_on_which_keys_were_read_before(string file, long startSeconds, long endSeconds, long units)
    {
        byte[] bytes;
        using (var framer = new GribMessageFramer(fixtures.PathOf(file)))
        using (var framed = framer.Next(1)!)
            bytes = framed.Span.ToArray();
        string[] keys = ["stepUnits", "endStep", "stepRange", "startStep", "step"];
        var expected = new GribStep(startSeconds, endSeconds, units);
        foreach (var order in Permutations(keys))
        {
            using var m = EcCodesMessage.FromBytes(bytes, file);
            foreach (var key in order)
            {
                try
                {
                    _ = m.TryGetString(key);
                }
                catch (EcCodesException)
                {
                    // ecCodes 2.28 cannot render a 30-minute endStep in hours: the read fails, its state change stays.
                }
            }

            Assert.True(expected == GribSteps.Read(m, file), $"{file}, keys read first: {string.Join(", ", order)}: {GribSteps.Read(m, file)}");
            // ... and reading the step again after Forge did (it set stepUnits) gives it again.
            _ = m.TryGetLong("stepUnits");
            Assert.Equal(expected, GribSteps.Read(m, file));
        }
    }

    private static IEnumerable<string[]> Permutations(string[] items) =>
        items.Length <= 1 ? [items] : items.SelectMany((x, i) => Permutations([.. items[..i], .. items[(i + 1)..]]).Select(rest => (string[])[x, .. rest]));

    /// <summary>15, 30, 45 and 60 minutes in one file: cfgrib refuses it (stepUnits 0 and 1); Forge reads one step dimension in hours, each step as ecCodes gives it in minutes.</summary>
    [Fact]
    public async Task Sub_hourly_steps_with_a_whole_hour_form_one_step_dimension()
    {
        Assert.Contains("stepUnits", fixtures.DumpOf("steps_subhourly.grib2").Error);
        var path = fixtures.PathOf("steps_subhourly.grib2");
        await using var reader = await GribDatasetReader.OpenAsync(path, null, CancellationToken.None);
        var minutes = EcCodesEndStepMinutes(path);
        Assert.Equal([15.0, 30, 45, 60], minutes);
        Assert.Equal(minutes.Select(m => m / 60.0), await GribTestData.ReadAllAsync(reader, "step"));
        var time = (await GribTestData.ReadAllAsync(reader, "time")).Single();
        Assert.Equal(minutes.Select(m => time + (m * 60)), await GribTestData.ReadAllAsync(reader, "valid_time"));
        Assert.Equal(0L, reader.Schema.GetVariable("t").Attributes["GRIB_stepUnits"]!.AsScalar());

        // A filter on step keys sees hours and GRIB_stepUnits, whatever ecCodes read before (cfgrib's filter_by_keys on step).
        var filter = new GribFilter(new Dictionary<string, IReadOnlyList<string>> { ["step"] = ["0.5", "1"] });
        await using var half = await GribDatasetReader.OpenAsync(path, filter, CancellationToken.None);
        Assert.Equal(new[] { 0.5, 1.0 }, await GribTestData.ReadAllAsync(half, "step"));
        var units = new GribFilter(new Dictionary<string, IReadOnlyList<string>> { ["stepUnits"] = ["1"] });
        await using var hourly = await GribDatasetReader.OpenAsync(path, units, CancellationToken.None);
        Assert.Equal(new[] { 1.0 }, await GribTestData.ReadAllAsync(hourly, "step"));
    }

    [Fact]
    public async Task Message_without_forecast_step_has_no_step_or_valid_time()
    {
        await using var reader = await GribDatasetReader.OpenAsync(fixtures.PathOf("eccodes_grib2_pdt31.grib2"), null, CancellationToken.None);
        Assert.Null(reader.Schema.FindVariable("step"));
        Assert.Null(reader.Schema.FindVariable("valid_time"));
        Assert.NotNull(reader.Schema.FindVariable("time"));
    }

    [Fact]
    public async Task Multi_field_message_fields_equal_the_single_field_messages()
    {
        await using var multi = await GribDatasetReader.OpenAsync(fixtures.PathOf("eccodes_grib2_multifield.grib2"), null, CancellationToken.None);
        await using var single = await GribDatasetReader.OpenAsync(fixtures.PathOf("cdo_grib2_simple.grib2"), null, CancellationToken.None);
        foreach (var name in new[] { "t", "u" })
        {
            // cdo_grib2_simple: (step, isobaricInhPa, latitude, longitude); the multi-field message holds step 0 at 850 hPa.
            var expected = await GribTestData.ReadAsync(single, name, [0, 1, 0, 0], [1, 1, 18, 36]);
            Assert.Equal(expected, await GribTestData.ReadAllAsync(multi, name));
        }
    }

    [Fact]
    public void Sniffer_finds_a_GRIB_message_behind_a_bulletin_header()
    {
        Assert.Equal(ContainerKind.Grib, FormatSniffer.Sniff(fixtures.PathOf("bulletin_grib2.grib2")));
        var junk = Path.Combine(fixtures.Directory, "junk-" + Guid.NewGuid().ToString("N")[..6]);
        File.WriteAllBytes(junk, Enumerable.Repeat((byte)' ', 200_000).Concat("GRIBx"u8.ToArray()).ToArray());
        Assert.Equal(ContainerKind.Unknown, FormatSniffer.Sniff(junk)); // "GRIB" without an edition byte is not a message
        var far = Path.Combine(fixtures.Directory, "far-" + Guid.NewGuid().ToString("N")[..6]);
        File.WriteAllBytes(far, Enumerable.Repeat((byte)'x', 65_533).Concat(File.ReadAllBytes(fixtures.PathOf("sample_GRIB2.grib"))).ToArray());
        Assert.Equal(ContainerKind.Grib, FormatSniffer.Sniff(far)); // "GRIB" straddles the scan's first block boundary
    }

    [Fact]
    public async Task Sniffing_is_bounded_and_format_grib_reads_past_the_bound_as_ecCodes()
    {
        var grib = File.ReadAllBytes(fixtures.PathOf("sample_GRIB2.grib"));
        var within = Path.Combine(fixtures.Directory, "within-" + Guid.NewGuid().ToString("N")[..6]);
        File.WriteAllBytes(within, [.. new byte[FormatSniffer.GribScanLimit - 100], .. grib]);
        Assert.Equal(ContainerKind.Grib, FormatSniffer.Sniff(within));
        var beyond = Path.Combine(fixtures.Directory, "beyond-" + Guid.NewGuid().ToString("N")[..6]);
        File.WriteAllBytes(beyond, [.. new byte[FormatSniffer.GribScanLimit + FormatSniffer.Block + 8], .. grib]);
        Assert.Equal(ContainerKind.Unknown, FormatSniffer.Sniff(beyond));
        var opener = new DatasetOpener { GribOpener = async (p, o, ct) => await GribDatasetReader.OpenAsync(p, null, ct) };
        var ex = await Assert.ThrowsAsync<DataException>(async () => await opener.OpenAsync(beyond, "auto"));
        Assert.Contains("not a NetCDF, HDF5 or GRIB file", ex.Message);
        await using var reader = await opener.OpenAsync(beyond, "grib");
        Assert.NotNull(reader.Schema.FindVariable("t"));
    }

    /// <summary>A remote file is sniffed by range: 8 bytes for NetCDF/HDF5 magic, then 64 KiB blocks only while nothing is found.</summary>
    [Fact]
    public async Task Remote_sniffing_reads_few_ranges()
    {
        var bulletin = new BytesInput(File.ReadAllBytes(fixtures.PathOf("bulletin_12000_grib1.grib")));
        Assert.Equal(ContainerKind.Grib, await FormatSniffer.SniffAsync(bulletin, CancellationToken.None));
        Assert.True(bulletin.Requests <= 8, $"{bulletin.Requests} range requests"); // 8 bytes, user-block probes inside the block, one block
        Assert.True(bulletin.BytesFetched <= FormatSniffer.Block + 8 + 7);
        var netcdf = new BytesInput([(byte)'C', (byte)'D', (byte)'F', 1, .. new byte[100_000]]);
        Assert.Equal(ContainerKind.NetCdf3, await FormatSniffer.SniffAsync(netcdf, CancellationToken.None));
        Assert.Equal(8, netcdf.BytesFetched);
        var far = new BytesInput([.. new byte[300_000], .. File.ReadAllBytes(fixtures.PathOf("sample_GRIB2.grib"))]);
        Assert.Equal(ContainerKind.Grib, await FormatSniffer.SniffAsync(far, CancellationToken.None));
        Assert.True(far.BytesFetched < 400_000, $"{far.BytesFetched} bytes");
    }

    /// <summary>An in-memory <see cref="Forge.Core.Sources.IRandomAccessInput"/> counting requests, as the HTTP one counts them.</summary>
    private sealed class BytesInput(byte[] bytes) : Forge.Core.Sources.IRandomAccessInput
    {
        public string Url => "mem://test";

        public long Length => bytes.Length;

        public Forge.Core.Sources.InputValidators Validators => throw new NotSupportedException();

        public long BytesFetched { get; private set; }

        public int Requests { get; private set; }

        public ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken ct = default)
        {
            if (offset + destination.Length > bytes.Length) throw new DataException($"{Url}: read past the end");
            bytes.AsMemory((int)offset, destination.Length).CopyTo(destination);
            Requests++;
            BytesFetched += destination.Length;
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Bulletin_header_file_opens_through_format_auto()
    {
        var opener = new DatasetOpener { GribOpener = async (p, o, ct) => await GribDatasetReader.OpenAsync(p, null, ct) };
        await using var reader = await opener.OpenAsync(fixtures.PathOf("bulletin_grib2.grib2"), "auto");
        Assert.NotNull(reader.Schema.FindVariable("t"));
        await using var grib1 = await opener.OpenAsync(fixtures.PathOf("bulletin_12000_grib1.grib"), "auto");
        Assert.NotNull(grib1.Schema.FindVariable("t"));
    }

    /// <summary>endStep of every message in minutes, as python3-eccodes reads it with stepUnits set to minutes.</summary>
    private static double[] EcCodesEndStepMinutes(string path)
    {
        const string script = """
            import sys, eccodes
            with open(sys.argv[1], 'rb') as f:
                while (h := eccodes.codes_grib_new_from_file(f)) is not None:
                    eccodes.codes_set(h, 'stepUnits', 'm')
                    print(eccodes.codes_get(h, 'endStep', int))
                    eccodes.codes_release(h)
            """;
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(path);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000), "python3-eccodes did not finish within 60 s");
        Assert.True(p.ExitCode == 0, stderr.Result);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).Distinct().Order().ToArray();
    }
}
