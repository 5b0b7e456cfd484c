global using Forge.Core.Sources;
