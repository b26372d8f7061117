# syntax=docker/dockerfile:1
ARG NODE_VERSION=22

# ---- build: compile TypeScript and the better-sqlite3 native addon
FROM node:${NODE_VERSION}-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: production dependencies only, non-root, init process for signals
FROM node:${NODE_VERSION}-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY config ./config
COPY docker/entrypoint.sh /usr/local/bin/daemon-entrypoint
RUN chmod 0755 /usr/local/bin/daemon-entrypoint \
 && mkdir -p data logs \
 && chown node:node data logs
# The entrypoint fixes data/ and logs/ ownership as root, then runs the daemon as `node` (uid 1000).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "dist/src/healthcheck.js"]
ENTRYPOINT ["tini", "--", "daemon-entrypoint"]
CMD ["node", "dist/src/main.js"]
