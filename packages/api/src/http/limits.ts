/**
 * Limits of the HTTP transports that clients must respect too (client-safe: no server imports).
 * The tRPC endpoint refuses a batch of more calls than this with 413; the widgets' link splits
 * its batches at the same size.
 */
export const MAX_BATCH_CALLS = 50;
