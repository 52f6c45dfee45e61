/**
 * An HTTP proxy on 127.0.0.1 port 0 in front of an emulator, for faults the emulator's own cannot
 * time exactly: per request, a rule says whether to forward it, forward it and lose the answer
 * (the socket is destroyed once the emulator has answered), or answer in the emulator's place.
 */
import * as http from "http";
import { AddressInfo } from "net";

export type Verdict = "forward" | "loseAnswer" | { status: number; headers?: Record<string, string>; body?: unknown };

export interface Proxy {
  /** The base URL to give the CLI (…/api/v1). */
  url: string;
  /** Requests seen, as "METHOD /path" with what was done. */
  seen: Array<{ method: string; path: string; verdict: string }>;
  close(): Promise<void>;
}

/** A rule may hold a request (return a promise) until the test lets it go. */
export async function faultyProxy(target: string, rule: (req: { method: string; path: string; query: string; body: string }) => Verdict | Promise<Verdict>): Promise<Proxy> {
  const origin = new URL(target);
  const seen: Proxy["seen"] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d) => chunks.push(d));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const [path, query = ""] = (req.url ?? "/").split("?");
      const verdict = await rule({ method: req.method!, path, query, body: body.toString() });
      seen.push({ method: req.method!, path, verdict: typeof verdict === "string" ? verdict : String(verdict.status) });
      if (typeof verdict === "object") {
        res.writeHead(verdict.status, { "Content-Type": "application/json", ...(verdict.headers ?? {}) });
        res.end(verdict.body === undefined ? "" : JSON.stringify(verdict.body));
        return;
      }
      const upstream = http.request({ host: origin.hostname, port: origin.port, method: req.method, path: req.url, headers: { ...req.headers, host: origin.host } }, (up) => {
        const answer: Buffer[] = [];
        up.on("data", (d) => answer.push(d));
        up.on("end", () => {
          if (verdict === "loseAnswer") {
            req.socket.destroy();
            return;
          }
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(Buffer.concat(answer));
        });
      });
      upstream.on("error", () => req.socket.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${origin.pathname.replace(/\/$/, "")}`,
    seen,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
