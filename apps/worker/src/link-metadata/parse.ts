import { open } from "node:fs/promises";
import { Parser } from "htmlparser2";

export interface PageMetadata {
  title: string | null;
  description: string | null;
  imageUrl: string | null;
}

/** Only the start of a page is read: <head> comes first. */
const headBytes = 256 * 1024;
const limits = { title: 300, description: 1_000, imageUrl: 2_048 };

// Pages carry anything; PostgreSQL refuses NUL in text and no title needs a control character.
function clean(value: string | undefined, max: number): string | null {
  const text = value
    ?.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  if (!text) return null;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function absoluteHttpUrl(value: string | undefined, base: string): string | null {
  if (!value?.trim()) return null;
  try {
    const url = new URL(value.trim(), base);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    const text = url.toString();
    return text.length <= limits.imageUrl ? text : null;
  } catch {
    return null;
  }
}

function decode(bytes: Uint8Array, charset: string | null): string {
  try {
    return new TextDecoder(charset ?? "utf-8").decode(bytes);
  } catch {
    // An unknown charset label: UTF-8 is the web's default.
    return new TextDecoder("utf-8").decode(bytes);
  }
}

/**
 * The title, description and image of an HTML page, from the first 256 KB of
 * the file: Open Graph tags first, then Twitter cards, then <title> and
 * <meta name="description">. Entities are decoded (htmlparser2); relative
 * image URLs are resolved against the page's URL.
 */
export async function readPageMetadata(file: string, pageUrl: string, charset: string | null): Promise<PageMetadata> {
  const handle = await open(file, "r");
  let html: string;
  try {
    const buffer = Buffer.alloc(headBytes);
    const { bytesRead } = await handle.read(buffer, 0, headBytes, 0);
    html = decode(buffer.subarray(0, bytesRead), charset);
  } finally {
    await handle.close();
  }

  const meta = new Map<string, string>();
  let title = "";
  let inTitle = false;
  let titleSeen = false;
  let done = false;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (done) return;
        if (name === "body") done = true;
        else if (name === "title" && !titleSeen) inTitle = true;
        else if (name === "meta") {
          const key = (attributes.property ?? attributes.name ?? "").trim().toLowerCase();
          if (key && attributes.content !== undefined && !meta.has(key)) meta.set(key, attributes.content);
        }
      },
      ontext(text) {
        if (inTitle) title += text;
      },
      onclosetag(name) {
        if (name === "title" && inTitle) {
          inTitle = false;
          titleSeen = true;
        }
        if (name === "head") done = true;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();

  const first = (...keys: string[]) => keys.map((key) => meta.get(key)).find((value) => value?.trim());
  return {
    title: clean(first("og:title", "twitter:title") ?? title, limits.title),
    description: clean(first("og:description", "twitter:description", "description"), limits.description),
    imageUrl: absoluteHttpUrl(first("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"), pageUrl),
  };
}
