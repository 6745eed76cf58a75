import { defineConfig } from "vitest/config";

// HTTP tests against the real, built console (its front, server.mjs), started once by the global setup
// on a free port with a fresh embedded database. Build first: `pnpm --filter @tenancy/console build`.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // One server, one database: run files one after another.
    fileParallelism: false,
  },
});
