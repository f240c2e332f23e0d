import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";

/**
 * The deployment files (issue 15) checked without a cluster (no kubectl here):
 * every manifest parses, and the invariants that keep the rules of the
 * processes true under Kubernetes, Compose and haproxy hold.
 */
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const k8sDir = join(repoRoot, "deploy/kubernetes");
const read = (path: string) => readFileSync(join(repoRoot, path), "utf8");

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // The shapes differ per kind; each check below reads the fields it needs.
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: Array<{ name: string; containerPort: number }>;
  env?: Array<{ name: string; value: string }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  readinessProbe?: { httpGet: { path: string; port: string } };
  livenessProbe?: { httpGet: { path: string; port: string } };
  lifecycle?: { preStop?: { exec: { command: string[] } } };
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  restartPolicy?: string;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
}
interface Workload {
  selector?: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? yamlFiles(join(dir, entry.name)) : entry.name.endsWith(".yaml") ? [join(dir, entry.name)] : [],
  );
}

const files = yamlFiles(k8sDir);
const manifests: Array<Manifest & { file: string }> = files
  .filter((file) => !file.endsWith("kustomization.yaml"))
  .flatMap((file) =>
    parseAllDocuments(readFileSync(file, "utf8")).map((document) => {
      if (document.errors.length > 0) throw new Error(`${relative(repoRoot, file)}: ${document.errors.map((error) => error.message).join("; ")}`);
      return { ...(document.toJS() as Manifest), file: relative(k8sDir, file) };
    }),
  );
