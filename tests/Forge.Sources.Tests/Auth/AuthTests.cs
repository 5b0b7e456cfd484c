using System.Text;
using Forge.Sources.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Forge.Sources.Tests.Auth;

/// <summary>Each auth mechanism reaches the server; a secret given through any of them appears in no output and no file.</summary>
public sealed class AuthTests
{
    private const string User = "forge-user";

    public static TheoryData<string> Mechanisms => new() { "bearer", "basic", "netrc", "query" };

    private static (FetchOptions Options, Func<HttpRequest, bool> Authorize) Setup(string mechanism, string secret, string netrcPath)
    {
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{secret}"));
        var fast = new FetchOptions(Retries: 2) { RetryBaseDelay = TimeSpan.FromMilliseconds(5) };
        return mechanism switch
        {
            "bearer" => (fast with { Auth = new FetchAuth.BearerEnv("FORGE_TOKEN") }, r => r.Headers.Authorization == $"Bearer {secret}"),
            "basic" => (fast with { Auth = new FetchAuth.Basic("FORGE_USER", "FORGE_PASSWORD") }, r => r.Headers.Authorization == basic),
            "netrc" => (fast with { Auth = new FetchAuth.Netrc(netrcPath) }, r => r.Headers.Authorization == basic),
            "query" => (fast with { QuerySecrets = new Dictionary<string, string> { ["apikey"] = "FORGE_API_KEY" } }, r => r.Query["apikey"] == secret),
            _ => throw new ArgumentOutOfRangeException(nameof(mechanism)),
        };
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task SecretAppearsInNoOutputAndNoFile(string mechanism)
    {
        var secret = "s3cr3t" + Guid.NewGuid().ToString("N");
        var basicBlob = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{secret}"));
        using var secrets = new TempDir();
        var netrc = Path.Combine(secrets.Path, "netrc");
        await File.WriteAllTextAsync(netrc, $"machine example.org login other password nope\nmachine 127.0.0.1\n  login {User}\n  password {secret}\n");
        var env = new Dictionary<string, string> { ["FORGE_TOKEN"] = secret, ["FORGE_USER"] = User, ["FORGE_PASSWORD"] = secret, ["FORGE_API_KEY"] = secret };
        var (options, authorize) = Setup(mechanism, secret, netrc);

        await using var server = await FaultServer.StartAsync();
        var hashes = server.AddGeneratedFiles(2);
        server.Authorize = authorize;
        server.Schedule = (name, attempt) => name == "input-001.nc" ? Fault.Status500 : attempt == 0 ? Fault.ResetMidBody : Fault.None;
        using var work = new TempDir();
        var logger = new CapturingLogger();
        var outputs = new List<string>();
        using (var fetcher = new InputFetcher(options, InputCache.ForDirectory(work.Sub("cache")), logger, work.Sub("tmp"), env.GetValueOrDefault))
        {
            // Success (with a retry), a cache hit, a persistent 500, a 404 and a rejected login.
            var ok = await fetcher.FetchAsync(server.Url("input-000.nc"));
            Assert.Equal(hashes["input-000.nc"], Sha.OfFile(ok.LocalPath));
            Assert.Equal(1, ok.Retries);
            outputs.Add(ok.ToString());
            outputs.Add((await fetcher.FetchAsync(server.Url("input-000.nc"))).ToString());
            foreach (var failing in new[] { "input-001.nc", "missing.nc" })
            {
                var e = await Assert.ThrowsAsync<Forge.Core.Sources.FetchException>(async () => await fetcher.FetchAsync(server.Url(failing)));
                outputs.Add(e.ToString());
                outputs.Add(e.Reason);
            }

            var userinfoUrl = server.Url("input-000.nc").Replace("http://", $"http://{User}:{secret}@", StringComparison.Ordinal) + "?token=" + secret;
            var withUserInfo = await Record(() => fetcher.FetchAsync(userinfoUrl).AsTask());
            outputs.Add(withUserInfo);
        }

        server.Authorize = _ => false;
        using (var rejected = new InputFetcher(options, null, logger, work.Sub("tmp"), env.GetValueOrDefault))
        {
            var e = await Assert.ThrowsAsync<Forge.Core.Sources.FetchException>(async () => await rejected.FetchAsync(server.Url("input-000.nc")));
            Assert.Equal(401, e.StatusCode);
            outputs.Add(e.ToString());
        }

        // The secret did reach the server (so the test can fail), and nowhere else.
        Assert.Contains(server.Requests, r => (r.Authorization ?? "").Contains(mechanism is "bearer" ? secret : basicBlob, StringComparison.Ordinal)
                                             || r.Query.Contains(secret, StringComparison.Ordinal));
        var haystacks = outputs.Concat(logger.Lines)
            .Concat(work.AllFiles().Select(f => f + "\n" + File.ReadAllText(f, Encoding.Latin1)));
        foreach (var text in haystacks)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(basicBlob, text, StringComparison.Ordinal);
        }

        Assert.NotEmpty(work.AllFiles("cache"));
    }

    private static async Task<string> Record(Func<Task<Forge.Core.Sources.FetchedInput>> fetch)
    {
        try
        {
            return (await fetch()).ToString();
        }
        catch (Forge.Core.Sources.FetchException e)
        {
            return e.ToString();
        }
    }
}
