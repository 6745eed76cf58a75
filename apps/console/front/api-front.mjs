// @ts-check
// The API handlers the app (Next's bundle) lends the HTTP front, so /v1 and /api/trpc requests skip
// Next's routing (src/server/api-front.ts). The app publishes them on globalThis once it has
// started; until then, and in development (where Next reloads the route files), Next serves them
// through its route handlers, which call the same code. Types: api-front.d.mts.

const API_FRONT = Symbol.for("tenancy.apiFront");

/** @param {import("./api-front.d.mts").ApiFront} front */
export function publishApiFront(front) {
  /** @type {Record<symbol, unknown>} */ (/** @type {unknown} */ (globalThis))[API_FRONT] = front;
}

/** @returns {import("./api-front.d.mts").ApiFront | undefined} */
export function apiFront() {
  return /** @type {import("./api-front.d.mts").ApiFront | undefined} */ (
    /** @type {Record<symbol, unknown>} */ (/** @type {unknown} */ (globalThis))[API_FRONT]
  );
}
