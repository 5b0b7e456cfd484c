namespace Forge.Core.Datasets.Combine;

/// <summary>
/// Two inputs' copies of a variable without the concat dimension differ. When their values were too large to keep
/// from the schema pass, the message gives digests; the runner, which can still read both inputs, re-reads them
/// and replaces the description with the first differing element (<see cref="WithDescription"/>).
/// </summary>
internal sealed class StaticValuesDifferException(string prefix, string description, string variable, InputDataset a, InputDataset b)
    : DataException(prefix + description)
{
    public string Variable { get; } = variable;

    public InputDataset A { get; } = a;

    public InputDataset B { get; } = b;

    /// <summary>Whether the description is only the digests (the values were not kept).</summary>
    public bool ValuesWereKept => A.StaticValues.ContainsKey(Variable) && B.StaticValues.ContainsKey(Variable);

    /// <summary>The same error, saying what differs with <paramref name="description"/>.</summary>
    public DataException WithDescription(string description) => new(prefix + description, this);
}
