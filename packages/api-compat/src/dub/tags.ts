import { TRPCError } from "@trpc/server";
import { type CompatRequest, type CompatResponse, intParam, objectBody } from "../http";
import { toDubTag } from "./views";

/** dub names a tag `name` (or, older, `tag`). */
const tagName = (body: Record<string, unknown>) => (body.name ?? body.tag) as string | undefined;

/** GET /tags?search=&page=&pageSize=: the account's tags by name. */
export async function listTags(request: CompatRequest): Promise<CompatResponse> {
  const { query } = request;
  const page = intParam(query, "page", 1, 1, 100_000);
  const pageSize = intParam(query, "pageSize", 100, 1, 100);
  const search = query.get("search")?.toLowerCase();
  const ids = new Set((query.get("ids") ?? "").split(",").filter(Boolean));
  const tags = (await (await request.caller()).tags.list()).filter(
    (tag) => (!search || tag.name.toLowerCase().includes(search)) && (ids.size === 0 || ids.has(tag.id)),
  );
  return { status: 200, body: tags.slice((page - 1) * pageSize, page * pageSize).map(toDubTag) };
}

export async function createTag(request: CompatRequest): Promise<CompatResponse> {
  const body = objectBody(await request.readJson());
  const name = tagName(body);
  if (name === undefined) throw new TRPCError({ code: "BAD_REQUEST", message: "name: give the tag a name" });
  const tag = await (await request.caller()).tags.create({ name, color: body.color as "gray" | undefined });
  return { status: 201, body: toDubTag(tag) };
}

export async function updateTag(request: CompatRequest, id: string): Promise<CompatResponse> {
  const body = objectBody(await request.readJson());
  const tag = await (await request.caller()).tags.update({ id, name: tagName(body), color: body.color as "gray" | undefined });
  return { status: 200, body: toDubTag(tag) };
}

export async function deleteTag(request: CompatRequest, id: string): Promise<CompatResponse> {
  const deleted = await (await request.caller()).tags.delete({ id });
  return { status: 200, body: { id: deleted.id } };
}
