// @ts-check
// The console's HTTP front: one node:http server in front of Next's request handler. The API (/v1,
// /api/trpc) is answered by the app's handlers without Next's routing once the app has started
// (front/api-front.mjs, src/server/api-front.ts), inside the same request pipeline.
//
//   node server.mjs          production (after `next build`), what `npm start` runs
//   node server.mjs --dev    development, with hot reload
//
// Every request goes through front/request-pipeline.mjs (client address, request id, log line,
// metrics, in-flight count); the front answers /api/health (liveness), /metrics, and /api/ready
// while stopping; everything else goes to Next. Binds to HOSTNAME (default: every interface) and
// PORT (default 3000). On SIGTERM or SIGINT it stops gracefully: readiness turns 503, no new
// connections, in-flight requests finish (at most TENANCY_SHUTDOWN_TIMEOUT_SECONDS), the email
// worker hands back what it claimed, the database is closed, exit 0. A second signal exits at once.
import { randomUUID } from "node:crypto";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { format } from "node:util";

import { configureLogger } from "@tenancy/observability/logger";

import { apiFront } from "./front/api-front.mjs";
import { appBridge } from "./front/app-bridge.mjs";
import { parseTrustedProxies } from "./front/client-address.mjs";
import { createMetrics, parseMetricsToken } from "./front/metrics.mjs";
import { createRequestPipeline } from "./front/request-pipeline.mjs";

const dev = process.argv.includes("--dev");
// Next reads NODE_ENV when it loads: set it first (hence the dynamic import below).
process.env.NODE_ENV ??= dev ? "development" : "production";
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

/** @type {import("@tenancy/observability/logger").Logger} */
let root;
try {
  root = configureLogger(process.env);
} catch (error) {
  process.stderr.write(`\n[tenancy] cannot start: ${error instanceof Error ? error.message : String(error)}\n\n`);
  process.exit(1);
}
const log = root.child("tenancy");
const httpLog = root.child("http");

