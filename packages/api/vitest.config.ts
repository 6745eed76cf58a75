import { defineConfig } from "vitest/config";

// The same integration suite runs twice: on embedded PGlite and on a real PostgreSQL server
// that test/postgres-global-setup.ts starts (initdb + pg_ctl on a free loopback port).
const shared = {
  include: ["test/**/*.test.ts"],
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: "pglite", env: { TEST_DB: "pglite" } } },
      {
        test: {
          ...shared,
          name: "postgres",
          env: { TEST_DB: "postgres" },
          globalSetup: ["test/postgres-global-setup.ts"],
        },
      },
    ],
  },
});
