# syntax=docker/dockerfile:1
#
# EdgePay gateway image. One image, four uses (see docker-compose.yml and docs/deployment.md):
#   docker run IMAGE            -> `edgepay start` (everything in one process, embedded SQLite in /app/data)
#   command: api | projector | worker     -> one production process each
#   keys create --merchant <id>           -> issue an API key
#
# Paths: tsconfig.build.json compiles src/ to dist/ (src/cli/edgepay.ts -> dist/cli/edgepay.js), and
# src/http/app.ts loads the contract from path.resolve(__dirname, '../../openapi/edgepay.yaml'), which from
# dist/http/ is /app/openapi/edgepay.yaml. The build stage asserts both, so a layout change fails the build
# instead of the container.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# better-sqlite3 builds from source when no prebuilt binary matches the platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*

COPY package.json package-lock.json ./
# The lock names the workspace package (packages/client); npm ci needs its manifest, not its code.
COPY packages/client/package.json ./packages/client/
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY openapi ./openapi
RUN npm run build \
  && test -f dist/cli/edgepay.js \
  && node -e "require('node:fs').accessSync(require('./dist/http/app.js').OPENAPI_SPEC)"

RUN npm prune --omit=dev --no-audit --no-fund

# ---------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app

# Code stays owned by root (read-only for the process); only the embedded data directory is writable.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/openapi ./openapi
RUN mkdir -p /app/data && chown node:node /app/data

USER node
EXPOSE 3000

# Only the `api` role (and `start`) listens; docker-compose.yml disables this check for projector and worker.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Exec form: node is PID 1 and receives SIGTERM itself (the CLI stops accepting, drains, closes clients).
ENTRYPOINT ["node", "--max-semi-space-size=32", "dist/cli/edgepay.js"]
CMD ["start"]
