// @ts-check
// The V8 heap budget the server runs with unless the operator chose one (issue 12's memory target).
// Its live heap after a full collection is about 60 MB, but with no budget V8 lets the heap grow to
// several times that under load (RSS 400–500 MB); with this one, RSS stays near 250 MB after load for
// the same throughput (README, Performance). Raise it with NODE_OPTIONS=--max-old-space-size=<MB>.
// Used by `npm start` (scripts/start.mjs) and by everything that starts the built server the way it
// does (scripts/with-server.mjs: the tests, e2e and the benchmark).

export const SERVER_MAX_OLD_SPACE_MB = 160;

const HEAP_FLAG = /^--max-old-space-size(=|$)/;

/**
 * Did the operator choose the heap size (a flag to node, or in NODE_OPTIONS)? Then theirs stands.
 * @param {readonly string[]} execArgv
 * @param {string | undefined} nodeOptions
 */
export function heapSizeChosen(execArgv, nodeOptions) {
  return [...execArgv, ...(nodeOptions ?? "").split(/\s+/)].some((flag) => HEAP_FLAG.test(flag));
}

/**
 * NODE_OPTIONS for a server process: the budget first, so that a --max-old-space-size of the
 * caller's own NODE_OPTIONS (which comes later) wins.
 * @param {string | undefined} nodeOptions
 */
export function withServerHeapBudget(nodeOptions) {
  return [`--max-old-space-size=${SERVER_MAX_OLD_SPACE_MB}`, nodeOptions?.trim()].filter(Boolean).join(" ");
}
