# fmbench container: the CLI with the bundled Fashion-MNIST, for batch schedulers.
# Build: docker build -t fmbench:latest .
FROM node:20-bookworm-slim
WORKDIR /opt/fmbench
COPY package.json package-lock.json ./
COPY asconfig.json tsconfig.json tsconfig.build.json ./
COPY assembly ./assembly
COPY scripts ./scripts
COPY src ./src
COPY data ./data
# npm ci runs the prepare script, which builds the WASM module and the TypeScript.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev
ENV NODE_ENV=production
ENTRYPOINT ["node", "/opt/fmbench/dist/cli.js"]
CMD ["--help"]
