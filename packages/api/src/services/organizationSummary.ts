import { Prisma } from "@tenancy/db/client";

/**
 * The organization a listing shows next to each row (invitations, memberships, domain suggestions),
 * selected in the listing's own statement from the `organization` table aliased `o`.
 */
export const ORGANIZATION_SUMMARY_COLUMNS = Prisma.sql`o."id" AS "orgId", o."handle" AS "orgHandle", o."name" AS "orgName",
  o."active" AS "orgActive", o."logoSha256" AS "orgLogoSha256"`;

export interface OrganizationSummaryColumns {
  orgId: string;
  orgHandle: string;
  orgName: string;
  orgActive: boolean;
  orgLogoSha256: string | null;
}

/** A row read with ORGANIZATION_SUMMARY_COLUMNS, split into its own columns and its organization. */
export function splitOrganizationSummary<T extends OrganizationSummaryColumns>({
  orgId,
  orgHandle,
  orgName,
  orgActive,
  orgLogoSha256,
  ...rest
}: T): {
  rest: Omit<T, keyof OrganizationSummaryColumns>;
  organization: { id: string; handle: string; name: string; active: boolean; logoSha256: string | null };
} {
  return {
    rest,
    organization: { id: orgId, handle: orgHandle, name: orgName, active: orgActive, logoSha256: orgLogoSha256 },
  };
}
