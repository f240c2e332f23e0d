import { useSyncExternalStore } from "react";

const subscribe = () => () => undefined;

/**
 * False in the server's HTML and during hydration, true once React runs the
 * page in the browser. A form that carries a secret keeps its submit button
 * disabled until then: submitted before its script has loaded (slow network,
 * script blocked), the browser would send it itself, without our handler.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
