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
    .meta({ summary: "List verified and pending domains", description: "Each with the TXT record that proves it." })
    .input(listDomainsInput)
    .output(listDomainsOutput)
    .query(({ ctx }) => listDomains(ctx.db, ctx.config, ctx.access)),

  add: orgProcedure("domains:manage", { requireActive: true })
    .meta({
      summary: "Claim an email domain",
      description:
        "Normalized (lower case, IDNA). Nothing happens until it is verified with the returned TXT record. At most 20 per organization.",
      errors: ["domain_invalid", "domain_already_added", "domain_limit_reached"],
    })
    .input(addDomainInput)
    .output(domainResultOutput)
    .mutation(({ ctx, input }) => addDomain(ctx.db, ctx.config, ctx.actor, ctx.access, input)),

  verify: orgProcedure("domains:manage", { requireActive: true })
    .meta({
      summary: "Check the domain's TXT record",
      description:
        "Verified when `_tenancy-verification.<domain>` has the claim's value. A failed check is an answer (`lastCheckError`), not an error.",
      errors: ["domain_not_found", "domain_taken"],
    })
    .input(verifyDomainInput)
    .output(domainResultOutput)
    .mutation(({ ctx, input }) => verifyDomain(ctx.db, ctx.config, ctx.actor, ctx.access, input.id)),

  update: orgProcedure("domains:manage", { requireActive: true })
    .meta({
      summary: "Choose what happens to people with a verified address in the domain",
      description: "`none`, `suggest` (shown on /welcome) or `auto_join`, joining as `joinRole` (never owner).",
      errors: ["domain_not_found", "domain_not_verified"],
    })
    .input(updateDomainInput)
    .output(domainResultOutput)
    .mutation(({ ctx, input }) => updateDomainPolicy(ctx.db, ctx.config, ctx.actor, ctx.access, input)),

  remove: orgProcedure("domains:manage")
    .meta({
      summary: "Remove a domain",
      description: "Nobody joins through it any more; existing members stay.",
      errors: ["domain_not_found"],
    })
    .input(removeDomainInput)
    .output(removeDomainOutput)
    .mutation(({ ctx, input }) => removeDomain(ctx.db, ctx.actor, ctx.access, input.id)),

  /** For the signed-in user: organizations their verified email domain lets them join. */
  suggested: userProcedure
    .output(suggestedOrganizationsOutput)
    .query(({ ctx }) => suggestedOrganizations(ctx.db, ctx.actor)),

  join: userProcedure
    .meta({
      summary: "Join an organization through your verified email domain",
      errors: ["email_unverified", "organization_not_found", "organization_inactive"],
    })
    .input(joinByDomainInput)
    .output(joinByDomainOutput)
    .mutation(({ ctx, input }) => joinByDomain(ctx.db, ctx.actor, input.organizationId)),
});
