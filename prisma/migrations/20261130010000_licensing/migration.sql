-- Licensing: plans, issued licenses, assignments (one org per license), deployments.
-- The init migration's license, license_assignment and deployment tables were placeholders that
-- nothing wrote to; any row in them has no plan, key or token to carry over, so they start empty.
DELETE FROM "deployment";
DELETE FROM "license_assignment";
DELETE FROM "license";

-- DropIndex
DROP INDEX "deployment_licenseId_idx";

-- DropIndex
DROP INDEX "license_assignment_licenseId_idx";

-- AlterTable: the platform operators' trail (licenses, plans) has no organization.
ALTER TABLE "audit_event" ALTER COLUMN "organizationId" DROP NOT NULL;

-- AlterTable
ALTER TABLE "deployment" ADD COLUMN     "deactivatedAt" TIMESTAMP(3),
ADD COLUMN     "fingerprint" TEXT NOT NULL,
ADD COLUMN     "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "tokenHash" TEXT NOT NULL,
ADD COLUMN     "url" TEXT,
ADD COLUMN     "version" TEXT;

-- AlterTable
ALTER TABLE "license" DROP COLUMN "name",
DROP COLUMN "plan",
DROP COLUMN "seats",
ADD COLUMN     "createdById" TEXT,
ADD COLUMN     "customer" TEXT NOT NULL,
ADD COLUMN     "deploymentLimit" INTEGER,
ADD COLUMN     "expiresAt" TIMESTAMP(3),
ADD COLUMN     "features" TEXT[],
ADD COLUMN     "keyId" TEXT NOT NULL,
ADD COLUMN     "planKey" TEXT NOT NULL,
ADD COLUMN     "planName" TEXT NOT NULL,
ADD COLUMN     "revokedAt" TIMESTAMP(3),
ADD COLUMN     "seatLimit" INTEGER,
ADD COLUMN     "validFrom" TIMESTAMP(3) NOT NULL;

-- CreateTable
CREATE TABLE "plan" (
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "seatLimit" INTEGER,
    "deploymentLimit" INTEGER,
    "features" TEXT[],
    "archivedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "plan_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "deployment_tokenHash_key" ON "deployment"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "deployment_licenseId_fingerprint_key" ON "deployment"("licenseId", "fingerprint");

-- CreateIndex
CREATE INDEX "license_createdAt_idx" ON "license"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "license_assignment_licenseId_key" ON "license_assignment"("licenseId");

-- AddForeignKey
ALTER TABLE "license" ADD CONSTRAINT "license_planKey_fkey" FOREIGN KEY ("planKey") REFERENCES "plan"("key") ON DELETE RESTRICT ON UPDATE CASCADE;

-- CreateIndex
CREATE INDEX "audit_event_targetType_targetId_idx" ON "audit_event"("targetType", "targetId");
