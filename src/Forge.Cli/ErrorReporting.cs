using Forge.Core.Datasets;
using Forge.Core.Execution;
using Forge.Core.Planning;
using Forge.Core.Sources;
using Forge.Recipes;

namespace Forge.Cli;

/// <summary>Maps failures to the documented exit codes and prints one clear message naming the culprit.</summary>
internal static class ErrorReporting
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
                // S3 and other unexpected failures: the message, and the type for a bug report; never a stack dump by default.
                err.WriteLine($"forge: {ex.GetType().Name}: {ex.Message}");
                if (Environment.GetEnvironmentVariable("FORGE_DEBUG") == "1") err.WriteLine(ex);
                return ExitCodes.RunFailed;
        }
    }
}

/// <summary>An invalid command line (bad flag value, unsupported combination). Exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
