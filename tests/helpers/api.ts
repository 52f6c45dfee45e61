/** A raw HTTP client for tests: what a user's curl would see, status, headers and JSON body. */
import { DEMO_API_KEY, Emulator, EmulatorOptions, startEmulator } from "../../emulator";

export interface Res {
  status: number;
  headers: Headers;
  body: any;
}

export class Api {
  constructor(
    readonly base: string,
    /** null sends no key at all */
    readonly key: string | null = DEMO_API_KEY,
    readonly header: "bearer" | "cisco" = "bearer",
  ) {}

  withKey(key: string | null, header: "bearer" | "cisco" = this.header): Api {
    return new Api(this.base, key, header);
  }

  async request(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Res> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (this.key !== null) {
      if (this.header === "bearer") headers.Authorization = `Bearer ${this.key}`;
      else headers["X-Cisco-Meraki-API-Key"] = this.key;
    }
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      headers["Content-Type"] = "application/json";
    }
    const res = await fetch(path.startsWith("http") ? path : this.base + path, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, headers: res.headers, body: parsed };
  }

  get = (path: string) => this.request("GET", path);
  post = (path: string, body?: unknown) => this.request("POST", path, body);
  put = (path: string, body?: unknown) => this.request("PUT", path, body);
  del = (path: string) => this.request("DELETE", path);
}

/** The control API (no key). */
export class Control {
  constructor(readonly origin: string) {}

  private async call(method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(`${this.origin}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`control ${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  reset = (seed?: string) => this.call("POST", "/reset", seed ? { seed } : {});
  clock = () => this.call("GET", "/clock");
  advance = (advanceSeconds: number) => this.call("POST", "/clock", { advanceSeconds });
  requests = async () => (await this.call("GET", "/requests")).requests as any[];
  clearRequests = () => this.call("DELETE", "/requests");
  fault = (spec: unknown) => this.call("POST", "/faults", spec);
  faults = async () => (await this.call("GET", "/faults")).faults as any[];
  clearFaults = () => this.call("DELETE", "/faults");
}

export interface TestEmulator {
  emu: Emulator;
  api: Api;
  control: Control;
  close(): Promise<void>;
}

/** Starts an emulator on port 0; rate limiting off and a frozen clock unless asked otherwise. */
export async function testEmulator(opts: EmulatorOptions = {}): Promise<TestEmulator> {
  const emu = await startEmulator({ rateLimit: 0, frozenClock: true, startTime: Date.UTC(2026, 10, 1), batchLatencyMs: 0, ...opts });
  return { emu, api: new Api(emu.url), control: new Control(emu.origin), close: () => emu.close() };
}

export const NET = "L_000000000000000";
export const ORG = "1234567";
export const SW_A = "AAAA-BBBB-CCCC";
export const SW_B = "DDDD-EEEE-FFFF";
