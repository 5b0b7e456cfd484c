using Forge.Core.Datasets;
using Forge.Core.Execution;
using Forge.Core.Planning;
using Forge.Core.Sources;
using Forge.Recipes;

namespace Forge.Cli;

/// <summary>Maps failures to the documented exit codes and prints one clear message naming the culprit.</summary>
internal static partial class ErrorReporting
{
    public static int Report(Exception ex, TextWriter err, bool cancelled)
    {
        switch (ex)
        {
            case OperationCanceledException when cancelled:
                err.WriteLine("forge: cancelled; finished work is kept and a rerun resumes");
                return ExitCodes.Cancelled;
            case RecipeException r:
                err.WriteLine(r.Message);
                return ExitCodes.Invalid;
            case PlanException p:
                err.WriteLine($"forge: invalid target layout: {p.Message}");
                return ExitCodes.Invalid;
            case Forge.Core.Execution.Memory.MemoryBudgetException m:
                err.WriteLine($"forge: memory budget: {m.Message}");
                return ExitCodes.Invalid;
            case UsageException u:
                err.WriteLine($"forge: {u.Message}");
                return ExitCodes.Invalid;
            case FetchException f:
                err.WriteLine($"forge: {f.Message}");
                return ExitCodes.RunFailed;
            case DataException or TargetConflictException:
                err.WriteLine($"forge: {ex.Message}");
                return ExitCodes.RunFailed;
            case IOException or UnauthorizedAccessException:
                err.WriteLine($"forge: I/O error: {ex.Message}");
                return ExitCodes.RunFailed;
            case AggregateException { InnerExceptions.Count: > 0 } agg:
                return Report(agg.InnerExceptions[0], err, cancelled);
            default:
                // S3 and other unexpected failures: the message only (no .NET type names); FORGE_DEBUG=1 adds the
                // full exception for a bug report. Both pass the secret scrubber on their way out.
                err.WriteLine($"forge: {Plain(ex.Message)}");
                if (Environment.GetEnvironmentVariable("FORGE_DEBUG") == "1") err.WriteLine(ex);
                else err.WriteLine("forge: set FORGE_DEBUG=1 for the details of this error");
                return ExitCodes.RunFailed;
        }
    }
}

internal static partial class ErrorReporting
{
    // ArgumentException appends " (Parameter 'name')", a .NET detail that means nothing to a user.
    private static string Plain(string message) => ParameterSuffix().Replace(message, "");

    [System.Text.RegularExpressions.GeneratedRegex(@" \(Parameter '[^']*'\)$")]
    private static partial System.Text.RegularExpressions.Regex ParameterSuffix();
}

/// <summary>An invalid command line (bad flag value, unsupported combination). Exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
