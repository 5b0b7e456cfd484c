using Forge.Core.Sources;

namespace Forge.Core.Execution;

/// <summary>
/// An input whose schema-pass result came from range reads of its header: the run fetches it only when the pipeline
/// decodes it, and refuses it when the source no longer reports these validators (another object under the URL).
/// </summary>
/// <param name="Url">The URL to fetch (as the recipe gives it; the fetcher redacts it for people).</param>
/// <param name="Shown">The URL with secrets redacted, for messages.</param>
/// <param name="Validators">Size and ETag/Last-Modified of the object whose header was read.</param>
public sealed record StreamedInput(string Url, string Shown, InputValidators Validators);
