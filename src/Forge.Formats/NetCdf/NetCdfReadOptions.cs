using System.Globalization;
using Forge.Core.Datasets;

namespace Forge.Formats.NetCdf;

/// <summary>What to do with variables that live in NetCDF-4 sub-groups (Forge reads the root group only).</summary>
public enum SubGroupPolicy
{
    /// <summary>Fail the open with a <see cref="DataException"/> naming the group (the default: nothing is dropped silently).</summary>
    Reject,
    /// <summary>Read the root group and ignore sub-groups.</summary>
    Ignore,
}

/// <summary>Where a NetCDF-4/HDF5 header is first opened.</summary>
public enum HeaderCheck
{
    /// <summary>Open in this process only (fast; a maliciously or badly corrupted HDF5 header can crash HDF5, see docs/readers.md).</summary>
    InProcess,
    /// <summary>First run <c>ncdump -h</c> on the file in a child process: a crash or hang there becomes a <see cref="DataException"/> (about 0.1 s per file).</summary>
    ChildProcess,
}

/// <summary>Options of <see cref="NetCdfDatasetReader"/>.</summary>
/// <param name="DirectChunks">Use the HDF5 direct-chunk path (parallel managed inflate/unshuffle) where it applies; false forces netCDF-C.</param>
/// <param name="SubGroups">Policy for variables in sub-groups.</param>
/// <param name="MaxDecodeWorkers">Upper bound on parallel chunk decoders for one read (default: processor count).</param>
/// <param name="HeaderCheck">Whether NetCDF-4/HDF5 headers are first opened in a child process (untrusted inputs).</param>
public sealed record NetCdfReadOptions(
    bool DirectChunks = true,
    SubGroupPolicy SubGroups = SubGroupPolicy.Reject,
    int MaxDecodeWorkers = 0,
    HeaderCheck HeaderCheck = HeaderCheck.InProcess)
{
    public static readonly NetCdfReadOptions Default = new();

    /// <summary>
    /// Bytes the reader may hold at once for decoding stored chunks (a chunk needs its stored and its decoded copy),
    /// or null for no bound. A chunk whose decode needs more is refused before anything is allocated, naming the
    /// file, variable, chunk size and budget; parallel decoders are limited to what fits. The run wires it from
    /// <c>run.max_memory</c> (half of it: see <see cref="FromMaxMemory"/>); the engine's memory account can pass its own share.
    /// </summary>
    public long? DecodeBudget { get; init; }

    /// <summary>Why the budget is what it is, for messages (e.g. "run.max_memory 512 MiB").</summary>
    public string? DecodeBudgetSource { get; init; }

    /// <summary>The smallest decode budget: chunks this small are never a memory problem, and a tiny max_memory is the planner's to refuse.</summary>
    public const long MinimumDecodeBudget = 64L << 20;

    /// <summary>
    /// Options whose <see cref="DecodeBudget"/> is half of <paramref name="maxMemory"/> (the other half holds target
    /// chunks), at least <see cref="MinimumDecodeBudget"/>.
    /// </summary>
    public NetCdfReadOptions FromMaxMemory(long maxMemory) => this with
    {
        DecodeBudget = Math.Max(MinimumDecodeBudget, maxMemory / 2),
        DecodeBudgetSource = maxMemory / 2 >= MinimumDecodeBudget
            ? $"half of run.max_memory {Forge.Core.Planning.Sizes.Format(maxMemory)}"
            : $"the {Forge.Core.Planning.Sizes.Format(MinimumDecodeBudget)} floor under run.max_memory {Forge.Core.Planning.Sizes.Format(maxMemory)}",
    };

    internal int EffectiveWorkers => MaxDecodeWorkers > 0 ? MaxDecodeWorkers : Environment.ProcessorCount;

    /// <summary>
    /// Reads the recipe's reader options: <c>direct_chunks</c> (bool), <c>sub_groups</c> ("reject" | "ignore") and
    /// <c>header_check</c> ("in_process" | "child_process").
    /// Unknown keys are left for other readers.
    /// </summary>
    public static NetCdfReadOptions FromOptions(IReadOnlyDictionary<string, object?>? options, NetCdfReadOptions? defaults = null)
    {
        var result = defaults ?? Default;
        if (options is null) return result;
        if (options.TryGetValue("direct_chunks", out var direct) && direct is not null)
            result = result with { DirectChunks = direct is bool b ? b : bool.Parse(Convert.ToString(direct, CultureInfo.InvariantCulture)!) };
        if (options.TryGetValue("sub_groups", out var groups) && groups is not null)
        {
            var text = Convert.ToString(groups, CultureInfo.InvariantCulture);
            result = result with
            {
                SubGroups = text switch
                {
                    "reject" => SubGroupPolicy.Reject,
                    "ignore" => SubGroupPolicy.Ignore,
                    _ => throw new ArgumentException($"sub_groups must be \"reject\" or \"ignore\", not \"{text}\"", nameof(options)),
                },
            };
        }

        if (options.TryGetValue("header_check", out var check) && check is not null)
        {
            var text = Convert.ToString(check, CultureInfo.InvariantCulture);
            result = result with
            {
                HeaderCheck = text switch
                {
                    "in_process" => HeaderCheck.InProcess,
                    "child_process" => HeaderCheck.ChildProcess,
                    _ => throw new ArgumentException($"header_check must be \"in_process\" or \"child_process\", not \"{text}\"", nameof(options)),
                },
            };
        }

        return result;
    }
}
