import {
  acceptInvitationOutput,
  answerInvitationInput,
  createInvitationInput,
  declineInvitationOutput,
  invitationCreatedOutput,
  invitationPreviewOutput,
  invitationTokenInput,
  listInvitationsInput,
  listInvitationsOutput,
  myInvitationsOutput,
  resendInvitationInput,
  revokeInvitationInput,
  revokeInvitationOutput,
} from "../../schemas/invitations";
import { acceptInvitation, declineInvitation } from "../../services/invitationAnswers";
import {
  createInvitation,
  listInvitations,
  listMyInvitations,
  previewInvitation,
  resendInvitation,
  revokeInvitation,
} from "../../services/invitations";
import { createTRPCRouter, orgProcedure, publicProcedure, userProcedure } from "../../trpc";

const ANSWER_ERRORS = [
  "invitation_not_found",
  "invitation_used",
  "invitation_declined",
  "invitation_revoked",
  "invitation_expired",
  "email_mismatch",
  "email_unverified",
  "rate_limited",
] as const;

export const invitationsRouter = createTRPCRouter({
  create: orgProcedure("invitations:manage", { requireActive: true })
    .meta({
      summary: "Invite someone by email",
      description:
        "Emails a one-time accept link and returns its token once. Inviting the same address again revokes the previous link. A pending invitation holds a seat of the plan (402 `seat_limit_reached` when none is free).",
      errors: ["owner_required", "permission_escalation", "already_member", "seat_limit_reached"],
    })
    .input(createInvitationInput)
    .output(invitationCreatedOutput)
    .mutation(({ ctx, input }) => createInvitation(ctx.db, ctx.config, ctx.actor, ctx.access, input)),

  resend: orgProcedure("invitations:manage", { requireActive: true })
    .meta({
      summary: "Resend an invitation",
      description: "A new link (valid 7 days); the old one stops working.",
      errors: [
        "invitation_not_found",
        "invitation_used",
        "invitation_declined",
        "invitation_revoked",
        "invitation_expired",
        "owner_required",
        "permission_escalation",
        "already_member",
        "seat_limit_reached",
      ],
    })
    .input(resendInvitationInput)
    .output(invitationCreatedOutput)
    .mutation(({ ctx, input }) => resendInvitation(ctx.db, ctx.config, ctx.actor, ctx.access, input.id)),

  list: orgProcedure("invitations:manage")
    .meta({
      summary: "List pending invitations",
      description: "Sorted by `email`, `role` or `inviteDate`, filtered with a glob (`*`, `?`), keyset-paginated.",
    })
    .input(listInvitationsInput)
    .output(listInvitationsOutput)
    .query(({ ctx, input }) => listInvitations(ctx.db, ctx.access, input)),

  revoke: orgProcedure("invitations:manage")
    .meta({
      summary: "Revoke an invitation",
      description: "Revoking twice is a no-op.",
      errors: ["invitation_not_found", "invitation_used", "invitation_declined", "invitation_expired"],
    })
    .input(revokeInvitationInput)
    .output(revokeInvitationOutput)
    .mutation(({ ctx, input }) => revokeInvitation(ctx.db, ctx.actor, ctx.access, input.id)),

  preview: publicProcedure
    .meta({
      summary: "Preview an invitation by its token",
      description: "What the accept page shows. Knowing the token is the credential.",
      errors: ["invitation_not_found", "rate_limited"],
    })
    .input(invitationTokenInput)
    .output(invitationPreviewOutput)
    .query(({ ctx, input }) => previewInvitation(ctx.db, ctx.config, ctx.ip, input.token)),

  mine: userProcedure
    .meta({
      summary: "Your pending invitations",
      description: "Addressed to your email, not expired. Needs a verified email.",
      errors: ["email_unverified"],
    })
    .output(myInvitationsOutput)
    .query(({ ctx }) => listMyInvitations(ctx.db, ctx.actor)),

  accept: userProcedure
    .meta({
      summary: "Accept an invitation",
      description:
        "By the link's token (which also verifies your email), or by id for the addressee with a verified email. Your email must match the invitation. You become a member, in the seat the invitation held (refused with 402 `seat_limit_reached` only if the plan's seats are all taken by members, e.g. after a downgrade).",
      errors: [...ANSWER_ERRORS, "organization_inactive", "seat_limit_reached"],
    })
    .input(answerInvitationInput)
    .output(acceptInvitationOutput)
    .mutation(({ ctx, input }) => acceptInvitation(ctx.db, ctx.config, ctx.actor, ctx.ip, input)),

  decline: userProcedure
    .meta({ summary: "Decline an invitation", errors: ANSWER_ERRORS })
    .input(answerInvitationInput)
    .output(declineInvitationOutput)
    .mutation(({ ctx, input }) => declineInvitation(ctx.db, ctx.config, ctx.actor, ctx.ip, input)),
});
