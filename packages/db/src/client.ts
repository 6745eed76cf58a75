// The one place the generated Prisma client is imported. Other packages use these names.
export { PrismaClient, Prisma } from "./generated/prisma/client";
import type { PrismaClient, Prisma } from "./generated/prisma/client";

export type Database = PrismaClient;
/** A client that may be the root client or an interactive-transaction client. */
export type DbClient = PrismaClient | Prisma.TransactionClient;
export type TransactionClient = Prisma.TransactionClient;
