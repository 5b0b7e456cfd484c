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

    [Theory]
    [InlineData("endStep")]
    [InlineData("stepRange")]
    [InlineData("startStep")]
    [InlineData("step")]
    [InlineData("stepUnits")]
    public void Step_does_not_depend_on_which_keys_were_read_first(string firstKey)
    {
        var bytes = File.ReadAllBytes(fixtures.PathOf("minutes_0_30.grib2"));
        using var fresh = EcCodesMessage.FromBytes(bytes, "fresh");
        var expected = GribSteps.EndStepHours(fresh, "fresh");
        var expectedUnits = GribSteps.StepUnits(fresh, "fresh");

        using var m = EcCodesMessage.FromBytes(bytes, "touched");
        try
        {
            _ = m.TryGetString(firstKey);
        }
        catch (EcCodesException)
        {
            // ecCodes 2.28 cannot render a 30-minute endStep in hours: the read fails, the state change stays.
        }

        Assert.Equal(0.5, expected);
        Assert.Equal(expected, GribSteps.EndStepHours(m, "touched"));
        Assert.Equal(expectedUnits, GribSteps.StepUnits(m, "touched"));
        Assert.Equal(0L, expectedUnits);
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
    public async Task Bulletin_header_file_opens_through_format_auto()
    {
        var opener = new DatasetOpener { GribOpener = async (p, o, ct) => await GribDatasetReader.OpenAsync(p, null, ct) };
        await using var reader = await opener.OpenAsync(fixtures.PathOf("bulletin_grib2.grib2"), "auto");
        Assert.NotNull(reader.Schema.FindVariable("t"));
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
