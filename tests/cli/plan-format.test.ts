/** Plan output: grouping as a data step that expands back exactly, and the text, Markdown and JSON made from it. */
import { formatJson, formatMarkdown, formatPlan } from "../../cli/format";
import { ExpandedChange, entriesOf, expandGroups, groupPlan } from "../../cli/format/group";
import { compressIds } from "../../cli/format/shared";
import { colours } from "../../cli/io";
import { Change, Plan, ResourceSpec } from "../../provider";
import { seal } from "../../provider/plan/plan";
import { naturalCompare } from "../../provider/plan/order";
import { defaultPort, liveNetwork, planOf, port } from "../helpers/plans";
import { random, Random } from "../helpers/random";

const plain = colours({ stdout: { isTTY: false }, env: {} } as never);
const text = (p: Plan) => formatPlan(p, plain);
const NET = "N_1";

/** What a plan's changes say, per resource, as the grouped view must give them back. */
function perResource(plan: Plan): ExpandedChange[] {
  return plan.changes
    .filter((c) => c.op !== "noop")
    .map((c) => ({ key: c.key, name: c.name, kind: c.kind, op: c.op, fields: c.fields, ...((c as { notes?: string[] }).notes ? { notes: (c as { notes?: string[] }).notes } : {}) }))
    .sort((a, b) => naturalCompare(a.key, b.key));
}

/** Random port settings on random switches: a palette small enough that ports often agree. */
function randomPlan(r: Random): Plan {
  const networks: Record<string, string[]> = {};
  const serials: string[] = [];
  for (let n = 1; n <= r.between(1, 3); n++) {
    networks[`N_${n}`] = Array.from({ length: r.between(1, 3) }, (_, s) => `Q-${n}${s}-${r.int(1000)}`);
    serials.push(...networks[`N_${n}`]);
  }
  const live = liveNetwork(networks);
  const names = [null, "Desk {n}", "AP {n} north", "Printer", "B1-SW1-D{n}", "{n}"];
  const resources: ResourceSpec[] = [];
  for (const serial of serials) {
    for (let p = 1; p <= 48; p++) {
      // Some drift on the live side, so that old values differ too.
      if (r.chance(0.1)) live.ports[serial][String(p)] = defaultPort(String(p), { vlan: r.pick([1, 30]), name: r.pick([null, `Old ${p}`, "Old"]) });
      if (!r.chance(0.7)) continue;
      const trunk = r.chance(0.2);
      const vlan = r.pick([1, 10, 20]);
      const name = r.pick(names);
      const props: Record<string, unknown> = { type: trunk ? "trunk" : "access", vlan, name: name?.replace("{n}", String(p)) ?? null };
      if (trunk) props.allowedVlans = r.pick(["1,10,20", "all"]);
      else if (r.chance(0.5)) props.voiceVlan = vlan === 30 ? 20 : 30;
      if (r.chance(0.3)) props.tags = r.pick([["a"], ["a", "b"]]);
      if (r.chance(0.2)) props.enabled = r.chance(0.5);
      resources.push(port(serial, p, props, r.pick([`${serial}-${p}`, `desk-${p}`, `x${p}y`])));
    }
    if (r.chance(0.5)) resources.push({ kind: "deviceTags", name: `${serial}-tags`, props: { serial, tags: ["floor"] } });
  }
  if (r.chance(0.5)) resources.push({ kind: "vlan", name: "users", props: { networkId: "N_1", vlanId: 10, name: "Users", subnet: "10.10.10.0/24", applianceIp: "10.10.10.1" } });
  return planOf(r.shuffle(resources), live);
}

