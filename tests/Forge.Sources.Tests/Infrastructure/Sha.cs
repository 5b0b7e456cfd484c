using System.Security.Cryptography;

namespace Forge.Sources.Tests.Infrastructure;

public static class Sha
{
    public static string OfFile(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
