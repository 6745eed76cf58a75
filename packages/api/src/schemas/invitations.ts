import { z } from "zod";

import { cursor, email, limit, orgScoped, role } from "./common";

export const invitationToken = z.string().trim().min(16, "That link is not valid").max(200, "That link is not valid");

export const createInvitationInput = orgScoped.extend({
  email,
  role: role.default("member"),
  message: z.string().trim().max(2000).optional(),
  expiresInDays: z.number().int().min(1).max(90).default(7),
});

export const INVITATION_SORT_FIELDS = ["email", "role", "inviteDate"] as const;
export const INVITATION_FILTER_FIELDS = ["email", "role"] as const;

export const listInvitationsInput = orgScoped.extend({
  cursor,
  limit,
  sortField: z.enum(INVITATION_SORT_FIELDS).default("inviteDate"),
  sortDirection: z.enum(["asc", "desc"]).default("desc"),
  filterField: z.enum(INVITATION_FILTER_FIELDS).optional(),
  /** Glob: `*` any run of characters, `?` one character. Blank = no filtering. */
  filter: z.string().trim().max(200).optional(),
});

export const revokeInvitationInput = orgScoped.extend({ id: z.string().trim().min(1).max(100) });
export const resendInvitationInput = revokeInvitationInput;

export const invitationTokenInput = z.object({ token: invitationToken });

/** Answer by the link's token, or (the addressee, from MyInvitations) by invitation id. */
export const answerInvitationInput = z.union([
  z.object({ token: invitationToken }),
  z.object({ invitationId: z.string().trim().min(1).max(100) }),
]);
