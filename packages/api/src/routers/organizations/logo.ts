import { logoOutput, removeLogoInput, removeLogoOutput, setLogoInput } from "../../schemas/organizations";
import { removeOrganizationLogo, setOrganizationLogo } from "../../services/logos";
import { createTRPCRouter, orgProcedure } from "../../trpc";

export const logoRouter = createTRPCRouter({
  set: orgProcedure("org:manage", { requireActive: true })
    .meta({
      summary: "Set the organization's logo",
      description:
        "Base64 or a data URL. The bytes decide: PNG, JPEG, GIF or WebP, at most 256 KB and 16–2048 px a side; a declared type that disagrees is refused. Served at the returned `url`.",
      errors: ["image_invalid", "image_too_large"],
    })
    .input(setLogoInput)
    .output(logoOutput)
    .mutation(({ ctx, input }) => setOrganizationLogo(ctx.db, ctx.actor, ctx.access, input)),

  remove: orgProcedure("org:manage", { requireActive: true })
    .meta({ summary: "Remove the organization's logo", description: "Initials show again. Idempotent." })
    .input(removeLogoInput)
    .output(removeLogoOutput)
    .mutation(({ ctx }) => removeOrganizationLogo(ctx.db, ctx.actor, ctx.access)),
});
