import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { startLoadBalancer } from "../support/haproxy";
const ports = [41001, 41002, 41003];
const procs = ports.map((p) => spawn("node", ["/tmp/chaos-exp/srv.mjs", String(p)], { stdio: "inherit" }));
await new Promise((r) => setTimeout(r, 500));
const lb = await startLoadBalancer(ports.map((port, i) => ({ name: `s${i}`, port })));
const t0 = Date.now();
const until = t0 + 6000;
const fails: string[] = [];
let ok = 0;
setTimeout(() => { procs[0]!.kill("SIGKILL"); console.log("killed at", Date.now() - t0); }, 2000);
await Promise.all(Array.from({ length: 12 }, async () => {
  while (Date.now() < until) {
    const s = Date.now();
    try { const r = await fetch(`${lb.url}/abc`, { redirect: "manual" }); await r.arrayBuffer(); if (r.status === 302) ok++; else fails.push(`${s - t0} ${r.status}`); }
    catch (e) { fails.push(`${s - t0}..${Date.now() - t0} ${(e as Error).message} ${((e as Error).cause as Error)?.message}`); }
  }
}));
console.log({ ok, fails });
writeFileSync("/tmp/chaos-exp/haproxy.log", lb.logs.join("\n"));
await lb.stop();
for (const p of procs) p.kill();
