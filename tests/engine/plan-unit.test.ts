/** Planning without I/O: normalisation, diff, ordering, dependencies and compilation on synthetic live state. */
import { canonicalVlanList } from "../../lib/vlan-list";
import { LiveSnapshot, Plan, ResourceSpec, DeleteSpec, makePlan, validate, compile, Change } from "../../provider";
import { ValidationError } from "../../provider/errors";
import { parseFailure, findFailedAction } from "../../provider/apply/failures";
import { liveDigest } from "../../provider/plan/digest";

const NET = "N_1";
function port(portId: string, extra: Record<string, unknown> = {}) {
  return { portId, name: null, tags: [], enabled: true, poeEnabled: true, type: "access", vlan: 1, voiceVlan: null, allowedVlans: "1-1000", accessPolicyType: "Open", stpGuard: "disabled", linkNegotiation: "Auto negotiate", linkNegotiationCapabilities: ["Auto negotiate"], ...extra };
}

function snapshot(switches = 2, ports = 48): LiveSnapshot {
  const live: LiveSnapshot = {
    organizationId: "O",
    networks: { [NET]: { id: NET, name: "n", productTypes: ["appliance", "switch"] } },
    devices: {},
    vlans: { [NET]: { state: "ok", vlans: { "1": { id: 1, name: "Default", subnet: "192.168.128.0/24", applianceIp: "192.168.128.1", dnsNameservers: "upstream_dns", reservedIpRanges: [], fixedIpAssignments: {} } } } },
    ports: {},
  };
  for (let s = 1; s <= switches; s++) {
    const serial = `S-${s}`;
    live.devices![serial] = { serial, networkId: NET, name: null, model: "MS225-48LP", productType: "switch", tags: ["b", "a"] };
    live.ports[serial] = Object.fromEntries(Array.from({ length: ports }, (_, i) => [String(i + 1), port(String(i + 1))]));
  }
  return live;
}

function plan(resources: ResourceSpec[], live = snapshot(), deletes: DeleteSpec[] = [], options = {}): Plan {
  const { items, removals } = validate(resources, deletes);
  return makePlan(items, removals, live, options, new Date("2026-11-28T00:00:00Z"));
}

const sp = (serial: string, portId: string | number, props: Record<string, unknown> = {}, name = `p-${serial}-${portId}`): ResourceSpec => ({ kind: "switchPort", name, props: { serial, portId, ...props } });

