// `pnpm db:backup [file]`: a verified snapshot of the embedded database (TENANCY_DATA_DIR, default
// .data/) as a .tar.gz, by default ./tenancy-backup-<time>.tar.gz. Refused while a server uses it.
import path from "node:path";

import { backupDataDir } from "../src/backup";
import { dataDir } from "../src/paths";

// pnpm runs this in packages/db: resolve the file against where the command was typed.
const cwd = process.env.INIT_CWD ?? process.cwd();
const name = process.argv[2] ?? `tenancy-backup-${new Date().toISOString().replace(/[:.]/g, "-")}.tar.gz`;
const file = path.resolve(cwd, name);
const source = path.join(dataDir(), "pglite");
try {
  const report = await backupDataDir(source, file);
  const rows = report.tables.reduce((sum, table) => sum + table.rows, 0);
  console.log(
    `Backed up ${source} to ${report.file} (${report.bytes} bytes; ${report.tables.length} tables, ${rows} rows, read back).`,
  );
  console.log(
    `Keep ${path.join(dataDir(), "auth-secret")} (or your BETTER_AUTH_SECRET) with it: sessions and queued email need it.`,
  );
} catch (error) {
  console.error(`Backup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
