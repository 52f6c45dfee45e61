/**
 * A big program planned end to end by the CLI, in both forms (bench/programs.ts): 50 switches of
 * the campus seed, every port declared, once as one SwitchPorts per switch and once as one
 * SwitchPort per port. The two plans change the same fields of the same 2,400 ports in the same
 * number of batches, and the printed plan groups the ports (its length follows the switches, not
 * the ports). How long it takes is bench/'s business (bench/README.md), not this test's.
 */
import * as fs from "fs";
import { CAMPUS_API_KEY } from "../../emulator/seeds";
import { CAMPUS_ORG, ProgramForm, writeProgram } from "../../bench/programs";
import { TestEmulator, testEmulator } from "../helpers/api";
import { cli } from "../helpers/cli";

const SWITCHES = 50;
let t: TestEmulator;
const dirs: string[] = [];
beforeAll(async () => {
  t = await testEmulator({ seed: "campus", switches: SWITCHES, frozenClock: false, rateLimit: 0 });
});
afterAll(async () => {
  await t?.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function plan(form: ProgramForm): Promise<{ json: any; text: string }> {
  const dir = writeProgram(form, { "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": CAMPUS_ORG, "bench:switches": String(SWITCHES) });
  dirs.push(dir);
  const env = { MERAKI_DASHBOARD_API_KEY: CAMPUS_API_KEY, MERAKI_ORGANIZATION_ID: undefined, MERAKI_DASHBOARD_API_BASE_URL: undefined };
  const [json, text] = await Promise.all([cli(["plan", dir, "--json", "--no-type-check"], { env }), cli(["plan", dir, "--no-type-check"], { env })]);
  expect([json.code, json.stderr]).toEqual([0, ""]);
  expect([text.code, text.stderr]).toEqual([0, ""]);
  return { json: JSON.parse(json.stdout), text: text.stdout };
}

/** Each changed object's fields, by its key (the port, the VLAN): what the plan does, whatever the resources are called. */
const changes = (p: any) => Object.fromEntries(p.changes.filter((c: any) => c.op !== "noop").map((c: any) => [c.key, c.fields]));

test("2,400 ports, bulk and per port: the same changes in the same batches, and a printed plan a few lines per switch", async () => {
  const [bulk, perPort] = await Promise.all([plan("bulk"), plan("per-port")]);
  expect(bulk.json.summary).toEqual({ create: 3, update: 2400, delete: 0, noop: 0, actions: 2404, batches: 25 });
  expect(perPort.json.summary).toEqual(bulk.json.summary);
  expect(changes(perPort.json)).toEqual(changes(bulk.json));
  // The same actions in each batch, in the same order.
  expect(perPort.json.batches.map((b: any) => b.actions)).toEqual(bulk.json.batches.map((b: any) => b.actions));
  // Bulk ports are named NAME[PORT], per-port ones as the program names them.
  expect(bulk.json.changes.find((c: any) => c.key === "switchPort/Q2CA-MS00-0007/41").name).toBe("sw7[41]");
  expect(perPort.json.changes.find((c: any) => c.key === "switchPort/Q2CA-MS00-0007/41").name).toBe("sw7-41");
  for (const { text } of [bulk, perPort]) {
    expect(text).toContain("    ~ ports 1-40 (");
    // Per switch: its heading, 4 entries and their fields (about 21 lines); per batch about 4; the summary twice.
    const lines = text.split("\n").length;
    expect(lines).toBeLessThan(SWITCHES * 22 + 25 * 5 + 20);
  }
}, 120_000);
