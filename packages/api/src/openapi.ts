import { generateOpenApiDocument } from "trpc-to-openapi";
import { appRouter } from "./root";

/**
 * The OpenAPI 3.1 document of the REST API at /api/v1, generated from the
 * procedures that carry `meta.openapi` and from their zod input and output
 * schemas: the REST API and its reference have no hand-written twin.
 */
export function apiDocument(baseUrl: string) {
  return generateOpenApiDocument(appRouter, {
    title: "Hop API",
    version: "1.0.0",
    description:
      "Hop's REST API: the same procedures as its tRPC API. Authenticate with `Authorization: Bearer hop_...` (create keys on the account page). " +
      "Each operation needs one scope (links:read, links:write, analytics:read). Every answer carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset; " +
      "over the limit the answer is 429 with Retry-After. Errors are JSON: { message, code, issues? } with the HTTP status of the code.",
    openApiVersion: "3.1.0",
    baseUrl,
    securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "An API key: hop_ followed by 43 characters" } },
  });
}
