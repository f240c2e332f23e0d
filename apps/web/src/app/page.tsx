import { ArrowRight, ChartColumn, CircleCheck, Copy, Database, FileDown, Layers, Link2, QrCode, Server, Zap } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { Logo } from "~/components/logo";
import { HeaderAccountLinks } from "./_components/header-account-links";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { cn } from "~/lib/utils";

const features: { icon: ReactNode; title: string; body: string }[] = [
  {
    icon: <Link2 />,
    title: "Short links, your way",
    body: "Custom slugs, expiry dates, passwords, UTM parameters and tags. Redirects answer 302, so every click is counted and every edit takes effect at once.",
  },
  {
    icon: <ChartColumn />,
    title: "Click analytics you can trust",
    body: "Where clicks come from, on what, through which referrer and campaign, and QR scans apart: click any row to filter the whole page, and watch new clicks arrive live. Bots are flagged and left out by default; unique visitors come from a salted hash that rotates daily, never a stored IP.",
  },
  {
    icon: <QrCode />,
    title: "QR codes",
    body: "Every short link has a QR code, ready to download for print, slides and packaging. Scans count like any other click.",
  },
  {
    icon: <Database />,
    title: "Only PostgreSQL and Redis",
    body: "Self-hosting needs two services you already know. No cloud account, no vendor, no data leaving your servers.",
  },
  {
    icon: <Layers />,
    title: "Any number of instances",
    body: "Web and worker processes are stateless and interchangeable: run one of each on a laptop or fifty behind a load balancer, and stop any of them at any time.",
  },
  {
    icon: <FileDown />,
    title: "Your numbers, to take along",
    body: "Export every analytics card as CSV in one ZIP, or every raw click of a period, with your filters applied. A view of the analytics is a plain address you can share.",
  },
];

const guarantees = [
  "Any request may reach any instance: no sticky sessions",
  "A crash or a deploy loses nothing: queued clicks and jobs are picked up elsewhere",
  "Redirects keep working when Redis is down",
  "Configuration from the environment; health and readiness endpoints",
];

/** Illustrative clicks per day for the hero's product preview. */
const previewClicks = [32, 41, 38, 56, 49, 62, 58, 71, 66, 84, 79, 92, 88, 100];

export default function LandingPage() {
  return (
    <div className="flex min-h-dvh flex-col">
      <SiteHeader />
      <main id="main" tabIndex={-1} className="flex-1 outline-none">
        <Hero />
        <Features />
        <SelfHosting />
        <ClosingCall />
      </main>
      <SiteFooter />
    </div>
  );
}

function SiteHeader() {
  return (
    <header className="sticky top-0 z-40 border-b border-border/60 bg-background/80 backdrop-blur-md supports-backdrop-filter:bg-background/70">
      <div className="mx-auto flex h-16 max-w-6xl items-center justify-between gap-4 px-4 sm:px-6">
        <Link href="/" aria-label="Hop home" className="rounded-md">
          <Logo />
        </Link>
        <nav aria-label="Main" className="flex items-center gap-1 sm:gap-2">
          <Link
            href="#features"
            className="hidden rounded-md px-3 py-2 text-sm font-medium text-muted-foreground transition-colors hover:text-foreground md:inline-flex"
          >
            Features
          </Link>
          <Link
            href="#self-hosting"
            className="hidden rounded-md px-3 py-2 text-sm font-medium text-muted-foreground transition-colors hover:text-foreground md:inline-flex"
          >
            Self-hosting
          </Link>
          <HeaderAccountLinks />
        </nav>
      </div>
    </header>
  );
}

function Hero() {
  return (
    <section aria-labelledby="hero-title" className="relative overflow-hidden">
      <div
        aria-hidden="true"
        className="pointer-events-none absolute inset-x-0 -top-40 -z-10 h-[36rem] bg-[radial-gradient(ellipse_at_top,var(--color-brand-soft),transparent_65%)] opacity-90"
      />
      <div className="mx-auto grid max-w-6xl grid-cols-1 items-center gap-12 px-4 pt-14 pb-16 sm:px-6 sm:pt-20 lg:grid-cols-[minmax(0,1.05fr)_minmax(0,1fr)] lg:gap-16 lg:pt-24 lg:pb-24">
        <div>
          <Badge variant="brand" className="mb-5 px-3 py-1 text-[13px]">
            <Zap aria-hidden="true" />
            Self-hosted link management
          </Badge>
          <h1 id="hero-title" className="text-4xl font-semibold tracking-tight text-balance sm:text-5xl xl:text-[3.5rem] xl:leading-[1.05]">
            Short links that hop anywhere. <span className="text-brand">Analytics you own.</span>
          </h1>
          <p className="mt-5 max-w-xl text-lg leading-relaxed text-pretty text-muted-foreground">
            Hop shortens, shares and measures your links, with QR codes and click analytics you can trust, on your own servers. All it needs is PostgreSQL and
            Redis.
          </p>
          <div className="mt-8 flex flex-col gap-3 sm:flex-row sm:items-center">
            <Button asChild size="lg">
              <Link href="/signup">
                Sign up
                <ArrowRight aria-hidden="true" />
              </Link>
            </Button>
            <Button asChild size="lg" variant="outline">
              <Link href="/signin">Sign in</Link>
            </Button>
          </div>
        </div>
        <ProductPreview />
      </div>
    </section>
  );
}

