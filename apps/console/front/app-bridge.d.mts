// Types for app-bridge.mjs: the contract between the app (TypeScript, in Next's bundle) and the front.

export interface PoolStats {
  /** "pglite" (one in-process session) or "postgres" (a pool of connections). */
  kind: "pglite" | "postgres";
  /** Most connections the pool opens (1 for PGlite). */
  max: number;
  /** Connections open now. */
  total: number;
  /** Open connections doing nothing. */
  idle: number;
  /** Queries or transactions waiting for a connection (PGlite: queued behind the one running). */
  waiting: number;
}

export interface OutboxWorkerStatus {
  /** "running"; "off" when no delivery is configured (production without SMTP_URL); "stopped" at shutdown. */
  state: "running" | "off" | "stopped";
  /** Seconds since the worker last finished a round (null before the first). */
  lastRoundAgeSeconds: number | null;
  /** Is it making progress (a round finished recently, or the one running is within its lease)? */
  alive: boolean;
  /** What this instance's worker did since it started. */
  deliveries: { sent: number; retrying: number; failed: number; released: number };
}

export interface AppMetrics {
  database: PoolStats;
  /** The outbox as the database holds it (shared by every instance); null when it could not be read. */
  outbox: { pending: number; oldestPendingAgeSeconds: number; failed: number } | null;
  worker: OutboxWorkerStatus;
}

export interface AppBridge {
  /** For the start line: the database in use and where mail goes, without credentials. */
  describe(): { database: string; mail: string };
  collectMetrics(): Promise<AppMetrics>;
  /** Stops the email worker (handing back the emails it claimed) within `timeoutMs`, then closes the database. */
  shutdown(options: { timeoutMs: number }): Promise<void>;
}

export function publishAppBridge(bridge: AppBridge): void;
export function appBridge(): AppBridge | undefined;
