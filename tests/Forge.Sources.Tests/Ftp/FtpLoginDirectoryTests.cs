using System.Security.Cryptography;
using Forge.Sources.Tests.Infrastructure;

namespace Forge.Sources.Tests.Ftp;

/// <summary>
/// vsftpd whose local user logs in without a chroot, so the login directory is a real folder (DIR/root), not '/'.
/// RFC 1738 (and curl) read ftp://host/pub/x.nc relative to that folder; ftp://host/%2F... is absolute.
/// </summary>
public sealed class VsftpdLoginDirectoryFixture : IDisposable
{
    public const string User = "forgeftphome";

    private readonly string _script = Path.Combine(RepoRoot.Path, "eng", "peers", "vsftpd.sh");

    public VsftpdLoginDirectoryFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "forge-vsftpd-home-" + Guid.NewGuid().ToString("N")[..10]);
        var pub = Path.Combine(Directory, "root", "pub", "monthly");
        System.IO.Directory.CreateDirectory(pub);
        Data = new byte[123_456];
        new Random(7).NextBytes(Data);
        File.WriteAllBytes(Path.Combine(pub, "x 1.nc"), Data);
        Hash = Convert.ToHexStringLower(SHA256.HashData(Data));
        Password = "pw" + Guid.NewGuid().ToString("N");
        var port = Processes.Run("bash", [_script, "start", Directory], new Dictionary<string, string>
        {
            ["FORGE_FTP_USER"] = User,
            ["FORGE_FTP_PASSWORD"] = Password,
            ["FORGE_FTP_CHROOT"] = "NO",
        }).Trim();
        Port = int.Parse(port, System.Globalization.CultureInfo.InvariantCulture);
    }

    public string Directory { get; }

    public int Port { get; }

    public string Password { get; }

    public byte[] Data { get; }

    public string Hash { get; }

    public void Dispose()
    {
        try { Processes.Run("bash", [_script, "stop", Directory]); }
        finally
        {
            try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

public sealed class FtpLoginDirectoryTests(VsftpdLoginDirectoryFixture ftp) : IClassFixture<VsftpdLoginDirectoryFixture>, IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private InputFetcher Fetcher() => new(
        new FetchOptions(Retries: 1) { RetryBaseDelay = TimeSpan.FromMilliseconds(10), Auth = new FetchAuth.Basic("U", "P") },
        null, new CapturingLogger(), _temp.Path,
        name => name switch { "U" => VsftpdLoginDirectoryFixture.User, "P" => ftp.Password, _ => null });

    [Fact]
    public async Task A_path_is_relative_to_the_login_directory_one_CWD_per_segment()
    {
        using var fetcher = Fetcher();
        await using var input = await fetcher.FetchAsync($"ftp://127.0.0.1:{ftp.Port}/pub/monthly/x%201.nc");
        Assert.Equal(ftp.Hash, Sha.OfFile(input.LocalPath));
    }

    [Fact]
    public async Task A_leading_percent_2F_makes_the_path_absolute()
    {
        using var fetcher = Fetcher();
        var absolute = string.Join('/', Path.Combine(ftp.Directory, "root", "pub", "monthly").TrimStart('/').Split('/').Select(Uri.EscapeDataString));
        await using var input = await fetcher.FetchAsync($"ftp://127.0.0.1:{ftp.Port}/%2F{absolute}/x%201.nc");
        Assert.Equal(ftp.Hash, Sha.OfFile(input.LocalPath));
    }

    [Fact]
    public async Task Listing_uses_the_same_rules()
    {
        using var fetcher = Fetcher();
        var names = await fetcher.ListFtpDirectoryAsync($"ftp://127.0.0.1:{ftp.Port}/pub/monthly/");
        Assert.Equal(["x 1.nc"], names.Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_missing_directory_names_the_url_and_the_directory()
    {
        using var fetcher = Fetcher();
        var e = await Assert.ThrowsAsync<Forge.Core.Sources.FetchException>(async () => await fetcher.FetchAsync($"ftp://127.0.0.1:{ftp.Port}/pub/nope/x.nc"));
        Assert.Contains("/pub/nope/x.nc", e.Message, StringComparison.Ordinal);
        Assert.Contains("'nope'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_encoded_line_break_cannot_inject_an_FTP_command()
    {
        using var fetcher = Fetcher();
        var e = await Assert.ThrowsAsync<Forge.Core.Sources.FetchException>(async () => await fetcher.FetchAsync($"ftp://127.0.0.1:{ftp.Port}/pub/x.nc%0D%0ADELE%20x.nc"));
        Assert.Contains("control character", e.Message, StringComparison.Ordinal);
    }
}
