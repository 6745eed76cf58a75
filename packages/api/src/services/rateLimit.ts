import { isIPv6 } from "node:net";

import type { DbClient } from "@tenancy/db/client";
import { Prisma } from "@tenancy/db/client";

import type { ApiConfig, RateLimitRule } from "../config";
import { RateLimitedError } from "../domain/errors";

// "windowStart" is a timestamp without time zone, which Prisma reads as UTC: keep it in UTC whatever
// the session's TimeZone is, or the retry delay we report is off by the server's UTC offset.
const utcNow = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

/**
 * Counts one attempt against `key` in a fixed window and throws rate_limited past the limit (a
 * RateLimitedError named after the key's first two parts, e.g. `redeem:user` for `redeem:user:<id>`).
 * The counter lives in the database (one atomic upsert), so the limit holds across app instances.
 * Call it outside the transaction of the attempt: a failed attempt must still count.
 */
export async function consumeRateLimit(db: DbClient, key: string, rule: RateLimitRule): Promise<void> {
  const rows = await db.$queryRaw<{ count: number; windowStart: Date }[]>`
    INSERT INTO "rate_limit_bucket" ("key", "windowStart", "count")
    VALUES (${key}, ${utcNow}, 1)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "rate_limit_bucket"."windowStart" <= ${utcNow} - make_interval(secs => ${rule.windowSeconds})
                     THEN 1 ELSE "rate_limit_bucket"."count" + 1 END,
      "windowStart" = CASE WHEN "rate_limit_bucket"."windowStart" <= ${utcNow} - make_interval(secs => ${rule.windowSeconds})
                     THEN ${utcNow} ELSE "rate_limit_bucket"."windowStart" END
    RETURNING "count", "windowStart"`;
  const row = rows[0];
  if (row && row.count > rule.limit) {
    const retryAfterSeconds = Math.max(
      1,
      Math.ceil((new Date(row.windowStart).getTime() + rule.windowSeconds * 1000 - Date.now()) / 1000),
    );
    const limit = key.split(":").slice(0, 2).join(":");
    throw new RateLimitedError(limit, `Too many attempts; try again in ${retryAfterSeconds}s`, { retryAfterSeconds });
  }
}

/**
 * One redeem attempt (join with a code, accept or decline an invitation): counted per user and,
 * when known, per client IP. All redeem kinds share these buckets, so switching between them
 * does not multiply the attempts a guesser gets.
 */
export async function consumeRedeemLimits(
  db: DbClient,
  config: ApiConfig,
  userId: string,
  ip: string | null,
): Promise<void> {
  await consumeRateLimit(db, `redeem:user:${userId}`, config.rateLimits.redeemPerUser);
  if (ip) await consumeRateLimit(db, `redeem:ip:${ipBucket(ip)}`, config.rateLimits.redeemPerIp);
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
