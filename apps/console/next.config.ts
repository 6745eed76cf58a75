import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Workspace packages ship TypeScript sources.
  transpilePackages: ["@tenancy/api", "@tenancy/db", "@tenancy/license", "@tenancy/widgets"],
  // Loaded with Node's require at runtime: PGlite reads its wasm/data files next to its own module,
  // and the database drivers do not need bundling.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "pg",
    "@prisma/adapter-pg",
    "@prisma/client",
    "nodemailer",
  ],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
