using System.Diagnostics;
using System.Text.Json.Nodes;
using Forge.Cli.Progress;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// The live view in a real terminal (tmux) at 60 and 120 columns while inputs arrive from a throttled server. The
/// ETA's accuracy is checked without timing in <see cref="EtaTests"/> (a synthetic clock and synthetic progress).
/// </summary>
[Collection(ServedInputsCollection.Name)]
public sealed class LiveProgressTests(ServedInputs inputs) : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-live-");

    public void Dispose() => CliWork.Delete(_work);

    private const int Inputs = 40;

    private string Recipe(string baseUrl, string id) => RecipeFiles.Write(_work, id, $$"""
        forge: 1
        id: {{id}}
        inputs:
          url: "{{baseUrl}}/daily/oisst-avhrr-v02r01.{time:%Y%m%d}.nc"
          concat:
            dim: time
            keys:
              range: { start: 1981-09-01, end: 1981-10-10, step: 1 day }
          fetch: { retries: 0, timeout: 60s, concurrency: 1 }
        transforms:
          - squeeze: [zlev]
        target:
          zarr_format: 3
          chunks: { time: 4, lat: 18, lon: 36 }
        """);

    /// <summary>A rate at which the 40 inputs take about <paramref name="seconds"/> to fetch.</summary>
    private double Rate(double seconds) => inputs.Files.DailyFiles.Take(Inputs).Sum(f => new FileInfo(f).Length) / seconds;

    [Theory]
    [InlineData(60)]
    [InlineData(120)]
    public async Task The_live_view_fits_the_terminal_with_stages_totals_eta_and_log_lines_above(int columns)
    {
        await using var server = await ThrottledServer.StartAsync(inputs.Files.Root, Rate(16));
        var recipe = Recipe(server.BaseUrl, $"live{columns}");
        var socket = $"forge-test-{Guid.NewGuid():N}";
        var script = Path.Combine(_work, "run.sh");
        File.WriteAllText(script, $"""
            cd '{_work}'
            dotnet '{ForgeProcess.ProgramPath}' run '{recipe}' --target '{Path.Combine(_work, $"live{columns}.zarr")}' --log-level information
            echo FORGE_EXIT=$?
            sleep 120
            """);
        Tmux(socket, "new-session", "-d", "-s", "forge", "-x", columns.ToString(System.Globalization.CultureInfo.InvariantCulture), "-y", "40", $"bash '{script}'");
        try
        {
            string[]? midRun = null;
            string screen = "";
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(90))
            {
                screen = Tmux(socket, "capture-pane", "-p", "-t", "forge");
                var lines = screen.Split('\n');
                if (midRun is null && lines.Any(l => l.Contains("▸ fetch", StringComparison.Ordinal) && System.Text.RegularExpressions.Regex.IsMatch(l, @"ETA \d\d:\d\d")))
                    midRun = lines;
                if (screen.Contains("FORGE_EXIT=", StringComparison.Ordinal)) break;
                await Task.Delay(150);
            }

            Assert.True(screen.Contains("FORGE_EXIT=0", StringComparison.Ordinal), $"the run did not finish cleanly:\n{screen}");
            Assert.True(midRun is not null, $"never saw the fetch stage with an ETA:\n{screen}");
            foreach (var frame in new[] { midRun!, screen.Split('\n') })
            {
                var text = string.Join('\n', frame);
                // One line per stage: a wrapped or stale status line would repeat it.
                Assert.Equal(1, frame.Count(l => l.Contains(" fetch ", StringComparison.Ordinal) && l.Contains("inputs", StringComparison.Ordinal)));
                Assert.Equal(1, frame.Count(l => l.Contains(" write ", StringComparison.Ordinal) && l.Contains("objects", StringComparison.Ordinal)));
                Assert.Contains(frame, l => l.Contains("publish", StringComparison.Ordinal) && !l.StartsWith("info", StringComparison.Ordinal));
                Assert.Contains(frame, l => l.Contains("memory", StringComparison.Ordinal) && l.Contains("budget", StringComparison.Ordinal));
                Assert.True(frame.All(l => l.TrimEnd().Length <= columns), text);
            }

            var mid = midRun!;
            var fetchLine = Array.FindIndex(mid, l => l.Contains("▸ fetch", StringComparison.Ordinal));
            Assert.Contains($"/{Inputs} inputs", mid[fetchLine], StringComparison.Ordinal); // the total from the plan
            Assert.Contains("/s", mid[fetchLine], StringComparison.Ordinal);
            // The whole run's ETA leads the last line, so it survives the 60-column cut.
            Assert.Contains(mid, l => l.TrimStart().StartsWith("run ETA ", StringComparison.Ordinal) && l.Contains("memory", StringComparison.Ordinal));
            // The log line of the stage prints above the view, not into it.
            var logLine = Array.FindIndex(mid, l => l.StartsWith("info: forge.run: schema", StringComparison.Ordinal));
            Assert.True(logLine >= 0 && logLine < fetchLine, string.Join('\n', mid));
        }
        finally
        {
            Tmux(socket, "kill-server");
        }
    }

    private static string Tmux(string socket, params string[] args)
    {
        var result = Processes.Run("tmux", ["-L", socket, .. args]);
        return result.Stdout;
    }
}
