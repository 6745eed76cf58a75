import {
  createLicenseInput,
  getLicenseOutput,
  licenseIdInput,
  licenseWithKeyOutput,
  listLicensesInput,
  listLicensesOutput,
  publicKeyOutput,
  revokeLicenseOutput,
} from "../../schemas/licensing";
import { createLicense, getLicense, listLicenses, revokeLicense } from "../../services/licenses";
import { publicKeyDto } from "../../services/licenseKeys";
import { createTRPCRouter, operatorProcedure, publicProcedure } from "../../trpc";

// Issuing licenses: platform operators. The public key: anyone (deployments verify keys with it).
export const licensesRouter = createTRPCRouter({
  create: operatorProcedure
    .meta({
      summary: "Issue a license",
      description:
        "For a plan, with optional overrides of its limits, a validity window and a customer. Returns the signed license key (not a password: it is shown again by licenses.get; never logged).",
      errors: ["plan_not_found", "plan_archived"],
    })
    .input(createLicenseInput)
    .output(licenseWithKeyOutput)
    .mutation(({ ctx, input }) => createLicense(ctx.db, ctx.config, ctx.actor, input)),

  list: operatorProcedure
    .meta({
      summary: "List licenses",
      description: "Newest first, with the organization holding each and its key; filter by status or customer.",
    })
    .input(listLicensesInput)
    .output(listLicensesOutput)
    .query(({ ctx, input }) => listLicenses(ctx.db, ctx.config, input ?? {})),

  get: operatorProcedure
    .meta({
      summary: "Get a license",
      description: "With its key, its deployments and its trail (issued, assigned, unassigned, revoked).",
      errors: ["license_not_found"],
    })
    .input(licenseIdInput)
    .output(getLicenseOutput)
    .query(({ ctx, input }) => getLicense(ctx.db, ctx.config, input.id)),

  revoke: operatorProcedure
    .meta({
      summary: "Revoke a license",
      description:
        "At once: its organization falls back to the free plan and the key is refused for redemption and activation. Idempotent.",
      errors: ["license_not_found"],
    })
    .input(licenseIdInput)
    .output(revokeLicenseOutput)
    .mutation(({ ctx, input }) => revokeLicense(ctx.db, ctx.config, ctx.actor, input.id)),

  publicKey: publicProcedure
    .meta({
      summary: "The license signing public key",
      description:
        "Ed25519, as PEM and JWK, with its key id (and earlier keys still accepted). Deployments verify license keys offline with it (`@tenancy/license`). Also at `GET /v1/license/public-key`.",
    })
    .output(publicKeyOutput)
    .query(({ ctx }) => publicKeyDto(ctx.config)),
});
