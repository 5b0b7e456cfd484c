namespace Forge.Core.Planning;

/// <summary>The target layout asked for cannot be built (e.g. a chunk larger than the memory budget). CLI exit code 2.</summary>
public sealed class PlanException : Exception
{
    public PlanException(string message) : base(message) { }

    public PlanException() { }

    public PlanException(string message, Exception inner) : base(message, inner) { }
}
