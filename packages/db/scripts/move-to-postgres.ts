// `pnpm db:move-to-postgres`: copies the embedded database (TENANCY_DATA_DIR, default .data/) into the
// empty PostgreSQL database at DATABASE_URL, verifies every table, and commits it all at once.
import path from "node:path";

import { CopyRefusedError } from "../src/copyDatabase";
import { DataDirInUseError } from "../src/dataDirLock";
import { moveEmbeddedToPostgres } from "../src/moveToPostgres";
import { dataDir } from "../src/paths";

const targetUrl = process.env.DATABASE_URL?.trim();
if (!targetUrl) {
  console.error(
    "Set DATABASE_URL to the new, empty PostgreSQL database to move into, e.g.\n" +
      "  DATABASE_URL=postgres://user:pass@host:5432/tenancy pnpm db:move-to-postgres",
  );
  process.exit(1);
}

const sourceDir = path.join(dataDir(), "pglite");
console.log(`Moving the embedded database at ${sourceDir} to PostgreSQL (DATABASE_URL).`);
try {
  const report = await moveEmbeddedToPostgres({ sourceDir, targetUrl, log: (line) => console.log(line) });
  const rows = report.tables.reduce((sum, table) => sum + table.rows, 0);
  console.log(`\nDone: ${report.tables.length} tables, ${rows} rows copied and verified; committed.`);
  console.log(
    "\nNext:\n" +
      "  - Start Tenancy with DATABASE_URL set, and BETTER_AUTH_SECRET set to the secret this embedded\n" +
      `    server used (the contents of ${path.join(dataDir(), "auth-secret")}, unless you set BETTER_AUTH_SECRET\n` +
      "    yourself): sessions and queued email depend on it. In production also set TENANCY_PUBLIC_URL.\n" +
      `  - The embedded database is left as it was; keep it (or a \`pnpm db:backup\`) until you are satisfied.`,
  );
} catch (error) {
  if (error instanceof CopyRefusedError || error instanceof DataDirInUseError) {
    console.error(`\nRefused: ${error.message}\nNothing was written to the target database.`);
  } else {
    console.error(`\nThe move failed and was rolled back: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
}
