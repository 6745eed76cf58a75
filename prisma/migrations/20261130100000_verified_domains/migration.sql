-- CreateTable
CREATE TABLE "organization_domain" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "verifiedDomain" TEXT,
    "verifiedAt" TIMESTAMP(3),
    "policy" TEXT NOT NULL DEFAULT 'none',
    "joinRole" TEXT NOT NULL DEFAULT 'member',
    "lastCheckedAt" TIMESTAMP(3),
    "lastCheckError" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organization_domain_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "organization_domain_verifiedDomain_key" ON "organization_domain"("verifiedDomain");

-- CreateIndex
CREATE UNIQUE INDEX "organization_domain_organizationId_domain_key" ON "organization_domain"("organizationId", "domain");

-- AddForeignKey
ALTER TABLE "organization_domain" ADD CONSTRAINT "organization_domain_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
