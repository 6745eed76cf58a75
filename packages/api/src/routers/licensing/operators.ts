import { z } from "zod";

import { isPlatformOperator } from "../../services/operators";
import { createTRPCRouter, userProcedure } from "../../trpc";

export const operatorsRouter = createTRPCRouter({
  me: userProcedure
    .meta({ summary: "Are you a platform operator?", description: "For showing or hiding the operators' pages." })
    .output(z.object({ operator: z.boolean() }))
    .query(async ({ ctx }) => ({ operator: await isPlatformOperator(ctx.db, ctx.config, ctx.actor) })),
});
