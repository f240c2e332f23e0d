import { describe, expect, it } from "vitest";
import { defaultMapping, detectFormat, readCsvHead, rowToLink } from "../src/imports/csv";

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
});
