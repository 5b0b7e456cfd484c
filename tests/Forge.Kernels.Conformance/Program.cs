using System.Runtime.Intrinsics;

namespace Forge.Kernels.Conformance;

/// <summary>Runs every conformance case; prints which vector widths are accelerated; exit 0 only when all pass.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Console.WriteLine($"accelerated: v512={Vector512.IsHardwareAccelerated} v256={Vector256.IsHardwareAccelerated} v128={Vector128.IsHardwareAccelerated}");
        var failed = 0;
        var run = 0;
        foreach (var name in KernelCases.Names)
        {
            if (args.Length > 0 && !args.Any(a => name.Contains(a, StringComparison.Ordinal))) continue;
            run++;
            try
            {
                KernelCases.Run(name);
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine($"FAIL {name}: {e.Message}");
            }
        }

        Console.WriteLine($"cases: {run} run, {failed} failed");
        return failed == 0 && run > 0 ? 0 : 1;
    }
}