/** A static picture of a link's card in Hop's dashboard. */
function ProductPreview() {
  const max = Math.max(...previewClicks);
  return (
    <figure className="relative mx-auto w-full max-w-lg lg:max-w-none">
      <div aria-hidden="true" className="absolute -inset-4 -z-10 rounded-3xl bg-brand/10 blur-2xl" />
      <div className="rounded-2xl border bg-card p-5 shadow-xl shadow-brand/5 sm:p-6">
        <div className="flex items-start justify-between gap-4">
          <div className="min-w-0">
            <p className="flex items-center gap-2 font-mono text-[15px] font-semibold text-brand">
              hop.example/launch
              <Copy aria-hidden="true" className="size-3.5 text-muted-foreground" />
            </p>
            <p className="mt-1 truncate text-sm text-muted-foreground">https://example.com/blog/introducing-our-spring-collection</p>
          </div>
          <div aria-hidden="true" className="grid size-14 shrink-0 grid-cols-5 gap-0.5 rounded-lg border bg-background p-1.5">
            {[1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 1].map((on, index) => (
              <span key={index} className={on ? "rounded-[1px] bg-foreground" : ""} />
            ))}
          </div>
        </div>
        <dl className="mt-6 grid grid-cols-3 gap-3">
          <PreviewStat label="Clicks" value="12,480" />
          <PreviewStat label="Unique" value="9,031" />
          <PreviewStat label="Bots hidden" value="412" />
        </dl>
        <div className="mt-6">
          <p className="mb-2 flex items-center justify-between text-xs text-muted-foreground">
            <span>Last 14 days</span>
            <span className="inline-flex items-center gap-1.5">
              <span className="size-1.5 rounded-full bg-success" /> live
            </span>
          </p>
          <div className="flex h-28 items-end gap-1.5" aria-hidden="true">
            {previewClicks.map((value, index) => (
              <span
                key={index}
                className="flex-1 rounded-t-sm bg-brand/80 first:bg-brand/40 last:bg-brand"
                style={{ height: `${Math.round((value / max) * 100)}%` }}
              />
            ))}
          </div>
        </div>
      </div>
      <figcaption className="sr-only">An example short link in Hop, with its QR code and 14 days of clicks.</figcaption>
    </figure>
  );
}

function PreviewStat({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded-lg bg-muted/70 px-3 py-2.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="mt-0.5 text-lg font-semibold tracking-tight" data-numeric>
        {value}
      </dd>
    </div>
  );
}

