/** The pure parts of lookahead: the ledger, the record of changes applied ahead, settings, and the coalescer's waiting. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AheadStore, aheadFile } from "../../provider/dynamic/ahead-store";
import { Coalescer } from "../../provider/dynamic/coalescer";
import { Announcement, Ledger, signature } from "../../provider/dynamic/lookahead";
import { resolveSettings } from "../../provider/dynamic/settings";

const ann = (key: string, props: Record<string, unknown> = { serial: "S", portId: key, vlan: 10 }): Announcement => ({
  key,
  kind: "switchPort",
  props,
  intent: "create",
  signature: signature("switchPort", props),
});

describe("Ledger", () => {
  test("a flush takes what was announced, except the keys of its own calls; a claim waits for the outcome", async () => {
    const l = new Ledger();
    l.announce(ann("1"));
    l.announce(ann("2"));
    l.announce(ann("3"));
    expect(l.take(new Set(["2"])).map((a) => a.key)).toEqual(["1", "3"]);
    expect(l.take(new Set())).toEqual([ann("2")]); // taken once only
    const claim = l.claim("1");
    let answered = false;
    void claim.then(() => (answered = true));
    await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false); // still applying
    l.settle("1", { state: "applied", change: undefined, before: { vlan: 1 } });
    expect(await claim).toMatchObject({ state: "applied", before: { vlan: 1 }, a: { key: "1" } });
  });

  test("a claimed key is never anticipated again; a released one can be announced again", async () => {
    const l = new Ledger();
    expect(await l.claim("1")).toBeUndefined();
    l.announce(ann("1"));
    expect(l.take(new Set())).toEqual([]);
    l.announce(ann("2"));
    l.take(new Set());
    l.settle("2", { state: "released" });
    expect(await l.claim("2")).toBeUndefined();
    l.announce(ann("3"));
    l.take(new Set());
    l.settle("3", { state: "released" });
    l.announce(ann("3", { serial: "S", portId: "3", vlan: 20 }));
    expect(l.take(new Set()).map((a) => a.props.vlan)).toEqual([20]);
  });

  test("the latest announcement of a key wins until it is taken", () => {
    const l = new Ledger();
    l.announce(ann("1", { serial: "S", portId: "1", vlan: 10 }));
    l.announce(ann("1", { serial: "S", portId: "1", vlan: 11 }));
    expect(l.pending()).toBe(1);
    expect(l.take(new Set())[0].props.vlan).toBe(11);
  });

  test("signatures ignore key order and undefined, not values", () => {
    expect(signature("switchPort", { a: 1, b: { c: [1, 2], d: "x" } })).toBe(signature("switchPort", { b: { d: "x", c: [1, 2] }, a: 1, e: undefined }));
    expect(signature("switchPort", { a: 1 })).not.toBe(signature("switchPort", { a: 2 }));
    expect(signature("switchPort", { a: 1 })).not.toBe(signature("deviceTags", { a: 1 }));
  });
});

describe("AheadStore", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mb-ahead-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string) => path.join(dir, name, "lookahead.json");

  test("the file is named after the API host and organization, in the given directory", () => {
    expect(aheadFile(".meraki-batch", "http://127.0.0.1:8787/api/v1", "1234567")).toBe(path.resolve(".meraki-batch", "lookahead-127.0.0.1_8787-1234567.json"));
    expect(aheadFile("/x", "https://api.meraki.com/api/v1", "123/../4")).toBe("/x/lookahead-api.meraki.com-123_.._4.json");
  });

  test("the true before: a field still at the value applied ahead takes the recorded before; a field changed since does not", async () => {
    const f = file("a");
    const s = new AheadStore(f, "u", "o");
    s.recordAhead("k", { kind: "switchPort", description: "port 1", live: { name: "was", vlan: 7, enabled: true }, after: { name: "Desk", vlan: 20 } });
    await s.save();
    const again = new AheadStore(f, "u", "o");
    expect(again.trueBefore("k", { name: "Desk", vlan: 20, enabled: true })).toEqual({ name: "was", vlan: 7, enabled: true });
    // Someone set vlan 30 in the Dashboard since: live is the truth for that field.
    expect(again.trueBefore("k", { name: "Desk", vlan: 30 })).toEqual({ name: "was", vlan: 30 });
    expect(again.trueBefore("other", { vlan: 1 })).toEqual({ vlan: 1 });
    expect(JSON.parse(fs.readFileSync(f, "utf8"))).toMatchObject({ version: 1, baseUrl: "u", organizationId: "o", entries: { k: { state: "sent", before: { name: "was" } } } });
  });

  test("a second apply ahead keeps the first one's before for the fields it still vouches for", () => {
    const s = new AheadStore(file("b"), "u", "o");
    s.recordAhead("k", { kind: "switchPort", description: "port 1", live: { name: "was", vlan: 7 }, after: { vlan: 20 } });
    // Next run: vlan is still what the first apply set; this one sets the name.
    const prior = s.recordAhead("k", { kind: "switchPort", description: "port 1", live: { name: "was", vlan: 20 }, after: { name: "Desk" } });
    expect(prior?.after).toEqual({ vlan: 20 });
    expect(s.get("k")).toMatchObject({ before: { name: "was", vlan: 7 }, after: { vlan: 20, name: "Desk" } });
    expect(s.trueBefore("k", { name: "Desk", vlan: 20 })).toEqual({ name: "was", vlan: 7 });
  });

  test("the file goes away when the last record is claimed; concurrent saves share a write", async () => {
    const f = file("c");
    const s = new AheadStore(f, "u", "o");
    s.recordAhead("k1", { kind: "deviceTags", description: "tags", live: { tags: ["a"] }, after: { tags: ["b"] } });
    s.recordAhead("k2", { kind: "deviceTags", description: "tags", live: { tags: ["a"] }, after: { tags: ["c"] } });
    await s.save();
    expect(fs.existsSync(f)).toBe(true);
    s.remove("k1");
    const one = s.save();
    s.remove("k2");
    const two = s.save();
    expect(two).toBe(one);
    await two;
    expect(fs.existsSync(f)).toBe(false);
    expect(fs.readdirSync(path.dirname(f))).toEqual([]); // no temporary file left
  });

  test("an unreadable file is reported and left as it is", () => {
    const f = file("d");
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, "{not json");
    const warnings: string[] = [];
    const s = new AheadStore(f, "u", "o", (m) => warnings.push(m));
    expect(warnings).toEqual([expect.stringMatching(/^ignoring .*lookahead\.json: .*originals of resources applied ahead in an earlier run may be the applied values$/)]);
    expect(s.trueBefore("k", { vlan: 1 })).toEqual({ vlan: 1 });
    expect(fs.readFileSync(f, "utf8")).toBe("{not json");
  });
});

describe("settings", () => {
  const base = { MERAKI_DASHBOARD_API_KEY: "k" };
  test("lookahead is on by default; config or environment turn it off; nonsense is refused", () => {
    expect(resolveSettings(() => undefined, base)).toMatchObject({ lookahead: true, lookaheadDir: ".meraki-batch", batchMaxWaitMs: 1000 });
    expect(resolveSettings((n) => (n === "lookahead" ? "false" : undefined), base).lookahead).toBe(false);
    expect(resolveSettings(() => undefined, { ...base, MERAKI_BATCH_LOOKAHEAD: "0", MERAKI_BATCH_MAX_WAIT_MS: "5000" })).toMatchObject({ lookahead: false, batchMaxWaitMs: 5000 });
    expect(() => resolveSettings((n) => (n === "lookahead" ? "maybe" : undefined), base)).toThrow("meraki-batch:lookahead (or MERAKI_BATCH_LOOKAHEAD) must be true or false, got 'maybe'");
  });
});

describe("Coalescer", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test("announcements keep a waiting flush open for the window, up to its deadline; alone they start nothing", async () => {
    const flushed: number[][] = [];
    const c = new Coalescer<number, void>(async (items) => void flushed.push(items.map((i) => i.item)), () => 50, () => 1000);
    c.touch();
    jest.advanceTimersByTime(5000);
    expect(flushed).toEqual([]);
    void c.submit(1);
    for (let t = 0; t < 10; t++) {
      jest.advanceTimersByTime(40);
      c.touch();
    }
    expect(flushed).toEqual([]); // 400 ms of announcements: still waiting
    jest.advanceTimersByTime(50);
    expect(flushed).toEqual([[1]]);
    void c.submit(2);
    for (let t = 0; t < 30; t++) {
      jest.advanceTimersByTime(40);
      c.touch();
    }
    expect(flushed).toEqual([[1], [2]]); // the deadline (1 s) ends the wait
  });
});
