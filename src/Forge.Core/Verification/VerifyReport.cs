namespace Forge.Core.Verification;

/// <summary>What <c>forge verify</c> checked and the mismatches it found (none: the store is what the recipe promised).</summary>
public sealed record VerifyReport(IReadOnlyList<VerifyFinding> Findings, int Arrays, long Objects, int InputsSampled, long ValuesCompared)
{
    public bool Ok => Findings.Count == 0;
}
