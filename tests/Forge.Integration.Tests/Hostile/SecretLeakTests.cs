using System.Text;
using Forge.Core.Telemetry;
using Forge.Integration.Tests.Infrastructure;
using Forge.Testing.Servers;

namespace Forge.Integration.Tests.Hostile;

/// <summary>
/// A basic-auth password and a query secret go to a server that echoes them back (status line, headers and body).
/// After a success, a 401, a 500 with FORGE_DEBUG=1 and a 404, nothing forge wrote holds any of their forms (raw,
/// URL-encoded, JSON-escaped, base64 of user:password): not stdout, stderr, the JSON events, the store and its
/// .forge ledger, the input cache, nor the temp folder.
/// </summary>
public sealed class SecretLeakTests(HostileServerFixture fixture) : IClassFixture<HostileServerFixture>, IDisposable
{
    private const string User = "forge-user";
    private readonly string _password = "pa ss+w/rd=" + Guid.NewGuid().ToString("N")[..10];
    private readonly string _apiKey = "key+/=" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _work = Directory.CreateTempSubdirectory("forge-secrets-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_work, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private string Blob => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{_password}"));

    [Theory]
    [InlineData("success", 0)]
    [InlineData("401", 1)]
    [InlineData("500", 1)]
    [InlineData("404", 1)]
    public async Task No_form_of_any_credential_reaches_any_output_or_file(string scenario, int exit)
    {
        var server = fixture.Server;
        var name = $"secrets-{scenario}-{Guid.NewGuid():N}";
        var data = await File.ReadAllBytesAsync(Repo.PathOf("recipes", "quickstart", "data", "oisst-avhrr-v02r01.19810901.nc"));
        server.Route($"/{name}-1.nc", async (r, s, _) =>
        {
            var auth = r.Headers.GetValueOrDefault("Authorization") ?? "";
            var authorized = auth == $"Basic {Blob}" && r.Path.Contains("apikey=" + Uri.EscapeDataString(_apiKey), StringComparison.Ordinal);
            if (scenario == "success" && authorized)
            {
                await HostileHttpServer.HeadAsync(s, "200 OK", $"Content-Length: {data.Length}");
                await s.WriteAsync(data);
                return;
            }

            // The echo: request line and Authorization header in the status line, a header and the body.
            var status = scenario switch { "500" => "500 Internal Server Error", "404" => "404 Not Found", _ => "401 Unauthorized" };
            var echo = $"{r.Method} {r.Path} Authorization: {auth}";
            var body = $"<html>{echo} ({Uri.EscapeDataString(auth)}) decoded password {_password}</html>";
            await HostileHttpServer.HeadAsync(s, $"{status} {echo}", $"Content-Length: {Encoding.UTF8.GetByteCount(body)}", $"WWW-Authenticate: Basic realm=\"{auth}\"", $"X-Echo: {echo}");
            await HostileHttpServer.WriteAsync(s, body);
        });

        var dir = Path.Combine(_work, scenario);
        var recipe = RecipeFiles.Write(dir, "secrets", $$"""
            forge: 1
            id: secrets
            inputs:
              url: "{{server.Url($"/{name}-{{time}}.nc")}}"
              concat:
                dim: time
                keys:
                  list: [1]
              fetch:
                retries: 1
                timeout: 5s
                auth: { basic: { username_env: FORGE_T_USER, password_env: FORGE_T_PASS } }
                query_secrets: { apikey: FORGE_T_KEY }
            target:
              url: "{{Path.Combine(dir, "out.zarr")}}"
            """);
        var env = new Dictionary<string, string>
        {
            ["FORGE_T_USER"] = User,
            ["FORGE_T_PASS"] = _password,
            ["FORGE_T_KEY"] = _apiKey,
            ["TMPDIR"] = Directory.CreateDirectory(Path.Combine(dir, "tmp")).FullName,
        };
        if (scenario == "500") env["FORGE_DEBUG"] = "1";

        var run = await MeasuredForge.RunAsync(["run", recipe, "--progress", "json", "--cache", Path.Combine(dir, "cache")], env, TimeSpan.FromMinutes(3));

        Assert.True(run.ExitCode == exit, $"exit {run.ExitCode}\n{run.Stderr}");
        Assert.Contains(server.Requests, r => r.Headers.GetValueOrDefault("Authorization") == $"Basic {Blob}"); // the secret was sent
        if (scenario != "success") Assert.Contains(SecretScrubber.Mask, run.Stderr, StringComparison.Ordinal); // the echo came back, masked
        if (scenario == "success") Assert.True(File.Exists(Path.Combine(dir, "out.zarr", "zarr.json")), run.Stderr);

        string[] forms = [.. SecretScrubber.Encodings(_password), .. SecretScrubber.Encodings(_apiKey), .. SecretScrubber.Encodings(Blob), Blob.TrimEnd('=')];
        var haystacks = new List<(string Where, string Text)> { ("stdout", run.Stdout), ("stderr", run.Stderr) };
        haystacks.AddRange(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Where(f => f != recipe)
            .Select(f => (f, Encoding.Latin1.GetString(File.ReadAllBytes(f)))));
        Assert.Contains(haystacks, h => h.Where.Contains(Path.Combine(dir, "cache"), StringComparison.Ordinal) || scenario != "success");
        foreach (var (where, text) in haystacks)
        {
            foreach (var form in forms)
                Assert.False(text.Contains(form, StringComparison.Ordinal), $"{scenario}: '{form}' found in {where}");
        }
    }
}
