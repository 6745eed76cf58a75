import {
  addDomainInput,
  domainResultOutput,
  joinByDomainInput,
  joinByDomainOutput,
  listDomainsInput,
  listDomainsOutput,
  removeDomainInput,
  removeDomainOutput,
  suggestedOrganizationsOutput,
  updateDomainInput,
  verifyDomainInput,
} from "../../schemas/domains";
import {
  addDomain,
  joinByDomain,
  listDomains,
  removeDomain,
  suggestedOrganizations,
  updateDomainPolicy,
  verifyDomain,
} from "../../services/domains";
import { createTRPCRouter, orgProcedure, userProcedure } from "../../trpc";

// Verified domains: owners prove a domain by DNS, then choose what happens to people with addresses in it.
export const domainsRouter = createTRPCRouter({
  list: orgProcedure("domains:manage")
    .input(listDomainsInput)
    .output(listDomainsOutput)
    .query(({ ctx }) => listDomains(ctx.db, ctx.config, ctx.access)),

  add: orgProcedure("domains:manage", { requireActive: true })
    .input(addDomainInput)
    .output(domainResultOutput)
    .mutation(({ ctx, input }) => addDomain(ctx.db, ctx.config, ctx.actor, ctx.access, input)),

  verify: orgProcedure("domains:manage", { requireActive: true })
    .input(verifyDomainInput)
    .output(domainResultOutput)
    .mutation(({ ctx, input }) => verifyDomain(ctx.db, ctx.config, ctx.actor, ctx.access, input.id)),

  update: orgProcedure("domains:manage", { requireActive: true })
    .input(updateDomainInput)
    .output(domainResultOutput)
    .mutation(({ ctx, input }) => updateDomainPolicy(ctx.db, ctx.config, ctx.actor, ctx.access, input)),

  remove: orgProcedure("domains:manage")
    .input(removeDomainInput)
    .output(removeDomainOutput)
    .mutation(({ ctx, input }) => removeDomain(ctx.db, ctx.actor, ctx.access, input.id)),

  /** For the signed-in user: organizations their verified email domain lets them join. */
  suggested: userProcedure
    .output(suggestedOrganizationsOutput)
    .query(({ ctx }) => suggestedOrganizations(ctx.db, ctx.actor)),

  join: userProcedure
    .input(joinByDomainInput)
    .output(joinByDomainOutput)
    .mutation(({ ctx, input }) => joinByDomain(ctx.db, ctx.actor, input.organizationId)),
});
