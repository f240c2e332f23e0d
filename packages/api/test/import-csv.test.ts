import { maxImportChars } from "@hop/validators";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { FieldError } from "../src/errors";
import { defaultMapping, detectFormat, maxCsvRowChars, readCsv, readCsvHead, rowToLink } from "../src/imports/csv";

/** What readCsvHead refused the content with: the field and the message, or null when it read it. */
async function refusal(content: string): Promise<{ code: string; field: string; message: string } | null> {
  try {
    await readCsvHead(content, 10);
    return null;
  } catch (error) {
    if (!(error instanceof TRPCError) || !(error.cause instanceof FieldError)) throw error;
    return { code: error.code, field: error.cause.field, message: error.message };
  }
}

describe("reading import files", () => {
  it("recognises dub's, Shlink's and Bitly's headers, and maps their columns", () => {
    const dub = ["link", "url", "createdAt", "tags", "title"];
    expect(detectFormat(dub)).toBe("dub");
    expect(defaultMapping("dub", dub)).toEqual({ url: "url", slug: "link", title: "title", tags: "tags", createdAt: "createdAt" });
    expect(detectFormat(["domain", "key", "url"])).toBe("dub");
    const shlink = ["Long URL", "Short URL", "Short code", "Domain", "Title", "Tags", "Created at"];
    expect(detectFormat(shlink)).toBe("shlink");
    expect(defaultMapping("shlink", shlink)).toEqual({ url: "Long URL", slug: "Short code", title: "Title", tags: "Tags", createdAt: "Created at" });
    const bitly = ["link", "long_url", "title", "created_at", "tags"];
    expect(detectFormat(bitly)).toBe("bitly");
    expect(defaultMapping("bitly", bitly)).toMatchObject({ url: "long_url", slug: "link", createdAt: "created_at" });
    expect(detectFormat(["destination", "name"])).toBe("custom");
    expect(defaultMapping("custom", ["destination", "name"]).url).toBe("destination");
  });

  it("takes the slug from a short link's last path segment, splits tags on | , and ;, and drops a date it cannot read", () => {
    const mapping = { url: "url", slug: "link", title: "title", tags: "tags", createdAt: "createdAt" };
    expect(rowToLink({ url: " https://a.example/ ", link: "https://dub.sh/abc?x=1", title: "", tags: "a| b ,c;d", createdAt: "soon" }, mapping)).toEqual({
      input: { url: "https://a.example/", slug: "abc", tags: ["a", "b", "c", "d"] },
      createdAt: null,
    });
    expect(rowToLink({ url: "https://a.example/", link: "bare-key", title: "T", tags: "", createdAt: "2024-01-02T03:04:05Z" }, mapping)).toEqual({
      input: { url: "https://a.example/", slug: "bare-key", title: "T" },
      createdAt: new Date("2024-01-02T03:04:05Z"),
    });
    expect(rowToLink({ url: "https://a.example/", link: "https://dub.sh/", title: "", tags: "", createdAt: "" }, mapping).input).toEqual({
      url: "https://a.example/",
    });
    expect(rowToLink({ url: "https://a.example/", link: "bit.ly/3xYz", title: "", tags: "", createdAt: "" }, mapping).input.slug).toBe("3xYz");
  });

  it("reads quoted cells, a BOM and ragged rows, and counts the rows", async () => {
    const head = await readCsvHead('\uFEFFurl,title\n"https://a.example/?q=1,2","Say ""hi""\nthere"\nhttps://b.example/\n\nhttps://c.example/,x,extra\n', 2);
    expect(head.headers).toEqual(["url", "title"]);
    expect(head.total).toBe(3);
    expect(head.records).toEqual([
      { url: "https://a.example/?q=1,2", title: 'Say "hi"\nthere' },
      { url: "https://b.example/", title: "" },
    ]);
  });

  it("refuses a file that is not CSV with a 400 on the file saying why, not a 500: a quote never closed, a line too long", async () => {
    expect(await refusal('url,title\nhttps://a.example/,"an open quote\nhttps://b.example/,x\n')).toEqual({
      code: "BAD_REQUEST",
      field: "content",
      message: expect.stringMatching(/quote \("\) opened in it is never closed/),
    });
    expect(await refusal('"')).toMatchObject({ code: "BAD_REQUEST", field: "content" });
    const started = performance.now();
    expect(await refusal("a".repeat(maxImportChars))).toEqual({
      code: "BAD_REQUEST",
      field: "content",
      message: expect.stringMatching(/line of the file \(line 1\) is longer than 1,048,576 characters/),
    });
    // Refused once a line passes the limit, not after reading 25 MB of it (that took 9 s).
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(await refusal(`url\nhttps://a.example/?q=${"b".repeat(maxCsvRowChars - 100)}\n`)).toBeNull();
  });

  it("reads a file of the largest size without holding up the process: other callbacks run between its slices", async () => {
    const lines = ["url,slug,title"];
    for (let row = 0, size = 0; size < maxImportChars - 200; row++) {
      const line = `https://example.com/path/${row}?utm_source=news,slug-${row},"Title, number ${row}"`;
      lines.push(line);
      size += line.length + 1;
    }
    const content = lines.join("\n");
    let longestGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 1);
    const started = performance.now();
    try {
      const head = await readCsvHead(content, 2);
      expect(head.total).toBe(lines.length - 1);
      expect(head.records[1]).toEqual({ url: "https://example.com/path/1?utm_source=news", slug: "slug-1", title: "Title, number 1" });
    } finally {
      clearInterval(ticker);
    }
    const took = performance.now() - started;
    // Up to the end: a read that never let the ticker run had one gap, the whole read.
    longestGap = Math.max(longestGap, performance.now() - last);
    // Parsed in one synchronous call, then handed over record by record in microtasks, the whole read (1.3 s here) was one gap.
    expect(longestGap).toBeLessThan(took / 4);
  });

  it("keeps a character whose two UTF-16 halves fall on either side of a slice's end, and stops feeding when the reader stops", async () => {
    const header = "url,title\n";
    const prefix = `https://a.example/,${"t".repeat(64 * 1024 - header.length - "https://a.example/,".length - 1)}`;
    const content = `${header}${prefix}😀end\nhttps://b.example/,second\n`;
    expect(content.charCodeAt(64 * 1024 - 1)).toBe(0xd83d);
    const head = await readCsvHead(content, 2);
    expect(head.records[0]?.title?.endsWith("t😀end")).toBe(true);
    expect(head.records[1]).toEqual({ url: "https://b.example/", title: "second" });

    const many = `url\n${Array.from({ length: 50_000 }, (_, row) => `https://a.example/${row}`).join("\n")}`;
    let read = 0;
    for await (const item of readCsv(many)) {
      if ("record" in item && ++read === 3) break;
    }
    expect(read).toBe(3);
  });
});
