using System.Text;
using System.Text.RegularExpressions;
using Forge.Integration.Tests.Infrastructure;
using Forge.Testing.Files;
using Forge.Testing.Servers;

namespace Forge.Integration.Tests.Hostile;

/// <summary>
/// The hostile corpus: recipes, files and server behaviours that try to crash forge, exhaust its memory, hang it,
/// or make it write outside its target. Each runs the real program as a child process and states its expected exit
/// code, the culprit its message must name, and a peak RSS bound read from /proc. No message may show a .NET type
/// name or stack frame. docs/security.md lists the cases and what each one checks.
/// </summary>
public sealed partial class HostileCorpusTests(HostileServerFixture fixture) : IClassFixture<HostileServerFixture>, IDisposable
{
    private const long RecipeRssMiB = 300;
    private const long RunRssMiB = 450;

    private readonly string _work = Directory.CreateTempSubdirectory("forge-hostile-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_work, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>One hostile case: how to build it, the verb, the expected exit code, what the message names, the RSS bound.</summary>
    internal sealed record Case(string Verb, int Exit, long RssMiB, Func<CaseWork, (string Yaml, string[] Culprits)> Build, IReadOnlyDictionary<string, string>? Env = null, string[]? ExtraArgs = null);

    /// <summary>What a case builds in: its own folder and the shared hostile server.</summary>
    internal sealed record CaseWork(string Dir, HostileHttpServer Server, string Name)
    {
        public string File(string name) => Path.Combine(Dir, name);

        public string RecipePath => Path.Combine(Dir, "r.yaml");

        public string At(int line, int column) => $"{RecipePath}:{line}:{column}: ";
    }

    private const string Head = "forge: 1\nid: hostile\ninputs:\n";

    private static string Recipe(string url, string fetch = "{ retries: 0, timeout: 5s }", string rest = "") =>
        Head + $"  url: \"{url}\"\n  concat:\n    dim: time\n    keys:\n      list: [1]\n  fetch: {fetch}\n" + rest;

    private static string LocalRecipe(CaseWork w, string file, string rest = "") => Recipe(w.File(file).Replace("-1.nc", "-{time}.nc", StringComparison.Ordinal), rest: rest);

    private static string ServerRecipe(CaseWork w, string fetch, Func<RawRequest, Stream, CancellationToken, Task> handler)
    {
        w.Server.Route($"/{w.Name}-1.nc", handler);
        return Recipe(w.Server.Url($"/{w.Name}-{{time}}.nc"), fetch);
    }

    private static byte[] Oisst => System.IO.File.ReadAllBytes(Repo.PathOf("recipes", "quickstart", "data", "oisst-avhrr-v02r01.19810901.nc"));

    internal static readonly Dictionary<string, Case> Cases = new()
    {
        // ---- recipes: exit 2 at `forge validate` with file:line:column ----
        ["recipe-deep-flow"] = new("validate", 2, RecipeRssMiB, w => (Head + "  url: x\n  concat:\n    dim: time\n    keys:\n      list: " + new string('[', 40_000) + new string(']', 40_000) + "\n", [w.At(8, 73), "nested more than 64 levels"])),
        ["recipe-deep-block"] = new("validate", 2, RecipeRssMiB, w => (Head + "  url: x\n  concat:\n    dim: time\n    keys:\n      list:\n        " + string.Concat(Enumerable.Repeat("- ", 40_000)) + "x\n", [w.RecipePath + ":9:", "nested more than 64 levels"])),
        ["recipe-3m-key-list"] = new("validate", 2, RecipeRssMiB, w => (Head + "  url: \"u{time}\"\n  concat:\n    dim: time\n    keys:\n      list: [" + string.Join(',', Enumerable.Range(0, 3_000_000)) + "]\n", [w.At(8, 13), "more than 200,000 items"])),
        ["recipe-node-bomb"] = new("validate", 2, RecipeRssMiB, w => ("forge: 1\nid: x\nattrs:\n" + string.Concat(Enumerable.Range(0, 6_000).Select(i => $"  a{i}: [{string.Join(',', Enumerable.Repeat(1, 181))}]\n")), [w.RecipePath + ":", "more than 1,000,000 YAML nodes"])),
        ["recipe-alias-bomb"] = new("validate", 2, RecipeRssMiB, w => ("l0: &l0 [x, x, x, x, x, x, x, x, x]\n" + string.Concat(Enumerable.Range(1, 40).Select(i => $"l{i}: &l{i} [{string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 9))}]\n")), [w.At(1, 1)])),
        ["recipe-rename-escape"] = new("validate", 2, RecipeRssMiB, w => (Recipe("u{time}", rest: "transforms:\n  - rename: { sst: '../../../X' }\n"), [w.At(11, 20), "'../../../X'", "path separator"])),
        ["recipe-select-slash"] = new("validate", 2, RecipeRssMiB, w => (Recipe("u{time}", rest: "transforms:\n  - select: ['a/b']\n"), [w.At(11, 14), "'a/b'"])),
        ["recipe-target-escapes-bucket"] = new("validate", 2, RecipeRssMiB, w => (Recipe("u{time}", rest: "target: { url: \"s3://bucket/a/../../b.zarr\" }\n"), [w.At(10, 16), "climbs out of bucket 'bucket'"])),
        ["recipe-variable-metadata-name"] = new("validate", 2, RecipeRssMiB, w => (Recipe("u{time}", rest: "target:\n  variables:\n    '.zattrs': { dtype: float32 }\n"), [w.At(12, 5), "'.zattrs'"])),
        ["recipe-not-utf8"] = new("validate", 2, RecipeRssMiB, w => ("forge: 1\nid: \u00ff\u00fe\n", [w.At(1, 1), "not valid UTF-8"])),
        ["recipe-two-documents"] = new("validate", 2, RecipeRssMiB, w => (Recipe("u{time}") + "---\nforge: 1\n", [w.RecipePath + ":", "more than one YAML document"])),
        ["recipe-credentials-in-url"] = new("validate", 2, RecipeRssMiB, w => (Recipe("https://me:hunter2@example.org/{time}.nc"), [w.At(4, 8), "contains credentials"])),
        ["recipe-literal-token"] = new("validate", 2, RecipeRssMiB, w => (Recipe("https://example.org/{time}.nc?token=abcdef"), [w.At(4, 8), "'token'"])),
        ["recipe-range-10m-keys"] = new("validate", 2, RecipeRssMiB, w => (Head + "  url: \"u{time:%Y%m%d%H%M}\"\n  concat:\n    dim: time\n    keys:\n      range: { start: 1900-01-01, end: 2020-01-01, step: 1 minute }\n", [w.At(8, 14), "more than 2,000,000 keys"])),
        ["recipe-huge-integer-key"] = new("validate", 2, RecipeRssMiB, w => (Head + "  url: \"u{time}\"\n  concat:\n    dim: time\n    keys:\n      list: [99999999999999999999999]\n", [w.At(8, 14), "out of range"])),
        ["recipe-impossible-date"] = new("validate", 2, RecipeRssMiB, w => (Head + "  url: \"u{time}\"\n  concat:\n    dim: time\n    keys:\n      list: [2023-02-30]\n", [w.At(8, 14), "invalid date '2023-02-30'"])),
        ["recipe-oversized-file"] = new("validate", 2, RecipeRssMiB, w => ("# " + new string('x', 65 << 20) + "\n", [w.At(1, 1), "limited to 64 MiB"])),

        // ---- input files: exit 1 naming the file ----
        ["file-cdf5-overflowing-dims"] = new("run", 1, RunRssMiB, w => (LocalRecipe(w, new ClassicNetCdf(5).Dim("time", 1).Dim("x", 1L << 40).Dim("y", 1L << 40).Var("big", [0, 1, 2]).WriteTo(w.File("huge-1.nc"))), [w.File("huge-1.nc"), "'big'", "overflows 64 bits"])),
        ["file-variable-path-name"] = new("run", 1, RunRssMiB, w => (LocalRecipe(w, new ClassicNetCdf().Dim("time", 1).Var("../x", [0], [1]).WriteTo(w.File("names-1.nc"))), [w.File("names-1.nc"), "variable name '../x'"])),
        ["file-dimension-dotdot"] = new("run", 1, RunRssMiB, w => (LocalRecipe(w, new ClassicNetCdf().Dim("time", 1).Dim("..", 2).Var("sst", [0, 1], [1, 2]).WriteTo(w.File("dims-1.nc"))), [w.File("dims-1.nc"), "dimension name '..'"])),
        ["file-variable-metadata-name"] = new("run", 1, RunRssMiB, w => (LocalRecipe(w, new ClassicNetCdf().Dim("time", 1).Var(".zarray", [0], [1]).WriteTo(w.File("meta-1.nc"))), [w.File("meta-1.nc"), "'.zarray'"])),
        ["file-truncated-classic-header"] = new("run", 1, RunRssMiB, w => (LocalRecipe(w, WriteBytes(w.File("cut-1.nc"), new ClassicNetCdf().Dim("time", 1).Var("v", [0], [1]).ToBytes()[..20])), [w.File("cut-1.nc")])),
        ["file-truncated-classic-data"] = new("run", 1, RunRssMiB, w => (LocalRecipe(w, WriteBytes(w.File("short-1.nc"), new ClassicNetCdf().Dim("time", 1).Dim("x", 4).Var("v", [0, 1], [1, 2, 3, 4]).ToBytes()[..^4])), [w.File("short-1.nc"), "truncated", "declares"])),
        ["file-classic-huge-count"] = new("run", 1, RunRssMiB, w => (LocalRecipe(w, WriteBytes(w.File("count-1.nc"), [.. "CDF\u0001"u8, 0, 0, 0, 0, 0, 0, 0, 0x0A, 0x7F, 0xFF, 0xFF, 0xFF])), [w.File("count-1.nc"), "does not fit"])),
        ["file-html-not-netcdf"] = new("run", 1, RunRssMiB, w => (LocalRecipe(w, WriteBytes(w.File("page-1.nc"), "<!DOCTYPE html><html><body>Login required</body></html>"u8.ToArray())), [w.File("page-1.nc"), "not a NetCDF, HDF5 or GRIB file"])),
        ["file-empty"] = new("run", 1, RunRssMiB, w => (LocalRecipe(w, WriteBytes(w.File("empty-1.nc"), [])), [w.File("empty-1.nc")])),
        ["file-random-bytes"] = new("run", 1, RunRssMiB, w => (LocalRecipe(w, WriteBytes(w.File("noise-1.nc"), Noise(1 << 20))), [w.File("noise-1.nc")])),
        ["file-grib-huge-length"] = new("run", 1, RunRssMiB, w => (LocalRecipe(w, WriteBytes(w.File("grib-1.nc"), [.. "GRIB"u8, 0, 0, 0, 2, 0, 0, 0x10, 0, 0, 0, 0, 0, .. Noise(200)])), [w.File("grib-1.nc")])),
        // The engine's planner refuses it first (exit 2, naming the input file, the variable, its stored chunk and
        // max_memory); the reader's decode budget (exit 1, naming the file) backs it up for reads the planner does not
        // see: HostileHeaderTests covers that path.
        ["file-deflate-bomb"] = new("run", 2, 512 + 256, w => (LocalRecipe(w, MakeBomb(w.File("bomb-1.nc")), "run: { max_memory: 512MiB }\n"), [w.File("bomb-1.nc"), "'bomb'", "(1, 16384, 16384)", "max_memory = 512 MiB"])),

        // ---- servers: exit 1 naming the URL ----
        ["server-trickle"] = new("run", 1, RunRssMiB, w => (ServerRecipe(w, "{ retries: 0, timeout: 2s, min_rate: 1KiB/s }", async (_, s, ct) =>
        {
            await HostileHttpServer.HeadAsync(s, "200 OK", "Content-Length: 100000");
            for (var i = 0; i < 1000; i++) { await s.WriteAsync(new byte[] { 0x43 }, ct); await s.FlushAsync(ct); await Task.Delay(300, ct); }
        }), [Url(w), "too slow", "fetch.min_rate"])),
        ["server-deadline"] = new("run", 1, RunRssMiB, w => (ServerRecipe(w, "{ retries: 0, timeout: 10s, deadline: 2s }", async (_, s, ct) =>
        {
            await HostileHttpServer.HeadAsync(s, "200 OK", "Content-Length: 100000000");
            for (var i = 0; i < 10_000; i++) { await s.WriteAsync(new byte[8192], ct); await Task.Delay(50, ct); }
        }), [Url(w), "fetch.deadline"])),
        ["server-endless-body"] = new("run", 1, RunRssMiB, w => (ServerRecipe(w, "{ retries: 2, timeout: 5s, max_size: 4MiB }", async (_, s, ct) =>
        {
            await HostileHttpServer.HeadAsync(s, "200 OK", "Transfer-Encoding: chunked");
            var chunk = Encoding.ASCII.GetBytes("10000\r\n").Concat(new byte[0x10000]).Concat("\r\n"u8.ToArray()).ToArray();
            while (!ct.IsCancellationRequested) await s.WriteAsync(chunk, ct);
        }), [Url(w), "longer than fetch.max_size (4 MiB)"])),
        ["server-huge-content-length"] = new("run", 1, RunRssMiB, w => (ServerRecipe(w, "{ retries: 0, timeout: 5s }", async (_, s, ct) =>
        {
            await HostileHttpServer.HeadAsync(s, "200 OK", "Content-Length: 107374182400");
            while (!ct.IsCancellationRequested) await s.WriteAsync(new byte[65536], ct);
        }), [Url(w), "declares 107374182400 bytes", "fetch.max_size (64 GiB)"])),
        ["server-redirect-loop"] = new("run", 1, RunRssMiB, w =>
        {
            w.Server.Route($"/{w.Name}-b.nc", (_, s, _) => HostileHttpServer.HeadAsync(s, "302 Found", $"Location: /{w.Name}-1.nc", "Content-Length: 0"));
            return (ServerRecipe(w, "{ retries: 3, timeout: 5s }", (_, s, _) => HostileHttpServer.HeadAsync(s, "302 Found", $"Location: /{w.Name}-b.nc", "Content-Length: 0")),
                [Url(w), "redirect loop", w.Server.Url($"/{w.Name}-b.nc")]);
        }),
        ["server-too-many-redirects"] = new("run", 1, RunRssMiB, w =>
        {
            for (var i = 0; i < 20; i++)
            {
                var next = i + 1;
                w.Server.Route($"/{w.Name}-hop{i}", (_, s, _) => HostileHttpServer.HeadAsync(s, "301 Moved Permanently", $"Location: /{w.Name}-hop{next}", "Content-Length: 0"));
            }

            return (ServerRecipe(w, "{ retries: 0, timeout: 5s, max_redirects: 5 }", (_, s, _) => HostileHttpServer.HeadAsync(s, "301 Moved Permanently", $"Location: /{w.Name}-hop0", "Content-Length: 0")),
                [Url(w), "more than 5 redirects"]);
        }),
        ["server-no-headers"] = new("run", 1, RunRssMiB, w => (ServerRecipe(w, "{ retries: 5, timeout: 30s }", (_, s, _) => HostileHttpServer.WriteAsync(s, "CDF\u0001 raw bytes, no status line\r\n\r\n")), [Url(w), "did not answer with an HTTP response"])),
        // forge run reads the header by range first: "range bytes=0-65535 not received within 2s" (a download says "no response within 2s").
        ["server-silent"] = new("run", 1, RunRssMiB, w => (ServerRecipe(w, "{ retries: 0, timeout: 2s }", async (_, _, ct) => await Task.Delay(TimeSpan.FromSeconds(60), ct)), [Url(w), "within 2s"])),
        ["server-closes-at-once"] = new("run", 1, RunRssMiB, w => (ServerRecipe(w, "{ retries: 1, timeout: 5s }", (_, _, _) => Task.CompletedTask), [Url(w)])),
        ["server-short-body"] = new("run", 1, RunRssMiB, w => (ServerRecipe(w, "{ retries: 1, timeout: 5s }", async (_, s, _) =>
        {
            await HostileHttpServer.HeadAsync(s, "200 OK", "Content-Length: 5000");
            await s.WriteAsync(Oisst.AsMemory(0, 100));
        }), [Url(w)])),
        ["server-html-instead-of-netcdf"] = new("run", 1, RunRssMiB, w => (ServerRecipe(w, "{ retries: 0, timeout: 5s }", async (_, s, _) =>
        {
            var page = "<html><body>Please log in</body></html>";
            await HostileHttpServer.HeadAsync(s, "200 OK", "Content-Type: text/html", $"Content-Length: {page.Length}");
            await HostileHttpServer.WriteAsync(s, page);
        }), [$"{w.Name}-1.nc", "not a NetCDF, HDF5 or GRIB file"])),
        ["server-bad-chunked-encoding"] = new("run", 1, RunRssMiB, w => (ServerRecipe(w, "{ retries: 0, timeout: 5s }", async (_, s, _) =>
        {
            await HostileHttpServer.HeadAsync(s, "200 OK", "Transfer-Encoding: chunked");
            await HostileHttpServer.WriteAsync(s, "zz-not-hex\r\nhello\r\n");
        }), [Url(w)])),
        ["server-404"] = new("run", 1, RunRssMiB, w => (Recipe(w.Server.Url($"/{w.Name}-missing-{{time}}.nc")), [w.Server.Url($"/{w.Name}-missing-1.nc"), "HTTP 404"])),

        // ---- targets ----
        ["target-is-a-file"] = new("run", 2, RunRssMiB, w => (LocalRecipe(w, WriteBytes(w.File("in-1.nc"), Oisst), $"target: {{ url: \"{WriteBytes(w.File("out.zarr"), [1, 2, 3])}\" }}\n"), [w.File("out.zarr"), "is a regular file, not a folder"])),
        ["target-parent-is-a-file"] = new("run", 2, RunRssMiB, w => (LocalRecipe(w, WriteBytes(w.File("in-1.nc"), Oisst), $"target: {{ url: \"{WriteBytes(w.File("plain"), [1])}/sub/out.zarr\" }}\n"), [w.File("plain"), "is a regular file, not a folder"])),
        ["target-override-escapes-bucket"] = new("run", 2, RunRssMiB, w => (LocalRecipe(w, WriteBytes(w.File("in-1.nc"), Oisst)), ["s3://bucket/a/../../b.zarr", "climbs out of bucket"]), ExtraArgs: ["--target", "s3://bucket/a/../../b.zarr"]),
    };

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases.Keys) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Hostile_case_fails_cleanly_within_its_memory_bound(string name)
    {
        var c = Cases[name];
        var dir = Path.Combine(_work, name);
        Directory.CreateDirectory(dir);
        var work = new CaseWork(dir, fixture.Server, name);
        var (yaml, culprits) = c.Build(work);
        if (name == "recipe-not-utf8") await System.IO.File.WriteAllBytesAsync(work.RecipePath, Encoding.Latin1.GetBytes(yaml));
        else await System.IO.File.WriteAllTextAsync(work.RecipePath, yaml);
        var target = Path.Combine(dir, "target.zarr");
        string[] args = c.Verb == "validate" ? ["validate", work.RecipePath]
            : ["run", work.RecipePath, "--progress", "none", "--cache", Path.Combine(dir, "cache"), .. c.ExtraArgs ?? (yaml.Contains("target: {", StringComparison.Ordinal) ? [] : ["--target", target])];
        var env = new Dictionary<string, string>(c.Env ?? new Dictionary<string, string>()) { ["TMPDIR"] = Directory.CreateDirectory(Path.Combine(dir, "tmp")).FullName };

        var run = await MeasuredForge.RunAsync(args, env, TimeSpan.FromMinutes(3));

        var output = run.Stdout + run.Stderr;
        Assert.True(run.ExitCode == c.Exit, $"{name}: exit {run.ExitCode}, expected {c.Exit}\n{Cut(output)}");
        foreach (var culprit in culprits) Assert.True(output.Contains(culprit, StringComparison.Ordinal), $"{name}: the message does not name '{culprit}':\n{Cut(output)}");
        Assert.False(DotNetName().IsMatch(output), $"{name}: a .NET type name or stack frame reached the user:\n{Cut(output)}");
        Assert.True(run.PeakRssMiB < c.RssMiB, $"{name}: peak RSS {run.PeakRssMiB} MiB, bound {c.RssMiB} MiB");
        Assert.False(System.IO.File.Exists(Path.Combine(target, "zarr.json")) || System.IO.File.Exists(Path.Combine(target, ".zmetadata")), $"{name}: a store was published");
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(dir, "tmp"), "*.part", SearchOption.AllDirectories));
    }

    [Fact]
    public void The_corpus_holds_at_least_forty_cases() => Assert.True(Cases.Count >= 40, $"{Cases.Count} cases");

    private static string Url(CaseWork w) => w.Server.Url($"/{w.Name}-1.nc");

    private static string Cut(string text) => text.Length > 3000 ? text[..3000] + "…" : text;

    private static string WriteBytes(string path, byte[] bytes)
    {
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Noise(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    private static string MakeBomb(string path)
    {
        Processes.Check(Processes.Python, Repo.PathOf("tests", "Forge.Integration.Tests", "Hostile", "make_deflate_bomb.py"), path);
        return path;
    }

    // Exception type names, "System." namespaces and stack frames ("   at Forge.X.Y(") are for FORGE_DEBUG only.
    [GeneratedRegex(@"\b[A-Z][A-Za-z]*Exception\b|\bSystem\.[A-Z]|^\s+at [A-Z][\w.`]+[.(]", RegexOptions.Multiline)]
    private static partial Regex DotNetName();
}

/// <summary>The loopback hostile server every corpus case shares (each case routes its own paths).</summary>
public sealed class HostileServerFixture : IAsyncLifetime
{
    public HostileHttpServer Server { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