const byKind = (kind: string) => manifests.filter((manifest) => manifest.kind === kind);
const named = (kind: string, name: string) => {
  const found = byKind(kind).find((manifest) => manifest.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/kubernetes`);
  return found;
};
const workload = (manifest: Manifest) => manifest.spec as unknown as Workload;
const jobPod = (manifest: Manifest) => (manifest.spec as unknown as { template: { spec: PodSpec } }).template.spec;

const configMap = named("ConfigMap", "hop-config");
const secret = named("Secret", "hop-secrets");
const web = named("Deployment", "hop-web");
const worker = named("Deployment", "hop-worker");
const release = named("Job", "hop-release");
const webContainer = workload(web).template.spec.containers[0]!;

/** Every variable a part of .env.example names, set or commented out. */
const variablesIn = (text: string) => new Set([...text.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]!));
const [processesPart = "", composePart = ""] = read(".env.example").split(/^# --- compose\.yaml only.*$/m);
/** What Hop's processes read (the part above "compose.yaml only"). */
const documentedVariables = variablesIn(processesPart);

describe("Kubernetes manifests", () => {
  it("every file parses to manifests with apiVersion, kind and name, and both kustomizations list exactly the files beside them", () => {
    expect(manifests.length).toBeGreaterThanOrEqual(11);
    for (const manifest of manifests) {
      expect(manifest.apiVersion, manifest.file).toBeTruthy();
      expect(manifest.kind, manifest.file).toBeTruthy();
      expect(manifest.metadata?.name, manifest.file).toMatch(/^hop-[a-z-]+$/);
    }
    for (const dir of [k8sDir, join(k8sDir, "release")]) {
      const kustomization = parse(readFileSync(join(dir, "kustomization.yaml"), "utf8")) as { resources: string[] };
      const beside = readdirSync(dir).filter((name) => name.endsWith(".yaml") && name !== "kustomization.yaml");
      expect([...kustomization.resources].sort()).toEqual(beside.sort());
    }
  });

  it("web: readiness on /api/ready, liveness on /api/health, on the container's port", () => {
    expect(webContainer.readinessProbe?.httpGet).toEqual({ path: "/api/ready", port: "http" });
    expect(webContainer.livenessProbe?.httpGet).toEqual({ path: "/api/health", port: "http" });
    const port = webContainer.ports?.find((candidate) => candidate.name === "http")?.containerPort;
    expect(String(port)).toBe(webContainer.env?.find((variable) => variable.name === "PORT")?.value);
  });

  it("grace periods outlast SHUTDOWN_TIMEOUT_MS (plus the web's preStop pause), so SIGKILL never cuts a graceful stop short", () => {
    const shutdownMs = Number(configMap.data?.SHUTDOWN_TIMEOUT_MS);
    expect(shutdownMs).toBeGreaterThan(0);
    const preStop = webContainer.lifecycle?.preStop?.exec.command ?? [];
    expect(preStop[0]).toBe("sleep");
    const pauseMs = Number(preStop[1]) * 1_000;
    expect(pauseMs).toBeGreaterThanOrEqual(3_000);
    expect(workload(web).template.spec.terminationGracePeriodSeconds! * 1_000).toBeGreaterThan(pauseMs + shutdownMs);
    expect(workload(worker).template.spec.terminationGracePeriodSeconds! * 1_000).toBeGreaterThan(shutdownMs);
  });

  it("one image everywhere: web, worker and the release Job run the same image, and both kustomizations set it alike", () => {
    const images = [web, worker].map((deployment) => workload(deployment).template.spec.containers[0]!.image);
    images.push(jobPod(release).containers[0]!.image);
    expect(new Set(images)).toEqual(new Set(["hop"]));
    const overrides = ["kustomization.yaml", "release/kustomization.yaml"].map(
      (file) => (parse(readFileSync(join(k8sDir, file), "utf8")) as { images: unknown[] }).images,
    );
    expect(overrides[1]).toEqual(overrides[0]);
  });

  it("each workload runs its process by the image's command, as a non-root user", () => {
    expect(webContainer.args).toEqual(["web"]);
    expect(workload(worker).template.spec.containers[0]!.args).toEqual(["worker"]);
    expect(jobPod(release).containers[0]!.args).toEqual(["release"]);
    expect(jobPod(release).restartPolicy).toBe("Never");
    for (const pod of [workload(web).template.spec, workload(worker).template.spec, jobPod(release)]) {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(pod.containers[0]!.envFrom).toEqual([{ configMapRef: { name: "hop-config" } }, { secretRef: { name: "hop-secrets" } }]);
    }
  });

  it("Service, Ingress, HPAs and PodDisruptionBudgets point at what exists", () => {
    const webLabels = workload(web).template.metadata.labels;
    expect(workload(web).selector?.matchLabels).toEqual(webLabels);
    const service = named("Service", "hop-web");
    expect(service.spec?.selector).toEqual(webLabels);
    const servicePorts = service.spec?.ports as Array<{ name: string; targetPort: string }>;
    expect(servicePorts.map((port) => port.targetPort)).toEqual(["http"]);
    const ingressRules = named("Ingress", "hop-web").spec?.rules as Array<{
      http: { paths: Array<{ backend: { service: { name: string; port: { name: string } } } }> };
    }>;
    expect(ingressRules[0]!.http.paths[0]!.backend.service).toEqual({ name: "hop-web", port: { name: servicePorts[0]!.name } });
    for (const deployment of [web, worker]) {
      const hpa = named("HorizontalPodAutoscaler", deployment.metadata.name);
      expect(hpa.spec?.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name });
      expect(JSON.stringify(hpa.spec?.metrics)).toContain('"name":"cpu"');
      const pdb = named("PodDisruptionBudget", deployment.metadata.name);
      expect((pdb.spec as { selector: { matchLabels: unknown } }).selector.matchLabels).toEqual(workload(deployment).template.metadata.labels);
    }
  });

  it("the ConfigMap and Secret hold exactly .env.example's variables (PORT per container), secrets only in the Secret", () => {
    const inConfig = Object.keys(configMap.data ?? {});
    const inSecret = Object.keys(secret.stringData ?? {});
    const covered = new Set([...inConfig, ...inSecret, "PORT"]);
    expect([...documentedVariables].filter((name) => !covered.has(name))).toEqual([]);
    expect([...covered].filter((name) => !documentedVariables.has(name))).toEqual([]);
    expect(inConfig.filter((name) => inSecret.includes(name))).toEqual([]);
    const secretLike = /SECRET|TOKEN|PASSWORD|DATABASE_URL|^REDIS_URL$|SMTP_URL/;
    expect(inConfig.filter((name) => secretLike.test(name))).toEqual([]);
    // Placeholders, never real values.
    for (const [name, value] of Object.entries(secret.stringData ?? {})) if (value) expect(value, name).toContain("change-me");
  });
});

describe("compose.yaml, haproxy and the Procfile", () => {
  interface Service {
    command?: string[];
    depends_on?: Record<string, { condition: string }> | string[];
    volumes?: string[];
    image?: string;
    build?: string;
  }
  const compose = parse(read("compose.yaml"), { merge: true }) as { services: Record<string, Service> };

  // Compose's own substitution syntax, not a template string.
  const composeImage = ["${", "HOP_IMAGE:-hop:latest}"].join("");

  it("web and workers start only after the release completed; every Hop service is the one image, by its command", () => {
    for (const name of ["web", "worker"]) {
      expect(compose.services[name]?.depends_on).toMatchObject({ release: { condition: "service_completed_successfully" } });
    }
    for (const name of ["release", "web", "worker", "redis-http"]) {
      expect(compose.services[name]?.command, name).toEqual([name]);
      expect(compose.services[name]?.image, name).toBe(composeImage);
    }
  });

  it("every variable compose.yaml substitutes is documented in .env.example's compose part", () => {
    const substituted = new Set([...read("compose.yaml").matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((match) => match[1]!));
    expect(substituted.size).toBeGreaterThan(0);
    expect([...substituted].filter((name) => !variablesIn(composePart).has(name))).toEqual([]);
  });

  it("haproxy gets deploy/haproxy/haproxy.cfg, which health-checks /api/ready and reaches the web service", () => {
    expect(compose.services.haproxy?.volumes).toContain("./deploy/haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro");
    const config = read("deploy/haproxy/haproxy.cfg");
    expect(config).toMatch(/^\s*option httpchk GET \/api\/ready$/m);
    expect(config).toMatch(/^\s*server-template web- \d+ web:3000 check$/m);
    // No stickiness: any instance answers any request.
    expect(config).not.toMatch(/^\s*(stick|cookie|balance source)/m);
  });

  it("the Procfile and the image's entrypoint start the same bundles", () => {
    const entrypoint = read("deploy/docker/entrypoint.sh");
    for (const line of read("Procfile").trim().split("\n")) {
      const [name, command] = line.split(": ");
      expect(entrypoint, name).toContain(`${name}) exec ${command?.replace("node apps/", "node /app/apps/")} "$@" ;;`);
    }
    expect(read("Dockerfile")).toMatch(/^USER node$/m);
  });
});