describe("grouping is a data step that expands back to exactly the per-resource changes", () => {
  test.each(Array.from({ length: 40 }, (_, i) => i + 1))("random port settings on random switches (seed %i)", (seed) => {
    const r = random(seed);
    const plan = randomPlan(r);
    const g = groupPlan(plan);
    expect(expandGroups(g).sort((a, b) => naturalCompare(a.key, b.key))).toEqual(perResource(plan));

    // Compressed as far as it goes: on one device, no two port entries stand for equal changes.
    for (const n of g.networks) {
      for (const d of n.devices) {
        const ports = d.entries.filter((e) => e.ports);
        const signatures = ports.map((e) => JSON.stringify([e.kind, e.op, e.fields, e.notes ?? []]));
        expect(new Set(signatures).size).toBe(signatures.length);
        for (const e of ports) expect(e.subject).toBe(`${e.ports!.length > 1 ? "ports" : "port"} ${compressIds(e.ports!)}`);
        // Stable order: device-level entries, then port entries by their first port.
        const firsts = ports.map((e) => e.ports![0]);
        expect(firsts).toEqual([...firsts].sort(naturalCompare));
      }
      expect(n.devices.map((d) => d.serial)).toEqual(n.devices.map((d) => d.serial).sort(naturalCompare));
    }
    expect(g.networks.map((n) => n.networkId)).toEqual(g.networks.map((n) => n.networkId).sort((a, b) => naturalCompare(a ?? "~", b ?? "~")));

    // The same plan prints identically, whatever order its changes come in.
    const shuffled = { ...plan, changes: r.shuffle(plan.changes) };
    expect(text(shuffled)).toBe(text(plan));
    expect(formatMarkdown(shuffled)).toBe(formatMarkdown(plan));
    expect(formatMarkdown(plan).length).toBeLessThan(60_000);
  });
});

