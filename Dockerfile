# syntax=docker/dockerfile:1
# One image per app from this file: docker build --build-arg APP=cart-service -t meshmart/cart-service:0.1.0 .
# (docker compose builds them all.) The toolbox target runs the `meshmart` CLI (certs, the demo shopper).
ARG NODE_IMAGE=node:24-bookworm-slim

# Every npm workspace's manifest (the root's `workspaces` globs: apps/*, libs/*, tools/*, e2e),
# found here rather than listed, so a new app needs no edit. BuildKit caches the COPY --from
# below by content: the dependency layer is rebuilt only when a manifest changes.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /context
COPY . .
RUN mkdir /manifests && find . -maxdepth 3 -name package.json -not -path './node_modules/*' -exec cp --parents {} /manifests/ \;

FROM ${NODE_IMAGE} AS workspace
WORKDIR /workspace
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true
COPY --from=manifests /manifests/ ./
COPY package-lock.json nx.json tsconfig.base.json tsconfig.json vitest.shared.mts ./
# The image brings Node 24: the `node` dev dependency's download is not needed.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .

# The app compiled by its Nx `build` target into dist/apps/$APP.
FROM workspace AS build
ARG APP
RUN test -n "$APP" || (echo "set --build-arg APP=<app>" >&2 && exit 1)
RUN npx nx run "$APP:build"

# Third-party runtime packages only: the root's and the libs' dependencies.
FROM ${NODE_IMAGE} AS runtime-deps
WORKDIR /app
COPY --from=workspace /workspace/package.json /workspace/package-lock.json ./
COPY --from=workspace /workspace/libs /tmp/libs
RUN for lib in contracts mesh messaging persistence; do mkdir -p libs/$lib && cp /tmp/libs/$lib/package.json libs/$lib/; done \
 && node -e "const p=require('./package.json'); p.workspaces=['libs/*']; delete p.devDependencies; require('fs').writeFileSync('package.json', JSON.stringify(p))" \
 && npm install --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/@meshmart libs /tmp/libs package-lock.json

FROM ${NODE_IMAGE} AS app
ARG APP
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=runtime-deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /workspace/dist/apps/${APP} ./
USER node
# PORT is set per app (compose, Kubernetes); liveness is GET /health on it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "src/main.js"]

# The CLI from source (it runs TypeScript through SWC, as in development).
FROM workspace AS toolbox
RUN mkdir -p /certs && chown node:node /certs
USER node
HEALTHCHECK NONE
ENTRYPOINT ["node", "tools/meshmart/bin/meshmart.cjs"]
