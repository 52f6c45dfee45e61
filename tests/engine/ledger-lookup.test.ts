/** The draft ledger's lookups: a draft's own record, else the intent whose actions it carries. */
import { DraftRecord, MemoryLedger, THIS_RUN, fingerprint, recordLookup, recordOf } from "../../provider/apply/ledger";
import { Action } from "../../provider/dashboard/batches";

const BASE = "http://127.0.0.1:1/api/v1";
const ORG = "1234567";
const actions = (port: number): Action[] => [{ operation: "update", resource: `/devices/AAAA-BBBB-CCCC/switch/ports/${port}`, body: { vlan: 10 } }];
const record = (id: string, extra: Partial<DraftRecord> = {}): DraftRecord => ({ id, organizationId: ORG, baseUrl: BASE, purpose: "run", ...THIS_RUN, createdAt: 0, actions: 1, ...extra });

class CountingLedger extends MemoryLedger {
  lists = 0;
  override list(organizationId: string, baseUrl: string): DraftRecord[] {
    this.lists++;
    return super.list(organizationId, baseUrl);
  }
}

test("one pass lists the ledger once however many batches have no record of their own, and finds what recordOf finds", () => {
  const ledger = new CountingLedger();
  ledger.record(record("101"));
  ledger.record(record("intent-a", { fingerprint: fingerprint(actions(2)) }));
  // An ended run's intent for the same actions as a live one's: the live one's claim is found.
  ledger.record(record("intent-b", { fingerprint: fingerprint(actions(3)), runId: "ended", pid: 2 ** 22 + 1 }));
  ledger.record(record("intent-c", { fingerprint: fingerprint(actions(3)) }));
  const pending = [
    { id: "101", actions: actions(1) },
    { id: "102", actions: actions(2) },
    { id: "103", actions: actions(3) },
    ...Array.from({ length: 50 }, (_, i) => ({ id: String(200 + i), actions: actions(100 + i) })),
  ];

  const lookup = recordLookup(ledger, BASE, ORG);
  const found = pending.map((b) => lookup(b)?.id);
  expect(ledger.lists).toBe(1);
  expect(found.slice(0, 3)).toEqual(["101", "intent-a", "intent-c"]);
  expect(found.slice(3).every((id) => id === undefined)).toBe(true);

  ledger.lists = 0;
  expect(pending.map((b) => recordOf(ledger, BASE, b, ORG)?.id)).toEqual(found);
  expect(ledger.lists).toBe(pending.length - 1); // the per-batch form, for single lookups
});
