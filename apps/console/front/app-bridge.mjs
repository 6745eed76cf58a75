// @ts-check
// What the app (Next's bundle: database, auth, email worker) offers the HTTP front (server.mjs), which
// is started by Node and cannot import the app's TypeScript. The app's start-up publishes it on
// globalThis once the database is open and the worker runs; the front uses it for its start line,
// its metrics and its shutdown. Types: app-bridge.d.mts.

const BRIDGE = Symbol.for("tenancy.appBridge");

/** @typedef {import("./app-bridge.d.mts").AppBridge} AppBridge */

/** @param {AppBridge} bridge */
export function publishAppBridge(bridge) {
  /** @type {Record<symbol, unknown>} */ (/** @type {unknown} */ (globalThis))[BRIDGE] = bridge;
}

/** @returns {AppBridge | undefined} the app's bridge, once it has started */
export function appBridge() {
  return /** @type {AppBridge | undefined} */ (
    /** @type {Record<symbol, unknown>} */ (/** @type {unknown} */ (globalThis))[BRIDGE]
  );
}
