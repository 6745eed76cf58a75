import { z } from "zod";

import { cursor, email, limit, orgScoped, role } from "./common";

export const listMembersInput = orgScoped.extend({
  cursor,
  limit,
  search: z.string().trim().max(200).optional(),
});

export const addMemberInput = orgScoped.extend({ email, role: role.default("member") });

export const removeMemberInput = orgScoped.extend({ userId: z.string().trim().min(1).max(100) });

export const setMemberRoleInput = orgScoped.extend({ userId: z.string().trim().min(1).max(100), role });

export const leaveOrganizationInput = orgScoped;

/** balena's membership.get: by membership id, or by the unique (user, organization) pair. */
export const getMembershipInput = z.union([
  z.object({ membershipId: z.string().trim().min(1).max(100) }),
  z.object({ userId: z.string().trim().min(1).max(100), organizationId: z.string().trim().min(1).max(100) }),
]);
