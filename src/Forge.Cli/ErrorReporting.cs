using Forge.Core.Datasets;
using Forge.Core.Execution;
using Forge.Core.Planning;
using Forge.Core.Sources;
using Forge.Recipes;

namespace Forge.Cli;

/// <summary>One failure, classified: its kind (docs/troubleshooting.md has an entry per kind), exit code, message and culprit.</summary>
/// <param name="Culprit">What to fix: the recipe's file:line:column, the URL, the file, the target or the option.</param>
internal sealed record ErrorReport(string Kind, int ExitCode, string Message, string? Culprit);

/// <summary>
/// The one place exception types map to exit codes. Each failure prints one line (or a recipe's list of errors)
/// naming the culprit; never a stack trace unless FORGE_DEBUG=1.
/// </summary>
internal static class ErrorReporting
{
    public static ErrorReport Classify(Exception ex, bool cancelled) => ex switch
    {
        OperationCanceledException when cancelled => new("cancelled", ExitCodes.Cancelled, "cancelled; finished work is kept and a rerun resumes", null),
        AggregateException { InnerExceptions.Count: > 0 } agg => Classify(agg.InnerExceptions[0], cancelled),
        UsageException u => new("usage", ExitCodes.Invalid, u.Message, null),
        RecipeException r => new("recipe", ExitCodes.Invalid, r.Message, $"{r.File}:{r.Line}:{r.Column}"),
        PlanException p => new("layout", ExitCodes.Invalid, $"invalid target layout: {p.Message}", null),
        Forge.Core.Execution.Memory.MemoryBudgetException m => new("memory", ExitCodes.Invalid, $"memory budget: {m.Message}", null),
        FetchException f => new("fetch", ExitCodes.RunFailed, f.Message, f.Url.Length > 0 ? f.Url : null),
        TargetConflictException t => new("target-conflict", ExitCodes.RunFailed, t.Message, null),
        DataException d => new("data", ExitCodes.RunFailed, d.Message, d.Message.Split(": ")[0]),
        IOException or UnauthorizedAccessException => new("io", ExitCodes.RunFailed, $"I/O error: {ex.Message}", null),
        // S3 and other unexpected failures: the message and the type for a bug report.
        _ => new("internal", ExitCodes.RunFailed, $"{ex.GetType().Name}: {ex.Message}", null),
    };

    public static int Report(Exception ex, TextWriter err, bool cancelled)
    {
        var report = Classify(ex, cancelled);
        // Recipe errors already start with file:line:column.
        err.WriteLine(report.Kind == "recipe" ? report.Message : $"forge: {report.Message}");
        if (report.Kind == "internal" && Environment.GetEnvironmentVariable("FORGE_DEBUG") == "1") err.WriteLine(ex);
        return report.ExitCode;
    }
}

/// <summary>An invalid command line (bad flag value, unsupported combination). Exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
