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

/** Where the embedded database and generated secrets live (`.data/` at the workspace root by default). */
export function dataDir(): string {
  return path.resolve(
    /*turbopackIgnore: true*/ process.env.TENANCY_DATA_DIR ?? path.join(findWorkspaceRoot(), ".data"),
  );
}
