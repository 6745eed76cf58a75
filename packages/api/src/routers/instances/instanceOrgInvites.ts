import {
  instanceOrgInvitesGetInput,
  instanceOrgInvitesGetOutput,
  instanceOrgInvitesPostInput,
  instanceOrgInvitesPostOutput,
} from "../../schemas/instances";
import { getInstanceOrgInvites, postInstanceOrgInvite } from "../../services/instanceOrgs";
import { createTRPCRouter, instanceProcedure } from "../../trpc";

// Losant's Instance Org Invites resource (seeds/losant-instance-org-invites.md), also served at
// GET and POST /v1/instances/{instanceId}/orgs/{orgId}/invites.
export const instanceOrgInvitesRouter = createTRPCRouter({
  get: instanceProcedure("instance:view")
    .meta({
      summary: "Returns a collection of instance organization invites",
      description:
        "Pending invitations of an organization of the instance (expired ones flagged `hasExpired`), sorted by `sortField` (email, role, inviteDate) and `sortDirection`, filtered by a glob on `filterField`. Blank filters mean no filtering.",
      errors: ["organization_not_found"],
    })
    .input(instanceOrgInvitesGetInput)
    .output(instanceOrgInvitesGetOutput)
    .query(({ ctx, input }) => getInstanceOrgInvites(ctx.db, ctx.instanceAccess, input)),

  post: instanceProcedure("instance:manage")
    .meta({
      summary: "Invites a member to an instance organization",
      description:
        "The same invitation, email (through the outbox) and seat rule as `organizations.invitations.create`; the organization's log names you with your instance role.",
      errors: ["organization_not_found", "organization_inactive", "already_member", "seat_limit_reached"],
    })
    .input(instanceOrgInvitesPostInput)
    .output(instanceOrgInvitesPostOutput)
    .mutation(({ ctx, input }) => postInstanceOrgInvite(ctx.db, ctx.config, ctx.actor, ctx.instanceAccess, input)),
});
