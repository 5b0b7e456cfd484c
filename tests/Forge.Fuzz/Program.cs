using SharpFuzz;

namespace Forge.Fuzz;

/// <summary>
/// <c>Forge.Fuzz TARGET</c> runs under afl-fuzz (SharpFuzz's out-of-process loop); <c>Forge.Fuzz TARGET FILE...</c>
/// replays files (a crash reproduces with its stack trace). Targets: recipe, classic, classic-range, grib, zarr.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
        {
            Console.Error.WriteLine($"usage: Forge.Fuzz {string.Join('|', FuzzTargets.All.Keys)} [FILE...]");
            return 2;
        }

        if (args.Length > 1)
        {
            foreach (var file in args.Skip(1)) target(File.ReadAllBytes(file));
            Console.WriteLine($"{args.Length - 1} inputs replayed without a crash");
            return 0;
        }

        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target(buffer.ToArray());
        });
        return 0;
    }
}
