import { organizationsRouter } from "./routers/organizations/router";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  organizations: organizationsRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side caller (tests, server components, the /v1 HTTP adapter). */
export const createCaller = createCallerFactory(appRouter);
