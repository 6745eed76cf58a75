import type { SqlExecutor } from "./migrate";

/**
 * Copies every table of one PostgreSQL database into another with the same migrations, in one
 * transaction on the target, generically: tables, columns, foreign keys and sequences are read from
 * the catalog, so tables added by later migrations are copied without code changes. Values travel
 * as their text form and are cast back to the column's type (exact for every PostgreSQL type), and
 * each table's row count and checksum are compared on both sides before the commit.
 *
 * Both executors must be single sessions (PGlite, or one pg client): the copy uses a transaction
 * and a cursor on each side.
 */

export class CopyRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CopyRefusedError";
  }
}

export interface CopiedTable {
  name: string;
  rows: number;
  /** MD5 over the sorted MD5s of the rows' text forms: equal on both sides. */
  checksum: string;
}

export interface CopyReport {
  tables: CopiedTable[];
  sequences: { name: string; lastValue: string; isCalled: boolean }[];
}

export interface CopyOptions {
  /** Rows per fetch from the source and per insert on the target. */
  batchSize?: number;
  log?: (line: string) => void;
}

// Bookkeeping, not data: the target has its own rows, compared with the source's instead.
const MIGRATIONS_TABLE = "_prisma_migrations";

// The same text forms on both sides whatever the servers' defaults are.
const SESSION_SETTINGS = `
  SET TimeZone = 'UTC';
  SET DateStyle = 'ISO, MDY';
  SET IntervalStyle = 'postgres';
  SET extra_float_digits = 1;
  SET bytea_output = 'hex';`;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

interface Column {
  name: string;
  type: string;
  generated: boolean;
}

interface ForeignKey {
  name: string;
  table: string;
  references: string;
  definition: string;
}

async function appliedMigrations(db: SqlExecutor, side: string): Promise<string[]> {
  const [bookkeeping] = await db.query<{ present: boolean }>(
    `SELECT to_regclass('public.${MIGRATIONS_TABLE}') IS NOT NULL AS present`,
  );
  if (!bookkeeping?.present) throw new CopyRefusedError(`The ${side} database has no migrations applied.`);
  const rows = await db.query<{ migration_name: string; checksum: string }>(
    `SELECT migration_name, checksum FROM ${ident(MIGRATIONS_TABLE)}
      WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
  );
  return rows.map((row) => `${row.migration_name} (${row.checksum.slice(0, 12)})`);
}

/** The user tables of the public schema (partitions are reached through their parent). */
export async function listTables(db: SqlExecutor): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY c.relname`,
  );
  return rows.map((row) => row.name).filter((name) => name !== MIGRATIONS_TABLE);
}

async function listColumns(db: SqlExecutor, table: string): Promise<Column[]> {
  return db.query<Column>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attgenerated <> '' AS generated
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relname = $1 AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [table],
  );
}

async function listForeignKeys(db: SqlExecutor): Promise<ForeignKey[]> {
  return db.query<ForeignKey>(
    `SELECT con.conname AS name, src.relname AS table, dst.relname AS references,
            pg_get_constraintdef(con.oid) AS definition
       FROM pg_constraint con
       JOIN pg_class src ON src.oid = con.conrelid
       JOIN pg_class dst ON dst.oid = con.confrelid
       JOIN pg_namespace n ON n.oid = src.relnamespace
      WHERE con.contype = 'f' AND n.nspname = 'public'
      ORDER BY con.conname`,
  );
}

/** Tables of the public schema with triggers of their own (not the ones foreign keys create). */
async function tablesWithUserTriggers(db: SqlExecutor): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    `SELECT DISTINCT c.relname AS name FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND NOT t.tgisinternal
      ORDER BY c.relname`,
  );
  return rows.map((row) => row.name);
}

