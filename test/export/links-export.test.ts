import { createDatabase, type Database } from "@hop/db";
import { CleanupStack } from "@hop/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../support/cluster";

/**
 * The links export (issue 17) against the built web app: CSV and JSON, with
 * tags and total clicks, equal to what PostgreSQL holds for the user (more
 * than one page of 1,000, titles that need quoting, another user's links and
 * deleted links left out); a signed-out or bad request gets a 4xx as JSON.
 */
const cleanup = new CleanupStack();
let cluster: Cluster;
let db: Database;
let cookie: string;
let userId: string;
const linkCount = 2_345;

beforeAll(async () => {
  cluster = await startCluster({ web: 1, workers: 0 });
  cleanup.defer(() => cluster.stop());
  db = createDatabase(cluster.env.DATABASE_URL!);
  cleanup.defer(() => db.$disconnect());
  cookie = await cluster.signIn("exporter@example.com");
  userId = (await db.user.findUniqueOrThrow({ where: { email: "exporter@example.com" } })).id;
  const other = await db.user.create({ data: { email: "someone-else@example.com", passwordHash: "unused" } });
  const [red, blue] = await Promise.all([db.tag.create({ data: { userId, name: "red" } }), db.tag.create({ data: { userId, name: "blue, dark" } })]);
  const titles = [null, "Plain", 'A "quoted", comma title', "Two\nlines", "=SUM(A1)", "Ünïcode ✓"];
  await db.link.createMany({
    data: Array.from({ length: linkCount }, (_, i) => ({
      userId,
      slug: `x${i}`,
      url: `https://example.com/${i}?a=1&b=2`,
      title: titles[i % titles.length],
      totalClicks: BigInt(i * 7),
      expiresAt: i % 5 === 0 ? new Date(Date.UTC(2027, 0, 1 + (i % 28))) : null,
    })),
  });
  const links = await db.link.findMany({ where: { userId }, select: { id: true, slug: true } });
  await db.linkTag.createMany({
    data: links.flatMap((link) => {
      const n = Number(link.slug.slice(1));
      return [...(n % 2 === 0 ? [{ linkId: link.id, tagId: red.id }] : []), ...(n % 3 === 0 ? [{ linkId: link.id, tagId: blue.id }] : [])];
    }),
  });
  await db.link.update({ where: { slug: "x7" }, data: { deletedAt: new Date() } });
  await db.link.create({ data: { userId: other.id, slug: "not-mine", url: "https://example.com/other" } });
}, 180_000);
afterAll(() => cleanup.run());

/** The user's live links as the export must show them, in id order. */
async function expected() {
  const links = await db.link.findMany({ where: { userId, deletedAt: null }, orderBy: { id: "asc" }, include: { tags: { include: { tag: true } } } });
  return links.map((link) => ({
    id: link.id,
    slug: link.slug,
    url: link.url,
    title: link.title,
    tags: link.tags.map(({ tag }) => tag.name).sort((a, b) => a.localeCompare(b)),
    totalClicks: Number(link.totalClicks),
    createdAt: link.createdAt.toISOString(),
    expiresAt: link.expiresAt?.toISOString() ?? null,
  }));
}

/** RFC 4180 reader: quoted fields with doubled quotes, commas and line breaks inside. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += char;
  }
  return rows;
}

const download = (format: string, withCookie = true) =>
  fetch(`${cluster.webs[0]!.url}/api/export/links?format=${format}`, { headers: withCookie ? { cookie: `hop_session=${cookie}` } : {} });

describe("the links export", () => {
  it("as JSON equals the database: every live link of the user, with tags and total clicks, over several pages", async () => {
    const response = await download("json");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("content-disposition")).toMatch(/attachment; filename="hop-links-.*\.json"/);
    const links = (await response.json()) as Array<Record<string, unknown>>;
    const want = await expected();
    expect(want).toHaveLength(linkCount - 1);
    expect(links.map(({ shortUrl: _shortUrl, ...rest }) => rest)).toEqual(want);
    expect(links[0]!.shortUrl).toMatch(new RegExp(`/${want[0]!.slug}$`));
  });

  it("as CSV equals the database, quoting what needs it and defusing formulas", async () => {
    const response = await download("csv");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    const [header, ...rows] = parseCsv(await response.text());
    expect(header).toEqual(["id", "slug", "short_url", "url", "title", "tags", "total_clicks", "created_at_utc", "expires_at_utc"]);
    const want = await expected();
    expect(
      rows.map(([id, slug, _shortUrl, url, title, tags, clicks, createdAt, expiresAt]) => ({
        id,
        slug,
        url,
        // The export writes a formula-looking title with a leading apostrophe (CSV injection); an empty field is no title.
        title: title === "" ? null : title!.startsWith("'=") ? title!.slice(1) : title,
        tags: tags === "" ? [] : tags!.split("|"),
        totalClicks: Number(clicks),
        createdAt,
        expiresAt: expiresAt === "" ? null : expiresAt,
      })),
    ).toEqual(want);
  });

  it("answers a signed-out request with 401 and a bad format with 400, as JSON", async () => {
    const signedOut = await download("csv", false);
    expect(signedOut.status).toBe(401);
    expect(((await signedOut.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
    const bad = await download("xml");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/format must be one of: csv, json/);
  });
});
