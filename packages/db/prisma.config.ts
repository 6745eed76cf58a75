import { defineConfig } from "prisma/config";

// The Prisma CLI is used here only for `generate`; migrations are applied by src/migrate.ts.
export default defineConfig({
  schema: "../../prisma/schema.prisma",
  migrations: { path: "../../prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/tenancy" },
});
