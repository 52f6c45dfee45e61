/**
 * `apply` with nothing to do still deletes the drafts that ended runs of this tool left (found by
 * the chaos test: a run killed after staging, whose changes another run then applied, left its
 * drafts to every later apply, which only reported them).
 */
import * as os from "os";
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { FileLedger, defaultStateDir } from "../../provider";
import { TestEmulator, testEmulator } from "../helpers/api";
import { cli, PROGRAMS } from "../helpers/cli";

let t: TestEmulator;
afterEach(() => t.close());

test("apply with nothing to do deletes the drafts an ended run of this tool left, says so, and exits 0", async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0 });
  const env = { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: t.emu.url, MERAKI_ORGANIZATION_ID: undefined };
  const small = path.join(PROGRAMS, "small");
  expect((await cli(["apply", small, "--yes"], { env })).code).toBe(0);
  // A run that was killed after staging (its process is gone): its draft, recorded in this machine's ledger.
  const draft = await t.api.post("/organizations/1234567/actionBatches", { confirmed: false, actions: [{ resource: "/devices/AAAA-BBBB-CCCC/switch/ports/2", operation: "update", body: { name: "Desk by the window" } }] });
  const ledger = new FileLedger(defaultStateDir());
  ledger.record({ id: draft.body.id, organizationId: "1234567", baseUrl: t.emu.url, purpose: "run", runId: "ended", pid: 4194305, host: os.hostname(), createdAt: Date.now() - 60_000, actions: 1 });

  const r = await cli(["apply", small, "--yes", "--json"], { env });
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, status: "done", exitCode: 0, resources: [], removedAbandoned: [draft.body.id] });
  expect(r.stderr).toContain(`Deleted 1 draft an interrupted run had left: ${draft.body.id}.`);
  expect((await t.api.get("/organizations/1234567/actionBatches")).body.filter((b: { confirmed: boolean }) => !b.confirmed)).toEqual([]);
  expect(ledger.get(draft.body.id, t.emu.url)).toBeUndefined();
});