async function listSequences(db: SqlExecutor): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY c.relname`,
  );
  return rows.map((row) => row.name);
}

/**
 * Referenced tables before the tables referencing them. Foreign keys that make a cycle (a table
 * referencing itself included) cannot be satisfied by any order: they are returned to be dropped
 * for the copy and added back (and so re-validated) before the commit.
 */
function insertionOrder(tables: string[], foreignKeys: ForeignKey[]): { order: string[]; deferred: ForeignKey[] } {
  const order: string[] = [];
  const remaining = new Set(tables);
  let edges = foreignKeys.filter((fk) => fk.table !== fk.references);
  const deferred = foreignKeys.filter((fk) => fk.table === fk.references);
  while (remaining.size > 0) {
    const ready = [...remaining].filter(
      (table) => !edges.some((fk) => fk.table === table && remaining.has(fk.references)),
    );
    if (ready.length === 0) {
      // A cycle: defer the foreign keys among what is left and go on.
      deferred.push(...edges.filter((fk) => remaining.has(fk.table) && remaining.has(fk.references)));
      edges = edges.filter((fk) => !(remaining.has(fk.table) && remaining.has(fk.references)));
      continue;
    }
    for (const table of ready.sort()) {
      order.push(table);
      remaining.delete(table);
    }
  }
  return { order, deferred };
}

async function tableChecksum(
  db: SqlExecutor,
  table: string,
  columns: Column[],
): Promise<{ rows: number; checksum: string }> {
  const row = `ROW(${columns.map((c) => ident(c.name)).join(", ")})::text`;
  const [result] = await db.query<{ rows: string; checksum: string }>(
    `SELECT count(*)::text AS rows, md5(coalesce(string_agg(h, '' ORDER BY h), '')) AS checksum
       FROM (SELECT md5(${row}) AS h FROM ${ident(table)}) AS hashed`,
  );
  return { rows: Number(result!.rows), checksum: result!.checksum };
}

function describeDifference(label: string, source: string[], target: string[]): string {
  const onlySource = source.filter((item) => !target.includes(item));
  const onlyTarget = target.filter((item) => !source.includes(item));
  const parts = [];
  if (onlySource.length) parts.push(`only in the source: ${onlySource.join(", ")}`);
  if (onlyTarget.length) parts.push(`only in the target: ${onlyTarget.join(", ")}`);
  return `${label} differ (${parts.join("; ") || "order"})`;
}

async function copyRows(
  source: SqlExecutor,
  target: SqlExecutor,
  table: string,
  columns: Column[],
  batchSize: number,
): Promise<void> {
  // Generated columns are computed by the target itself.
  const writable = columns.filter((c) => !c.generated);
  if (writable.length === 0) return;
  const names = writable.map((c) => ident(c.name));
  const cursor = ident(`tenancy_copy_${table}`);
  await source.exec(
    `DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT ${names.map((n) => `${n}::text`).join(", ")} FROM ${ident(table)}`,
  );
  // One text[] parameter per column, unnested in parallel and cast back to each column's type.
  const insert =
    `INSERT INTO ${ident(table)} (${names.join(", ")}) OVERRIDING SYSTEM VALUE ` +
    `SELECT ${writable.map((c, i) => `u.c${i}::${c.type}`).join(", ")} ` +
    `FROM unnest(${writable.map((_, i) => `$${i + 1}::text[]`).join(", ")}) AS u(${writable.map((_, i) => `c${i}`).join(", ")})`;
  for (;;) {
    const rows = await source.query<Record<string, string | null>>(`FETCH ${batchSize} FROM ${cursor}`);
    if (rows.length === 0) break;
    await target.query(
      insert,
      writable.map((c) => rows.map((row) => row[c.name] ?? null)),
    );
    if (rows.length < batchSize) break;
  }
  await source.exec(`CLOSE ${cursor}`);
}

/**
 * Copies `source` into `target`. Refuses (CopyRefusedError, nothing written) when the migrations,
 * tables or columns differ, or when any target table has rows.
 */
export async function copyDatabase(
  source: SqlExecutor,
  target: SqlExecutor,
  options: CopyOptions = {},
): Promise<CopyReport> {
  const batchSize = options.batchSize ?? 1000;
  const log = options.log ?? (() => {});
  await source.exec(SESSION_SETTINGS);
  await target.exec(SESSION_SETTINGS);
  // One snapshot of the source; everything on the target commits together or not at all.
  await source.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  await target.exec("BEGIN");
  try {
    const [sourceMigrations, targetMigrations] = [
      await appliedMigrations(source, "source"),
      await appliedMigrations(target, "target"),
    ];
    if (sourceMigrations.join("\n") !== targetMigrations.join("\n"))
      throw new CopyRefusedError(describeDifference("The applied migrations", sourceMigrations, targetMigrations));

    const tables = await listTables(source);
    const targetTables = await listTables(target);
    if (tables.join() !== targetTables.join())
      throw new CopyRefusedError(describeDifference("The tables", tables, targetTables));

    const columns = new Map<string, Column[]>();
    for (const table of tables) {
      const mine = await listColumns(source, table);
      const theirs = await listColumns(target, table);
      const describe = (cs: Column[]) => cs.map((c) => `${table}.${c.name} ${c.type}`).sort();
      if (describe(mine).join() !== describe(theirs).join())
        throw new CopyRefusedError(describeDifference(`The columns of ${table}`, describe(mine), describe(theirs)));
      columns.set(table, mine);
    }

    // Nobody writes to the target while we check it is empty and fill it.
    await target.exec(`LOCK TABLE ${tables.map(ident).join(", ")} IN EXCLUSIVE MODE`);
    const nonEmpty: string[] = [];
    for (const table of tables) {
      const [row] = await target.query<{ present: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM ${ident(table)}) AS present`,
      );
      if (row?.present) nonEmpty.push(table);
    }
    if (nonEmpty.length > 0)
      throw new CopyRefusedError(
        `The target database is not empty (rows in ${nonEmpty.join(", ")}): moving into it could mix two datasets. ` +
          "Use a new, empty database.",
      );

    const { order, deferred } = insertionOrder(tables, await listForeignKeys(target));
    for (const fk of deferred) await target.exec(`ALTER TABLE ${ident(fk.table)} DROP CONSTRAINT ${ident(fk.name)}`);
    // Triggers that maintain derived values (organization.memberCount) would count the copied rows a
    // second time: the values travel as data instead (and the checksums below prove them).
    const triggered = await tablesWithUserTriggers(target);
    for (const table of triggered) await target.exec(`ALTER TABLE ${ident(table)} DISABLE TRIGGER USER`);
    for (const table of order) {
      await copyRows(source, target, table, columns.get(table)!, batchSize);
    }
    for (const table of triggered) await target.exec(`ALTER TABLE ${ident(table)} ENABLE TRIGGER USER`);
    for (const fk of deferred)
      await target.exec(`ALTER TABLE ${ident(fk.table)} ADD CONSTRAINT ${ident(fk.name)} ${fk.definition}`);

    const report: CopyReport = { tables: [], sequences: [] };
    for (const table of tables) {
      const expected = await tableChecksum(source, table, columns.get(table)!);
      const actual = await tableChecksum(target, table, columns.get(table)!);
      if (expected.rows !== actual.rows || expected.checksum !== actual.checksum)
        throw new Error(
          `Verification failed for ${table}: ${expected.rows} rows (checksum ${expected.checksum}) in the source, ` +
            `${actual.rows} rows (checksum ${actual.checksum}) in the target. Nothing was committed.`,
        );
      report.tables.push({ name: table, ...expected });
      log(`  ${table}: ${expected.rows} rows, checksum ${expected.checksum} verified`);
    }

    // Sequences continue where they were (audit_event ids keep increasing, gaps included).
    const sequences = await listSequences(source);
    const targetSequences = await listSequences(target);
    if (sequences.join() !== targetSequences.join())
      throw new CopyRefusedError(describeDifference("The sequences", sequences, targetSequences));
    for (const name of sequences) {
      const [state] = await source.query<{ last_value: string; is_called: boolean }>(
        `SELECT last_value::text AS last_value, is_called FROM ${ident(name)}`,
      );
      await target.query(`SELECT setval($1::regclass, $2::bigint, $3::boolean)`, [
        `public.${ident(name)}`,
        state!.last_value,
        state!.is_called,
      ]);
      report.sequences.push({ name, lastValue: state!.last_value, isCalled: state!.is_called });
      log(`  sequence ${name}: ${state!.last_value}${state!.is_called ? "" : " (not yet used)"}`);
    }

    await target.exec("COMMIT");
    await source.exec("COMMIT");
    return report;
  } catch (error) {
    await target.exec("ROLLBACK").catch(() => undefined);
    await source.exec("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
