using Forge.Core.Datasets;
using Forge.Formats.NetCdf;
using Forge.Formats.Tests.NetCdf;

namespace Forge.Formats.Tests;

/// <summary>
/// The long-lived header-check child that forge uses instead of one ncdump per input: answers per file, a crash
/// on one file becomes a DataException naming it and the next check starts a new child, and the real server loop
/// answers like the in-process open.
/// </summary>
[Collection(NetCdfCollection.Name)]
public sealed class HeaderCheckWorkerTests(NetCdfFixtures fixtures)
{
    // A stand-in child speaking the protocol: dies of SIGSEGV on a path containing "crash", else runs ncdump -h.
    private const string StandIn =
        "while IFS= read -r p; do case \"$p\" in *crash*) kill -SEGV $$;; esac; " +
        "if ncdump -h \"$p\" >/dev/null 2>&1; then echo ok; else printf 'error\\t%s: not a netCDF file\\n' \"$p\"; fi; done";

    [Fact]
    public void One_child_checks_many_files_and_a_crash_names_the_file_then_a_new_child_takes_over()
    {
        var good = fixtures.PathOf("oisst");
        var crash = fixtures.CopyOf("oisst", "worker-crash");
        var notNetCdf = Path.Combine(Path.GetDirectoryName(crash)!, "worker-not-netcdf.nc");
        File.WriteAllText(notNetCdf, "not a netCDF file");
        using var worker = new HeaderCheckWorker("/bin/sh", ["-c", StandIn], TimeSpan.FromSeconds(60));

        worker.Check(good);
        worker.Check(good);
        var bad = Assert.Throws<DataException>(() => worker.Check(notNetCdf));
        Assert.Contains(notNetCdf, bad.Message, StringComparison.Ordinal);
        Assert.Equal(1, worker.Started);

        var crashed = Assert.Throws<DataException>(() => worker.Check(crash));
        Assert.Contains(crash, crashed.Message, StringComparison.Ordinal);
        Assert.Contains("signal 11", crashed.Message, StringComparison.Ordinal);

        worker.Check(good);
        Assert.Equal(2, worker.Started);
    }

    [Fact]
    public void A_child_that_hangs_is_killed_and_the_file_is_named()
    {
        var path = fixtures.PathOf("oisst");
        using var worker = new HeaderCheckWorker("/bin/sh", ["-c", "read p; sleep 600"], TimeSpan.FromSeconds(2));
        var error = Assert.Throws<DataException>(() => worker.Check(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("did not finish", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_server_loop_answers_ok_or_the_open_error_one_line_per_path()
    {
        var good = fixtures.PathOf("oisst");
        var missing = Path.Combine(Path.GetTempPath(), $"forge-no-such-{Guid.NewGuid():N}.nc");
        var output = new StringWriter();
        Assert.Equal(0, HeaderCheckServer.Serve(new StringReader($"{good}\n{missing}\n{good}\n"), output));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal("ok", lines[0]);
        Assert.StartsWith("error\t", lines[1], StringComparison.Ordinal);
        Assert.Contains(missing, lines[1], StringComparison.Ordinal);
        Assert.Equal("ok", lines[2]);
    }

    [Fact]
    public void The_server_loop_leaves_the_sub_group_policy_to_the_parent()
    {
        // The child only checks that the header opens; a recipe with `inputs.netcdf.sub_groups: ignore` must not be
        // refused there, and with the default the parent's own open refuses naming the group.
        var groups = Path.Combine(fixtures.Directory, "groups.nc");
        var output = new StringWriter();
        Assert.Equal(0, HeaderCheckServer.Serve(new StringReader($"{groups}\n"), output));
        Assert.Equal("ok", output.ToString().TrimEnd('\n'));
    }
}
