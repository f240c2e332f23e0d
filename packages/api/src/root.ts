import { analyticsRouter } from "./routers/analytics";
import { authRouter } from "./routers/auth";
import { linksRouter } from "./routers/links";
import { exportsRouter } from "./routers/exports";
import { systemRouter } from "./routers/system";
import { webhooksRouter } from "./routers/webhooks";
import { createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  analytics: analyticsRouter,
  auth: authRouter,
  links: linksRouter,
  system: systemRouter,
  exports: exportsRouter,
  webhooks: webhooksRouter,
});

export type AppRouter = typeof appRouter;
