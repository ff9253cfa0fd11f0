# syntax=docker/dockerfile:1
# ptbot: build with the dev toolchain, run with production dependencies only, as a non-root user.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-slim
# Memory: a small young generation and two malloc arenas keep RSS close to what ptbot actually holds after a burst
# of requests; a heap growing factor of 1.5 (V8's own is up to 4) runs a full collection before the old generation
# has grown far past what is live, since the pages freed by a full collection stay resident in V8's page pool while
# the process is busy (the tracker's rounds with 1000 requests in flight kept about 100 MB there): that flag is on
# the command line below, since NODE_OPTIONS accepts only some V8 flags (node refuses to start on the others).
# `npm run bench` measures with the same settings.
ENV NODE_ENV=production \
    PORT=3000 \
    NODE_OPTIONS=--max-semi-space-size=8 \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The image's own `node` user (uid 1000) owns the database volume; nothing runs as root. The default SQLite path
# (./data/ptbot.db) lands on the volume through the link, so the image sets no PTBOT_DATABASE: adding only
# PTBOT_DATABASE_URL runs it on PostgreSQL (setting both is a configuration error).
RUN mkdir -p /data && chown node:node /data && ln -s /data /app/data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1's child of nothing else, so SIGTERM reaches ptbot's graceful shutdown directly. The heap
# growing flag: see the memory settings above.
CMD ["node", "--heap-growing-percent=50", "dist/main.js"]
