import type { ApiKeyScope } from "@hop/validators";
import type { Cluster } from "../support/cluster";
import { createCookieClient } from "../support/http-session";

/** An account signed in on the cluster's first web, making and revoking its API keys as the account page does. */
export function keyOwner(cluster: Cluster, email: string) {
  const client = createCookieClient(() => cluster.signIn(email));
  const api = () => client.api(cluster.webs[0]!.url!);
  return {
    create: (scopes: ApiKeyScope[], name = `compat ${scopes.join(" ")}`) => api().apiKeys.create.mutate({ name, scopes }),
    revoke: (id: string) => api().apiKeys.revoke.mutate({ id }),
  };
}

export const allScopes: ApiKeyScope[] = ["links:read", "links:write", "analytics:read"];
