namespace Forge.Core.Datasets;

/// <summary>
/// A data error: an input that cannot be read or does not fit the others. The message names the file (and the
/// variable where there is one). The CLI maps it to exit code 1.
/// </summary>
public class DataException : Exception
{
    public DataException(string message) : base(message) { }

    public DataException(string message, Exception inner) : base(message, inner) { }

    public DataException() { }
}
