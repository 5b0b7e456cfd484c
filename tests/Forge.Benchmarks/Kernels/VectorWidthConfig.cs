using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Forge.Benchmarks.Kernels;

/// <summary>
/// Runs each kernel benchmark four times, in separate processes, with the runtime's own knobs narrowing the vector
/// width: all intrinsics (Vector512 where the CPU has AVX-512), AVX-512 off (Vector256), AVX2 off (Vector128), and
/// intrinsics off (the scalar tail only). The same code, so the figures show what each vector path buys.
/// </summary>
public sealed class VectorWidthConfig : ManualConfig
{
    public VectorWidthConfig()
    {
        var baseJob = Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10);
        AddJob(baseJob.WithId("v512").AsBaseline());
        AddJob(baseJob.WithId("v256").WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableAVX512", "0"), new EnvironmentVariable("DOTNET_EnableAVX512F", "0")));
        AddJob(baseJob.WithId("v128").WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableAVX2", "0")));
        AddJob(baseJob.WithId("scalar").WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableHWIntrinsic", "0")));
        WithOptions(ConfigOptions.JoinSummary);
        // The boilerplate build can take minutes on a shared 2-core machine.
        WithBuildTimeout(TimeSpan.FromMinutes(20));
    }
}
