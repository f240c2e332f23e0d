import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { run } from "./podman";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

// compose.yaml's load balancer config, checked by haproxy itself (this suite needs haproxy anyway).
describe("deploy/haproxy/haproxy.cfg", () => {
  it("is a valid haproxy configuration", async () => {
    const { stdout, stderr } = await run("haproxy", ["-c", "-f", "deploy/haproxy/haproxy.cfg"], { cwd: repoRoot });
    expect(`${stdout}${stderr}`).toContain("Configuration file is valid");
  });
});
