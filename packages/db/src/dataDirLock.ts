import { createHash, randomBytes } from "node:crypto";
import { unlinkSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * PGlite keeps its data directory open inside one process and has no lock of its own: a second
 * process opening the same directory (a second server, a backup, a move) would corrupt it. Whoever
 * opens it holds this lock: a Unix socket (a named pipe on Windows) next to the directory that
 * answers with the holder's pid. A process that died leaves at most a socket file nobody listens
 * on, which the next opener takes over, so a crash never leaves the directory locked.
 */

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: string,
  ) {
    super(
      `The embedded database at ${dataDir} is in use by another process (${holder}). ` +
        "Stop the Tenancy server (or the other command) using it first.",
    );
    this.name = "DataDirInUseError";
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

// Unix socket paths are limited to about 104 bytes.
const MAX_SOCKET_PATH = 100;

/**
 * Where the lock may live, in order: beside the directory, else (a path too long, or a file system
 * that cannot hold a socket, such as some container bind mounts) in the temp folder, named after
 * the directory. Every process tries them in the same order, so they meet at the same one.
 */
function lockAddresses(dataDir: string): string[] {
  const resolved = path.resolve(dataDir);
  const hash = createHash("sha256").update(resolved).digest("hex").slice(0, 24);
  if (process.platform === "win32") return [`\\\\?\\pipe\\tenancy-pglite-${hash}`];
  const beside = `${resolved}.lock`;
  const inTemp = path.join(os.tmpdir(), `tenancy-pglite-${hash}.lock`);
  return beside.length <= MAX_SOCKET_PATH ? [beside, inTemp] : [inTemp];
}

class UnusableAddress extends Error {}

/** Who holds the lock at `address`, or null when nobody listens there. */
function probe(address: string): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let answer = "";
    const socket = net.connect(address);
    socket.setEncoding("utf8");
    // A holder that accepts but never answers (stopped, say) still holds the directory.
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve(answer.trim() || "a process that does not answer");
    });
    socket.on("data", (chunk: string) => (answer += chunk));
    socket.on("end", () => resolve(answer.trim() || "an unknown process"));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ECONNREFUSED") resolve(null);
      else reject(new UnusableAddress(error.message));
    });
  });
}

function listen(server: net.Server, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(address, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/** Takes the lock at one address; null when this file system cannot hold it there. */
async function lockAt(dataDir: string, address: string, identity: string): Promise<DataDirLock | null> {
  for (let attempt = 0; attempt < 5; attempt++) {
    let holder: string | null;
    try {
      holder = await probe(address);
    } catch (error) {
      if (error instanceof UnusableAddress) return null;
      throw error;
    }
    if (holder) throw new DataDirInUseError(dataDir, holder.replace(/, [0-9a-f]{12}$/, ""));
    // Nobody listens: no file, or one left by a process that died. Take it over.
    if (process.platform !== "win32") {
      try {
        unlinkSync(address);
      } catch {
        // not there
      }
    }
    const server = net.createServer((socket) => socket.end(`${identity}\n`));
    try {
      await listen(server, address);
    } catch (error) {
      // Another process got there between the probe and the listen: look again.
      if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") continue;
      return null;
    }
    // Never keeps the process alive on its own.
    server.unref();
    return { release: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }
  throw new Error(`Could not lock the embedded database at ${dataDir}: it changed hands repeatedly.`);
}

/** Takes the lock on an embedded data directory, or throws DataDirInUseError naming the holder. */
export async function lockDataDir(dataDir: string, purpose: string): Promise<DataDirLock> {
  const identity = `pid ${process.pid}, ${purpose}, ${randomBytes(6).toString("hex")}`;
  for (const address of lockAddresses(dataDir)) {
    const lock = await lockAt(dataDir, address, identity);
    if (lock) return lock;
  }
  throw new Error(`Could not lock the embedded database at ${dataDir}: no place to hold a lock socket.`);
}
