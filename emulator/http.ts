/** Small HTTP helpers for the emulator: body reading with a size limit, JSON replies, routing. */
import { IncomingMessage, ServerResponse } from "http";
import { ApiError } from "./errors";

export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the body; undefined when empty. Throws ApiError(413/400) for oversized or malformed JSON. */
export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw new ApiError(413, [`Request body is larger than ${limit} bytes`], "other");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ApiError(413, [`Request body is larger than ${limit} bytes`], "other");
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, ["The request body is not valid JSON"], "other");
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { "Content-Type": "application/json; charset=utf-8" } : {}),
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export interface Route<C> {
  method: string;
  template: string;
  pattern: RegExp;
  params: string[];
  handler: (ctx: C, params: Record<string, string>) => unknown;
}

export class Router<C> {
  private routes: Route<C>[] = [];

  add(method: string, template: string, handler: Route<C>["handler"]): this {
    const params: string[] = [];
    const source = template.replace(/\{(\w+)\}/g, (_, name: string) => {
      params.push(name);
      return "([^/]+)";
    });
    this.routes.push({ method, template, params, pattern: new RegExp(`^${source}/?$`), handler });
    return this;
  }

  /** The matching route, or the methods allowed on the path when only the method is wrong. */
  match(method: string, path: string): { route: Route<C>; params: Record<string, string> } | { allowed: string[] } | undefined {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      route.params.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1]);
      });
      return { route, params };
    }
    return allowed.length ? { allowed } : undefined;
  }
}
