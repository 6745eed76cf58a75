-- Instances (issue 8): every organization belongs to an instance; a fresh install has one, the
-- default instance, and the existing organizations move into it. Instance members (owner, admin,
-- viewer), instance API tokens with scopes, scopes on organization API tokens (empty = as before),
-- personal access tokens (user tokens), and the instance trail in the audit log.

-- DropForeignKey
ALTER TABLE "organization" DROP CONSTRAINT "organization_instanceId_fkey";

-- AlterTable
ALTER TABLE "api_token" ADD COLUMN     "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "audit_event" ADD COLUMN     "instanceId" TEXT;

-- AlterTable
ALTER TABLE "instance" ADD COLUMN     "isDefault" BOOLEAN;

-- The default instance, and every existing organization in it (there was no way to set instanceId
-- before). Created here only when there are organizations to move: an empty database stays empty
-- (db:move-to-postgres refuses a target with rows), and the server creates the default instance at
-- start and whenever it is first needed (ensureDefaultInstance).
INSERT INTO "instance" ("id", "name", "isDefault")
  SELECT gen_random_uuid()::text, 'Default', true WHERE EXISTS (SELECT 1 FROM "organization");
UPDATE "organization" SET "instanceId" = (SELECT "id" FROM "instance" WHERE "isDefault")
  WHERE "instanceId" IS NULL OR "instanceId" NOT IN (SELECT "id" FROM "instance");

-- AlterTable
ALTER TABLE "organization" ALTER COLUMN "instanceId" SET NOT NULL;

-- CreateTable
CREATE TABLE "instance_member" (
    "id" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "instance_member_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "instance_token" (
    "id" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "name" TEXT,
    "key" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "lastFour" TEXT NOT NULL,
    "scopes" TEXT[],
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "instance_token_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_token" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "lastFour" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "user_token_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "instance_member_userId_idx" ON "instance_member"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "instance_member_instanceId_userId_key" ON "instance_member"("instanceId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "instance_token_key_key" ON "instance_token"("key");

-- CreateIndex
CREATE INDEX "instance_token_instanceId_createdAt_idx" ON "instance_token"("instanceId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "user_token_key_key" ON "user_token"("key");

-- CreateIndex
CREATE INDEX "user_token_userId_createdAt_idx" ON "user_token"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "audit_event_instanceId_id_idx" ON "audit_event"("instanceId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "instance_isDefault_key" ON "instance"("isDefault");

-- AddForeignKey
ALTER TABLE "instance_member" ADD CONSTRAINT "instance_member_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "instance_member" ADD CONSTRAINT "instance_member_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "instance_token" ADD CONSTRAINT "instance_token_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_token" ADD CONSTRAINT "user_token_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organization" ADD CONSTRAINT "organization_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "instance"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
