using System.Collections.Immutable;

namespace Forge.Recipes;

/// <summary>
/// <c>inputs.grib.filter</c>: ecCodes key → accepted values (a list means "any of"). Values are kept as text,
/// as ecCodes compares them (<c>level: 500</c> is "500").
/// </summary>
public sealed record GribFilter(ImmutableDictionary<string, ImmutableArray<string>> Filter);
