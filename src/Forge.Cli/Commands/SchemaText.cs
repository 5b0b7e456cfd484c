using System.Text;
using Forge.Core.Datasets;

namespace Forge.Cli.Commands;

/// <summary>Temporary header text until the readers' DatasetSummary lands.</summary>
internal static class DatasetSummary
{
    public static string Format(DatasetSchema schema, string source)
    {
        var sb = new StringBuilder().AppendLine($"dataset {source}").AppendLine("dimensions:");
        foreach (var d in schema.Dimensions) sb.AppendLine($"  {d.Name} = {d.Length}{(d.IsUnlimited ? " (UNLIMITED)" : "")}");
        sb.AppendLine("variables:");
        foreach (var v in schema.Variables)
        {
            sb.AppendLine($"  {v.DataType.ToString().ToLowerInvariant()} {v.Name}({string.Join(", ", v.Dimensions)})");
            foreach (var (k, a) in v.Attributes) sb.AppendLine($"    {v.Name}:{k} = {a}");
        }

        sb.AppendLine("attributes:");
        foreach (var (k, a) in schema.Attributes) sb.AppendLine($"  :{k} = {a}");
        return sb.ToString();
    }
}
