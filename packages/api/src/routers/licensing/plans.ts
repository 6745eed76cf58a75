import { createPlanInput, listPlansInput, listPlansOutput, planOutput, updatePlanInput } from "../../schemas/licensing";
import { createPlan, listPlans, updatePlan } from "../../services/plans";
import { authedProcedure, createTRPCRouter, operatorProcedure } from "../../trpc";

export const plansRouter = createTRPCRouter({
  list: authedProcedure
    .meta({
      summary: "List plans",
      description: "The catalogue: the built-in free plan (limits from the server's configuration) first.",
    })
    .input(listPlansInput)
    .output(listPlansOutput)
    .query(({ ctx, input }) => listPlans(ctx.db, ctx.config, input ?? {})),

  create: operatorProcedure
    .meta({ summary: "Create a plan", errors: ["plan_key_taken"] })
    .input(createPlanInput)
    .output(planOutput)
    .mutation(({ ctx, input }) => createPlan(ctx.db, ctx.actor, input)),

  update: operatorProcedure
    .meta({
      summary: "Update a plan",
      description:
        "Only the fields present change. Applies to licenses issued afterwards: an issued license keeps the terms signed into its key. `archived: true` stops offering it.",
      errors: ["plan_not_found"],
    })
    .input(updatePlanInput)
    .output(planOutput)
    .mutation(({ ctx, input }) => updatePlan(ctx.db, ctx.actor, input)),
});
