/**
 * Servers that do not answer, on 127.0.0.1 port 0, for timeout tests:
 * - silentServer: accepts connections and reads requests, never answers; records what it saw.
 * - unacceptingServer: a listening socket whose accept queue is full, so a new connection is never
 *   accepted (its SYN is dropped and the client's connect hangs). It lives in a child process
 *   whose event loop is blocked, so nothing calls accept(); the queue is filled by this process.
 *   The queue length after a full backlog is Linux behaviour (backlog + 1); elsewhere: skip.
 */
import { ChildProcess, spawn } from "child_process";
import { EventEmitter } from "events";
import * as net from "net";

export interface SilentConnection {
  /** The first line of each request received on it, e.g. "GET /api/v1/organizations HTTP/1.1". */
  requests: string[];
  acceptedAt: number;
  /** When the client gave up and closed it. */
  closedAt?: number;
}

export interface SilentServer {
  url: string;
  connections: SilentConnection[];
  /** Resolves once this many requests have arrived in all. */
  requestsArrived(n: number): Promise<void>;
  /** Resolves once every connection so far has been closed by its client. */
  allClosed(): Promise<void>;
  close(): Promise<void>;
}

export async function silentServer(): Promise<SilentServer> {
  const connections: SilentConnection[] = [];
  const sockets = new Set<net.Socket>();
  const closed: Array<Promise<void>> = [];
  const arrivals = new EventEmitter();
  let received = 0;
  const server = net.createServer((socket) => {
    const c: SilentConnection = { requests: [], acceptedAt: Date.now() };
    connections.push(c);
    sockets.add(socket);
    let buffered = "";
    socket.on("data", (d) => {
      buffered += d.toString("latin1");
      for (let i = buffered.indexOf("\r\n\r\n"); i >= 0; i = buffered.indexOf("\r\n\r\n")) {
        const head = buffered.slice(0, i);
        c.requests.push(head.split("\r\n")[0]);
        received++;
        arrivals.emit("request");
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        buffered = buffered.slice(i + 4 + length);
      }
    });
    socket.on("error", () => undefined);
    closed.push(new Promise((resolve) => socket.once("close", () => {
      c.closedAt = Date.now();
      sockets.delete(socket);
      resolve();
    })));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api/v1`,
    connections,
    requestsArrived: (n) =>
      new Promise((resolve) => {
        const check = () => {
          if (received < n) return;
          arrivals.off("request", check);
          resolve();
        };
        arrivals.on("request", check);
        check();
      }),
    allClosed: async () => {
      await Promise.all(closed);
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface UnacceptingServer {
  url: string;
  close(): Promise<void>;
}

const CHILD = `
const net = require("net");
const server = net.createServer();
server.listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => {
  process.stdout.write(server.address().port + "\\n", () => {
    // Block the event loop for good: connections are queued by the kernel, never accepted.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  });
});
`;

export async function unacceptingServer(): Promise<UnacceptingServer> {
  const child: ChildProcess = spawn(process.execPath, ["-e", CHILD], { stdio: ["ignore", "pipe", "ignore"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.stdout!.once("data", (d) => resolve(Number(String(d).trim())));
  });
  // Linux queues backlog + 1 = 2 completed connections; then it drops SYNs.
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 2; i++) {
    await new Promise<void>((resolve, reject) => {
      const s = net.connect(port, "127.0.0.1", () => resolve());
      s.once("error", reject);
      fillers.push(s);
    });
  }
  return {
    url: `http://127.0.0.1:${port}/api/v1`,
    close: async () => {
      for (const s of fillers) s.destroy();
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    },
  };
}
