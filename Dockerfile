# syntax=docker/dockerfile:1
# Hop: one image, built once, that runs as any of its processes:
#   docker run hop web | worker | release | redis-http
# Build:  docker build -t hop .   (podman: podman build --format docker -t hop .)
# See docs/deploy.md.

# --- base: Node and pnpm --------------------------------------------------------
FROM node:20-bookworm-slim AS base
ENV PNPM_HOME=/pnpm \
    NEXT_TELEMETRY_DISABLED=1 \
    CI=true
WORKDIR /app
# pnpm at the version package.json names (`packageManager`): npm, not corepack,
# because Node 20's corepack carries outdated registry keys.
COPY package.json /tmp/root-package.json
RUN --mount=type=cache,id=hop-npm,target=/root/.npm \
    npm install --global --no-fund --no-audit --loglevel=error "$(node -p 'require("/tmp/root-package.json").packageManager')"

# --- prune: only the four apps and the packages they use --------------------------
FROM base AS prune
# The version the lockfile pins (root devDependency `turbo`).
ARG TURBO_VERSION=2.11.11
COPY . .
RUN --mount=type=cache,id=hop-npm,target=/root/.npm \
    npx --yes "turbo@${TURBO_VERSION}" prune @hop/web @hop/worker @hop/release @hop/redis-http --docker --out-dir /prune

# --- build: every dependency, then the one build (Next once: one build id) --------
FROM base AS build
# Manifests and lockfile first: this layer stays cached until a dependency changes.
COPY --from=prune /prune/json/ ./
# Scripts off: the only one that matters (prisma generate) needs the schema, and runs below as part of the build.
RUN --mount=type=cache,id=hop-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --ignore-scripts
COPY --from=prune /prune/full/ ./
RUN pnpm exec turbo run build --filter=@hop/web --filter=@hop/worker --filter=@hop/release --filter=@hop/redis-http \
 && rm -rf apps/web/.next/cache

# --- deps: production dependencies of the web app and the worker -------------------
# release and redis-http are single bundled files that need only Node; the
# worker's bundle needs argon2 from node_modules; web loads Next, React,
# Prisma's runtime and argon2 from node_modules. The same
# lockfile in the same folder gives the same paths the build linked .next to.
FROM base AS deps
COPY --from=prune /prune/json/ ./
RUN --mount=type=cache,id=hop-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --prod --ignore-scripts --filter-prod "@hop/web..." --filter-prod "@hop/worker..."

# --- runtime ---------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/apps/web/node_modules ./apps/web/node_modules
COPY --from=build /app/apps/web/package.json /app/apps/web/next.config.ts ./apps/web/
COPY --from=build /app/apps/web/dist ./apps/web/dist
COPY --from=build /app/apps/web/.next ./apps/web/.next
COPY --from=build /app/apps/worker/package.json ./apps/worker/
# The worker's bundle keeps one native addon (argon2, for imports run through the API's procedures) in node_modules.
COPY --from=deps /app/apps/worker/node_modules ./apps/worker/node_modules
COPY --from=build /app/apps/worker/dist ./apps/worker/dist
COPY --from=build /app/apps/release/package.json ./apps/release/
COPY --from=build /app/apps/release/dist ./apps/release/dist
COPY --from=build /app/apps/redis-http/package.json ./apps/redis-http/
COPY --from=build /app/apps/redis-http/dist ./apps/redis-http/dist
COPY deploy/docker/entrypoint.sh /usr/local/bin/hop
COPY deploy/docker/healthcheck.mjs /usr/local/lib/hop/healthcheck.mjs
# The code stays root's and read-only to the process; Next may write its cache.
RUN mkdir -p apps/web/.next/cache && chown node:node apps/web/.next/cache
USER node
# web (PORT, default 3000) and redis-http (PORT, default 8079); worker and release listen on nothing.
EXPOSE 3000 8079
# web: /api/health; redis-http: /ready; worker: alive (it reports to /system through Redis heartbeats).
HEALTHCHECK --interval=15s --timeout=10s --start-period=30s --retries=3 CMD ["node", "/usr/local/lib/hop/healthcheck.mjs"]
ENTRYPOINT ["hop"]
CMD ["web"]
