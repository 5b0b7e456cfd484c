using System.Text;
using Forge.Core.Datasets;

namespace Forge.Formats.NetCdf;

/// <summary>
/// The child side of <see cref="HeaderCheckWorker"/>: reads one file path per line from <c>input</c>, opens its
/// header in this process exactly as the parent would (netCDF-C / HDF5), and answers one line per path:
/// <c>ok</c>, or <c>error</c>, a tab and the message. A file whose header crashes HDF5 ends this process instead,
/// which the parent turns into an error naming that file. Ends when <c>input</c> ends (the parent closed it or died).
/// </summary>
public static class HeaderCheckServer
{
    /// <summary>The hidden command-line verb that runs this loop (`forge __check-headers`).</summary>
    public const string Verb = "__check-headers";

    /// <summary>
    /// Makes this process check headers in one long-lived child running <see cref="Serve"/> (<paramref name="file"/>
    /// <paramref name="arguments"/>) instead of one <c>ncdump -h</c> per file.
    /// </summary>
    public static void UseChild(string file, IReadOnlyList<string> arguments) => IsolatedHeaderCheck.UseWorker(file, arguments);

    /// <summary>Ends the long-lived child, if any.</summary>
    public static void StopChild() => IsolatedHeaderCheck.StopWorker();

    public static int Serve(TextReader input, TextWriter output)
    {
        // The child only proves that the header opens without crashing; the parent applies the caller's policies
        // (e.g. a sub-group refused or ignored, as the recipe says) when it opens the file itself.
        var options = NetCdfReadOptions.Default with { HeaderCheck = HeaderCheck.InProcess, SubGroups = SubGroupPolicy.Ignore };
        while (input.ReadLine() is { } path)
        {
            string reply;
            try
            {
                NetCdfDatasetReader.Open(path, options).DisposeAsync().AsTask().GetAwaiter().GetResult();
                reply = "ok";
            }
            catch (Exception ex)
            {
                reply = "error\t" + OneLine(ex is DataException ? ex.Message : $"{path}: cannot read the netCDF header: {ex.Message}");
            }

            output.Write(reply);
            output.Write('\n');
            output.Flush();
        }

        return 0;
    }

    private static string OneLine(string text)
    {
        var b = new StringBuilder(text.Length);
        foreach (var c in text) b.Append(c is '\n' or '\r' or '\t' ? ' ' : c);
        return b.ToString();
    }
}
