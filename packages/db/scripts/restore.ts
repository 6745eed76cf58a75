// `pnpm db:restore <file>`: replaces the embedded database (TENANCY_DATA_DIR, default .data/) with a
// backup made by `pnpm db:backup`; the replaced directory is kept beside it. Refused while a server uses it.
import path from "node:path";

import { restoreDataDir } from "../src/backup";
import { dataDir } from "../src/paths";

const name = process.argv[2];
if (!name) {
  console.error("Usage: pnpm db:restore <backup.tar.gz>");
  process.exit(1);
}
const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), name);
const target = path.join(dataDir(), "pglite");
try {
  const report = await restoreDataDir(file, target);
  const rows = report.tables.reduce((sum, table) => sum + table.rows, 0);
  console.log(`Restored ${file} into ${target} (${report.tables.length} tables, ${rows} rows).`);
  if (report.previousDir) console.log(`The database it replaced is kept at ${report.previousDir}.`);
} catch (error) {
  console.error(`Restore failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
