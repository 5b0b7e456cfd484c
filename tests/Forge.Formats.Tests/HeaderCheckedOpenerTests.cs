using Forge.Core.Datasets;
using Forge.Formats.NetCdf;
using Forge.Formats.Tests.NetCdf;

namespace Forge.Formats.Tests;

/// <summary>The product's opener runs the child-process header check once per unchanged file, not once per read.</summary>
[Collection(NetCdfCollection.Name)]
public sealed class HeaderCheckedOpenerTests(NetCdfFixtures fixtures)
{
    [Fact]
    public async Task Checks_each_netcdf4_file_once_and_again_after_it_changes()
    {
        var saved = (IsolatedHeaderCheck.Tool, IsolatedHeaderCheck.ToolArguments);
        var counter = Path.Combine(Path.GetTempPath(), $"forge-header-checks-{Guid.NewGuid():N}");
        try
        {
            // A stand-in for ncdump that records each call, then runs the real one.
            IsolatedHeaderCheck.Tool = "/bin/sh";
            IsolatedHeaderCheck.ToolArguments = ["-c", $"echo x >> {counter}; exec ncdump -h \"$1\"", "sh"];
            var path = fixtures.CopyOf("oisst", "checked-once");
            var opener = new HeaderCheckedOpener(null);
            for (int i = 0; i < 3; i++)
                await using (var reader = await opener.OpenAsync(path, "auto")) Assert.NotEmpty(reader.Schema.Variables);
            Assert.Single(File.ReadAllLines(counter));

            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
            await using (await opener.OpenAsync(path, "auto")) { }
            Assert.Equal(2, File.ReadAllLines(counter).Length);
        }
        finally
        {
            (IsolatedHeaderCheck.Tool, IsolatedHeaderCheck.ToolArguments) = saved;
            File.Delete(counter);
        }
    }

    [Fact]
    public async Task A_header_check_failure_is_a_data_exception_naming_the_file()
    {
        var saved = (IsolatedHeaderCheck.Tool, IsolatedHeaderCheck.ToolArguments);
        try
        {
            IsolatedHeaderCheck.Tool = "/bin/sh";
            IsolatedHeaderCheck.ToolArguments = ["-c", "kill -SEGV $$", "sh"];
            var path = fixtures.CopyOf("oisst", "checked-crash");
            var error = await Assert.ThrowsAsync<DataException>(async () => await new HeaderCheckedOpener(null).OpenAsync(path, "auto"));
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            (IsolatedHeaderCheck.Tool, IsolatedHeaderCheck.ToolArguments) = saved;
        }
    }
}