function Features() {
  return (
    <section id="features" aria-labelledby="features-title" className="scroll-mt-20 border-t bg-muted/30">
      <div className="mx-auto max-w-6xl px-4 py-16 sm:px-6 sm:py-24">
        <div className="max-w-2xl">
          <p className="text-sm font-semibold text-brand">What Hop does</p>
          <h2 id="features-title" className="mt-2 text-3xl font-semibold tracking-tight text-balance sm:text-4xl">
            Everything a link needs, from the first share to the last click
          </h2>
        </div>
        <ul className="mt-12 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {features.map((feature) => (
            <li key={feature.title} className="rounded-xl border bg-card p-6 shadow-xs">
              <div aria-hidden="true" className="flex size-10 items-center justify-center rounded-lg bg-brand-soft text-brand-soft-foreground [&_svg]:size-5">
                {feature.icon}
              </div>
              <h3 className="mt-4 font-semibold tracking-tight">{feature.title}</h3>
              <p className="mt-2 text-sm leading-relaxed text-muted-foreground">{feature.body}</p>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

function SelfHosting() {
  return (
    <section id="self-hosting" aria-labelledby="self-hosting-title" className="scroll-mt-20 border-t">
      <div className="mx-auto grid max-w-6xl grid-cols-1 items-center gap-12 px-4 py-16 sm:px-6 sm:py-24 lg:grid-cols-2 lg:gap-16">
        <div>
          <p className="text-sm font-semibold text-brand">Self-hosting</p>
          <h2 id="self-hosting-title" className="mt-2 text-3xl font-semibold tracking-tight text-balance sm:text-4xl">
            One build. As many instances as you need.
          </h2>
          <p className="mt-4 text-lg leading-relaxed text-pretty text-muted-foreground">
            Every web and worker process is interchangeable. Everything that must last lives in PostgreSQL; everything shared and short-lived lives in Redis.
            Add instances when traffic grows, remove them when it doesn&apos;t.
          </p>
          <ul className="mt-8 space-y-3">
            {guarantees.map((line) => (
              <li key={line} className="flex gap-3 text-sm leading-relaxed">
                <CircleCheck aria-hidden="true" className="mt-0.5 size-4 shrink-0 text-success" />
                <span>{line}</span>
              </li>
            ))}
          </ul>
        </div>
        <ClusterDiagram />
      </div>
    </section>
  );
}

/** Load balancer -> stateless processes -> the two backing services. */
function ClusterDiagram() {
  return (
    <figure className="rounded-2xl border bg-card p-5 shadow-xs sm:p-8">
      <div aria-hidden="true" className="flex flex-col items-center gap-3">
        <DiagramBox className="w-full max-w-xs">Load balancer</DiagramBox>
        <Connector />
        <div className="grid w-full grid-cols-2 gap-3 rounded-xl border border-dashed p-3 sm:p-4">
          <div className="space-y-2">
            <p className="text-center text-xs font-medium text-muted-foreground">web × N</p>
            {["web-1", "web-2", "web-3"].map((name) => (
              <ProcessChip key={name} name={name} kind="web" />
            ))}
          </div>
          <div className="space-y-2">
            <p className="text-center text-xs font-medium text-muted-foreground">worker × N</p>
            {["worker-1", "worker-2"].map((name) => (
              <ProcessChip key={name} name={name} kind="worker" />
            ))}
          </div>
        </div>
        <Connector />
        <div className="grid w-full grid-cols-2 gap-3">
          <DiagramBox icon={<Database className="size-4" />}>PostgreSQL</DiagramBox>
          <DiagramBox icon={<Server className="size-4" />}>Redis</DiagramBox>
        </div>
      </div>
      <figcaption className="mt-6 text-center text-sm text-muted-foreground">
        Stateless web and worker processes behind a load balancer, sharing only PostgreSQL and Redis.
      </figcaption>
    </figure>
  );
}

function DiagramBox({ children, icon, className }: { children: ReactNode; icon?: ReactNode; className?: string }) {
  return (
    <div className={cn("flex items-center justify-center gap-2 rounded-lg border bg-muted/60 px-4 py-3 text-sm font-medium", className)}>
      {icon}
      {children}
    </div>
  );
}

function ProcessChip({ name, kind }: { name: string; kind: "web" | "worker" }) {
  return (
    <div className="flex items-center gap-2 rounded-md border bg-background px-3 py-2 font-mono text-xs">
      <span className="relative flex size-2">
        <span className="absolute inline-flex size-full animate-live-ping rounded-full bg-success/60" />
        <span className="relative inline-flex size-2 rounded-full bg-success" />
      </span>
      <span className={kind === "web" ? "text-brand-soft-foreground" : "text-info-soft-foreground"}>{name}</span>
    </div>
  );
}

function Connector() {
  return <div className="h-5 w-px bg-input" />;
}

function ClosingCall() {
  return (
    <section aria-labelledby="closing-title" className="border-t">
      <div className="mx-auto max-w-6xl px-4 py-16 sm:px-6 sm:py-20">
        <div className="relative overflow-hidden rounded-2xl bg-brand px-6 py-12 text-center text-brand-foreground sm:px-12">
          <div aria-hidden="true" className="absolute inset-0 bg-[radial-gradient(circle_at_20%_0%,rgb(255_255_255/0.18),transparent_50%)]" />
          <h2 id="closing-title" className="relative text-3xl font-semibold tracking-tight text-balance">
            Your links. Your servers. Your numbers.
          </h2>
          <p className="relative mx-auto mt-3 max-w-xl text-pretty opacity-90">Create an account on this Hop and shorten your first link in under a minute.</p>
          <div className="relative mt-8 flex flex-col justify-center gap-3 sm:flex-row">
            <Button asChild size="lg" variant="secondary" className="bg-brand-foreground text-brand hover:bg-brand-foreground/90">
              <Link href="/signup">Sign up</Link>
            </Button>
            <Button
              asChild
              size="lg"
              variant="ghost"
              className="text-brand-foreground ring-1 ring-brand-foreground/40 hover:bg-brand-foreground/10 hover:text-brand-foreground"
            >
              <Link href="/signin">Sign in</Link>
            </Button>
          </div>
        </div>
      </div>
    </section>
  );
}

function SiteFooter() {
  return (
    <footer className="border-t">
      <div className="mx-auto flex max-w-6xl flex-col items-center justify-between gap-4 px-4 py-8 text-sm text-muted-foreground sm:flex-row sm:px-6">
        <div className="flex items-center gap-3">
          <Logo className="text-base text-foreground" />
          <span>Self-hosted link shortener with click analytics.</span>
        </div>
        <nav aria-label="Footer" className="flex items-center gap-5">
          <Link href="/signin" className="hover:text-foreground">
            Sign in
          </Link>
          <Link href="/signup" className="hover:text-foreground">
            Sign up
          </Link>
        </nav>
      </div>
    </footer>
  );
}
