/**
 * The process's own `Date`, taken when this module loads. Next 16 replaces
 * the global `Date` (and `Date.now`) once its server loads, in
 * `nextApp.prepare()` (next/dist/server/node-environment-extensions/date.js),
 * with a wrapper that asks two AsyncLocalStorage stores whether a prerender is
 * running on every `new Date()`. The redirect answers before Next, outside any
 * render, so it reads the clock through the original: every module of this
 * bundle runs before main.ts calls prepare(). (`randomUUID` needs no such
 * care: Next patches `require("node:crypto")`, not the ESM binding we import.)
 */
export const PristineDate: DateConstructor = globalThis.Date;
