using System.Text;
using System.Text.Json.Nodes;
using Forge.Core.Telemetry;

namespace Forge.Core.Tests.Telemetry;

/// <summary>The one scrubber masks every registered credential in every encoding it travels in.</summary>
public sealed class SecretScrubberTests
{
    [Fact]
    public void Basic_credentials_are_masked_raw_base64_url_and_json_encoded()
    {
        var scrubber = new SecretScrubber();
        const string user = "alice";
        const string password = "p@ss w+rd/=1";
        scrubber.AddBasic(user, password);
        var blob = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        var json = new JsonObject { ["m"] = $"Authorization: Basic {blob}" }.ToJsonString();
        string[] leaks =
        [
            password, Uri.EscapeDataString(password), System.Net.WebUtility.UrlEncode(password), blob,
            Uri.EscapeDataString(blob), System.Text.RegularExpressions.Regex.Replace(Uri.EscapeDataString(blob), "%[0-9A-F]{2}", m => m.Value.ToLowerInvariant()),
            blob.TrimEnd('='), json, $"{user}:{password}",
        ];
        foreach (var leak in leaks)
        {
            var scrubbed = scrubber.Scrub($"server said: [{leak}] end");
            Assert.DoesNotContain(password, scrubbed, StringComparison.Ordinal);
            Assert.DoesNotContain(blob.TrimEnd('='), scrubbed, StringComparison.Ordinal);
            Assert.Contains(SecretScrubber.Mask, scrubbed, StringComparison.Ordinal);
        }

        // The user name alone is an identity, not a secret: ordinary text keeps it.
        Assert.Equal("user alice logged in", scrubber.Scrub("user alice logged in"));
    }

    [Fact]
    public void Tokens_are_masked_in_every_encoding_and_short_values_are_ignored()
    {
        var scrubber = new SecretScrubber();
        scrubber.Add("tok/en+1==");
        scrubber.Add("abc");
        foreach (var form in SecretScrubber.Encodings("tok/en+1=="))
            Assert.Equal("x *** y", scrubber.Scrub($"x {form} y"));
        Assert.Equal("x ***", scrubber.Scrub("x " + Convert.ToBase64String(Encoding.UTF8.GetBytes("tok/en+1=="))));
        Assert.Equal("abc", scrubber.Scrub("abc"));
    }
}
