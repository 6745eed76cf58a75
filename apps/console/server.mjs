// @ts-check
// The console's HTTP front: one node:http server in front of Next's request handler. Next's route
// handlers cannot see the socket, so this is where the client address is decided (see
// front/client-address.mjs) and handed to the app on internal headers. The API (/v1, /api/trpc)
// is answered here by the app's handlers without Next's routing once the app has started
// (front/api-front.mjs, src/server/api-front.ts); pages, auth and assets go to Next.
//
//   node server.mjs          production (after `next build`), what `npm start` runs
//   node server.mjs --dev    development, with hot reload
//
// Binds to HOSTNAME (default: every interface) and PORT (default 3000).
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { apiFront } from "./front/api-front.mjs";
import { parseTrustedProxies, tagClientAddress } from "./front/client-address.mjs";

const dev = process.argv.includes("--dev");
// Next reads NODE_ENV when it loads: set it first (hence the dynamic import below).
process.env.NODE_ENV ??= dev ? "development" : "production";
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

const port = Number.parseInt(process.env.PORT ?? "", 10) || 3000;
const hostname = process.env.HOSTNAME?.trim() || undefined;

let trust;
try {
  trust = parseTrustedProxies(process.env.TENANCY_TRUSTED_PROXIES);
} catch (error) {
  console.error(`\n[tenancy] cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

const { default: next } = await import("next");
const app = next({ dev, dir: path.dirname(fileURLToPath(import.meta.url)), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((req, res) => {
  tagClientAddress(req, trust);
  // /v1 and /api/trpc go straight to their handlers once the app has lent them (front/api-front.mjs).
  const api = dev ? undefined : apiFront();
  const endpoint = api?.endpointOf(req.method, req.url);
  if (api && endpoint) {
    api.serve(endpoint, req, res).catch((error) => {
      console.error(`[tenancy] ${req.method} ${req.url?.split("?")[0]} failed:`, error);
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
      res.end(JSON.stringify({ error: { code: "internal_error", message: "Something went wrong on our side" } }));
    });
    return;
  }
  void handle(req, res);
});
server.on("error", (error) => {
  console.error(`\n[tenancy] cannot listen on ${hostname ?? "*"}:${port}: ${error.message}\n`);
  process.exit(1);
});
server.listen(port, hostname, () => {
  const shown = !hostname || hostname === "0.0.0.0" || hostname === "::" ? "localhost" : hostname;
  console.log(
    `[tenancy] console ${dev ? "(development) " : ""}ready on http://${shown.includes(":") ? `[${shown}]` : shown}:${port}`,
  );
  console.log(
    trust.kind === "none"
      ? "[tenancy] client IP: the socket's address (behind a reverse proxy, set TENANCY_TRUSTED_PROXIES)"
      : `[tenancy] client IP: X-Forwarded-For through ${trust.kind === "hops" ? `${trust.hops} trusted proxy hop(s)` : "the trusted proxies in TENANCY_TRUSTED_PROXIES"}`,
  );
});
