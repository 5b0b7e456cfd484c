using BenchmarkDotNet.Running;

// Every benchmark class in this assembly; pick with --filter (e.g. --filter '*Shuffle*').
BenchmarkSwitcher.FromAssembly(typeof(Forge.Benchmarks.Codecs.OisstChunk).Assembly).Run(args);
