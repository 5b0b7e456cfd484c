using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// The help text is part of the command-line contract: it is compared with checked-in approved files
/// (tests/Forge.Integration.Tests/Approvals). On a difference the actual text is written next to it as
/// *.received.txt; review it and rename it to *.approved.txt when the change is intended.
/// </summary>
public sealed class HelpApprovalTests
{
    [Theory]
    [InlineData("forge-help", new[] { "--help" })]
    [InlineData("forge-run-help", new[] { "run", "--help" })]
    [InlineData("forge-plan-help", new[] { "plan", "--help" })]
    public async Task Help_text_equals_the_approved_text(string name, string[] args)
    {
        var (code, stdout, stderr) = await ForgeCli.RunAsync(args);
        Assert.True(code == 0, stderr);
        Assert.Equal("", stderr);
        Approvals.Verify(name, stdout);
    }
}

/// <summary>Approved-text comparison: Approvals/NAME.approved.txt versus the actual text (line endings normalized).</summary>
internal static class Approvals
{
    public static void Verify(string name, string actual)
    {
        var dir = Repo.PathOf("tests", "Forge.Integration.Tests", "Approvals");
        var approved = Path.Combine(dir, name + ".approved.txt");
        var received = Path.Combine(dir, name + ".received.txt");
        var normalized = actual.ReplaceLineEndings("\n");
        if (File.Exists(approved) && File.ReadAllText(approved).ReplaceLineEndings("\n") == normalized)
        {
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, normalized);
        Assert.Fail(File.Exists(approved)
            ? $"{name}: the output differs from {approved}; the actual text is in {received} (diff them; rename it to approve)"
            : $"{name}: no approved text yet; the actual text is in {received} (review it and rename it to {Path.GetFileName(approved)})");
    }
}
