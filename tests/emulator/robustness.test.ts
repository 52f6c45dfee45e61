/** Malformed input, unknown routes, persistence with --state, and the `emulator` command. */
import { spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { startEmulator } from "../../emulator";
import { Api, ORG, SW_A, TestEmulator, testEmulator } from "../helpers/api";

describe("malformed requests", () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await testEmulator({ maxBodyBytes: 4096 });
  });
  afterAll(() => t.close());

  test("malformed JSON is a 400 with an errors array", async () => {
    const res = await t.api.request("PUT", `/devices/${SW_A}`, "{not json");
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: ["The request body is not valid JSON"] });
  });

  test("a body that is not an object is a 400", async () => {
    expect((await t.api.request("PUT", `/devices/${SW_A}`, "[1,2]")).status).toBe(400);
  });

  test("an oversized body is a 413 and writes nothing", async () => {
    const res = await t.api.put(`/devices/${SW_A}`, { name: "x".repeat(5000) });
    expect(res.status).toBe(413);
    expect((await t.api.get(`/devices/${SW_A}`)).body.name).toBe("Switch A");
  });

  test("unknown routes are 404, wrong methods 405 with Allow", async () => {
    expect((await t.api.get(`/organizations/${ORG}/nothing`)).status).toBe(404);
    expect((await t.api.get(`/nowhere`)).status).toBe(404);
    expect((await fetch(`${t.emu.origin}/api/v2/organizations`)).status).toBe(404);
    const res = await t.api.request("DELETE", `/devices/${SW_A}`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, PUT");
  });

  test("a malformed percent-encoding is answered, not crashed on", async () => {
    expect((await t.api.get(`/devices/%E0%A4%A/switch/ports`)).status).toBe(404);
    expect((await t.api.get(`/organizations/${ORG}`)).status).toBe(200);
  });

  test("a raw garbage request does not take the server down", async () => {
    await new Promise<void>((resolve) => {
      const url = new URL(t.emu.origin);
      const sock = net.connect(Number(url.port), url.hostname, () => sock.end("GARBAGE\r\n\r\n"));
      sock.on("close", () => resolve());
      sock.on("error", () => resolve());
      sock.resume();
    });
    expect((await t.api.get(`/organizations/${ORG}`)).status).toBe(200);
  });
});

describe("--state", () => {
  test("the world persists across restarts, written atomically", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-state-"));
    const file = path.join(dir, "world.json");
    const first = await startEmulator({ statePath: file, rateLimit: 0 });
    await new Api(first.url).put(`/devices/${SW_A}`, { name: "persisted" });
    await new Api(first.url).post(`/organizations/${ORG}/actionBatches`, { actions: [{ resource: `/devices/${SW_A}`, operation: "update", body: { notes: "draft" } }] });
    await first.close();
    expect(fs.readdirSync(dir)).toEqual(["world.json"]); // no temporary file left behind
    JSON.parse(fs.readFileSync(file, "utf8"));

    const second = await startEmulator({ statePath: file, rateLimit: 0 });
    const api = new Api(second.url);
    expect((await api.get(`/devices/${SW_A}`)).body.name).toBe("persisted");
    expect((await api.get(`/organizations/${ORG}/actionBatches`)).body).toHaveLength(1);
    await second.close();
  });

  test("a file seed that is not a world is refused with a clear message", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-seed-")), "bad.json");
    fs.writeFileSync(file, "{}");
    expect(() => new (require("../../emulator").Emulator)({ seed: file })).toThrow(/is not an emulator world/);
  });
});

describe("meraki-batch emulator", () => {
  const main = path.join(__dirname, "..", "..", "dist", "cli", "main.js");

  test("prints its URL and keys, serves, and stops cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, [main, "emulator", "--port", "0", "--seed", "demo", "--rate-limit", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const firstLines = await new Promise<string[]>((resolve, reject) => {
      child.stdout.on("data", (d) => {
        out += d;
        const lines = out.split("\n");
        if (lines.length >= 3) resolve(lines);
      });
      child.once("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const m = /^Dashboard API emulator listening on (http:\/\/127\.0\.0\.1:\d+\/api\/v1)$/.exec(firstLines[0]);
    expect(m).not.toBeNull();
    expect(firstLines[1]).toContain("aaaaaaaaaaaaaaaaaaabbbbbbbcccccccc");
    expect((await new Api(m![1]).get("/organizations")).status).toBe(200);
    const code = await new Promise<number | null>((resolve) => {
      child.once("exit", (c) => resolve(c));
      child.kill("SIGTERM");
    });
    expect(code).toBe(0);
    expect(out).toContain("Emulator stopped");
  });

  test("bad options are one clear line, not a stack trace", async () => {
    const child = spawn(process.execPath, [main, "emulator", "--port", "eighty"], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(2);
    expect(err).toBe("error: --port must be an integer between 0 and 65535, got 'eighty'\n");
  });
});
