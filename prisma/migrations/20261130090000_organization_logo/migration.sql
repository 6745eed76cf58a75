-- AlterTable
ALTER TABLE "organization" ADD COLUMN     "logoSha256" TEXT;

-- CreateTable
CREATE TABLE "organization_logo" (
    "organizationId" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "organization_logo_pkey" PRIMARY KEY ("organizationId")
);

-- CreateIndex
CREATE INDEX "organization_logo_sha256_idx" ON "organization_logo"("sha256");

-- AddForeignKey
ALTER TABLE "organization_logo" ADD CONSTRAINT "organization_logo_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
