import { randomUUID } from "node:crypto";

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. The ids Prisma's
 * `@default(uuid(7))` gives rows it creates, for rows written with SQL: time-ordered, so keyset
 * pagination in id order is creation order. The random part comes from randomUUID (pooled, cheap):
 * its variant bits are already RFC 9562's, and its version digit is replaced.
 */
export function uuidv7(now: number = Date.now()): string {
  const random = randomUUID();
  const time = now.toString(16).padStart(12, "0");
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
