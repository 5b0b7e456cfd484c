namespace Forge.Cli;

/// <summary>The command-line contract's exit codes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The run failed (I/O or data error); what finished is kept and a rerun resumes.</summary>
    public const int RunFailed = 1;

    /// <summary>The recipe or the command line is invalid; nothing was written.</summary>
    public const int Invalid = 2;

    /// <summary>Cancelled (Ctrl-C).</summary>
    public const int Cancelled = 130;
}
