import type { TestProject } from "vitest/node";

import { startPostgresServer } from "@tenancy/testing/postgres-server";

/** Starts one PostgreSQL server for the postgres project; each test file creates its own database on it. */
export default async function setup(project: TestProject) {
  const server = await startPostgresServer();
  project.provide("postgresUrl", server.url);
  process.env.TEST_POSTGRES_URL = server.url;
  return async () => {
    await server.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
