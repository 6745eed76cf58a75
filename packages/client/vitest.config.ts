import { defineConfig } from "vitest/config";

// Packs the client, installs the tarball into a project outside the workspace (npm, from the
// registry), typechecks a consumer and runs it against a fresh built console (scripts/with-server.mjs).
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
