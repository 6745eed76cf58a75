import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";

import { listTables } from "./copyDatabase";
import { lockDataDir } from "./dataDirLock";
import type { SqlExecutor } from "./migrate";

/**
 * Backups of the embedded database: PGlite's own dump of its data directory (a gzipped tarball),
 * taken while this process holds the directory's lock. PGlite runs inside the server process and
 * cannot be read from another one safely, so both commands refuse while a server (or anything
 * else) has the directory open: stop the server, back up, start it again.
 */

export interface TableCount {
  name: string;
  rows: number;
}

export interface BackupReport {
  file: string;
  bytes: number;
  /** Row counts read back from the written backup. */
  tables: TableCount[];
}

export interface RestoreReport {
  tables: TableCount[];
  /** Where the directory that was replaced now is (kept, never deleted), or null when there was none. */
  previousDir: string | null;
}

function executor(client: PGlite): SqlExecutor {
  return {
    exec: async (text) => {
      await client.exec(text);
    },
    query: async <Row>(text: string, params?: unknown[]) => (await client.query<Row>(text, params)).rows,
  };
}

async function countRows(client: PGlite): Promise<TableCount[]> {
  const sql = executor(client);
  const counts: TableCount[] = [];
  for (const name of await listTables(sql)) {
    const [row] = await sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${name.replace(/"/g, '""')}"`);
    counts.push({ name, rows: Number(row!.n) });
  }
  return counts;
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, "-");

function requireDatabase(dir: string): void {
  if (!existsSync(path.join(dir, "PG_VERSION")))
    throw new Error(`There is no embedded database at ${dir} (set TENANCY_DATA_DIR?).`);
}

/** Writes a backup of the embedded database at `dataDir` to `file` (never overwriting one). */
export async function backupDataDir(dataDir: string, file: string): Promise<BackupReport> {
  requireDatabase(dataDir);
  if (existsSync(file)) throw new Error(`${file} already exists: choose another file name.`);
  const lock = await lockDataDir(dataDir, "backup");
  try {
    const client = await PGlite.create({ dataDir });
    let dump: Blob;
    try {
      dump = await client.dumpDataDir("gzip");
    } finally {
      await client.close();
    }
    // Read the backup back before calling it one.
    const check = await PGlite.create({ loadDataDir: dump });
    let tables: TableCount[];
    try {
      tables = await countRows(check);
    } finally {
      await check.close();
    }
    mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    renameSync(partial, file);
    return { file, bytes: statSync(file).size, tables };
  } finally {
    await lock.release();
  }
}

/**
 * Replaces the embedded database at `dataDir` with the backup in `file`. The backup is unpacked and
 * opened beside it first; only then is the current directory moved aside (kept as
 * `<dir>.before-restore-<time>`) and the restored one put in its place.
 */
export async function restoreDataDir(file: string, dataDir: string): Promise<RestoreReport> {
  if (!existsSync(file)) throw new Error(`There is no backup at ${file}.`);
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const lock = await lockDataDir(dataDir, "restore");
  const staging = `${dataDir}.restoring-${stamp()}`;
  try {
    const client = await PGlite.create({ dataDir: staging, loadDataDir: new Blob([readFileSync(file)]) });
    let tables: TableCount[];
    try {
      tables = await countRows(client);
    } finally {
      await client.close();
    }
    let previousDir: string | null = null;
    if (existsSync(dataDir)) {
      previousDir = `${dataDir}.before-restore-${stamp()}`;
      renameSync(dataDir, previousDir);
    }
    renameSync(staging, dataDir);
    return { tables, previousDir };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  } finally {
    await lock.release();
  }
}
