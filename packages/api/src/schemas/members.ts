import { z } from "zod";

import {
  cursor,
  email,
  id,
  limit,
  nextCursor,
  okOutput,
  orgScoped,
  role,
  roleInput,
  roleName,
  timestamp,
} from "./common";

export const userId = z.string().trim().min(1).max(100);

export const listMembersInput = orgScoped.extend({
  cursor,
  limit,
  search: z.string().trim().max(200).optional().describe("Matches names and emails, case-insensitively."),
});

export const addMemberInput = orgScoped.extend({ email, role: roleInput.default("member") });

export const removeMemberInput = orgScoped.extend({ userId });

export const setMemberRoleInput = orgScoped.extend({ userId, role: roleInput });

export const leaveOrganizationInput = orgScoped;

/** balena's membership.get: by membership id, or by the unique (user, organization) pair. */
export const getMembershipInput = z.union([
  z.object({ membershipId: z.string().trim().min(1).max(100) }),
  z.object({ userId, organizationId: z.string().trim().min(1).max(100) }),
]);

export const member = z.object({
  membershipId: id,
  userId: id,
  name: z.string(),
  email: z.string(),
  image: z.string().nullable(),
  role,
  joinedAt: timestamp,
});

export const listMembersOutput = z.object({
  members: z.array(member),
  nextCursor,
  totalCount: z.number().int().describe("Members matching the search, over all pages."),
});

export const memberOutput = z.object({ member });
export const setMemberRoleOutput = okOutput.extend({ member });

export const membership = z.object({
  id,
  userId: id,
  role,
  createdAt: timestamp,
  organization: z.object({
    id,
    handle: z.string(),
    name: z.string(),
    active: z.boolean(),
    logoUrl: z.string().nullable().describe("Path of the logo on this server; null: show initials."),
  }),
});

export const membershipOutput = z.object({ membership });
export const listMembershipsOutput = z.object({
  memberships: z.array(
    membership.extend({
      roleName,
      isLastOwner: z
        .boolean()
        .describe("You are its only owner: you cannot leave (last_owner) until you make another."),
    }),
  ),
});

export type MemberDto = z.output<typeof member>;
export type MembershipDto = z.output<typeof membership>;
