namespace Forge.Sources;

/// <summary>A parsed .netrc: <c>machine</c>/<c>default</c> entries with <c>login</c> and <c>password</c> (curl and Python netrc semantics).</summary>
internal sealed class NetrcFile
{
    private readonly Dictionary<string, (string? Login, string? Password)> _machines = new(StringComparer.OrdinalIgnoreCase);
    private (string? Login, string? Password)? _default;

    public static NetrcFile Parse(string text)
    {
        var netrc = new NetrcFile();
        var tokens = text.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        string? machine = null;
        var isDefault = false;
        string? login = null, password = null;

        void Flush()
        {
            if (machine is not null) netrc._machines.TryAdd(machine, (login, password));
            else if (isDefault) netrc._default ??= (login, password);
            machine = null; isDefault = false; login = null; password = null;
        }

        for (var i = 0; i < tokens.Length; i++)
        {
            switch (tokens[i])
            {
                case "machine":
                    Flush();
                    machine = i + 1 < tokens.Length ? tokens[++i] : null;
                    break;
                case "default":
                    Flush();
                    isDefault = true;
                    break;
                case "login":
                    if (i + 1 < tokens.Length) login = tokens[++i];
                    break;
                case "password":
                    if (i + 1 < tokens.Length) password = tokens[++i];
                    break;
                case "account":
                    i++;
                    break;
                case "macdef":
                    // A macro runs to the next blank line; it carries no credentials, skip to the next entry keyword.
                    while (i + 1 < tokens.Length && tokens[i + 1] is not ("machine" or "default")) i++;
                    break;
            }
        }

        Flush();
        return netrc;
    }

    public (string? Login, string? Password)? Find(string host) =>
        _machines.TryGetValue(host, out var entry) ? entry : _default;
}
