import { Prisma } from "./generated/prisma/client";

/**
 * True when a write failed on a unique constraint: Prisma's P2002 for its own queries, or a raw
 * query (P2010) whose driver error is a unique violation (SQLSTATE 23505).
 */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === "P2002") return true;
  if (error.code !== "P2010") return false;
  const cause = (error.meta?.driverAdapterError as { cause?: { kind?: string; originalCode?: string } } | undefined)
    ?.cause;
  return cause?.kind === "UniqueConstraintViolation" || cause?.originalCode === "23505";
}
