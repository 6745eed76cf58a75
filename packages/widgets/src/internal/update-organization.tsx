"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@tenancy/api/router";

import { useTRPC } from "../provider";

/** What `organizations.get` answers: every settings section renders from it. */
export type OrganizationDetails = inferRouterOutputs<AppRouter>["organizations"]["get"];

/**
 * Keeps the cached `organizations.get` result in step with an update, without refetching under an old handle.
 * `onUpdated` runs here rather than as a per-call `mutate` callback: writing the cache re-keys (remounts) the
 * general form, and TanStack Query skips per-call callbacks of an unmounted observer.
 */
export function useUpdateOrganization(
  organizationRef: string,
  onUpdated: (
    organization: OrganizationDetails["organization"],
    changes: { handle?: string; active?: boolean | null },
  ) => void,
) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.organizations.update.mutationOptions({
      onSuccess: async ({ organization }, variables) => {
        onUpdated(organization, variables);
        queryClient.setQueryData(trpc.organizations.get.queryKey({ organizationId: organizationRef }), (old) =>
          old ? { ...old, organization } : old,
        );
        await queryClient.invalidateQueries({ queryKey: trpc.organizations.list.queryKey() });
      },
    }),
  );
}
