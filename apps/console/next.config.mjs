// JavaScript, not TypeScript: Next transpiles a next.config.ts with its native SWC binding on every
// start, which then stays loaded in the server (~24 MB resident; issue 12's memory target).
/** @type {import("next").NextConfig} */
const nextConfig = {
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
  experimental: {
    // Load a page's server modules when it is first requested rather than all at start: an API-only
    // deployment never pays for the console's pages (issue 12's memory target; Next's memory guide).
    preloadEntriesOnStart: false,
  },
  typedRoutes: false,
};

export default nextConfig;
