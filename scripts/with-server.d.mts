// Types for scripts/with-server.mjs, for TypeScript callers (vitest / Playwright global setups).
export interface ConsoleServer {
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  port: number;
  /** The server process's id (its process group's too: `kill -9` it to simulate a crash). */
  pid: number;
  /** The fresh data folder (embedded database, generated secret, server.log). */
  dataDir: string;
  /** The server's stdout + stderr. */
  logFile: string;
  /** Resolves when the server process exits (by itself, or signalled by the caller). */
  exited: Promise<{ code: number | null; signal: string | null }>;
  /**
   * Stops the server (SIGTERM to its process group, SIGKILL after 10 s), deletes the data folder
   * (unless keepData) and tells how it exited. Safe to call twice.
   */
  stop(): Promise<{ code: number | null; signal: string | null }>;
}

export interface StartConsoleServerOptions {
  /** Extra server environment; a value of undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** The address the server binds to (HOSTNAME); 127.0.0.1 by default. */
  hostname?: string;
  keepData?: boolean;
  readyTimeoutMs?: number;
  /** Also copy the server's output to this process's stderr. */
  echo?: boolean;
}

export function startConsoleServer(options?: StartConsoleServerOptions): Promise<ConsoleServer>;
export function freePort(): Promise<number>;
export function buildConsole(): void;
