namespace Forge.Sources;

/// <summary>How cache hits are checked.</summary>
/// <param name="VerifyOnRead">Hash every hit and compare with the sidecar's sha256 (else size only). Default true.</param>
public sealed record InputCacheOptions(bool VerifyOnRead = true);
