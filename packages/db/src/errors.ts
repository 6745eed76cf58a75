import pg from "pg";

import { Prisma } from "./generated/prisma/client";

/**
 * True when a write failed on a unique constraint: Prisma's P2002 for its own queries, a raw query
 * (P2010) whose driver error is a unique violation (SQLSTATE 23505), or that SQLSTATE from the pg
 * driver itself (queryRows).
 */
export function isUniqueViolation(error: unknown): boolean {
  // queryRows (directRead.ts) on PostgreSQL throws the pg driver's own error.
  if (error instanceof pg.DatabaseError) return error.code === "23505";
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === "P2002") return true;
  if (error.code !== "P2010") return false;
  const cause = (error.meta?.driverAdapterError as { cause?: { kind?: string; originalCode?: string } } | undefined)
    ?.cause;
  return cause?.kind === "UniqueConstraintViolation" || cause?.originalCode === "23505";
}
