import { existsSync } from "node:fs";
import path from "node:path";

/** The workspace root: the nearest folder above `from` holding pnpm-workspace.yaml, else `from`. */
export function findWorkspaceRoot(from: string = process.cwd()): string {
  // turbopackIgnore: runtime paths, not files to bundle (keeps Next from tracing the whole repo).
  let dir = path.resolve(/*turbopackIgnore: true*/ from);
  for (;;) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(/*turbopackIgnore: true*/ from);
    dir = parent;
  }
}

export function migrationsDir(): string {
  return process.env.TENANCY_MIGRATIONS_DIR ?? path.join(findWorkspaceRoot(), "prisma", "migrations");
}

/**
 * Where the embedded database and generated secrets live (`.data/` at the workspace root by default).
 * A relative TENANCY_DATA_DIR is taken from where the command was typed (npm and pnpm pass it as
 * INIT_CWD), not from the package folder pnpm runs a script in, so the server and the `db:*`
 * commands agree on it.
 */
export function dataDir(): string {
  const configured = process.env.TENANCY_DATA_DIR?.trim();
  if (!configured) return path.join(findWorkspaceRoot(), ".data");
  return path.resolve(/*turbopackIgnore: true*/ process.env.INIT_CWD ?? process.cwd(), configured);
}
