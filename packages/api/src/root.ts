import { authRouter } from "./routers/auth";
import { systemRouter } from "./routers/system";
import { createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
