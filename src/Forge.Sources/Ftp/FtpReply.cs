namespace Forge.Sources;

/// <summary>One (possibly multi-line) FTP reply: the 3-digit code and its text (RFC 959 §4.2).</summary>
internal readonly record struct FtpReply(int Code, string Text)
{
    public bool IsPositivePreliminary => Code is >= 100 and < 200;

    public bool IsPositiveCompletion => Code is >= 200 and < 300;

    public bool IsPositiveIntermediate => Code is >= 300 and < 400;

    /// <summary>4xx: the command failed but may succeed later.</summary>
    public bool IsTransientNegative => Code is >= 400 and < 500;

    public override string ToString() => $"{Code} {Text}";
}
