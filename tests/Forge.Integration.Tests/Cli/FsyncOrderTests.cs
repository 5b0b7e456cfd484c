using System.Text.RegularExpressions;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// Local durability, watched from the kernel's side: <c>forge run</c> under strace (fsync and rename calls, with the
/// paths of their file descriptors). Every object is fsynced before its rename and its directory after it, both
/// before the object's done marker is renamed into the ledger; every array's metadata and the root group are on disk
/// before <c>.forge/complete</c>. With <c>--no-fsync</c> (or <c>run.fsync: false</c>) the target is never fsynced.
/// </summary>
public sealed partial class FsyncOrderTests : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-fsync-");

    public void Dispose() => CliWork.Delete(_work);

    private static string Quickstart => Repo.PathOf("recipes", "quickstart");

    [Fact]
    public void Objects_and_metadata_are_on_disk_before_the_ledger_marks_them_done_and_before_complete()
    {
        var store = Path.Combine(_work, "durable.zarr");
        var trace = Traced(store);
        var objects = trace.Renames.Where(r => IsUnder(r.To, store) && !IsUnder(r.To, Path.Combine(store, ".forge")) && !r.To.EndsWith("zarr.json", StringComparison.Ordinal)).ToList();
        Assert.True(objects.Count >= 11, $"expected the quickstart's objects renamed into place, found {objects.Count}");
        foreach (var obj in objects)
        {
            var dir = Path.GetDirectoryName(obj.To)!;
            // The data before the name.
            Assert.True(trace.Fsyncs.Any(f => f.Path == obj.From && f.End < obj.Start), $"{obj.To}: no fsync of its data before the rename");
            // The name before the ledger's marker.
            var marker = Path.Combine(store, ".forge", "done", DoneId(store, obj.To));
            var done = trace.Renames.SingleOrDefault(r => r.To == marker);
            Assert.True(done is not null, $"{obj.To}: no done marker {marker} renamed");
            Assert.True(trace.Fsyncs.Any(f => f.Path == dir && f.Start > obj.End && f.End < done!.Start),
                $"{obj.To}: its directory was not fsynced between its rename and the done marker's");
        }

        var complete = trace.Renames.Single(r => r.To == Path.Combine(store, ".forge", "complete"));
        var metadata = trace.Renames.Where(r => IsUnder(r.To, store) && r.To.EndsWith("zarr.json", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, metadata.Count); // five arrays and the root group, each written once
        foreach (var m in metadata)
        {
            Assert.True(m.End < complete.Start, $"{m.To} renamed after .forge/complete");
            Assert.True(trace.Fsyncs.Any(f => f.Path == m.From && f.End < m.Start), $"{m.To}: no fsync of its data before the rename");
            var dir = Path.GetDirectoryName(m.To)!;
            Assert.True(trace.Fsyncs.Any(f => f.Path == dir && f.Start > m.End && f.End < complete.Start), $"{m.To}: its directory was not fsynced before .forge/complete");
        }

        // Every object's marker exists before publish: the root group comes after the last object's marker.
        var root = metadata.Single(m => m.To == Path.Combine(store, "zarr.json"));
        Assert.All(trace.Renames.Where(r => IsUnder(r.To, Path.Combine(store, ".forge", "done"))), d => Assert.True(d.End < root.Start, $"{d.To} after the root zarr.json"));
    }

    [Theory]
    [InlineData("--no-fsync")]
    [InlineData("run.fsync: false")]
    public void Without_fsync_the_target_is_never_flushed(string how)
    {
        var store = Path.Combine(_work, "fast.zarr");
        string recipe = Quickstart;
        var extra = new List<string>();
        if (how == "--no-fsync") extra.Add("--no-fsync");
        else recipe = QuickstartWithoutFsync();
        var trace = Traced(store, recipe, extra);
        Assert.Contains(trace.Renames, r => r.To == Path.Combine(store, ".forge", "complete"));
        Assert.True(trace.Renames.Count(r => IsUnder(r.To, store)) > 20, "the run wrote the store");
        var flushed = trace.Fsyncs.Where(f => f.Path == store || IsUnder(f.Path, store)).Select(f => f.Path).ToList();
        Assert.True(flushed.Count == 0, $"{how}: fsync of {string.Join(", ", flushed.Take(5))}");
    }

    /// <summary>The quickstart recipe with <c>run: { fsync: false }</c> (its inputs by absolute path).</summary>
    private string QuickstartWithoutFsync()
    {
        var data = Repo.PathOf("recipes", "quickstart", "data");
        return RecipeFiles.Write(_work, "quick-nofsync", $$"""
            forge: 1
            id: quick-nofsync
            inputs:
              url: "{{data}}/oisst-avhrr-v02r01.{time:%Y%m%d}.nc"
              concat:
                dim: time
                keys:
                  range: { start: 1981-09-01, end: 1981-09-04, step: 1 day }
            transforms:
              - squeeze: [zlev]
            target:
              chunks: { time: 2, lat: 90, lon: 180 }
            run:
              fsync: false
            """);
    }

    [Fact]
    public void The_lease_and_the_run_record_are_created_by_a_rename_that_never_replaces()
    {
        // Two runs racing for one target: the loser's create must fail, not replace the winner's lease. .NET's
        // File.Move(overwrite: false) checked the name and then called rename(2), which replaces.
        var store = Path.Combine(_work, "lease.zarr");
        var trace = Traced(store);
        foreach (var name in new[] { "lease", "run.json" })
        {
            var path = Path.Combine(store, ".forge", name);
            var created = trace.NoReplaceRenames.Where(r => r.To == path).Select(r => r.Start).DefaultIfEmpty(int.MaxValue).Min();
            Assert.True(created != int.MaxValue, $"{name} was never created with renameat2(RENAME_NOREPLACE)");
            Assert.DoesNotContain(trace.Renames, r => r.To == path && r.Start < created);
        }
    }

    private static bool IsUnder(string path, string dir) => path.StartsWith(dir + "/", StringComparison.Ordinal);

    /// <summary>The ledger id of a v3 chunk path: "&lt;store&gt;/sst/c/0/1/1" → "sst/0.1.1", "lat/c/0" → "lat/0".</summary>
    private static string DoneId(string store, string path)
    {
        var key = Path.GetRelativePath(store, path).Replace('\\', '/');
        var at = key.IndexOf("/c/", StringComparison.Ordinal);
        Assert.True(at > 0, $"{key} is not a v3 chunk key");
        return key[..at] + "/" + key[(at + 3)..].Replace('/', '.');
    }

    private Trace Traced(string store, string? recipe = null, IEnumerable<string>? extra = null)
    {
        var log = Path.Combine(_work, $"strace-{Guid.NewGuid():N}.txt");
        string[] args = ["-f", "-qq", "-y", "-e", "trace=fsync,rename,renameat2", "-o", log, "dotnet", ForgeProcess.ProgramPath,
            "run", recipe ?? Quickstart, "--target", store, "--prune", "4", "--progress", "none", .. extra ?? []];
        var (code, stdout, stderr) = Processes.Run("strace", args, timeout: TimeSpan.FromMinutes(5));
        Assert.True(code == 0, $"forge under strace: exit {code}\n{stdout}\n{stderr}");
        return Trace.Parse(File.ReadAllLines(log));
    }

    private sealed record Call(int Start, int End, string Path, string From = "", string To = "");

    /// <summary>
    /// fsync and rename calls of every thread in the order strace printed them. A call split by another thread's
    /// (<c>&lt;unfinished ...&gt;</c> … <c>&lt;... resumed&gt;</c>) starts at its first line and ends at its last.
    /// </summary>
    private sealed record Trace(List<Call> Fsyncs, List<Call> Renames, List<Call> NoReplaceRenames)
    {
        public static Trace Parse(string[] lines)
        {
            var fsyncs = new List<Call>();
            var renames = new List<Call>();
            var noReplace = new List<Call>();
            var pending = new Dictionary<string, (int Line, string Text)>();
            for (int i = 0; i < lines.Length; i++)
            {
                var m = LineRegex().Match(lines[i]);
                if (!m.Success) continue;
                var (pid, body) = (m.Groups[1].Value, m.Groups[2].Value);
                int start = i;
                string text;
                if (body.EndsWith("<unfinished ...>", StringComparison.Ordinal))
                {
                    pending[pid] = (i, body);
                    continue;
                }

                if (body.StartsWith("<...", StringComparison.Ordinal))
                {
                    if (!pending.Remove(pid, out var first)) continue;
                    start = first.Line;
                    text = first.Text + body;
                }
                else
                {
                    text = body;
                }

                if (!text.Contains("= 0", StringComparison.Ordinal)) continue; // failed calls prove nothing
                if (FsyncRegex().Match(text) is { Success: true } f) fsyncs.Add(new Call(start, i, f.Groups[1].Value));
                else if (RenameRegex().Match(text) is { Success: true } r) renames.Add(new Call(start, i, r.Groups[2].Value, r.Groups[1].Value, r.Groups[2].Value));
                else if (NoReplaceRegex().Match(text) is { Success: true } n) noReplace.Add(new Call(start, i, n.Groups[2].Value, n.Groups[1].Value, n.Groups[2].Value));
            }

            return new Trace(fsyncs, renames, noReplace);
        }
    }

    [GeneratedRegex(@"^(\d+)\s+(.*)$")]
    private static partial Regex LineRegex();

    [GeneratedRegex(@"^fsync\(\d+<([^>]*)>")]
    private static partial Regex FsyncRegex();

    [GeneratedRegex(@"^rename\(""([^""]*)"", ""([^""]*)""")]
    private static partial Regex RenameRegex();

    [GeneratedRegex(@"^renameat2\(AT_FDCWD[^,]*, ""([^""]*)"", AT_FDCWD[^,]*, ""([^""]*)"", RENAME_NOREPLACE\)")]
    private static partial Regex NoReplaceRegex();
}