describe("normalisation: equal meaning is no change", () => {
  test.each([
    ["1,3,5-10", "1,3,5,6,7,8,9,10"],
    ["5-10,1,3", "1,3,5-10"],
    ["1-4094", "all"],
    ["10, 20 ,30", "10,20,30"],
  ])("allowedVlans %s equals live %s", (desired, live) => {
    const l = snapshot(1);
    l.ports["S-1"]["48"] = port("48", { type: "trunk", allowedVlans: live });
    const p = plan([sp("S-1", 48, { type: "trunk", allowedVlans: desired })], l);
    expect(p.changes[0].op).toBe("noop");
  });

  test("canonical VLAN lists collapse runs of three or more", () => {
    expect(canonicalVlanList("1,2,3,5,6,8")).toBe("1-3,5,6,8");
  });

  test("tag order and duplicates do not matter; an empty name equals null", () => {
    const l = snapshot(1);
    l.ports["S-1"]["3"] = port("3", { tags: ["z", "a"], name: "" });
    expect(plan([sp("S-1", 3, { tags: ["a", "z", "a"], name: null })], l).changes[0].op).toBe("noop");
    expect(plan([{ kind: "deviceTags", name: "t", props: { serial: "S-1", tags: ["a", "b"] } }], l).changes[0].op).toBe("noop");
  });

  test("fields the resource does not set are left alone", () => {
    const l = snapshot(1);
    l.ports["S-1"]["4"] = port("4", { name: "someone else's", poeEnabled: false });
    const c = plan([sp("S-1", 4, { vlan: 20 })], l).changes[0];
    expect(c.fields).toEqual([{ path: "vlan", old: 1, new: 20 }]);
    expect(c.actions[0].body).toEqual({ vlan: 20 });
  });

  test("a VLAN's reserved ranges and DHCP options compare regardless of order; MACs regardless of case", () => {
    const l = snapshot(1);
    (l.vlans[NET] as any).vlans["20"] = {
      id: 20, name: "u", subnet: "10.0.0.0/24", applianceIp: "10.0.0.1",
      reservedIpRanges: [{ start: "10.0.0.50", end: "10.0.0.60", comment: "b" }, { start: "10.0.0.10", end: "10.0.0.20", comment: "a" }],
      dhcpOptions: [{ code: "66", type: "text", value: "x" }, { code: "3", type: "ip", value: "10.0.0.1" }],
      fixedIpAssignments: { "aa:bb:cc:dd:ee:ff": { ip: "10.0.0.5", name: "nas" } },
    };
    const p = plan([{ kind: "vlan", name: "u", props: {
      networkId: NET, vlanId: 20, name: "u", subnet: "10.0.0.0/24", applianceIp: "10.0.0.1",
      reservedIpRanges: [{ start: "10.0.0.10", end: "10.0.0.20", comment: "a" }, { start: "10.0.0.50", end: "10.0.0.60", comment: "b" }],
      dhcpOptions: [{ code: "3", type: "ip", value: "10.0.0.1" }, { code: "66", type: "text", value: "x" }],
      fixedIpAssignments: { "AA:BB:CC:DD:EE:FF": { ip: "10.0.0.5", name: "nas" } },
    } }], l);
    expect(p.changes[0].op).toBe("noop");
  });

  test("a port id given as a number is the same port", () => {
    expect(plan([sp("S-1", 7, { vlan: 7 })]).changes[0].key).toBe("switchPort/S-1/7");
  });
});

