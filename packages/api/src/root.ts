import { analyticsRouter } from "./routers/analytics";
import { apiKeysRouter } from "./routers/api-keys";
import { authRouter } from "./routers/auth";
import { importsRouter } from "./routers/imports";
import { linksRouter } from "./routers/links";
import { exportsRouter } from "./routers/exports";
import { systemRouter } from "./routers/system";
import { webhooksRouter } from "./routers/webhooks";
import { tagsRouter } from "./routers/tags";
import { createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  analytics: analyticsRouter,
  apiKeys: apiKeysRouter,
  auth: authRouter,
  imports: importsRouter,
  links: linksRouter,
  system: systemRouter,
  exports: exportsRouter,
  webhooks: webhooksRouter,
  tags: tagsRouter,
});

export type AppRouter = typeof appRouter;