/** @param {unknown} error */
function cannotStart(error) {
  log.error(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

/**
 * @param {string} name
 * @param {number} fallback
 */
function seconds(name, fallback) {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a number of seconds (got ${JSON.stringify(raw)}).`);
  return value;
}

const port = Number.parseInt(process.env.PORT ?? "", 10) || 3000;
const hostname = process.env.HOSTNAME?.trim() || undefined;
/** @type {import("./front/client-address.mjs").ProxyTrust} */
let trust;
/** @type {string | null} */
let metricsToken;
/** @type {number} */
let shutdownTimeout;
/** @type {number} */
let shutdownDelay;
try {
  trust = parseTrustedProxies(process.env.TENANCY_TRUSTED_PROXIES);
  metricsToken = parseMetricsToken(process.env.TENANCY_METRICS_TOKEN);
  shutdownTimeout = seconds("TENANCY_SHUTDOWN_TIMEOUT_SECONDS", 8);
  shutdownDelay = seconds("TENANCY_SHUTDOWN_DELAY_SECONDS", 0);
} catch (error) {
  cannotStart(error);
  throw error;
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Set once they exist; a signal during start-up finds what there is to stop.
/** @type {http.Server | undefined} */
let server;
/** @type {ReturnType<typeof createRequestPipeline> | undefined} */
let pipeline;
/** @type {{ close(): Promise<void> } | undefined} */
let nextApp;

/** @param {NodeJS.Signals} signal */
async function shutdown(signal) {
  pipeline?.startDraining();
  const inFlight = pipeline?.inFlight ?? 0;
  log.info(
    `${signal}: stopping; readiness now answers 503` +
      (shutdownDelay > 0 ? `, new connections taken for ${shutdownDelay}s more` : "") +
      (inFlight > 0 ? `, ${inFlight} request(s) in flight (waiting at most ${shutdownTimeout}s)` : ""),
  );
  if (server && shutdownDelay > 0) await sleep(shutdownDelay * 1000);
  server?.close();
  server?.closeIdleConnections();
  if (pipeline && !(await pipeline.whenIdle(shutdownTimeout * 1000))) {
    log.warn(`${pipeline.inFlight} request(s) still running after ${shutdownTimeout}s: closing their connections`);
    server?.closeAllConnections();
  }
  try {
    await appBridge()?.shutdown({ timeoutMs: 5_000 });
  } catch (error) {
    log.error("stopping the app failed", { err: error });
  }
  if (nextApp) await Promise.race([nextApp.close().catch(() => undefined), sleep(2_000)]);
  log.info("stopped");
  process.exit(0);
}

// A second signal exits at once, unless it comes within a second of the first: then it is the same
// Ctrl-C delivered twice (by the terminal to the process group, and forwarded by npm where the
// shell runs the script in npm's place).
/** @type {number | null} */
let stoppingSince = null;
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.on(signal, () => {
    if (stoppingSince !== null) {
      if (Date.now() - stoppingSince < 1_000) return;
      log.warn(`${signal} again: exiting now, without waiting for the rest`);
      process.exit(1);
    }
    stoppingSince = Date.now();
    void shutdown(signal);
  });
}

// In JSON mode every line on stdout must be JSON: what Next, Better Auth or a library print with
// console.* becomes a log line too.
if (root.format === "json") {
  const external = root.child("next");
  /* eslint-disable no-console -- replacing them, not using them */
  console.log = console.info = (...args) => external.info(format(...args));
  console.debug = (...args) => external.debug(format(...args));
  console.warn = (...args) => external.warn(format(...args));
  console.error = (...args) => external.error(format(...args));
  /* eslint-enable no-console */
}

const { default: next } = await import("next");
const app = next({ dev, dir: path.dirname(fileURLToPath(import.meta.url)), hostname, port });
const handle = app.getRequestHandler();
nextApp = app;
{
  // Next announces how long loading next.config took, on every start: not news to an operator.
  const print = console.log;
  console.log = (...args) => log.debug(format(...args));
  try {
    await app.prepare();
  } catch (error) {
    cannotStart(error);
  } finally {
    console.log = print;
  }
}

const metrics = createMetrics({ appMetrics: () => appBridge()?.collectMetrics(), token: metricsToken });

// The front's own request to /api/ready right after listening: Next sets the app up on its first
// request (instrumentation.ts: database, migrations, email worker), and its answer is the start line.
const WARMUP_HEADER = "x-tenancy-warm-up";
const warmUpNonce = randomUUID();

/** @param {import("node:http").IncomingMessage} req */
const pathnameOf = (req) => (req.url ?? "/").split("?", 1)[0];

/** @param {import("node:http").IncomingMessage} req */
function frontKind(req) {
  switch (pathnameOf(req)) {
    case "/api/health":
      return "health";
    case "/api/ready":
      return "ready";
    case "/metrics":
      return "metrics";
    default:
      return null;
  }
}

/**
 * @param {import("node:http").ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
function json(res, status, body) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

const startedAt = Date.now();
pipeline = createRequestPipeline({
  trust,
  log: httpLog,
  metrics,
  frontKind,
  isInternal: (req) => {
    if (req.headers[WARMUP_HEADER] !== warmUpNonce) return false;
    delete req.headers[WARMUP_HEADER];
    return true;
  },
  // Where each request goes: the front's own endpoints, the API's handlers (direct), or Next.
  dispatch(req, res) {
    switch (frontKind(req)) {
      case "health":
        // Liveness: the process is up and answering. Cheap, and nothing it depends on is checked.
        return json(res, 200, {
          status: "ok",
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
          ...(front.draining ? { stopping: true } : {}),
        });
      case "metrics":
        return metrics.serve(req, res);
      case "ready":
        // Readiness is the app's (database, migrations, worker), except that a stopping server is never ready.
        if (front.draining) return json(res, 503, { status: "stopping" });
        return handle(req, res);
      default: {
        // /v1 and /api/trpc go straight to their handlers once the app has lent them (front/api-front.mjs;
        // not in development, where Next reloads the route files that call them).
        const api = dev ? undefined : apiFront();
        const endpoint = api?.endpointOf(req.method, req.url);
        if (api && endpoint) return api.serve(endpoint, req, res);
        return handle(req, res);
      }
    }
  },
});

const front = pipeline;
server = http.createServer((req, res) => void front.handle(req, res));
server.on("error", (error) => cannotStart(new Error(`cannot listen on ${hostname ?? "*"}:${port}: ${error.message}`)));
const listening = server;
await new Promise((resolve) => listening.listen(port, hostname, () => resolve(undefined)));

const shown = !hostname || hostname === "0.0.0.0" || hostname === "::" ? "localhost" : hostname;
const url = `http://${shown.includes(":") ? `[${shown}]` : shown}:${port}`;

/**
 * GET /api/ready through our own socket; resolves with its status and body.
 * @returns {Promise<{ status: number, body: any }>}
 */
function warmUp() {
  const address = listening.address();
  const bound = typeof address === "object" && address ? address.address : "127.0.0.1";
  const host = bound === "0.0.0.0" || bound === "::" ? "127.0.0.1" : bound;
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host, port, path: "/api/ready", headers: { [WARMUP_HEADER]: warmUpNonce }, timeout: 180_000 },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => {
          let body = null;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: reported below as is
          }
          resolve({ status: response.statusCode ?? 0, body: body ?? text.slice(0, 200) });
        });
      },
    );
    request.on("timeout", () => request.destroy(new Error("no answer within 180 s")));
    request.on("error", reject);
  });
}

let warm;
try {
  warm = await warmUp();
} catch (error) {
  cannotStart(
    new Error(`the app did not answer its readiness check: ${error instanceof Error ? error.message : error}`),
  );
  throw error;
}
const described = appBridge()?.describe();
const interactive = Boolean(process.stdout.isTTY);
const facts = described ? `database: ${described.database}  ·  mail: ${described.mail}` : "";
const details = { url, ...described, readiness: warm.body };
if (warm.status === 200) {
  log.info(
    `Tenancy is ready on ${url}${dev ? " (development)" : ""}  ·  ${facts}${interactive ? "  ·  Ctrl-C stops it" : ""}`,
    root.format === "json" ? details : undefined,
  );
} else {
  const failing = Object.entries(warm.body?.checks ?? {})
    .filter(([, check]) => check && typeof check === "object" && !(/** @type {{ ok?: boolean }} */ (check).ok))
    .map(([name, check]) => `${name}: ${/** @type {{ error?: string }} */ (check).error ?? "failing"}`);
  log.warn(
    `Tenancy is listening on ${url} but is NOT READY (${failing.join("; ") || `readiness answered ${warm.status}`}); ` +
      `it keeps checking: see ${url}/api/ready  ·  ${facts}`,
    root.format === "json" ? details : undefined,
  );
}
