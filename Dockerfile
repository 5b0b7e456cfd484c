# Forge runtime image: the self-contained `forge` executable on Debian 12 with only the native libraries it loads.
# Build:  docker build -t forge .
# Use:    docker run --rm -v "$PWD:/work" forge run recipes/quickstart --offline
# See docs/getting-started.md ("Container image"). The image is documented here; the project's CI does not build it.

# Build stage: the .NET SDK pinned by global.json publishes one self-contained linux-x64 file
# (the publish settings are in src/Forge.Cli/Forge.Cli.csproj).
FROM mcr.microsoft.com/dotnet/sdk:10.0-bookworm-slim AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Forge.Cli -c Release -r linux-x64 -o /out -nologo

# Runtime stage: Debian 12 plus eng/setup.sh's runtime packages (netCDF-C, HDF5, ecCodes, blosc, zstd, ncdump,
# CA certificates); no .NET runtime or SDK.
FROM debian:12-slim
COPY eng/setup.sh /tmp/setup.sh
RUN bash /tmp/setup.sh runtime && rm -rf /var/lib/apt/lists/* /tmp/setup.sh \
    && useradd --create-home --uid 1000 forge
COPY --from=build /out/forge /usr/local/bin/forge
USER forge
WORKDIR /work
ENTRYPOINT ["forge"]
CMD ["--help"]
