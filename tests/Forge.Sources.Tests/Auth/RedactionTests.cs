namespace Forge.Sources.Tests.Auth;

public sealed class RedactionTests
{
    [Theory]
    [InlineData("https://user:pa55@host.org/a/b.nc", "https://host.org/a/b.nc")]
    [InlineData("ftp://anonymous@ftp.host.org:21/pub/x.grb2", "ftp://ftp.host.org:21/pub/x.grb2")]
    [InlineData("https://h/x.nc?token=abc&v=1", "https://h/x.nc?token=***&v=1")]
    [InlineData("https://h/x.nc?X-Amz-Signature=abc&X-Amz-Credential=k%2F1#frag", "https://h/x.nc?X-Amz-Signature=***&X-Amz-Credential=***#frag")]
    [InlineData("https://h/x.nc?mykey=abc&v=1", "https://h/x.nc?mykey=***&v=1")]
    [InlineData("https://h/p@th/x.nc", "https://h/p@th/x.nc")]
    [InlineData("s3://bucket/key.nc", "s3://bucket/key.nc")]
    public void RedactsUserInfoAndSecretParameters(string url, string expected) =>
        Assert.Equal(expected, UrlRedactor.Redact(url, ["mykey"]));

    [Fact]
    public void NetrcFindsMachineThenDefault()
    {
        var netrc = NetrcFile.Parse("machine a.org login alice password one\n# comment-free format\ndefault login anon password two\nmachine b.org\n\tlogin bob\n\tpassword three");
        Assert.Equal(("alice", "one"), netrc.Find("a.org"));
        Assert.Equal(("bob", "three"), netrc.Find("B.ORG"));
        Assert.Equal(("anon", "two"), netrc.Find("c.org"));
    }
}
