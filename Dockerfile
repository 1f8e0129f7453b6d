# syntax=docker/dockerfile:1
# Multi-stage: compile TypeScript with dev dependencies, ship only production dependencies and dist/.
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY rules ./rules
RUN npm run build

FROM node:20.20-bookworm-slim AS runtime
ENV NODE_ENV=production
# git: the CLI reviews local repositories.
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY app.yml ./
USER node
# The image runs the CLI today; the GitHub App server (npm start, health check) arrives with the App.
ENTRYPOINT ["node", "/app/bin/arch-review.js"]
CMD ["--help"]
