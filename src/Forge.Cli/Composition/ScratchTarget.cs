namespace Forge.Cli.Composition;

/// <summary>
/// A pruned run (<c>--prune N</c>) is a test: unless <c>--target</c> names its store, it writes next to the production
/// target, at <c>&lt;target&gt;.prune-N</c>, so a trial never changes (or poisons the provenance of) the real store.
/// </summary>
internal static class ScratchTarget
{
    public static string Resolve(string configuredTarget, RunOverrides o) =>
        o.Prune is { } n && !o.TargetFromFlag ? $"{configuredTarget.TrimEnd('/')}.prune-{n}" : configuredTarget;
}
