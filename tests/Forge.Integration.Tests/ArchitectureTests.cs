using System.Xml.Linq;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests;

/// <summary>The dependency rule (docs/architecture.md): an assembly boundary is a dependency boundary.</summary>
public sealed class ArchitectureTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Forge.Core"] = [],
        ["Forge.Native"] = ["Forge.Core"],
        ["Forge.Formats"] = ["Forge.Core", "Forge.Native"],
        ["Forge.Recipes"] = ["Forge.Core"],
        ["Forge.Sources"] = ["Forge.Core"],
        ["Forge.Storage.S3"] = ["Forge.Core"],
        ["Forge.Cli"] = ["Forge.Core", "Forge.Native", "Forge.Formats", "Forge.Recipes", "Forge.Sources", "Forge.Storage.S3"],
    };

    [Fact]
    public void Projects_reference_only_what_the_dependency_rule_allows()
    {
        var projects = Directory.GetFiles(Repo.PathOf("src"), "*.csproj", SearchOption.AllDirectories);
        Assert.Equal(Allowed.Keys.Order(), projects.Select(p => Path.GetFileNameWithoutExtension(p)).Order());
        foreach (var project in projects)
        {
            var name = Path.GetFileNameWithoutExtension(project);
            var refs = XDocument.Load(project).Descendants("ProjectReference")
                .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/')))
                .ToList();
            Assert.All(refs, r => Assert.True(Allowed[name].Contains(r), $"{name} must not reference {r}"));
        }
    }

    [Fact]
    public void Forge_Core_uses_no_packages()
    {
        var core = XDocument.Load(Repo.PathOf("src", "Forge.Core", "Forge.Core.csproj"));
        Assert.Empty(core.Descendants("PackageReference"));
    }
}
