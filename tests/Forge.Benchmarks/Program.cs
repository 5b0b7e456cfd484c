using BenchmarkDotNet.Running;

namespace Forge.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project tests/Forge.Benchmarks -- --filter '*'</c> (pick with --filter, e.g. '*Shuffle*').</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["--cpu-cost"]) CpuCost.Run();
        else BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
