import { isIPv6 } from "node:net";

import { Prisma, type Database, type DbClient, type TransactionClient } from "@tenancy/db/client";

import type { ApiConfig, RateLimitRule } from "../config";
import { DomainError } from "../domain/errors";

// "windowStart" is a timestamp without time zone, which Prisma reads as UTC: keep it in UTC whatever
// the session's TimeZone is, or the retry delay we report is off by the server's UTC offset.
const utcNow = Prisma.sql`(statement_timestamp() AT TIME ZONE 'UTC')`;

export interface RateLimitBucket {
  key: string;
  rule: RateLimitRule;
}

/**
 * Counts one attempt against each bucket in a fixed window and throws rate_limited when any is past
 * its limit. The counters live in the database (one atomic upsert for all the buckets, so the limits
 * hold across app instances). Outside a transaction, a failed attempt still counts; redeem attempts
 * count inside theirs, see redeemAttempt.
 */
export async function consumeRateLimits(db: DbClient, buckets: readonly RateLimitBucket[]): Promise<void> {
  if (buckets.length === 0) return;
  // The window of the bucket being updated (each bucket has its rule's).
  const windowOf = Prisma.sql`CASE b."key" ${Prisma.join(
    buckets.map(({ key, rule }) => Prisma.sql`WHEN ${key} THEN ${rule.windowSeconds}::int`),
    " ",
  )} END`;
  const expired = Prisma.sql`b."windowStart" <= ${utcNow} - make_interval(secs => ${windowOf})`;
  const rows = await db.$queryRaw<{ key: string; count: number; windowStart: Date }[]>`
    INSERT INTO "rate_limit_bucket" AS b ("key", "windowStart", "count")
    VALUES ${Prisma.join(buckets.map(({ key }) => Prisma.sql`(${key}, ${utcNow}, 1)`))}
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN ${expired} THEN 1 ELSE b."count" + 1 END,
      "windowStart" = CASE WHEN ${expired} THEN ${utcNow} ELSE b."windowStart" END
    RETURNING b."key", b."count", b."windowStart"`;
  let retryAfterSeconds = 0;
  for (const row of rows) {
    const rule = buckets.find((bucket) => bucket.key === row.key)?.rule;
    if (!rule || row.count <= rule.limit) continue;
    const wait = Math.ceil((new Date(row.windowStart).getTime() + rule.windowSeconds * 1000 - Date.now()) / 1000);
    retryAfterSeconds = Math.max(retryAfterSeconds, wait, 1);
  }
  if (retryAfterSeconds > 0) {
    throw new DomainError("rate_limited", "rate_limited", `Too many attempts; try again in ${retryAfterSeconds}s`, {
      retryAfterSeconds,
    });
  }
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

/**
 * Runs one redeem attempt in a transaction that also counts it, so a successful one costs one
 * commit: the count is the transaction's last statement (its row locks are held only until the
 * commit right after), and a count past the limit refuses the attempt and rolls it back. An attempt
 * that fails for any reason rolls back its count too, so it is counted again on its own: every
 * attempt counts exactly once. Past the limit the refusal wins over what the attempt found, so
 * guessing tokens or codes learns nothing more.
 */
export async function redeemAttempt<T>(
  db: Database,
  buckets: readonly RateLimitBucket[],
  attempt: (tx: TransactionClient) => Promise<T>,
): Promise<T> {
  try {
    return await db.$transaction(async (tx) => {
      const result = await attempt(tx);
      await consumeRateLimits(tx, buckets);
      return result;
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
