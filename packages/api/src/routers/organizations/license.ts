import { LICENSING_PERMISSIONS } from "../../domain/licensing";
import {
  assignLicenseInput,
  getOrganizationLicenseInput,
  organizationLicenseOutput,
  unassignLicenseInput,
} from "../../schemas/licensing";
import { assignLicense, getOrganizationLicense, unassignLicense } from "../../services/organizationLicense";
import { createTRPCRouter, orgProcedure } from "../../trpc";

// The organization's license (the seed's GET/PUT/DELETE /organizations/{org_id}/license).
export const licenseRouter = createTRPCRouter({
  get: orgProcedure(LICENSING_PERMISSIONS.view, { operators: true })
    .meta({
      summary: "Get the organization's license",
      description:
        "The plan in force (the license's while it is active; the free plan with no license, or an expired, revoked or not yet valid one), its limits, seats used (members and pending invitations) and active deployments. The key is shown to owners.",
    })
    .input(getOrganizationLicenseInput)
    .output(organizationLicenseOutput)
    .query(({ ctx }) => getOrganizationLicense(ctx.db, ctx.config, ctx.access)),

  assign: orgProcedure(LICENSING_PERMISSIONS.manageLicense, { operators: true })
    .meta({
      summary: "Assign a license",
      description:
        "Replaces the organization's current license. `licenseId`: platform operators. `licenseKey`: an owner redeems a key (possessing the signed key is the proof). A license on another organization is refused.",
      errors: [
        "operator_required",
        "license_key_invalid",
        "license_not_found",
        "license_revoked",
        "license_expired",
        "license_in_use",
      ],
    })
    .input(assignLicenseInput)
    .output(organizationLicenseOutput)
    .mutation(({ ctx, input }) =>
      assignLicense(ctx.db, ctx.config, ctx.actor, ctx.access, {
        licenseId: input.licenseId,
        licenseKey: input.licenseKey,
      }),
    ),

  unassign: orgProcedure(LICENSING_PERMISSIONS.manageLicense, { operators: true })
    .meta({
      summary: "Unassign the license",
      description:
        "Back to the free plan. Existing members stay; new seats and deployments follow the free limits. Idempotent.",
    })
    .input(unassignLicenseInput)
    .output(organizationLicenseOutput)
    .mutation(({ ctx }) => unassignLicense(ctx.db, ctx.config, ctx.actor, ctx.access)),
});
