import { mkdtemp, readdir, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readPageMetadata } from "../src/link-metadata/parse";
import { PageFetchError, withFetchedPage, type ResolvedAddress, type Resolver, type SafeFetchOptions } from "../src/link-metadata/safe-fetch";

// The metadata fetcher's guard, against a local fixture server and a hosts
// table injected as the resolver: nothing reaches the internet.
let server: http.Server;
let port: number;
let tempDir: string;
const requests: string[] = [];

const page = (title: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>  ${title} &amp; more </title>
   <meta name="description" content="A plain description">
   <meta property="og:image" content="/images/card.png">
   </head><body><title>not this</title></body></html>`;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    requests.push(`${request.headers.host}${request.url}`);
    const url = new URL(request.url ?? "/", "http://fixture");
    const hop = (location: string) => {
      response.writeHead(302, { location });
      response.end();
    };
    switch (url.pathname) {
      case "/page":
        response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        return response.end(page("Fixture page"));
      case "/og":
        response.writeHead(200, { "content-type": "text/html" });
        return response.end(`<html><head><meta property="og:title" content="OG title"><meta property="og:description" content="OG description">
          <meta property="og:image" content="javascript:alert(1)"><title>Plain</title></head></html>`);
      case "/control":
        response.writeHead(200, { "content-type": "text/html" });
        return response.end(`<html><head><title>Null\u0000 &#0; and\u0007 bell</title><meta name="description" content="tab\there&#x1b;"></head></html>`);
      case "/gzip":
        response.writeHead(200, { "content-type": "text/html", "content-encoding": "gzip" });
        return response.end(gzipSync(page("Compressed")));
      case "/chain/1":
        return hop("/chain/2");
      case "/chain/2":
        return hop(`http://second.test:${port}/chain/3`);
      case "/chain/3":
        return hop(`http://second.test:${port}/page`);
      case "/too-many":
        return hop("/chain/1");
      case "/to-private":
        return hop(`http://intranet.test:${port}/page`);
      case "/to-metadata":
        return hop("http://169.254.169.254/latest/meta-data/");
      case "/to-file":
        return hop("file:///etc/passwd");
      case "/missing":
        response.writeHead(404);
        return response.end();
      case "/broken":
        response.writeHead(503);
        return response.end();
      case "/slow":
        response.writeHead(200, { "content-type": "text/html" });
        response.write("<html><head>");
        return; // never ends
      case "/huge": {
        response.writeHead(200, { "content-type": "text/html" });
        response.write(page("Huge"));
        const chunk = Buffer.alloc(64 * 1024, "x");
        let sent = 0;
        const more = () => {
          while (sent < 200 && response.write(chunk)) sent++;
          if (sent < 200) response.once("drain", more);
          else response.end();
        };
        response.on("error", () => undefined);
        return more();
      }
      default:
        response.writeHead(404);
        response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(async () => {
  requests.length = 0;
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
  tempDir = await mkdtemp(join(tmpdir(), "hop-fetch-test-"));
});

// A hosts file: names the fixture answers to, and names that point where they must not.
const hosts: Record<string, ResolvedAddress[]> = {
  "fixture.test": [{ address: "127.0.0.1", family: 4 }],
  "second.test": [{ address: "127.0.0.1", family: 4 }],
  "intranet.test": [{ address: "10.0.0.7", family: 4 }],
  "metadata.test": [{ address: "169.254.169.254", family: 4 }],
  "v6-loopback.test": [{ address: "::1", family: 6 }],
  "mapped.test": [{ address: "::ffff:127.0.0.1", family: 6 }],
  "mixed.test": [
    { address: "93.184.216.34", family: 4 },
    { address: "192.168.1.10", family: 4 },
  ],
};
const resolve: Resolver = async (hostname) => {
  const found = hosts[hostname];
  if (!found) throw new Error(`ENOTFOUND ${hostname}`);
  return found;
};

const options = (overrides: Partial<SafeFetchOptions> = {}): SafeFetchOptions => ({
  resolve,
  allowLoopback: true,
  timeoutMs: 3_000,
  maxBytes: 1024 * 1024,
  tempDir,
  ...overrides,
});

async function metadataOf(url: string, overrides: Partial<SafeFetchOptions> = {}) {
  return withFetchedPage(url, options(overrides), async (fetched) => ({
    url: fetched.url,
    bytes: fetched.bytes,
    truncated: fetched.truncated,
    ...(await readPageMetadata(fetched.file, fetched.url, fetched.charset)),
  }));
}

async function refusal(url: string, overrides: Partial<SafeFetchOptions> = {}): Promise<PageFetchError> {
  const error = await withFetchedPage(url, options(overrides), async () => "fetched").then(
    () => {
      throw new Error(`${url} was fetched`);
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PageFetchError);
  return error as PageFetchError;
}

const leftovers = () => readdir(tempDir);

describe("withFetchedPage", () => {
  it("fetches a page and reads its title, description and image (relative URL resolved, entities decoded)", async () => {
    expect(await metadataOf(`http://fixture.test:${port}/page`)).toMatchObject({
      title: "Fixture page & more",
      description: "A plain description",
      imageUrl: `http://fixture.test:${port}/images/card.png`,
    });
    expect(await metadataOf(`http://fixture.test:${port}/og`)).toMatchObject({ title: "OG title", description: "OG description", imageUrl: null });
    expect(await metadataOf(`http://fixture.test:${port}/gzip`)).toMatchObject({ title: "Compressed & more" });
    // PostgreSQL refuses NUL in text: a page's control characters would fail every attempt to store its metadata.
    expect(await metadataOf(`http://fixture.test:${port}/control`)).toMatchObject({ title: "Null and bell", description: "tab here" });
    expect(await leftovers()).toEqual([]);
  });

  it("follows an allowed redirect chain of 3 hops, and refuses a 4th", async () => {
    const result = await metadataOf(`http://fixture.test:${port}/chain/1`);
    expect(result).toMatchObject({ url: `http://second.test:${port}/page`, title: "Fixture page & more" });
    expect(requests).toEqual([`fixture.test:${port}/chain/1`, `fixture.test:${port}/chain/2`, `second.test:${port}/chain/3`, `second.test:${port}/page`]);
    expect((await refusal(`http://fixture.test:${port}/too-many`)).message).toMatch(/more than 3 redirects/);
  });

  it("refuses loopback, private, link-local and metadata addresses, as literals and through DNS", async () => {
    const strict = { allowLoopback: false };
    for (const url of [
      `http://127.0.0.1:${port}/page`,
      `http://[::1]:${port}/page`,
      `http://2130706433:${port}/page`,
      "http://10.1.2.3/",
      "http://169.254.169.254/latest/meta-data/",
      "http://[::ffff:169.254.169.254]/",
      "http://0.0.0.0/",
      "http://[fd00:ec2::254]/",
    ]) {
      const error = await refusal(url, strict);
      expect(error.message, url).toMatch(/^refused: .* (loopback|private|linkLocal|unspecified|uniqueLocal) address/);
      expect(error.permanent).toBe(true);
    }
    for (const name of ["fixture.test", "v6-loopback.test", "mapped.test", "intranet.test", "metadata.test", "mixed.test"]) {
      const error = await refusal(`http://${name}:${port}/page`, strict);
      expect(error.message, name).toMatch(new RegExp(`^refused: ${name.replace(".", "\\.")} resolves to a forbidden address`));
    }
    // The loopback setting lets loopback through, and nothing else.
    for (const name of ["intranet.test", "metadata.test", "mixed.test"]) await refusal(`http://${name}:${port}/page`);
    expect(requests).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it("checks every redirect the same way", async () => {
    expect((await refusal(`http://fixture.test:${port}/to-private`)).message).toMatch(
      /intranet\.test resolves to a forbidden address \(10\.0\.0\.7 is a private address\)/,
    );
    expect((await refusal(`http://fixture.test:${port}/to-metadata`)).message).toMatch(/169\.254\.169\.254 is a linkLocal address/);
    expect((await refusal(`http://fixture.test:${port}/to-file`)).message).toMatch(/file: is not http\(s\)/);
    expect(requests).toEqual([`fixture.test:${port}/to-private`, `fixture.test:${port}/to-metadata`, `fixture.test:${port}/to-file`]);
  });

  it("refuses non-http(s) targets and URLs with credentials", async () => {
    expect((await refusal("ftp://fixture.test/file")).message).toMatch(/ftp: is not http\(s\)/);
    expect((await refusal(`http://user:secret@fixture.test:${port}/page`)).message).toMatch(/credentials/);
  });

  it("stops at the size cap and at the timeout", async () => {
    const capped = await metadataOf(`http://fixture.test:${port}/huge`, { maxBytes: 64 * 1024 });
    expect(capped).toMatchObject({ title: "Huge & more", bytes: 64 * 1024, truncated: true });
    const started = Date.now();
    const slow = await refusal(`http://fixture.test:${port}/slow`, { timeoutMs: 500 });
    expect(slow.message).toMatch(/timed out after 500 ms/);
    expect(slow.permanent).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("tells lasting failures from passing ones", async () => {
    expect(await refusal(`http://fixture.test:${port}/missing`)).toMatchObject({ message: expect.stringMatching(/HTTP 404/), permanent: true });
    expect(await refusal(`http://fixture.test:${port}/broken`)).toMatchObject({ message: expect.stringMatching(/HTTP 503/), permanent: false });
    expect(await refusal(`http://unknown.test:${port}/`)).toMatchObject({ message: expect.stringMatching(/could not be resolved/), permanent: false });
  });

  it("deletes the temp file after success and after failure", async () => {
    let seen: string | null = null;
    await withFetchedPage(`http://fixture.test:${port}/page`, options(), async (fetched) => {
      seen = fetched.file;
      expect((await readdir(tempDir)).length).toBe(1);
    });
    expect(seen).toMatch(/hop-metadata-/);
    expect(await leftovers()).toEqual([]);
    await expect(
      withFetchedPage(`http://fixture.test:${port}/page`, options(), async () => {
        throw new Error("parsing failed");
      }),
    ).rejects.toThrow("parsing failed");
    await refusal(`http://fixture.test:${port}/slow`, { timeoutMs: 300 });
    await refusal(`http://fixture.test:${port}/to-private`);
    expect(await leftovers()).toEqual([]);
  });
});
