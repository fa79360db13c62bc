# syntax=docker/dockerfile:1
# The destination as a container image, built from the npm package exactly as it is published.
#   docker build -t cratedb-fivetran-destination .
#   docker run --rm -p 50052:50052 cratedb-fivetran-destination

# Build: `npm pack` runs prepack, which bundles src/ into dist/ (tools/build.ts).
FROM node:24-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY tools/pinned-node/package.json tools/pinned-node/
# Without workspaces: tools/pinned-node only pins a Node binary for development machines.
RUN npm ci --no-audit --no-fund --workspaces=false
COPY . .
# The commit to embed (--version, first log line); the build context has no .git to ask.
ARG COMMIT=""
RUN BUILD_COMMIT="$COMMIT" npm pack --pack-destination /tmp \
 && mv /tmp/cratedb-fivetran-destination-*.tgz /tmp/package.tgz

# Run: the package installed globally with its runtime dependencies only, as `npm install -g` does.
FROM node:24-slim
ARG VERSION=0.1.0
ARG COMMIT=""
LABEL org.opencontainers.image.title="cratedb-fivetran-destination" \
      org.opencontainers.image.description="Fivetran destination for CrateDB (gRPC server, port 50052)" \
      org.opencontainers.image.source="https://github.com/crate/cratedb-fivetran-destination" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN --mount=type=bind,from=build,source=/tmp/package.tgz,target=/tmp/package.tgz \
    npm install --global --omit=dev --no-audit --no-fund /tmp/package.tgz \
 && npm cache clean --force
# The image's own unprivileged user (uid 1000); the server writes nothing to disk.
USER node
# The young generation's size, which V8 otherwise scales with the host's memory (docs/benchmarks.md).
ENV NODE_OPTIONS="--max-semi-space-size=16"
EXPOSE 50052
# gRPC health through the destination's own command: exits 0 only when the server answers SERVING.
# It reads CRATEDB_DESTINATION_PORT and CRATEDB_DESTINATION_HOST like the server, so both agree.
HEALTHCHECK --interval=30s --timeout=10s --start-period=10s --retries=3 \
  CMD ["cratedb-fivetran-destination", "health"]
ENTRYPOINT ["cratedb-fivetran-destination"]
