// `pnpm db:migrate`: applies the committed migrations to DATABASE_URL (or the embedded database).
import { openDatabase, targetFromEnv } from "../src/connect";

const target = targetFromEnv();
const db = await openDatabase(target);
try {
  const result = await db.migrate();
  const where = target.kind === "postgres" ? "PostgreSQL" : `the embedded database (${target.dataDir})`;
  console.log(
    `Migrations on ${where}: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied.`,
  );
  for (const name of result.applied) console.log(`  applied ${name}`);
} finally {
  await db.close();
}
