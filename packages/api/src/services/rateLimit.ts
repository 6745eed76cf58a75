import { isIPv6 } from "node:net";

import { Prisma, type Database, type DbClient, type TransactionClient } from "@tenancy/db/client";
import { isUniqueViolation } from "@tenancy/db/errors";

import type { ApiConfig, RateLimitRule } from "../config";
import { RateLimitedError } from "../domain/errors";

// "windowStart" is a timestamp without time zone, which Prisma reads as UTC: keep it in UTC whatever
// the session's TimeZone is, or the retry delay we report is off by the server's UTC offset.
const utcNow = Prisma.sql`(statement_timestamp() AT TIME ZONE 'UTC')`;

export interface RateLimitBucket {
  key: string;
  rule: RateLimitRule;
}

/** What the counter upsert returns for each bucket. */
export interface RateLimitRow {
  key: string;
  count: number;
  windowStart: Date;
}

/**
 * One attempt more in each bucket, in a fixed window (a new window once the old one has ended):
 * one atomic upsert for all the buckets, `RETURNING "key", "count", "windowStart"`. The counters live
 * in the database, so the limits hold across app instances.
 */
export function rateLimitUpsert(buckets: readonly RateLimitBucket[]): Prisma.Sql {
  // The window of the bucket being updated (each bucket has its rule's).
  const windowOf = Prisma.sql`CASE b."key" ${Prisma.join(
    buckets.map(({ key, rule }) => Prisma.sql`WHEN ${key} THEN ${rule.windowSeconds}::int`),
    " ",
  )} END`;
  const expired = Prisma.sql`b."windowStart" <= ${utcNow} - make_interval(secs => ${windowOf})`;
  return Prisma.sql`INSERT INTO "rate_limit_bucket" AS b ("key", "windowStart", "count")
    VALUES ${Prisma.join(buckets.map(({ key }) => Prisma.sql`(${key}, ${utcNow}, 1)`))}
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN ${expired} THEN 1 ELSE b."count" + 1 END,
      "windowStart" = CASE WHEN ${expired} THEN ${utcNow} ELSE b."windowStart" END
    RETURNING b."key", b."count", b."windowStart"`;
}

/** Throws rate_limited (with the longest wait) when a bucket is past its limit. */
export function assertWithinRateLimits(buckets: readonly RateLimitBucket[], rows: readonly RateLimitRow[]): void {
  let retryAfterSeconds = 0;
  let limit = "";
  for (const row of rows) {
    const rule = buckets.find((bucket) => bucket.key === row.key)?.rule;
    if (!rule || row.count <= rule.limit) continue;
    const wait = Math.ceil((new Date(row.windowStart).getTime() + rule.windowSeconds * 1000 - Date.now()) / 1000);
    if (Math.max(wait, 1) > retryAfterSeconds) {
      retryAfterSeconds = Math.max(wait, 1);
      // Named after the key's first two parts, e.g. `redeem:user` for `redeem:user:<id>` (logs, metrics).
      limit = row.key.split(":").slice(0, 2).join(":");
    }
  }
  if (retryAfterSeconds > 0) {
    throw new RateLimitedError(limit, `Too many attempts; try again in ${retryAfterSeconds}s`, { retryAfterSeconds });
  }
}

/**
 * Counts one attempt against each bucket and throws rate_limited when any is past its limit. Call
 * it outside the transaction of the attempt, so a failed attempt still counts (redeem attempts count
 * in their own statement: see redeemInOneStatement).
 */
export async function consumeRateLimits(db: DbClient, buckets: readonly RateLimitBucket[]): Promise<void> {
  if (buckets.length === 0) return;
  assertWithinRateLimits(buckets, await db.$queryRaw<RateLimitRow[]>`${rateLimitUpsert(buckets)}`);
}

export function consumeRateLimit(db: DbClient, key: string, rule: RateLimitRule): Promise<void> {
  return consumeRateLimits(db, [{ key, rule }]);
}

/**
 * The buckets of one redeem attempt (join with a code, accept or decline an invitation): per user
 * and, when known, per client IP. All redeem kinds share these buckets, so switching between them
 * does not multiply the attempts a guesser gets.
 */
export function redeemBuckets(config: ApiConfig, userId: string, ip: string | null): RateLimitBucket[] {
  return [
    { key: `redeem:user:${userId}`, rule: config.rateLimits.redeemPerUser },
    ...(ip ? [{ key: `redeem:ip:${ipBucket(ip)}`, rule: config.rateLimits.redeemPerIp }] : []),
  ];
}

/** The pieces a redeem statement builds on (see redeemInOneStatement). */
export interface RedeemLimits {
  /** `limited AS (…)`: the counter upsert, as the statement's first CTE. */
  cte: Prisma.Sql;
  /** A boolean SQL expression: every bucket is within its limit (gate every change on it). */
  allowed: Prisma.Sql;
  /** The columns to select from `limited l` (one result row per bucket). */
  columns: Prisma.Sql;
}

export interface RedeemLimitColumns {
  limitKey: string;
  limitCount: number;
  limitWindowStart: Date;
}

