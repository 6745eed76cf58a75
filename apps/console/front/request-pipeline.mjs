// @ts-check
// What the front does around EVERY request, whoever answers it (Next, or the front's own endpoints):
// decide the client address, give the request an id, count it in flight, and once its response is
// over write its log line and its metrics. What only the handler knows (procedure, actor, rate
// limit) comes back as response annotations (@tenancy/observability/request-annotations), read and
// removed here before the headers leave.
import { randomUUID } from "node:crypto";

import { redactRequestPath } from "@tenancy/observability/logger";
import { REQUEST_ID_HEADER, takeAnnotations } from "@tenancy/observability/request-annotations";

import { CLIENT_IP_HEADER, isTrustedPeer, tagClientAddress } from "./client-address.mjs";

/** @typedef {import("@tenancy/observability/logger").Logger} Logger */
/** @typedef {import("./client-address.mjs").ProxyTrust} ProxyTrust */
/** @typedef {import("node:http").IncomingMessage} IncomingMessage */
/** @typedef {import("node:http").ServerResponse} ServerResponse */

/** What a proxy's request id may look like to be kept (anything else is replaced by our own). */
const ACCEPTABLE_REQUEST_ID = /^[\w.:@+=/-]{1,128}$/;

/** nginx's code for a request whose client went away before the response was complete. */
const CLIENT_CLOSED = 499;

/**
 * The request's id: the trusted proxy's X-Request-Id when it sent a sensible one, else a new one.
 * @param {IncomingMessage} req
 * @param {ProxyTrust} trust
 */
export function chooseRequestId(req, trust) {
  const incoming = req.headers[REQUEST_ID_HEADER];
  if (
    typeof incoming === "string" &&
    ACCEPTABLE_REQUEST_ID.test(incoming) &&
    isTrustedPeer(req.socket.remoteAddress, trust)
  )
    return incoming;
  return randomUUID();
}

/**
 * The label of a request no handler annotated (pages and assets), from its path: few values, so
 * the metrics stay small.
 * @param {string} path
 */
function unannotatedKind(path) {
  if (path.startsWith("/_next/") || path === "/favicon.ico" || path === "/icon.svg") return "static";
  // The console's two download routes are API calls, not pages.
  if (path === "/api/audit/export") return "audit-export";
  if (path.startsWith("/api/logos/")) return "logo";
  return "page";
}

/**
 * @param {object} options
 * @param {ProxyTrust} options.trust
 * @param {Logger} options.log
 * @param {ReturnType<typeof import("./metrics.mjs").createMetrics>} options.metrics
 * @param {(req: IncomingMessage, res: ServerResponse) => unknown} options.dispatch answers the request
 * @param {(req: IncomingMessage) => string | null} options.frontKind the front's own endpoints ("health", ...), null for the rest
 * @param {(req: IncomingMessage) => boolean} options.isInternal the front's own warm-up request: neither logged nor counted
 */
export function createRequestPipeline({ trust, log, metrics, dispatch, frontKind, isInternal }) {
  let inFlight = 0;
  let draining = false;
  /** @type {Set<() => void>} */
  const idleWaiters = new Set();

  /**
   * @param {IncomingMessage} req
   * @param {ServerResponse} res
   */
  async function handle(req, res) {
    const started = process.hrtime.bigint();
    tagClientAddress(req, trust);
    const requestId = chooseRequestId(req, trust);
    req.headers[REQUEST_ID_HEADER] = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const internal = isInternal(req);
    const own = frontKind(req);

    /** @type {ReturnType<typeof takeAnnotations>} */
    let annotations = { procedures: [], actor: null, rateLimits: [] };
    const writeHead = res.writeHead;
    /** @type {(...args: any[]) => ServerResponse} */
    const wrapped = function (...args) {
      // Headers given to writeHead itself (rather than set before) are applied first, so they are seen.
      const headers = args.find((arg, index) => index > 0 && arg && typeof arg === "object");
      if (headers && !Array.isArray(headers)) {
        for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
        args = args.filter((arg) => arg !== headers);
      }
      annotations = takeAnnotations(res);
      // While stopping, every answer asks the client to reconnect (to another instance).
      if (draining) res.setHeader("connection", "close");
      return writeHead.apply(res, /** @type {Parameters<ServerResponse["writeHead"]>} */ (args));
    };
    res.writeHead = /** @type {ServerResponse["writeHead"]} */ (wrapped);

    inFlight += 1;
    metrics.inFlight.inc();
    res.once("close", () => {
      inFlight -= 1;
      metrics.inFlight.dec();
      if (inFlight === 0) for (const wake of idleWaiters) wake();
      if (internal) return;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED;
      const path = redactRequestPath(req.url);
      const procedures = annotations.procedures.length > 0 ? annotations.procedures : [own ?? unannotatedKind(path)];
      metrics.observe({ procedures, status, seconds, rateLimits: annotations.rateLimits });

      const durationMs = Math.round(seconds * 10_000) / 10;
      const fields = {
        requestId,
        method: req.method,
        path,
        status,
        durationMs,
        ...(annotations.procedures.length > 0 ? { procedure: annotations.procedures.join(",") } : {}),
        ...(annotations.actor ? { actor: annotations.actor } : {}),
        ...(annotations.rateLimits.length > 0 ? { rateLimit: annotations.rateLimits.join(",") } : {}),
        ip: req.headers[CLIENT_IP_HEADER],
      };
      const message = `${req.method} ${path} ${status === CLIENT_CLOSED ? "closed by the client" : status} ${durationMs}ms`;
      if (status >= 500 && status !== CLIENT_CLOSED) log.error(message, fields);
      else if (own !== null || procedures[0] === "static") log.debug(message, fields);
      else log.info(message, fields);
    });

    try {
      await dispatch(req, res);
    } catch (error) {
      log.error("request failed", { requestId, path: redactRequestPath(req.url), err: error });
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ error: { code: "internal_error", message: "Something went wrong on our side" } }));
      } else res.destroy();
    }
  }

  return {
    handle,
    get inFlight() {
      return inFlight;
    },
    get draining() {
      return draining;
    },
    /** From now on readiness answers 503 and every response closes its connection. */
    startDraining() {
      draining = true;
    },
    /**
     * Resolves true once no request is in flight, false if some still are after `timeoutMs`.
     * @param {number} timeoutMs
     * @returns {Promise<boolean>}
     */
    whenIdle(timeoutMs) {
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (/** @type {boolean} */ idle) => {
          clearTimeout(timer);
          idleWaiters.delete(wake);
          resolve(idle);
        };
        const wake = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        idleWaiters.add(wake);
      });
    },
  };
}
