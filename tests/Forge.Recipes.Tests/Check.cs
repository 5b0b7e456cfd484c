namespace Forge.Recipes.Tests;

/// <summary>Assertion helpers. ImmutableArray's Equals compares array references, so sequences are compared as arrays.</summary>
internal static class Check
{
    public static void Seq<T>(T[] expected, IEnumerable<T> actual) => Assert.Equal(expected, actual.ToArray());
}
