import { createHash } from "node:crypto";

import type pg from "pg";

import type { DbClient } from "./client";
import type { Prisma } from "./generated/prisma/client";
import type { StatementListener } from "./statements";

/**
 * One statement sent straight to the PostgreSQL pool, outside any transaction (a read, or a write
 * that is its own transaction), skipping Prisma's query pipeline: the request path's
 * credential-and-access lookup runs on every API call, and Prisma's own work around a raw query cost
 * about as much CPU as the pg driver's (issue 12). Each distinct text is a named prepared statement
 * on each connection, so PostgreSQL parses it once and, after a few runs, stops planning it.
 * Rows come back with the JavaScript values `$queryRaw` gives (timestamps as UTC `Date`s, bigints
 * as `BigInt`, arrays, parsed JSON); a column of any other type is refused rather than converted
 * differently. `Date` parameters are sent as UTC ISO text, as the columns without a time zone hold
 * UTC. On PGlite, in a transaction, or for a client opened elsewhere, `queryRows` is `$queryRaw`.
 */
export type DirectReader = <Row>(query: Prisma.Sql) => Promise<Row[]>;

const readers = new WeakMap<object, DirectReader>();

/** Registers the direct reader of a root client (connect.ts, PostgreSQL only). */
export function registerDirectReader(client: object, reader: DirectReader): void {
  readers.set(client, reader);
}

/** Does `db` read through a direct reader (a root client on PostgreSQL)? */
export const readsDirectly = (db: DbClient): boolean => readers.has(db);

/** The rows of one statement: through the direct reader when `db` has one, else `$queryRaw`. */
export function queryRows<Row>(db: DbClient, query: Prisma.Sql): Promise<Row[]> {
  const reader = readers.get(db);
  return reader ? reader<Row>(query) : db.$queryRaw<Row[]>(query);
}

// PostgreSQL type OIDs.
const TIMESTAMP = 1114;
const INT8 = 20;
// The column types the direct reader returns as $queryRaw would (with TIMESTAMP and INT8 parsed below).
const SUPPORTED_TYPES = new Set([
  16, // bool
  20, // int8
  21, // int2
  23, // int4
  25, // text
  114, // json
  1009, // text[]
  1043, // varchar
  1114, // timestamp
  1184, // timestamptz
  3802, // jsonb
]);

/** `timestamp without time zone` holds UTC here (Prisma's DateTime), whatever the server's TZ. */
const utcTimestamp = (text: string) => new Date(`${text.replace(" ", "T")}Z`);

function typeParsersOf(types: typeof pg.types): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: string) => {
      if (oid === TIMESTAMP) return utcTimestamp;
      if (oid === INT8) return (text: string) => BigInt(text);
      return types.getTypeParser(oid, format as "text");
    }) as pg.CustomTypesConfig["getTypeParser"],
  };
}

/**
 * A DirectReader over a pg pool; every statement is reported to `onStatement` as Prisma's are.
 * `prepare: false` sends every statement unnamed, for a pooler that cannot keep a connection's
 * prepared statements (PgBouncer in transaction mode before 1.21: `?pgbouncer=true`, as for Prisma).
 */
export function poolDirectReader(
  pool: pg.Pool,
  types: typeof pg.types,
  onStatement: StatementListener | undefined,
  { prepare = true }: { prepare?: boolean } = {},
): DirectReader {
  const parsers = typeParsersOf(types);
  return async <Row>(query: Prisma.Sql): Promise<Row[]> => {
    const values = query.values.map((value) => {
      if (value instanceof Date) return value.toISOString();
      // Anything else would be sent as pg formats it, not as Prisma does: keep to plain values.
      if (value !== null && typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
        throw new TypeError(`queryRows takes text, number, boolean, Date or null parameters, not ${typeof value}`);
      }
      return value;
    });
    onStatement?.({ kind: "statement", sql: query.text, inTransaction: false });
    const name = prepare ? statementName(query.text) : undefined;
    const result = await pool.query({ name, text: query.text, values, types: parsers });
    for (const field of result.fields) {
      if (!SUPPORTED_TYPES.has(field.dataTypeID)) {
        throw new TypeError(
          `queryRows: column "${field.name}" has type ${field.dataTypeID}, which it does not convert`,
        );
      }
    }
    return result.rows as Row[];
  };
}

// Prepared statement names by text. The texts are the few the request path sends; past the cap
// (a caller building texts from data, say) statements simply go unnamed, as Prisma sends them.
const statementNames = new Map<string, string>();
const MAX_NAMED_STATEMENTS = 256;

function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `tenancy_${createHash("sha256").update(text).digest("hex").slice(0, 32)}`;
    statementNames.set(text, name);
  }
  return name;
}
