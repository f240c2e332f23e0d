/**
 * Most calls one tRPC HTTP request may batch: the server answers a larger
 * batch with 400 and Hop's clients split theirs at this size. Each call can
 * cost a query, so one request's cost stays bounded.
 */
export const maxBatchSize = 16;