describe("text", () => {
  const live = () => liveNetwork({ [NET]: ["SW-1"] });
  const desks = (from: number, to: number, props: Record<string, unknown>) =>
    Array.from({ length: to - from + 1 }, (_, i) => port("SW-1", from + i, props, `desk-${from + i}`));

  test("ports of one switch with the same changes are one line with a port range", () => {
    const plan = planOf(desks(2, 40, { vlan: 10, voiceVlan: 20 }), live());
    expect(text(plan)).toContain(["Network N_1", "  Device SW-1", "    ~ ports 2-40 (desk-{port}): vlan 1 → 10, voiceVlan – → 20", ""].join("\n"));
  });

  test("differing ports stay on their own lines; a port's own number in a value still groups", () => {
    const l = live();
    l.ports["SW-1"]["5"] = defaultPort("5", { vlan: 30 });
    const plan = planOf(desks(2, 40, { vlan: 10 }).map((s, i) => ({ ...s, props: { ...(s.props as object), name: `Desk ${i + 2}` } })), l);
    const out = text(plan);
    expect(out).toContain('    ~ ports 2-4, 6-40 (desk-{port}): name – → "Desk {port}", vlan 1 → 10\n');
    expect(out).toContain('    ~ port 5 (desk-5): name – → "Desk 5", vlan 30 → 10\n');
    expect(out.indexOf("ports 2-4, 6-40")).toBeLessThan(out.indexOf("port 5 "));
  });

  test("VLAN creates and deletes show all their fields, updates only what changes", () => {
    const l = live();
    (l.vlans[NET] as { vlans: Record<string, Record<string, unknown>> }).vlans["30"] = { id: 30, name: "Guest", subnet: "10.10.30.0/24", applianceIp: "10.10.30.1" };
    const plan = planOf(
      [
        { kind: "vlan", name: "users", props: { networkId: NET, vlanId: 10, name: "Users", subnet: "10.10.10.0/24", applianceIp: "10.10.10.1" } },
        { kind: "vlan", name: "default", props: { networkId: NET, vlanId: 1, name: "Management", subnet: "192.168.128.0/24", applianceIp: "192.168.128.1" } },
      ],
      l,
      [{ kind: "vlan", name: "guest", props: { networkId: NET, vlanId: 30, name: "Guest", subnet: "10.10.30.0/24", applianceIp: "10.10.30.1" } }],
    );
    expect(text(plan)).toContain(
      [
        "Network N_1",
        '  + Vlan users (VLAN 10): name "Users", subnet "10.10.10.0/24", applianceIp "10.10.10.1"',
        '  ~ Vlan default (VLAN 1): name "Default" → "Management"',
        "  - Vlan guest (VLAN 30): deleted; was",
        '      name "Guest"',
        '      subnet "10.10.30.0/24"',
        '      applianceIp "10.10.30.1"',
      ].join("\n"),
    );
  });

  test("summary first and, in a long output, last; every count in the right number", () => {
    const one = planOf([port("SW-1", 7, { vlan: 10 })], live());
    const short = text(one);
    expect(short.split("\n").slice(0, 3)).toEqual([
      "Plan for organization O_1: 1 resource to change (0 to create, 1 to update, 0 to delete), 0 unchanged",
      "  SwitchPort 1 to update",
      `  1 action in 1 batch · plan ${one.digest.slice(0, 23)} · live state ${one.liveDigest.slice(0, 23)}`,
    ]);
    expect(short).toContain("Batches: 1 (1 action), in execution order:\n  #1  1 action, synchronous: 1 SwitchPort update\n");
    expect(short).not.toMatch(/\b1 (actions|batches|resources|changes)\b/);
    expect(short.endsWith("        1. update  /devices/SW-1/switch/ports/7\n")).toBe(true);

    const long = text(planOf(Array.from({ length: 48 }, (_, i) => port("SW-1", i + 1, { vlan: 10 + i })), live()));
    const lines = long.trimEnd().split("\n");
    expect(lines.slice(-3)).toEqual(lines.slice(0, 3));
  });

  test("notes appear under their change; kinds the formatter does not know fall back to their name", () => {
    const plan = planOf([port("SW-1", 1, { vlan: 10 })], live());
    const change = plan.changes[0] as Change & { notes?: string[] };
    change.notes = ["the port bounces once"];
    const settings = { key: "futureKind/N_1", kind: "futureKind", name: "vlans-on", description: "VLAN settings of network N_1", op: "update", fields: [{ path: "vlansEnabled", old: false, new: true }], live: { vlansEnabled: false }, actions: [{ resource: "/networks/N_1/appliance/vlans/settings", operation: "update", body: { vlansEnabled: true } }], dependsOn: [], scope: { networkId: NET }, notes: ["enabling VLANs turns the MX's LAN ports into trunks"] } as unknown as Change;
    const both = seal({ ...plan, changes: [...plan.changes, settings], batches: [{ ...plan.batches[0], actions: [...plan.batches[0].actions, settings.actions[0]], owners: [...plan.batches[0].owners, settings.key] }] });
    const out = text(both);
    expect(out).toContain("  ~ futureKind vlans-on (VLAN settings): vlansEnabled false → true\n      note: enabling VLANs turns the MX's LAN ports into trunks\n");
    expect(out).toContain("    ~ port 1 (SW-1-port-1): vlan 1 → 10\n        note: the port bounces once\n");
    expect(out).toContain("1 SwitchPort update, 1 futureKind update");
    const md = formatMarkdown(both);
    expect(md).toContain("⚠️ enabling VLANs turns the MX's LAN ports into trunks");
    expect(expandGroups(groupPlan(both)).find((e) => e.kind === "futureKind")).toEqual({ key: settings.key, name: "vlans-on", kind: "futureKind", op: "update", fields: settings.fields, notes: ["enabling VLANs turns the MX's LAN ports into trunks"] });
  });
});

