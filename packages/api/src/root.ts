import { apiKeysRouter } from "./routers/api-keys";
import { analyticsRouter } from "./routers/analytics";
import { authRouter } from "./routers/auth";
import { linksRouter } from "./routers/links";
import { systemRouter } from "./routers/system";
import { createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  apiKeys: apiKeysRouter,
  analytics: analyticsRouter,
  auth: authRouter,
  links: linksRouter,
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
