using Forge.Cli.Hosting;
using Forge.Cli.Output;
using Forge.Core.Telemetry;
using Forge.Formats.NetCdf;

namespace Forge.Cli;

/// <summary>Process entry: the real console host, with SIGINT/SIGTERM/SIGHUP handled by its lifetime (exit code 130).</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // The header-check child (see UseHeaderCheckChild): paths in, one answer line each out; nothing else printed.
        if (args is [HeaderCheckServer.Verb]) return HeaderCheckServer.Serve(Console.In, Console.Out);
        UseHeaderCheckChild();

        // Every byte forge prints passes the secret scrubber: Console.Out/Error themselves are replaced, so the live
        // display and anything else writing to the console are covered (and stay the same objects for it).
        Console.SetOut(TextWriter.Synchronized(new ScrubbingWriter(Console.Out, SecretScrubber.Shared)));
        Console.SetError(TextWriter.Synchronized(new ScrubbingWriter(Console.Error, SecretScrubber.Shared)));
        try
        {
            return await ForgeApp.RunAsync(args, new ForgeHostOptions(Console.Out, Console.Error) { HandleSignals = true });
        }
        finally
        {
            HeaderCheckServer.StopChild();
            Console.Out.Flush();
            Console.Error.Flush();
        }
    }

    /// <summary>
    /// NetCDF-4/HDF5 headers are checked in one child process of this same executable (started on the first check)
    /// instead of one ncdump per input: same isolation, ~14 ms less CPU per input.
    /// </summary>
    private static void UseHeaderCheckChild()
    {
        if (Environment.ProcessPath is not { } self) return;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            // `dotnet forge.dll`: the child is `dotnet forge.dll __check-headers`.
            // Not Assembly.Location: it is empty in a single-file app, and the single-file publish treats its use as an
            // error (IL3000); this branch only runs under `dotnet forge.dll`, whose folder is AppContext.BaseDirectory.
            var name = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name;
            if (string.IsNullOrEmpty(name)) return;
            var entry = Path.Combine(AppContext.BaseDirectory, name + ".dll");
            if (!File.Exists(entry)) return;
            HeaderCheckServer.UseChild(self, [entry, HeaderCheckServer.Verb]);
        }
        else
        {
            HeaderCheckServer.UseChild(self, [HeaderCheckServer.Verb]);
        }
    }
}
