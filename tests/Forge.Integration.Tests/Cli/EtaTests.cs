using Forge.Cli.Hosting;
using Forge.Cli.Progress;
using Forge.Core.Telemetry;
using Spectre.Console;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// The ETA's arithmetic with an injected clock and synthetic progress (no timing): inputs of varied sizes arrive at a
/// fixed byte rate after a slow first one; the ETA after 10 % of the work must be within 25 % of the time the rest
/// takes at that rate. Replaces the wall-clock measurement that was skipped in CI.
/// </summary>
public sealed class EtaTests
{
    private const double BytesPerSecond = 100_000;

    /// <summary>Sizes around 180 kB, varied deterministically (±20 %), as daily files of one product are.</summary>
    private static long[] Sizes(int n, int seed = 7)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => (long)(180_000 * (0.8 + 0.4 * random.NextDouble())))];
    }

    private sealed class Clock
    {
        public TimeSpan Now;
        public void Advance(double seconds) => Now += TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Fetches the inputs at the fixed rate (the first one 3 s slower: connection, JIT) and returns the ETA after <paramref name="after"/> inputs and the true rest.</summary>
    private static (TimeSpan Eta, TimeSpan Remaining) Fetch(long[] sizes, int after, bool sizesKnown)
    {
        var clock = new Clock();
        var state = new ProgressState(() => clock.Now);
        state.Totals(new ProgressTotals("fetch") { Inputs = sizes.Length, InputBytes = sizesKnown ? sizes.Sum() : null });
        state.Stage("schema", $"inspecting {sizes.Length} inputs");
        clock.Advance(3);
        for (var i = 0; i < after; i++)
        {
            clock.Advance(sizes[i] / BytesPerSecond);
            state.Input(sizes[i], 0);
        }

        var eta = state.Eta() ?? throw new Xunit.Sdk.XunitException($"no ETA after {after} inputs");
        return (eta, TimeSpan.FromSeconds(sizes.Skip(after).Sum() / BytesPerSecond));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(11)]
    [InlineData(23)]
    public void The_fetch_eta_after_ten_percent_is_within_25_percent_of_the_rest(int seed)
    {
        var sizes = Sizes(40, seed);
        // 10 % of the inputs, plus one: the window starts at the second input, so a rate needs two samples after it.
        var (eta, rest) = Fetch(sizes, 40 / 10 + 1, sizesKnown: false);
        var error = Math.Abs(eta.TotalSeconds - rest.TotalSeconds) / rest.TotalSeconds;
        Assert.True(error <= 0.25, $"ETA {eta.TotalSeconds:0.0} s, rest {rest.TotalSeconds:0.0} s ({error:P0} off)");
    }

    /// <summary>
    /// Four downloads share one link of <see cref="BytesPerSecond"/> (each gets a quarter), so inputs complete in bursts
    /// of four with long silences between: the case eng/bench/eta/measure.py measured 31-42 % short when the rate came
    /// from completions alone. Body bytes reported as they arrive (64 KiB reads) keep the rate steady. Returns the
    /// fetch ETA at each checkpoint (a fraction of all bytes) and the true rest.
    /// </summary>
    private static List<(double At, TimeSpan? Eta, TimeSpan Left)> FetchInParallel(long[] sizes, bool streamBytes, double[] checkpoints)
    {
        const int Parallel = 4;
        const int Read = 64 * 1024;
        var clock = new Clock();
        var state = new ProgressState(() => clock.Now);
        state.Totals(new ProgressTotals("fetch") { Inputs = sizes.Length });
        state.Stage("schema", $"inspecting {sizes.Length} inputs");
        var total = (double)sizes.Sum();
        var active = new List<(int Index, long Left)>();
        var next = 0;
        var done = 0.0;
        var results = new List<(double, TimeSpan?, TimeSpan)>();
        var checkpoint = 0;
        while (next < sizes.Length || active.Count > 0)
        {
            while (active.Count < Parallel && next < sizes.Length) active.Add((next++, sizes[next - 1]));
            // One read on each active download in turn: the link carries one read at a time, so each download gets an
            // equal share of it and all of them finish their files at about the same time (a burst).
            for (var i = 0; i < active.Count; i++)
            {
                var a = active[i];
                var bytes = Math.Min(Read, a.Left);
                clock.Advance(bytes / BytesPerSecond);
                a.Left -= bytes;
                done += bytes;
                if (streamBytes) state.Received(bytes);
                active[i] = a;
            }

            foreach (var finished in active.Where(a => a.Left == 0).ToList())
            {
                active.Remove(finished);
                state.Input(sizes[finished.Index], 0);
            }

            while (checkpoint < checkpoints.Length && done / total >= checkpoints[checkpoint])
            {
                results.Add((checkpoints[checkpoint], state.Eta(), TimeSpan.FromSeconds((total - done) / BytesPerSecond)));
                checkpoint++;
            }
        }

        return results;
    }

    [Theory]
    [InlineData(7)]
    [InlineData(11)]
    [InlineData(23)]
    public void Parallel_downloads_finishing_in_bursts_keep_the_fetch_eta_within_25_percent_when_bytes_stream(int seed)
    {
        var sizes = Sizes(40, seed);
        foreach (var (at, eta, rest) in FetchInParallel(sizes, streamBytes: true, [0.10, 0.25, 0.50, 0.75]))
        {
            Assert.True(eta is not null, $"no ETA at {at:P0}");
            var error = Math.Abs(eta!.Value.TotalSeconds - rest.TotalSeconds) / rest.TotalSeconds;
            Assert.True(error <= 0.25, $"at {at:P0}: ETA {eta.Value.TotalSeconds:0.0} s, rest {rest.TotalSeconds:0.0} s ({error:P0} off)");
        }
    }

    [Fact]
    public void Completions_alone_misjudge_the_bursts_which_is_why_bytes_are_counted_as_they_arrive()
    {
        // The same run without byte reports: at some checkpoint the ETA is missing or more than 25 % off. If this ever
        // passes, the burst model above no longer models the problem and the streaming test proves nothing.
        var results = FetchInParallel(Sizes(40, 7), streamBytes: false, [0.10, 0.25, 0.50, 0.75]);
        Assert.Contains(results, r => r.Eta is not { } e || Math.Abs(e.TotalSeconds - r.Left.TotalSeconds) / r.Left.TotalSeconds > 0.25);
    }

    [Fact]
    public void With_known_sizes_the_eta_is_by_bytes_so_small_first_files_do_not_skew_it()
    {
        // Ten small files first, then thirty four times larger: a count-based ETA would be about 4× too short.
        long[] sizes = [.. Enumerable.Repeat(50_000L, 10), .. Enumerable.Repeat(200_000L, 30)];
        var (eta, rest) = Fetch(sizes, 5, sizesKnown: true);
        Assert.Equal(rest.TotalSeconds, eta.TotalSeconds, 1);

        // Unknown sizes: the estimate is the mean so far × the inputs; honest about it, and shown with a "~".
        var clock = new Clock();
        var state = new ProgressState(() => clock.Now);
        state.Totals(new ProgressTotals("fetch") { Inputs = 40 });
        Assert.Null(state.InputBytesTotal);
        state.Input(50_000, 0);
        Assert.Equal(2_000_000, state.InputBytesTotal);
        Assert.Null(state.InputBytesTotalKnown);
    }

    [Fact]
    public void The_write_eta_counts_the_objects_left_after_those_already_done_and_restarts_its_window_per_phase()
    {
        var clock = new Clock();
        var state = new ProgressState(() => clock.Now);
        state.Totals(new ProgressTotals("fetch") { Inputs = 2 });
        state.Stage("schema", "inspecting 2 inputs");
        for (var i = 0; i < 2; i++) { clock.Advance(50); state.Input(1000, 0); }
        state.Totals(new ProgressTotals("write") { Objects = 120, ObjectsDone = 20, Passes = 1 });
        state.Stage("write", "120 objects (20 already done)");
        Assert.Equal(20, state.Objects);
        Assert.Null(state.Eta()); // the slow fetch's samples are gone: no rate yet for the write phase
        clock.Advance(5); // first object: one-time costs, outside the window
        state.Object(10_000);
        for (var i = 0; i < 10; i++) { clock.Advance(0.5); state.Object(10_000); }
        // 2 objects/s; 120 - 31 = 89 left.
        Assert.Equal(2.0, state.Rate()!.Value, 6);
        Assert.Equal(44.5, state.Eta()!.Value.TotalSeconds, 6);
    }

    /// <summary>
    /// A whole run on a throttled server: the inputs at <see cref="BytesPerSecond"/> (the first 3 s slower), then the
    /// plan, then the write phase decoding the inputs at <paramref name="writeBytesPerSecond"/> (one object per 1/4 of
    /// an input), then publish. Returns (elapsed, run ETA) after every unit of work and the run's total time.
    /// </summary>
    private static (List<(double At, double? Eta)> Points, double Total) WholeRun(long[] sizes, double writeBytesPerSecond, int objectsPerInput = 4)
    {
        var clock = new Clock();
        var state = new ProgressState(() => clock.Now);
        var points = new List<(double, double?)>();
        void Note() => points.Add((clock.Now.TotalSeconds, state.RunEta()?.TotalSeconds));
        state.Totals(new ProgressTotals("fetch") { Inputs = sizes.Length });
        state.Stage("schema", $"inspecting {sizes.Length} inputs");
        clock.Advance(3);
        foreach (var size in sizes)
        {
            clock.Advance(size / BytesPerSecond);
            state.Input(size, 0);
            Note();
        }

        var objects = sizes.Length * objectsPerInput;
        state.Totals(new ProgressTotals("write") { Objects = objects, ObjectsDone = 0, Passes = 1 });
        state.Stage("write", $"{objects} objects (0 already done)");
        clock.Advance(1); // planning, opening the first inputs
        for (var i = 0; i < objects; i++)
        {
            clock.Advance(sizes[i / objectsPerInput] / (double)objectsPerInput / writeBytesPerSecond);
            state.Object(10_000);
            Note();
        }

        state.Stage("publish", "writing metadata");
        clock.Advance(0.5);
        Note();
        return (points, clock.Now.TotalSeconds);
    }

    [Theory]
    [InlineData(7, 1e6)] // the write phase 20x slower than the prior assumes: about 10 % of the run
    [InlineData(11, 5e6)]
    [InlineData(23, 50e6)] // faster than the prior
    public void The_run_eta_from_ten_percent_of_the_work_is_within_25_percent_of_the_rest_of_the_whole_run(int seed, double writeBytesPerSecond)
    {
        var (points, total) = WholeRun(Sizes(40, seed), writeBytesPerSecond);
        // From 10 % of the run on: at 10 %, 25 % and 50 % of its time.
        var checkpoints = new[] { 0.10, 0.25, 0.50 }.Select(f => points.First(p => p.At >= f * total && p.Eta is not null));
        foreach (var (at, eta) in checkpoints)
        {
            var rest = total - at;
            var error = Math.Abs(eta!.Value - rest) / rest;
            Assert.True(error <= 0.25, $"at {at:0.0} s of {total:0.0} s: run ETA {eta:0.0} s, rest {rest:0.0} s ({error:P0} off)");
        }
    }

    [Fact]
    public void The_run_eta_adds_the_write_phase_estimated_from_the_input_bytes_until_it_has_a_rate_of_its_own()
    {
        var clock = new Clock();
        var state = new ProgressState(() => clock.Now);
        state.Totals(new ProgressTotals("fetch") { Inputs = 10, InputBytes = 10 * 2_000_000 });
        state.Stage("schema", "inspecting 10 inputs");
        for (var i = 0; i < 4; i++) { clock.Advance(2); state.Input(2_000_000, 0); }
        // 1 MB/s over the window, 12 MB left: 12 s; then 20 MB to decode at the prior.
        Assert.Equal(12.0, state.Eta()!.Value.TotalSeconds, 6);
        Assert.Equal(12.0 + (20e6 / ProgressState.WritePriorBytesPerSecond), state.RunEta()!.Value.TotalSeconds, 6);

        for (var i = 4; i < 10; i++) { clock.Advance(2); state.Input(2_000_000, 0); }
        state.Totals(new ProgressTotals("write") { Objects = 100, ObjectsDone = 20, Passes = 1 });
        state.Stage("write", "100 objects (20 already done)");
        // No write rate yet: the 80 objects left are all of this run's, i.e. all 20 MB at the prior.
        Assert.Equal(20e6 / ProgressState.WritePriorBytesPerSecond, state.RunEta()!.Value.TotalSeconds, 6);
        state.Object(1000);
        for (var i = 0; i < 10; i++) { clock.Advance(0.25); state.Object(1000); }
        // Measured: 4 objects/s, 69 left.
        Assert.Equal(69 / 4.0, state.RunEta()!.Value.TotalSeconds, 6);
        state.Stage("publish", "writing metadata");
        Assert.Equal(TimeSpan.Zero, state.RunEta());
    }

    [Fact]
    public void Json_input_and_chunk_events_carry_the_run_eta_once_it_is_known()
    {
        var clock = new Clock();
        using var stdout = new StringWriter();
        var sink = new JsonProgressSink(stdout, () => clock.Now);
        sink.Totals(new ProgressTotals("fetch") { Inputs = 10, InputBytes = 10 * 2_000_000 });
        sink.Stage("schema", "inspecting 10 inputs");
        for (var i = 0; i < 4; i++) { clock.Advance(2); sink.InputFetched($"file:///{i}.nc", 2_000_000, false, 0); }
        var inputs = CliWork.JsonLines(stdout.ToString()).Where(e => e["event"]!.GetValue<string>() == "input").ToList();
        Assert.Null(inputs[0]["eta_seconds"]); // no rate yet
        // 1 MB/s, 12 MB left, then 20 MB to decode at the assumed write rate.
        Assert.Equal(Math.Round(12.0 + (20e6 / ProgressState.WritePriorBytesPerSecond), 1), inputs[^1]["eta_seconds"]!.GetValue<double>());
    }

    [Fact]
    public void The_live_view_shows_every_recipe_of_a_feedstock_not_only_the_first()
    {
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
        console.Profile.Width = 100;
        var channel = new ConsoleChannel(output);
        using var sink = new TerminalProgressSink(output, channel, console);
        foreach (var (recipe, inputs) in new[] { ("first", 5), ("second", 3), ("third", 7) })
        {
            sink.Stage("recipe", $"{recipe}: {inputs} inputs");
            sink.Totals(new ProgressTotals("fetch") { Inputs = inputs });
            sink.Stage("schema", $"inspecting {inputs} inputs");
            for (var i = 0; i < inputs; i++) sink.InputFetched($"file:///{recipe}/{i}.nc", 1024, false, 0);
            sink.Totals(new ProgressTotals("write") { Objects = inputs * 2, ObjectsDone = 0, Passes = 1 });
            sink.Stage("write", $"{inputs * 2} objects (0 already done)");
            for (var i = 0; i < inputs * 2; i++) sink.ChunkWritten("sst", $"sst/c/{i}", 100);
            sink.Stage("publish", "writing metadata");
            channel.WriteLine($"log line of {recipe}");
            sink.Finish();
        }

        var text = output.ToString();
        // Each recipe's own final counts, with its own totals (not the first recipe's counters carried on).
        Assert.Contains("5/5 inputs", text, StringComparison.Ordinal);
        Assert.Contains("3/3 inputs", text, StringComparison.Ordinal);
        Assert.Contains("7/7 inputs", text, StringComparison.Ordinal);
        Assert.Contains("14/14 objects", text, StringComparison.Ordinal);
        Assert.DoesNotContain("8/3 inputs", text, StringComparison.Ordinal);
        Assert.Contains("log line of third", text, StringComparison.Ordinal);
    }
    [Theory]
    [InlineData(60)]
    [InlineData(120)]
    public void The_fetch_line_keeps_its_rate_and_ETA_on_a_narrow_terminal(int columns)
    {
        // 12 of 40 remote inputs of ~36 KiB at ~90 KiB/s: with " of ~1.4 MiB" the line is 68 characters, so at 60
        // columns the total goes, never the ETA (LiveProgressTests caught it cut in 1 of 3 CI runs).
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
        console.Profile.Width = columns;
        var clock = new Clock();
        using var sink = new TerminalProgressSink(output, new ConsoleChannel(output), console, () => clock.Now);
        sink.Totals(new ProgressTotals("fetch") { Inputs = 40 });
        sink.Stage("schema", "inspecting 40 inputs");
        for (var i = 0; i < 12; i++)
        {
            clock.Advance(0.4);
            sink.BytesReceived(36_900);
            sink.InputFetched($"http://127.0.0.1/{i}.nc", 36_900, false, 0);
        }

        var fetch = sink.RenderLines().Single(l => l.Text.Contains(" fetch ", StringComparison.Ordinal)).Text;
        Assert.True(fetch.Length <= columns - 1, fetch);
        Assert.Matches(@"12/40 inputs .*/s  ETA \d\d:\d\d$", fetch);
        if (columns >= 100) Assert.Contains(" of ~", fetch, StringComparison.Ordinal);
        sink.Finish();
    }
}
