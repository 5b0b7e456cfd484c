namespace Forge.Recipes;

/// <summary><c>target.s3</c>: endpoint and region of an S3-compatible store; credentials come from the standard AWS chain.</summary>
public sealed record S3Options(string? Endpoint, string? Region, bool Anonymous, string? Profile);
