-- Custom roles (issue 10): organization_role gains a description and an update time.
-- AlterTable
ALTER TABLE "organization_role" ADD COLUMN     "description" TEXT,
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
