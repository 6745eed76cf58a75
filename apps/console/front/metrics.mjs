// @ts-check
// Prometheus metrics of one server process (prom-client), served by the front at GET /metrics:
// request counts and latencies (per procedure and status), requests in flight, rate-limit refusals,
// the outbox (depth and age of the oldest pending email, as the shared database holds it), this
// instance's email worker, the database pool, and Node's process metrics.
//
// Who may read them: with TENANCY_METRICS_TOKEN set, whoever presents it as a bearer token; without
// it, only a client on this machine (a loopback connection with no proxy in between).
import { createHash, timingSafeEqual } from "node:crypto";

import client from "prom-client";

import { LOCAL_CLIENT_HEADER } from "./client-address.mjs";

/** @typedef {import("./app-bridge.d.mts").AppMetrics} AppMetrics */

// From a cached page (a few ms) to a slow PGlite transaction queue (seconds).
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const MIN_TOKEN_LENGTH = 16;

/**
 * Reads TENANCY_METRICS_TOKEN; throws on one too short to be a secret.
 * @param {string | undefined} value
 * @returns {string | null}
 */
export function parseMetricsToken(value) {
  const token = value?.trim();
  if (!token) return null;
  if (token.length < MIN_TOKEN_LENGTH)
    throw new Error(
      `TENANCY_METRICS_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters (e.g. openssl rand -hex 32).`,
    );
  return token;
}

/** @param {string} text */
const digest = (text) => createHash("sha256").update(text).digest();

/**
 * @param {object} options
 * @param {() => Promise<AppMetrics> | undefined} options.appMetrics the app's numbers, once it has started
 * @param {string | null} options.token
 */
export function createMetrics({ appMetrics, token }) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });

  const requests = new client.Counter({
    name: "tenancy_http_requests_total",
    help: "HTTP requests answered, by procedure (or page, static, logo, audit-export, health, ready, metrics) and status.",
    labelNames: ["procedure", "status"],
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: "tenancy_http_request_duration_seconds",
    help: "Time from a request's arrival to the end of its response, by procedure and status.",
    labelNames: ["procedure", "status"],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const inFlight = new client.Gauge({
    name: "tenancy_http_requests_in_flight",
    help: "Requests being answered now.",
    registers: [registry],
  });
  const refusals = new client.Counter({
    name: "tenancy_rate_limit_refusals_total",
    help: "Requests refused by a rate limit, by limit (redeem:user, redeem:ip, preview:ip, activate:ip, heartbeat:ip, auth).",
    labelNames: ["limit"],
    registers: [registry],
  });

  // The app's numbers are read once per scrape (each gauge below awaits the same snapshot).
  /** @type {{ at: number, value: Promise<AppMetrics | undefined> } | undefined} */
  let snapshot;
  const current = () => {
    const now = Date.now();
    if (!snapshot || now - snapshot.at > 1_000) {
      const value = Promise.resolve(appMetrics()).catch(() => undefined);
      snapshot = { at: now, value };
    }
    return snapshot.value;
  };
  /**
   * @param {string} name
   * @param {string} help
   * @param {(m: AppMetrics, set: (value: number, labels?: Record<string, string>) => void) => void} read
   * @param {string[]} [labelNames]
   */
  const appGauge = (name, help, read, labelNames = []) =>
    new client.Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        const metrics = await current();
        if (metrics) read(metrics, (value, labels) => (labels ? this.set(labels, value) : this.set(value)));
      },
    });

  appGauge("tenancy_outbox_pending_emails", "Emails waiting in the outbox (whole database).", (m, set) => {
    if (m.outbox) set(m.outbox.pending);
  });
  appGauge(
    "tenancy_outbox_oldest_pending_age_seconds",
    "Age of the oldest email waiting in the outbox (0 when none waits).",
    (m, set) => {
      if (m.outbox) set(m.outbox.oldestPendingAgeSeconds);
    },
  );
  appGauge("tenancy_outbox_failed_emails", "Emails the outbox gave up on (whole database).", (m, set) => {
    if (m.outbox) set(m.outbox.failed);
  });
  appGauge(
    "tenancy_outbox_worker_up",
    "1 when this instance's email worker is making progress, 0 when it is stuck or stopped; absent when delivery is off.",
    (m, set) => {
      if (m.worker.state !== "off") set(m.worker.alive ? 1 : 0);
    },
  );
  appGauge(
    "tenancy_outbox_worker_last_round_age_seconds",
    "Seconds since this instance's email worker last finished a round.",
    (m, set) => {
      if (m.worker.lastRoundAgeSeconds !== null) set(m.worker.lastRoundAgeSeconds);
    },
  );
  new client.Counter({
    name: "tenancy_outbox_deliveries_total",
    help: "Outcomes of this instance's delivery attempts: sent, retrying (failed, will retry), failed (gave up), released (handed back unsent).",
    labelNames: ["result"],
    registers: [registry],
    async collect() {
      const metrics = await current();
      if (!metrics) return;
      this.reset();
      for (const [result, count] of Object.entries(metrics.worker.deliveries)) this.inc({ result }, count);
    },
  });
  appGauge(
    "tenancy_db_pool_max_connections",
    "Most connections the database pool opens (1 for embedded PGlite).",
    (m, set) => set(m.database.max, { database: m.database.kind }),
    ["database"],
  );
  appGauge(
    "tenancy_db_pool_connections",
    "Database connections open, by state (idle, busy).",
    (m, set) => {
      set(m.database.idle, { database: m.database.kind, state: "idle" });
      set(m.database.total - m.database.idle, { database: m.database.kind, state: "busy" });
    },
    ["database", "state"],
  );
  appGauge(
    "tenancy_db_pool_waiting",
    "Queries or transactions waiting for a database connection (PGlite: queued behind the one running).",
    (m, set) => set(m.database.waiting, { database: m.database.kind }),
    ["database"],
  );

  const expected = token ? digest(`Bearer ${token}`) : null;

  return {
    /**
     * Records one answered request.
     * @param {{ procedures: string[], status: number, seconds: number, rateLimits: string[] }} request
     */
    observe({ procedures, status, seconds, rateLimits }) {
      const code = String(status);
      for (const procedure of procedures) {
        requests.inc({ procedure, status: code });
        duration.observe({ procedure, status: code }, seconds);
      }
      for (const limit of rateLimits) refusals.inc({ limit });
    },
    inFlight,

    /**
     * GET /metrics.
     * @param {import("node:http").IncomingMessage} req
     * @param {import("node:http").ServerResponse} res
     */
    async serve(req, res) {
      /** @param {number} status @param {Record<string, string>} headers @param {string} body */
      const answer = (status, headers, body) => {
        res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers });
        res.end(req.method === "HEAD" ? undefined : body);
      };
      if (req.method !== "GET" && req.method !== "HEAD") return answer(405, { allow: "GET, HEAD" }, "Use GET\n");
      if (expected) {
        const presented = digest(String(req.headers.authorization ?? ""));
        if (!timingSafeEqual(presented, expected)) {
          return answer(
            401,
            { "www-authenticate": 'Bearer realm="metrics"' },
            "Present TENANCY_METRICS_TOKEN as a bearer token\n",
          );
        }
      } else if (req.headers[LOCAL_CLIENT_HEADER] !== "1") {
        return answer(
          403,
          {},
          "Metrics are served to this machine only; set TENANCY_METRICS_TOKEN to scrape them from elsewhere\n",
        );
      }
      const body = await registry.metrics();
      answer(200, { "content-type": registry.contentType }, body);
    },
  };
}
