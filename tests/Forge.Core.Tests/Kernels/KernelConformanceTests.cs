using System.Diagnostics;
using Forge.Kernels.Conformance;

namespace Forge.Core.Tests.Kernels;

/// <summary>
/// Every SIMD kernel against its scalar definition: in this process (the widest vectors the machine has), and in
/// child processes started with hardware intrinsics switched off by the runtime's own knobs, so the 256-bit,
/// 128-bit and scalar paths run for real rather than behind a static flag.
/// </summary>
public sealed class KernelConformanceTests
{
    public static TheoryData<string> Cases() => [.. KernelCases.Names];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Kernel_equals_its_scalar_definition(string name) => KernelCases.Run(name);

    [Theory]
    [InlineData("DOTNET_EnableHWIntrinsic", "v512=False v256=False v128=False")]
    [InlineData("DOTNET_EnableAVX512", "v512=False")]
    [InlineData("DOTNET_EnableAVX2", "v512=False v256=False")]
    public async Task Fallback_paths_equal_the_scalar_definition_in_a_child_process(string knob, string expectedDisabled)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Forge.Kernels.Conformance.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing (Forge.Core.Tests references the conformance project)");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (string.IsNullOrEmpty(host) || !File.Exists(host)) host = "dotnet";
        var psi = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(dll);
        foreach (var name in new[] { "DOTNET_EnableHWIntrinsic", "DOTNET_EnableAVX512F", "DOTNET_EnableAVX2", "DOTNET_EnableAVX512", "DOTNET_PreferredVectorBitWidth" })
            psi.Environment.Remove(name);
        psi.Environment[knob] = "0";
        // .NET 10 groups the AVX-512 subsets under one knob (it ignores EnableAVX512F); set both spellings.
        if (knob == "DOTNET_EnableAVX512") psi.Environment["DOTNET_EnableAVX512F"] = "0";

        using var child = Process.Start(psi)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await child.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            Assert.Fail($"conformance child with {knob}=0 did not finish within 3 minutes");
        }

        var output = await stdout + await stderr;
        Assert.True(child.ExitCode == 0, $"{knob}=0: exit {child.ExitCode}\n{output}");
        var accelerated = output.Split('\n').First(l => l.StartsWith("accelerated:", StringComparison.Ordinal));
        foreach (var flag in expectedDisabled.Split(' '))
            Assert.Contains(flag, accelerated);
        Assert.Contains(", 0 failed", output);
    }
}