describe("compilation", () => {
  test("actions are ordered VLAN creates, VLAN updates, device updates, port updates, VLAN destroys", () => {
    const l = snapshot(1);
    (l.vlans[NET] as any).vlans["30"] = { id: 30, name: "old", subnet: "10.30.0.0/24", applianceIp: "10.30.0.1" };
    (l.vlans[NET] as any).vlans["40"] = { id: 40, name: "gone", subnet: "10.40.0.0/24", applianceIp: "10.40.0.1" };
    l.ports["S-1"]["9"] = port("9", { vlan: 40 });
    const p = plan(
      [
        sp("S-1", 9, { vlan: 30 }),
        { kind: "deviceTags", name: "t", props: { serial: "S-1", tags: ["x"] } },
        { kind: "vlan", name: "v30", props: { networkId: NET, vlanId: 30, name: "renamed", subnet: "10.30.0.0/24", applianceIp: "10.30.0.1" } },
        { kind: "vlan", name: "v20", props: { networkId: NET, vlanId: 20, name: "new", subnet: "10.20.0.0/24", applianceIp: "10.20.0.1" } },
      ],
      l,
      [{ kind: "vlan", name: "v40", props: { networkId: NET, vlanId: 40, name: "gone", subnet: "10.40.0.0/24", applianceIp: "10.40.0.1" } }],
    );
    expect(p.batches).toHaveLength(1);
    expect(p.batches[0].actions.map((a) => `${a.operation} ${a.resource}`)).toEqual([
      `create /networks/${NET}/appliance/vlans`,
      `update /networks/${NET}/appliance/vlans/30`,
      "update /devices/S-1",
      "update /devices/S-1/switch/ports/9",
      `destroy /networks/${NET}/appliance/vlans/40`,
    ]);
    // The destroy waits for the port that leaves VLAN 40.
    expect(p.changes.find((c) => c.key === `vlan/${NET}/40`)!.dependsOn).toEqual(["switchPort/S-1/9"]);
    expect(p.batches[0].synchronous).toBe(true);
    expect(p.summary).toMatchObject({ create: 1, update: 3, delete: 1 });
  });

  test("as few batches as the limits allow, and deterministic", () => {
    const specs = Array.from({ length: 4 }, (_, s) => Array.from({ length: 48 }, (_, i) => sp(`S-${s + 1}`, i + 1, { vlan: 10 }))).flat();
    const a = plan(specs, snapshot(4));
    expect(a.batches.map((b) => b.actions.length)).toEqual([100, 92]);
    const b = plan([...specs].reverse(), snapshot(4));
    expect(b.batches).toEqual(a.batches);
    expect(b.liveDigest).toBe(a.liveDigest);
  });

  test("sync preference and batch size options", () => {
    const specs = Array.from({ length: 30 }, (_, i) => sp("S-1", i + 1, { vlan: 10 }));
    expect(plan(specs).batches.map((b) => [b.actions.length, b.synchronous])).toEqual([[30, false]]);
    expect(plan(specs, snapshot(), [], { synchronous: "always" }).batches.map((b) => [b.actions.length, b.synchronous])).toEqual([[20, true], [10, true]]);
    expect(plan(specs.slice(0, 5), snapshot(), [], { synchronous: "never" }).batches[0].synchronous).toBe(false);
    expect(plan(specs, snapshot(), [], { maxActionsPerBatch: 12 }).batches.map((b) => b.actions.length)).toEqual([12, 12, 6]);
  });

  test("a component larger than a batch is split in order, each part after the previous", () => {
    const l = snapshot(3);
    const specs: ResourceSpec[] = [
      { kind: "vlan", name: "v", props: { networkId: NET, vlanId: 30, name: "v", subnet: "10.30.0.0/24", applianceIp: "10.30.0.1" } },
      ...Array.from({ length: 3 }, (_, s) => Array.from({ length: 48 }, (_, i) => sp(`S-${s + 1}`, i + 1, { vlan: 30 }))).flat(),
    ];
    const p = plan(specs, l);
    expect(p.batches.map((b) => b.actions.length)).toEqual([100, 45]);
    expect(p.batches[0].actions[0].operation).toBe("create");
    expect(p.batches[1].after).toEqual([0]);
  });

  test("compile refuses nothing it cannot place and keeps a change's actions together", () => {
    const changes: Change[] = Array.from({ length: 3 }, (_, i) => ({
      key: `k${i}`, kind: "vlan", name: `n${i}`, description: "", op: "create", fields: [], live: null, dependsOn: [],
      actions: [{ resource: `/r/${i}`, operation: "create" }, { resource: `/r/${i}`, operation: "update" }],
    }));
    const batches = compile(changes, () => 0, { maxActionsPerBatch: 3 });
    expect(batches.map((b) => b.owners)).toEqual([["k0", "k0"], ["k1", "k1"], ["k2", "k2"]]);
  });

  test("a batch limit below what one change needs is bad input naming every such resource, not a crash", () => {
    const changes: Change[] = Array.from({ length: 3 }, (_, i) => ({
      key: `k${i}`, kind: "vlan", name: `v${i}`, description: `VLAN ${i} on network N_1`, op: i < 2 ? "create" : "update", fields: [], live: null, dependsOn: [],
      actions: i < 2 ? [{ resource: `/r/${i}`, operation: "create" }, { resource: `/r/${i}`, operation: "update" }] : [{ resource: `/r/${i}`, operation: "update" }],
    }));
    let thrown: unknown;
    try {
      compile(changes, () => 0, { maxActionsPerBatch: 1 });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).code).toBe("VALIDATION_FAILED");
    expect((thrown as ValidationError).issues).toEqual([
      { resource: "VLAN 0 on network N_1", name: "v0", path: "", message: "needs 2 actions in one batch; a batch holds at most 1 (--max-batch-size, maxActionsPerBatch): raise it to at least 2" },
      { resource: "VLAN 1 on network N_1", name: "v1", path: "", message: "needs 2 actions in one batch; a batch holds at most 1 (--max-batch-size, maxActionsPerBatch): raise it to at least 2" },
    ]);
  });
});

