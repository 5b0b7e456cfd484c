using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Forge.Integration.Tests.Infrastructure;

/// <summary>
/// Single-node Slurm on loopback for a test: munged (reused when one already answers), slurmctld and slurmd with a
/// configuration, state and logs in a temp folder of their own (SLURM_CONF), on free ports. Stopped on dispose.
/// Needs root (slurmd runs jobs as the submitting user) and slurm-wlm + munge (eng/setup.sh test installs them).
/// </summary>
public sealed class SingleNodeSlurm : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);
    private readonly List<string> _pidFiles = [];

    private SingleNodeSlurm(string root) => Root = root;

    public string Root { get; }

    public string ConfigPath => Path.Combine(Root, "slurm.conf");

    /// <summary>Why the daemons cannot run here, or null when they can.</summary>
    public static string? Unavailable()
    {
        foreach (var tool in new[] { "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/bin/sbatch", "/usr/bin/scontrol" })
            if (!File.Exists(tool)) return $"{tool} is not installed (eng/setup.sh test installs slurm-wlm and munge)";
        if (!File.Exists("/etc/munge/munge.key")) return "/etc/munge/munge.key is missing (the munge package's postinst creates it)";
        if (Environment.UserName != "root") return "slurmd must run as root to start jobs";
        return null;
    }

    public static async Task<SingleNodeSlurm> StartAsync()
    {
        var slurm = new SingleNodeSlurm(Directory.CreateTempSubdirectory("forge-slurm-").FullName);
        try
        {
            await slurm.StartDaemonsAsync();
            return slurm;
        }
        catch
        {
            await slurm.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a Slurm client command (sbatch, scontrol, …) against this cluster.</summary>
    public (int ExitCode, string Stdout, string Stderr) Client(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["SLURM_CONF"] = ConfigPath;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', args)} did not exit within 60 s");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The fields of <c>scontrol show job ID</c> (one dictionary per job; an array job lists every task).</summary>
    public List<Dictionary<string, string>> ShowJob(string id)
    {
        var (code, stdout, stderr) = Client("scontrol", "show", "job", "-o", id);
        if (code != 0) throw new InvalidOperationException($"scontrol show job {id}: {stderr}");
        return [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('=', 2)).Where(kv => kv.Length == 2).GroupBy(kv => kv[0]).ToDictionary(g => g.Key, g => g.First()[1]))];
    }

    private async Task StartDaemonsAsync()
    {
        var host = Check("hostname", "-s").Trim();
        foreach (var d in new[] { "state", "spool", "log", "run" }) Directory.CreateDirectory(Path.Combine(Root, d));
        var cpus = Environment.ProcessorCount;
        var memory = (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024) * 0.8);
        File.WriteAllText(ConfigPath, string.Create(CultureInfo.InvariantCulture, $"""
            ClusterName=forgetest
            SlurmctldHost={host}(127.0.0.1)
            AuthType=auth/munge
            CredType=cred/munge
            SlurmUser=root
            SlurmdUser=root
            SlurmctldPort={FreePort()}
            SlurmdPort={FreePort()}
            StateSaveLocation={Root}/state
            SlurmdSpoolDir={Root}/spool
            SlurmctldPidFile={Root}/run/slurmctld.pid
            SlurmdPidFile={Root}/run/slurmd.pid
            SlurmctldLogFile={Root}/log/slurmctld.log
            SlurmdLogFile={Root}/log/slurmd.log
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            JobAcctGatherType=jobacct_gather/none
            AccountingStorageType=accounting_storage/none
            SchedulerType=sched/backfill
            SelectType=select/cons_tres
            SelectTypeParameters=CR_Core
            MpiDefault=none
            ReturnToService=2
            SlurmctldTimeout=30
            SlurmdTimeout=30
            NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={memory} State=UNKNOWN
            PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP

            """));

        if (!MungeAnswers())
        {
            foreach (var d in new[] { "/run/munge", "/var/log/munge", "/var/lib/munge" })
            {
                Directory.CreateDirectory(d);
                Check("chown", "munge:munge", d);
            }

            Check("runuser", "-u", "munge", "--", "/usr/sbin/munged");
            _pidFiles.Add("/run/munge/munged.pid");
            await WaitAsync("munged to answer", MungeAnswers);
        }

        Daemon("/usr/sbin/slurmctld", Path.Combine(Root, "run", "slurmctld.pid"));
        Daemon("/usr/sbin/slurmd", Path.Combine(Root, "run", "slurmd.pid"));
        await WaitAsync("the node to be idle (sinfo)", () =>
        {
            var (code, stdout, _) = Client("sinfo", "-h", "-o", "%t");
            return code == 0 && stdout.Trim() == "idle";
        });
    }

    private void Daemon(string program, string pidFile)
    {
        var psi = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        psi.Environment["SLURM_CONF"] = ConfigPath;
        using var p = Process.Start(psi)!;
        if (!p.WaitForExit(TimeSpan.FromSeconds(60))) throw new TimeoutException($"{program} did not daemonize within 60 s");
        if (p.ExitCode != 0) throw new InvalidOperationException($"{program} exited {p.ExitCode}: {p.StandardError.ReadToEnd()}\n{Logs()}");
        _pidFiles.Insert(0, pidFile); // stopped in reverse order: slurmd, slurmctld, then munged
    }

    private static bool MungeAnswers() => Run("sh", "-c", "munge -n | unmunge").ExitCode == 0;

    private async Task WaitAsync(string what, Func<bool> ready)
    {
        var clock = Stopwatch.StartNew();
        while (!ready())
        {
            if (clock.Elapsed > StartDeadline) throw new TimeoutException($"waited {StartDeadline.TotalSeconds:0} s for {what}\n{Logs()}");
            await Task.Delay(250);
        }
    }

    /// <summary>The daemons' logs (for failure messages).</summary>
    public string Logs()
    {
        var dir = Path.Combine(Root, "log");
        return Directory.Exists(dir)
            ? string.Join("\n", Directory.GetFiles(dir).Select(f => $"--- {Path.GetFileName(f)}\n{string.Join('\n', File.ReadLines(f).TakeLast(30))}"))
            : "";
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string Check(string tool, params string[] args)
    {
        var (code, stdout, stderr) = Run(tool, args);
        return code == 0 ? stdout : throw new InvalidOperationException($"{tool} {string.Join(' ', args)}: exit {code}: {stderr}");
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var pidFile in _pidFiles)
        {
            if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                using var p = Process.GetProcessById(pid);
                p.Kill();
                await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }

        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
