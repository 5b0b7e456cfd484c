namespace Forge.Recipes;

/// <summary>The unit of a range step.</summary>
public enum StepUnit
{
    /// <summary>A plain integer step, for integer ranges.</summary>
    Integer,
    Minute,
    Hour,
    Day,
    Month,
    Year,
}

/// <summary>A range step such as <c>1 day</c>, <c>6 hours</c>, <c>1 month</c> or the integer <c>2</c>.</summary>
public sealed record RangeStep(int Count, StepUnit Unit)
{
    public static readonly RangeStep OneDay = new(1, StepUnit.Day);
    public static readonly RangeStep One = new(1, StepUnit.Integer);

    public override string ToString() => Unit == StepUnit.Integer
        ? Count.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : $"{Count} {Unit.ToString().ToLowerInvariant()}{(Count == 1 ? "" : "s")}";
}

/// <summary>
/// <c>keys.range</c> as written: start and end (inclusive) of the same kind, and a step. The expanded keys are in
/// <see cref="ConcatSpec.Keys"/>; month/year steps count from <see cref="Start"/> (Jan 31 + 1 month = Feb 28/29).
/// </summary>
public sealed record KeyRange(PatternKey Start, PatternKey End, RangeStep Step)
{
    /// <summary>
    /// The end as written when it is relative to the run's start (<c>today</c>, <c>-2 days</c>, <c>-6 hours</c>,
    /// <c>-1 month</c>); <see cref="End"/> is then its value in UTC when the recipe was loaded. Null for a fixed end.
    /// </summary>
    public string? RelativeEnd { get; init; }
}