describe("Markdown", () => {
  /** The cells of a table row, split where GFM splits them (at pipes not escaped). */
  const cells = (row: string) => row.replace(/^\|/, "").replace(/\|$/, "").split(/(?<!\\)\|/);

  test("a backtick or a pipe in a name or value cannot break the table or the code span", () => {
    const live = liveNetwork({ [NET]: ["SW-1"] });
    const plan = planOf([port("SW-1", 3, { name: "a|b `c` \\|d <b>*e*</b>" }, "we|ird`name"), port("SW-1", 4, { name: "x" })], live);
    const md = formatMarkdown(plan);
    const rows = md.split("\n").filter((l) => l.startsWith("| ~"));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(cells(row)).toHaveLength(3);
    expect(rows[0]).toContain("<code>we\\|ird\\`name</code>");
    expect(rows[0]).toContain("<code>\"a\\|b \\`c\\` \\\\\\\\\\|d &lt;b&gt;\\*e\\*&lt;/b&gt;\"</code>");
    expect(rows[1]).toContain('`name` – → `"x"`');
  });

  test("over the limit: grouped changes first, detail dropped, then a line says how many changes are not shown and where the plan is", () => {
    const serials = Array.from({ length: 20 }, (_, s) => `SW-${s + 1}`);
    const live = liveNetwork({ [NET]: serials });
    // Every port different: nothing groups.
    const resources = serials.flatMap((serial, s) => Array.from({ length: 48 }, (_, p) => port(serial, p + 1, { vlan: 2 + ((s * 48 + p) % 4000), name: `n${s}x${p}` })));
    const plan = planOf(resources, live);
    const md = formatMarkdown(plan, { program: "site", stack: "prod", planFile: "plan.json" });
    expect(md.length).toBeLessThan(60_000);
    const shown = md.split("\n").filter((l) => l.startsWith("| ~")).length;
    expect(shown).toBeGreaterThan(100);
    expect(md).toContain(`**… ${960 - shown} more changes not shown here** (${shown} of 960 shown; a comment holds 60,000 characters). The full plan: the plan file \`plan.json\` (a CI job keeps it as an artifact).`);
    expect(md).not.toContain("<details>");
    // Summary first and last.
    expect(md.split("\n")[3]).toMatch(/^\*\*960 resources to change\*\*, 0 unchanged · \*\*960 actions in 10 batches\*\* · plan `sha256:[0-9a-f]{16}`/);
    expect(md.trimEnd().split("\n").pop()).toBe(md.split("\n")[3]);

    const small = formatMarkdown(plan, { limit: 8_000 });
    expect(small.length).toBeLessThanOrEqual(8_000);
    expect(small).toMatch(/The full plan: the output of <code>meraki-batch plan<\/code>\.$/m);
  });

  test("per-port detail in <details> blocks, each port with its resource and its own values", () => {
    const live = liveNetwork({ [NET]: ["SW-1"] });
    const md = formatMarkdown(planOf(Array.from({ length: 3 }, (_, i) => port("SW-1", i + 2, { vlan: 10, name: `Desk ${i + 2}` }, `desk-${i + 2}`)), live));
    expect(md).toContain(
      [
        "<details><summary>Device SW-1: 3 ports of 1 range, one by one</summary>",
        "",
        "ports 2-4, each with its own `name`:",
        "",
        "| Port | Resource | `name` |",
        "|--:|---|---|",
        '| 2 | `desk-2` | `"Desk 2"` |',
        '| 3 | `desk-3` | `"Desk 3"` |',
        '| 4 | `desk-4` | `"Desk 4"` |',
        "",
        "</details>",
      ].join("\n"),
    );
  });

  test("the first line names the plan: program, stack and full digest, inside an HTML comment", () => {
    const plan = planOf([port("SW-1", 1, { vlan: 10 })], liveNetwork({ [NET]: ["SW-1"] }));
    const first = formatMarkdown(plan, { program: "a--b->c", stack: "prod" }).split("\n")[0];
    expect(first).toMatch(/^<!-- meraki-batch-plan \{.*\} -->$/);
    expect(first.slice(4, -3)).not.toMatch(/--|>/);
    expect(JSON.parse(/^<!-- meraki-batch-plan (\{.*\}) -->$/.exec(first)![1])).toEqual({ program: "a--b->c", stack: "prod", digest: plan.digest });
  });
});

test("JSON: the plan file's content and, beside it, the grouped view", () => {
  const plan = planOf([port("SW-1", 1, { vlan: 10 }), port("SW-1", 2, { vlan: 10 })], liveNetwork({ [NET]: ["SW-1"] }));
  const file = { ...plan, source: { program: "p", project: "p", stack: "dev" } };
  const { grouped, ...rest } = JSON.parse(formatJson(file));
  expect(rest).toEqual(JSON.parse(JSON.stringify(file)));
  expect(grouped.networks[0].devices[0].entries).toHaveLength(1);
  expect(entriesOf(grouped)[0]).toMatchObject({ subject: "ports 1-2", ports: ["1", "2"], fields: [{ path: "vlan", old: 1, new: 10 }] });
});
