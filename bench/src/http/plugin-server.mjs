// The comparison for `pnpm bench:http`: Better Auth (the workspace's version) with its organization
// plugin, served by a bare node:http server on PostgreSQL, set up as its docs describe (a pg Pool as
// the database, `toNodeHandler`, tables created by Better Auth's own migrator). Plain JavaScript so it
// runs on `node` without a loader, as the built Tenancy server does.
//
//   DATABASE_URL=postgres://... BETTER_AUTH_SECRET=... PORT=4000 node plugin-server.mjs
//
// Prints "ready <port>" on stdout once it listens.
import http from "node:http";

import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { toNodeHandler } from "better-auth/node";
import { organization } from "better-auth/plugins";
import pg from "pg";

const port = Number(process.env.PORT ?? 4000);
const baseURL = `http://127.0.0.1:${port}`;

const options = {
  secret: process.env.BETTER_AUTH_SECRET,
  baseURL,
  trustedOrigins: [baseURL],
  // Same pool size as Tenancy's PostgreSQL client (packages/db: 10).
  database: new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 }),
  emailAndPassword: { enabled: true, minPasswordLength: 8, autoSignIn: true },
  // Better Auth's limiter covers every endpoint (100 requests / 10 s per IP by default) and the load
  // comes from one address; Tenancy's bench server runs with its auth limiter off too.
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  plugins: [
    organization({
      // The default limit is 100 members; the bench organizations hold up to 100,000.
      membershipLimit: 1_000_000,
      organizationLimit: 1_000_000,
      // Invitation email delivery is the application's job with the plugin; the bench reads the
      // invitation id from the API's answer instead.
      sendInvitationEmail: async () => undefined,
    }),
  ],
};

const auth = betterAuth(options);
const { runMigrations } = await getMigrations(options);
await runMigrations();

const handler = toNodeHandler(auth);
const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    return;
  }
  handler(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => console.log(`ready ${port}`));

const stop = () => {
  server.closeAllConnections();
  server.close(() => options.database.end().finally(() => process.exit(0)));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