describe("failure strings", () => {
  test("parses the documented format, even with ': ' inside the body", () => {
    const text = 'Error occurred while executing create /networks/L_643451796760561416/vlans/ with {"id":111,"name":"a: b","applianceIp":"172.16.111.1","subnet":"172.16.111.0/24"}: Validation failed: Vlan has already been taken';
    expect(parseFailure(text)).toEqual({
      operation: "create",
      resource: "/networks/L_643451796760561416/vlans/",
      body: { id: 111, name: "a: b", applianceIp: "172.16.111.1", subnet: "172.16.111.0/24" },
      message: "Validation failed: Vlan has already been taken",
    });
    expect(parseFailure("something else")).toBeUndefined();
  });

  test("finds the action by operation, resource and body (trailing slash and encoding aside)", () => {
    const actions = [
      { resource: "/devices/A/switch/ports/1", operation: "update", body: { vlan: 2 } },
      { resource: "/devices/A/switch/ports/1", operation: "update", body: { vlan: 3 } },
    ];
    expect(findFailedAction(actions, { operation: "update", resource: "/devices/A/switch/ports/1/", body: { vlan: 3 }, message: "" })).toBe(1);
    expect(findFailedAction(actions, { operation: "update", resource: "/devices/A/switch/ports/1", body: { other: 1 }, message: "" })).toBe(0);
    expect(findFailedAction(actions, { operation: "destroy", resource: "/x", body: {}, message: "" })).toBe(-1);
  });
});

describe("deletes", () => {
  test("switch ports: restore puts the captured fields back, reset puts defaults, retain leaves them", () => {
    const l = snapshot(1);
    l.ports["S-1"]["5"] = port("5", { vlan: 30, name: "Desk", type: "access" });
    const props = { serial: "S-1", portId: "5", vlan: 30, name: "Desk" };
    const del = (onDelete: "restore" | "reset" | "retain") => plan([], l, [{ kind: "switchPort", name: "p", props, onDelete, original: { vlan: 12, name: null } }]).changes[0];
    expect(del("restore").actions[0].body).toEqual({ vlan: 12, name: null });
    expect(del("reset").actions[0].body).toEqual({ vlan: 1, name: null });
    expect(del("retain").actions).toEqual([]);
  });

  test("a restore never sends trunk fields to an access port or nulls the API does not take", () => {
    const l = snapshot(1);
    l.ports["S-1"]["48"] = port("48", { type: "trunk", allowedVlans: "10,20" });
    const c = plan([], l, [{ kind: "switchPort", name: "p", props: { serial: "S-1", portId: "48", type: "trunk", allowedVlans: "10,20", macAllowList: undefined }, original: { type: "access", allowedVlans: "1-1000", macAllowList: null } }]).changes[0];
    expect(c.actions[0].body).toEqual({ type: "access" });
  });

  test("device tags: exact restores the original set; include removes only what it added", () => {
    const l = snapshot(1);
    l.devices!["S-1"].tags = ["a", "b", "mine"];
    const exact = plan([], l, [{ kind: "deviceTags", name: "t", props: { serial: "S-1", tags: ["a", "b", "mine"] }, original: { tags: ["a"] } }]).changes[0];
    expect(exact.actions[0].body).toEqual({ tags: ["a"] });
    const include = plan([], l, [{ kind: "deviceTags", name: "t", props: { serial: "S-1", tags: ["a", "mine"], mode: "include" }, original: { tags: ["a", "b"] } }]).changes[0];
    expect(include.actions[0].body).toEqual({ tags: ["a", "b"] });
  });

  test("a VLAN that is already gone is a no-op", () => {
    const c = plan([], snapshot(1), [{ kind: "vlan", name: "v", props: { networkId: NET, vlanId: 77, name: "x", subnet: "10.77.0.0/24", applianceIp: "10.77.0.1" } }]).changes[0];
    expect(c.op).toBe("noop");
  });
});

test("the live digest covers the managed live fields of every resource in the plan", () => {
  const a = liveDigest([{ key: "k", live: { vlan: 1 } }]);
  expect(liveDigest([{ key: "k", live: { vlan: 1 } }])).toBe(a);
  expect(liveDigest([{ key: "k", live: { vlan: 2 } }])).not.toBe(a);
  expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
});
