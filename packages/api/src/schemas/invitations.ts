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

export const invitationToken = z.string().trim().min(16, "That link is not valid").max(200, "That link is not valid");

export const createInvitationInput = orgScoped.extend({
  email,
  role: roleInput.default("member"),
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

export const INVITATION_STATUSES = ["pending", "accepted", "declined", "revoked", "expired"] as const;

const organizationSummary = z.object({ id, handle: z.string(), name: z.string() });
const organizationWithLogo = organizationSummary.extend({
  logoUrl: z.string().nullable().describe("Path of the logo on this server; null: show initials."),
});

export const invitation = z.object({
  id,
  organizationId: id,
  email: z.string(),
  role,
  message: z.string().nullable(),
  status: z.enum(INVITATION_STATUSES),
  expiresAt: timestamp,
  createdAt: timestamp,
  invitedBy: z
    .object({ id, name: z.string(), email: z.string() })
    .nullable()
    .describe("null when an API token sent it."),
});

export const invitationCreatedOutput = z.object({
  invitation,
  token: z.string().describe("The one-time accept token: shown once, stored only as its SHA-256."),
  acceptUrl: z.string().describe("The invite link that was emailed, for sharing another way."),
});

export const listInvitationsOutput = z.object({ invitations: z.array(invitation), nextCursor });

export const invitationPreviewOutput = z.object({
  invitation: z.object({
    id,
    organization: organizationWithLogo,
    invitedBy: z.object({ name: z.string(), email: z.string() }).nullable(),
    email: z.string(),
    role,
    roleName,
    message: z.string().nullable(),
    status: z.enum(INVITATION_STATUSES),
    expiresAt: timestamp,
    hasAccount: z
      .boolean()
      .describe(
        "Whether someone has signed up with the invited email (false unless pending), so the page can lead with sign-in or sign-up.",
      ),
  }),
});

export const myInvitationsOutput = z.object({
  invitations: z.array(invitation.extend({ roleName, organization: organizationWithLogo })),
});

export const acceptInvitationOutput = z.object({
  organizationId: id,
  organization: organizationSummary.describe("The organization joined."),
  role: role.describe("Your role now (your current one if you were already a member)."),
  roleName,
  alreadyMember: z.boolean(),
});

export const declineInvitationOutput = okOutput;
export const revokeInvitationOutput = okOutput;

export type InvitationStatus = (typeof INVITATION_STATUSES)[number];
export type InvitationDto = z.output<typeof invitation>;
export type InvitationCreated = z.output<typeof invitationCreatedOutput>;
export type InvitationPreviewDto = z.output<typeof invitationPreviewOutput>["invitation"];
export type AcceptedInvitation = z.output<typeof acceptInvitationOutput>;