/**
 * A redeem attempt as ONE statement (its own transaction, one commit): the statement counts the
 * attempt (`limits.cte`), makes its change only when every bucket is within its limit
 * (`limits.allowed`), and selects what the service needs to answer, one row per bucket
 * (`FROM limited l`, with `limits.columns`). Past the limit the answer is rate_limited whatever the
 * attempt found, so guessing tokens or codes learns nothing more. A statement that fails (a unique
 * violation in a race) changed nothing and counted nothing: the attempt is counted on its own.
 * Either way every attempt counts exactly once.
 */
export async function redeemInOneStatement<Row extends object>(
  db: DbClient,
  buckets: readonly RateLimitBucket[],
  statement: (limits: RedeemLimits) => Promise<(Row & RedeemLimitColumns)[]>,
): Promise<Row | undefined> {
  let rows: (Row & RedeemLimitColumns)[];
  try {
    rows = await statement(redeemLimitsOf(buckets));
  } catch (error) {
    await consumeRateLimits(db, buckets);
    throw error;
  }
  return checkRedeemLimits(buckets, rows);
}

/**
 * A redeem attempt decided without the membership lock (see lockFreeSeat in seats.ts), written as ONE
 * statement as in redeemInOneStatement, except for a unique violation: a concurrent join of the same
 * user made them a member first. The statement then changed and counted nothing, and the answer is
 * `"retry_under_lock"`, so the caller redeems again under the lock, which counts the attempt.
 */
export async function redeemWithoutLock<Row extends object>(
  db: DbClient,
  buckets: readonly RateLimitBucket[],
  statement: (limits: RedeemLimits) => Promise<(Row & RedeemLimitColumns)[]>,
): Promise<Row | undefined | "retry_under_lock"> {
  let rows: (Row & RedeemLimitColumns)[];
  try {
    rows = await statement(redeemLimitsOf(buckets));
  } catch (error) {
    if (isUniqueViolation(error)) return "retry_under_lock";
    await consumeRateLimits(db, buckets);
    throw error;
  }
  return checkRedeemLimits(buckets, rows);
}

/**
 * No buckets: the attempt was counted already (a lock-free attempt retried under the lock). The
 * statement keeps its shape: `limited` is one row of nulls, and everything is allowed.
 */
const alreadyCounted: RedeemLimits = {
  cte: Prisma.sql`limited AS (SELECT NULL::text AS "key", NULL::int AS "count", NULL::timestamp AS "windowStart")`,
  allowed: Prisma.sql`TRUE`,
  columns: Prisma.sql`l."key" AS "limitKey", l."count" AS "limitCount", l."windowStart" AS "limitWindowStart"`,
};

function redeemLimitsOf(buckets: readonly RateLimitBucket[]): RedeemLimits {
  if (buckets.length === 0) return alreadyCounted;
  const within = Prisma.join(
    buckets.map(({ key, rule }) => Prisma.sql`WHEN ${key} THEN ${rule.limit}::int`),
    " ",
  );
  return {
    cte: Prisma.sql`limited AS (${rateLimitUpsert(buckets)})`,
    allowed: Prisma.sql`(SELECT bool_and(x."count" <= CASE x."key" ${within} END) FROM limited x)`,
    columns: Prisma.sql`l."key" AS "limitKey", l."count" AS "limitCount", l."windowStart" AS "limitWindowStart"`,
  };
}

/** Throws rate_limited when the statement's counts are past a limit; else the row it found (if any). */
function checkRedeemLimits<Row extends object>(
  buckets: readonly RateLimitBucket[],
  rows: readonly (Row & RedeemLimitColumns)[],
): Row | undefined {
  assertWithinRateLimits(
    buckets,
    rows.map((row) => ({ key: row.limitKey, count: row.limitCount, windowStart: row.limitWindowStart })),
  );
  return rows[0];
}

/**
 * A redeem attempt that must read under the organization's membership lock before it writes (accept
 * and join: the seat limit is counted under the lock, see seats.ts), as ONE transaction with one
 * commit. `find` is the attempt's first statement: it counts the attempt (`limits.cte`), finds what
 * is redeemed and takes the lock (membershipLockCte), one row per bucket (`FROM limited l`, with
 * `limits.columns`); past a limit the answer is rate_limited whatever it found. `redeem` then checks
 * and writes in the same transaction. A refusal or a failure rolls everything back, the count with
 * it, so the attempt is then counted on its own: every attempt counts exactly once. With no buckets
 * (a lock-free attempt, counted already, retried under the lock) it counts nothing.
 */
export async function redeemInTransaction<Row extends object, Result>(
  db: Database,
  buckets: readonly RateLimitBucket[],
  find: (tx: TransactionClient, limits: RedeemLimits) => Promise<(Row & RedeemLimitColumns)[]>,
  redeem: (tx: TransactionClient, found: Row | undefined) => Promise<Result>,
): Promise<Result> {
  try {
    return await db.$transaction(async (tx) => {
      const found = checkRedeemLimits(buckets, await find(tx, redeemLimitsOf(buckets)));
      return redeem(tx, found);
    });
  } catch (error) {
    await consumeRateLimits(db, buckets);
    throw error;
  }
}

/**
 * The per-IP bucket of a client address. An IPv6 client is usually given a whole /64 and can pick
 * any address in it, so all of a /64 shares one bucket; an IPv4 address is its own.
 */
export function ipBucket(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const [head = "", tail = ""] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = ip.includes("::") ? (tail ? tail.split(":") : []) : [];
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
