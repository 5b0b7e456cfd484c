namespace Forge.Core.Verification;

/// <summary>One mismatch <c>forge verify</c> found: what it concerns (an object key, an input URL, an array) and what is wrong.</summary>
public sealed record VerifyFinding(string Subject, string Message)
{
    public override string ToString() => $"{Subject}: {Message}";
}
