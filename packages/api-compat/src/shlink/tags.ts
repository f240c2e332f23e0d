import { FieldError } from "@hop/api";
import { TRPCError } from "@trpc/server";
import { type Caller, type CompatRequest, type CompatResponse, objectBody } from "../http";
import { shlinkPagination } from "./views";

async function tagIdByName(caller: Caller, name: unknown): Promise<string> {
  const tag = (await caller.tags.list()).find((candidate) => candidate.name === name);
  if (!tag) throw new TRPCError({ code: "NOT_FOUND", message: `Tag with name "${String(name)}" could not be found` });
  return tag.id;
}

export async function listTags(request: CompatRequest): Promise<CompatResponse> {
  const tags = await (await request.caller()).tags.list();
  return { status: 200, body: { tags: { data: tags.map((tag) => tag.name) } } };
}

export async function tagsStats(request: CompatRequest): Promise<CompatResponse> {
  const tags = await (await request.caller()).tags.stats();
  const data = tags.map((tag) => ({
    tag: tag.name,
    shortUrlsCount: tag.links,
    // Hop's counts are of human clicks; bots are kept apart and not in them.
    visitsSummary: { total: tag.clicks, nonBots: tag.clicks, bots: 0 },
  }));
  return { status: 200, body: { tags: { data, pagination: shlinkPagination(1, data.length, data.length, data.length) } } };
}

/** PUT /tags {oldName, newName}: 204; 404 tag-not-found; 409 tag-conflict when the new name is another tag's. */
export async function renameTag(request: CompatRequest): Promise<CompatResponse> {
  const body = objectBody(await request.readJson());
  const caller = await request.caller();
  const id = await tagIdByName(caller, body.oldName);
  try {
    await caller.tags.update({ id, name: body.newName as string });
  } catch (error) {
    if (error instanceof TRPCError && error.cause instanceof FieldError && error.cause.field === "name" && error.code === "BAD_REQUEST") {
      return {
        status: 409,
        headers: { "content-type": "application/problem+json" },
        body: {
          type: "https://shlink.io/api/error/tag-conflict",
          title: "Tag conflict",
          detail: error.message,
          status: 409,
          oldName: body.oldName,
          newName: body.newName,
        },
      };
    }
    throw error;
  }
  return { status: 204 };
}

/** DELETE /tags?tags[]=a&tags[]=b: the named tags that exist go (from every link); 204. */
export async function deleteTags(request: CompatRequest): Promise<CompatResponse> {
  const names = new Set(request.query.getAll("tags[]"));
  const caller = await request.caller();
  const tags = (await caller.tags.list()).filter((tag) => names.has(tag.name));
  for (const tag of tags) await caller.tags.delete({ id: tag.id });
  return { status: 204 };
}
