using System.Collections.Immutable;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Forge.Recipes.Parsing;

/// <summary>Strict parser of a feedstock's meta.yaml (pangeo-forge's fields, minus Python objects).</summary>
internal static partial class FeedstockMetaParser
{
    public static readonly string[] TopKeys = ["title", "description", "recipes", "provenance", "maintainers"];
    public static readonly string[] RecipeKeys = ["id", "path"];
    public static readonly string[] ProvenanceKeys = ["providers", "license"];
    public static readonly string[] ProviderKeys = ["name", "description", "roles", "url"];
    public static readonly string[] MaintainerKeys = ["name", "github", "orcid"];

    /// <summary>
    /// pangeo-forge meta.yaml keys Forge does not use, each with what to write instead, so a feedstock moved from
    /// pangeo-forge gets a list of the edits to make rather than "unknown key" errors.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> PangeoForgeTopKeys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["pangeo_forge_version"] = "'pangeo_forge_version' is a pangeo-forge key: delete it (each Forge recipe file says its format with 'forge: 1'; see docs/moving-from-pangeo-forge.md)",
        ["pangeo_notebook_version"] = "'pangeo_notebook_version' is a pangeo-forge key: delete it (Forge is one binary; no notebook image is involved)",
        ["bakery"] = "'bakery' is a pangeo-forge key: delete it; Forge bakes where it is run (command line, GitHub Actions, cron) and writes to each recipe's 'target.url' or to --target",
    };

    public static readonly IReadOnlyDictionary<string, string> PangeoForgeRecipeKeys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["object"] = "'object' names a Python recipe (module:attribute), a pangeo-forge key: write the recipe as a Forge YAML file and replace 'object' with 'path: <file>.yaml' (see docs/moving-from-pangeo-forge.md)",
        ["dict_object"] = "'dict_object' names a Python dict of recipes, a pangeo-forge key: list each recipe as '- id: <id>' with 'path: <file>.yaml', one Forge YAML file per recipe (see docs/moving-from-pangeo-forge.md)",
    };

    /// <summary>STAC provider roles.</summary>
    public static readonly string[] Roles = ["producer", "licensor", "processor", "host"];

    /// <summary>Parses meta.yaml; the context keeps the nodes' errors so the loader can add recipe cross-checks.</summary>
    public static (FeedstockMeta? Meta, ImmutableDictionary<RecipeRef, (YamlNode Id, YamlNode Path)> Nodes) Parse(YamlContext ctx, byte[] bytes)
    {
        var nodes = ImmutableDictionary.CreateBuilder<RecipeRef, (YamlNode, YamlNode)>();
        var root = YamlLoading.LoadRoot(ctx, bytes);
        var top = root is null ? null : ctx.Map(root, "", TopKeys, PangeoForgeTopKeys);
        if (top is null) return (null, nodes.ToImmutable());

        var title = ctx.Text(top.Required("title"), "title");
        var description = YamlContext.IsNull(top.Get("description")) ? null : ctx.Text(top.Get("description"), "description");
        var recipes = ImmutableArray.CreateBuilder<RecipeRef>();
        if (top.Required("recipes") is { } recipesNode)
        {
            if (recipesNode is not YamlSequenceNode { Children.Count: > 0 } list)
            {
                ctx.Error(recipesNode, "'recipes' must be a non-empty list of { id, path }");
            }
            else
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < list.Children.Count; i++)
                {
                    var entry = ctx.Map(list.Children[i], $"recipes[{i}]", RecipeKeys, PangeoForgeRecipeKeys);
                    if (entry is null) continue;
                    var idNode = entry.Required("id");
                    var pathNode = entry.Required("path");
                    var id = RecipeParser.ParseId(ctx, idNode, entry.Child("id"));
                    var path = ctx.Text(pathNode, entry.Child("path"));
                    if (id is null || path is null) continue;
                    if (!seen.Add(id)) { ctx.Error(idNode!, $"recipe id '{id}' is listed twice"); continue; }
                    var reference = new RecipeRef(id, path, ctx.Loc(list.Children[i]));
                    recipes.Add(reference);
                    nodes[reference] = (idNode!, pathNode!);
                }
            }
        }

        var provenance = top.Get("provenance") is { } provenanceNode ? ParseProvenance(ctx, provenanceNode) : null;
        var maintainers = top.Get("maintainers") is { } maintainersNode ? ParseMaintainers(ctx, maintainersNode) : [];

        var meta = title is null || ctx.HasErrors ? null
            : new FeedstockMeta(title, description, recipes.ToImmutable(), provenance, maintainers, ctx.File);
        return (meta, nodes.ToImmutable());
    }

    private static Provenance? ParseProvenance(YamlContext ctx, YamlNode node)
    {
        var map = ctx.Map(node, "provenance", ProvenanceKeys);
        if (map is null) return null;
        var providers = ImmutableArray.CreateBuilder<Provider>();
        if (map.Get("providers") is { } providersNode)
        {
            if (providersNode is not YamlSequenceNode list)
            {
                ctx.Error(providersNode, "'provenance.providers' must be a list of { name, description, roles, url }");
            }
            else
            {
                for (var i = 0; i < list.Children.Count; i++)
                {
                    var p = ctx.Map(list.Children[i], $"provenance.providers[{i}]", ProviderKeys);
                    if (p is null) continue;
                    var name = ctx.Text(p.Required("name"), p.Child("name"));
                    var description = ctx.Text(p.Get("description"), p.Child("description"));
                    var url = ctx.Text(p.Get("url"), p.Child("url"));
                    var roles = p.Get("roles") is { } rolesNode ? ctx.Names(rolesNode, p.Child("roles")) : [];
                    if (roles is { } parsedRoles && p.Get("roles") is YamlSequenceNode rolesList)
                    {
                        for (var r = 0; r < parsedRoles.Length; r++)
                        {
                            if (!Roles.Contains(parsedRoles[r], StringComparer.Ordinal))
                                ctx.Error(rolesList.Children[r], $"unknown provider role '{parsedRoles[r]}'; allowed (STAC): {string.Join(", ", Roles)}");
                        }
                    }

                    if (name is not null && roles is not null) providers.Add(new Provider(name, description, roles.Value, url));
                }
            }
        }

        var license = ctx.Text(map.Get("license"), "provenance.license");
        return new Provenance(providers.ToImmutable(), license);
    }

    private static ImmutableArray<Maintainer> ParseMaintainers(YamlContext ctx, YamlNode node)
    {
        if (node is not YamlSequenceNode list)
        {
            ctx.Error(node, "'maintainers' must be a list of { name, github, orcid }");
            return [];
        }

        var result = ImmutableArray.CreateBuilder<Maintainer>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            var m = ctx.Map(list.Children[i], $"maintainers[{i}]", MaintainerKeys);
            if (m is null) continue;
            var name = ctx.Text(m.Required("name"), m.Child("name"));
            var github = ctx.Text(m.Get("github"), m.Child("github"));
            var orcid = ctx.Text(m.Get("orcid"), m.Child("orcid"));
            if (orcid is not null && !OrcidPattern().IsMatch(orcid))
            {
                ctx.Error(m.Get("orcid")!, $"invalid ORCID iD '{orcid}'; write 0000-0000-0000-0000 (the last digit may be X)");
                continue;
            }

            if (name is not null) result.Add(new Maintainer(name, github, orcid));
        }

        return result.ToImmutable();
    }

    [GeneratedRegex("^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$")]
    private static partial Regex OrcidPattern();
}
