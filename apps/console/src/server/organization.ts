import { TRPCError } from "@trpc/server";
import { cache } from "react";

import type { Permission } from "@tenancy/api/permissions";

import { requireSession } from "./session";
import { getQueryClient, trpc } from "./trpc";

/**
 * The organization of an /orgs/<handle> page, as the signed-in user sees it (role, permissions),
 * or null when it does not exist for them (not a member: NOT_FOUND, no existence oracle).
 * Fetched once per request and left in the query cache under its id, the key the widgets use.
 */
export const loadOrganization = cache(async (ref: string) => {
  await requireSession();
  const queryClient = getQueryClient();
  try {
    const details = await queryClient.fetchQuery(trpc.organizations.get.queryOptions({ organizationId: ref }));
    queryClient.setQueryData(trpc.organizations.get.queryKey({ organizationId: details.organization.id }), details);
    return details;
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) return null;
    throw error;
  }
});

export type OrganizationDetails = NonNullable<Awaited<ReturnType<typeof loadOrganization>>>;

export const can = (details: OrganizationDetails, permission: Permission) => details.permissions.includes(permission);
