using System.Security.Cryptography;
using Forge.Sources.Tests.Infrastructure;

namespace Forge.Sources.Tests.Ftp;

/// <summary>Starts vsftpd (eng/peers/vsftpd.sh) on a free loopback port serving generated files under /pub, and stops it.</summary>
public sealed class VsftpdFixture : IDisposable
{
    public const string User = "forgeftp";

    private readonly string _script = Path.Combine(RepoRoot.Path, "eng", "peers", "vsftpd.sh");

    public VsftpdFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "forge-vsftpd-" + Guid.NewGuid().ToString("N")[..10]);
        var pub = Path.Combine(Directory, "root", "pub");
        System.IO.Directory.CreateDirectory(pub);
        for (var i = 0; i < 4; i++)
        {
            var data = new byte[50_000 + i * 400_000];
            new Random(100 + i).NextBytes(data);
            var name = $"sst-{i}.nc";
            File.WriteAllBytes(Path.Combine(pub, name), data);
            Hashes[name] = Convert.ToHexStringLower(SHA256.HashData(data));
            Sizes[name] = data.Length;
        }

        Password = "pw" + Guid.NewGuid().ToString("N");
        var port = Processes.Run("bash", [_script, "start", Directory], new Dictionary<string, string>
        {
            ["FORGE_FTP_USER"] = User,
            ["FORGE_FTP_PASSWORD"] = Password,
        }).Trim();
        Port = int.Parse(port, System.Globalization.CultureInfo.InvariantCulture);
    }

    public string Directory { get; }

    public int Port { get; }

    public string Password { get; }

    public Dictionary<string, string> Hashes { get; } = new();

    public Dictionary<string, long> Sizes { get; } = new();

    public string Url(string name, int? port = null) => $"ftp://127.0.0.1:{port ?? Port}/pub/{name}";

    public void Dispose()
    {
        try { Processes.Run("bash", [_script, "stop", Directory]); }
        finally
        {
            try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
