import {
  answerInvitationInput,
  createInvitationInput,
  invitationTokenInput,
  listInvitationsInput,
  resendInvitationInput,
  revokeInvitationInput,
} from "../../schemas/invitations";
import {
  acceptInvitation,
  createInvitation,
  declineInvitation,
  listInvitations,
  listMyInvitations,
  previewInvitation,
  resendInvitation,
  revokeInvitation,
} from "../../services/invitations";
import { createTRPCRouter, orgProcedure, publicProcedure, userProcedure } from "../../trpc";

export const invitationsRouter = createTRPCRouter({
  create: orgProcedure("members:manage", { requireActive: true })
    .input(createInvitationInput)
    .mutation(({ ctx, input }) => createInvitation(ctx.db, ctx.config, ctx.actor, ctx.access, input)),

  resend: orgProcedure("members:manage", { requireActive: true })
    .input(resendInvitationInput)
    .mutation(({ ctx, input }) => resendInvitation(ctx.db, ctx.config, ctx.actor, ctx.access, input.id)),

  list: orgProcedure("members:manage")
    .input(listInvitationsInput)
    .query(({ ctx, input }) => listInvitations(ctx.db, ctx.access, input)),

  revoke: orgProcedure("members:manage")
    .input(revokeInvitationInput)
    .mutation(({ ctx, input }) => revokeInvitation(ctx.db, ctx.actor, ctx.access, input.id)),

  preview: publicProcedure
    .input(invitationTokenInput)
    .query(({ ctx, input }) => previewInvitation(ctx.db, ctx.config, ctx.ip, input.token)),

  mine: userProcedure.query(({ ctx }) => listMyInvitations(ctx.db, ctx.actor)),

  accept: userProcedure
    .input(answerInvitationInput)
    .mutation(({ ctx, input }) => acceptInvitation(ctx.db, ctx.config, ctx.actor, ctx.ip, input)),

  decline: userProcedure
    .input(answerInvitationInput)
    .mutation(({ ctx, input }) => declineInvitation(ctx.db, ctx.config, ctx.actor, ctx.ip, input)),
});
