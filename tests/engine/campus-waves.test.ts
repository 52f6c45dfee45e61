/**
 * Ids the API assigns (issue #24, ARCHITECTURE §17): access policies and the ports that use them,
 * layer 3 interfaces and their DHCP settings, static routes through them, link aggregations.
 * Waves in the plan (a later batch, "after" the create's batch), placeholders in what the plan
 * shows and digests, filled by the apply; the contract; failures, lost ids and secrets.
 */
import { Plan, ResourceSpec } from "../../provider";
import { integrityProblems } from "../../provider/plan/contract";
import { planDigest } from "../../provider/plan/digest";
import { EngineSetup, NET, SW_A, SW_B, engineSetup } from "../helpers/engine";

let s: EngineSetup;
beforeEach(async () => {
  s = await engineSetup();
  process.env.TEST_RADIUS_SECRET = "radius-s3cret-value";
});
afterEach(async () => {
  delete process.env.TEST_RADIUS_SECRET;
  await s.close();
});

const POLICIES = `/networks/${NET}/switch/accessPolicies`;
const IFACES = `/devices/${SW_A}/switch/routing/interfaces`;
const policy = (props: Record<string, unknown> = {}, name = "desks-8021x"): ResourceSpec => ({
  kind: "switchAccessPolicy",
  name,
  props: { networkId: NET, name: "Desks 802.1X", hostMode: "Multi-Domain", radiusServers: [{ host: "10.0.0.10", port: 1812, secret: { fromEnv: "TEST_RADIUS_SECRET" } }], ...props },
});
const ref = (name = "desks-8021x") => ({ $ref: name, kind: "switchAccessPolicy", output: "accessPolicyNumber" });
const desk = (port: number, props: Record<string, unknown> = {}): ResourceSpec => ({
  kind: "switchPort",
  name: `desk-${port}`,
  props: { serial: SW_A, portId: String(port), type: "access", vlan: 10, accessPolicyType: "Custom access policy", accessPolicyNumber: ref(), ...props },
});
const svi = (vlanId: number, props: Record<string, unknown> = {}): ResourceSpec => ({
  kind: "switchRoutingInterface",
  name: `svi-${vlanId}`,
  props: { serial: SW_A, vlanId, name: `VLAN ${vlanId}`, subnet: `10.${vlanId}.0.0/24`, interfaceIp: `10.${vlanId}.0.2`, ...props },
});
const reseal = (p: Plan): Plan => {
  const { digest: _d, ...content } = p;
  return { ...p, digest: planDigest(content) };
};

describe("an access policy and the ports that use it", () => {
  const specs = () => [policy(), desk(5), desk(6), desk(7, { vlan: 20 })];

  test("the ports wait for the policy's number: batch #2 after #1, placeholders shown, saved and digested", async () => {
    const plan = await s.engine.plan(specs());
    expect(plan.batches.map((b) => ({ index: b.index, after: b.after, actions: b.actions.map((a) => `${a.operation} ${a.resource}`) }))).toEqual([
      { index: 0, after: [], actions: [`create ${POLICIES}`] },
      { index: 1, after: [0], actions: [5, 6, 7].map((p) => `update /devices/${SW_A}/switch/ports/${p}`) },
    ]);
    const key = `switchAccessPolicy/${NET}/Desks 802.1X`;
    expect(plan.batches[1].actions[0].body).toEqual({ accessPolicyType: "Custom access policy", accessPolicyNumber: { $assigned: key, as: "number" }, vlan: 10 });
    const port = plan.changes.find((c) => c.key === `switchPort/${SW_A}/5`)!;
    expect(port.fields).toContainEqual({ path: "accessPolicyNumber", old: null, new: { $assigned: key, as: "number" } });
    // The secret is a placeholder in the plan: its value is nowhere in it.
    expect(plan.batches[0].actions[0].body!.radiusServers).toEqual([{ host: "10.0.0.10", port: 1812, secret: { $env: "TEST_RADIUS_SECRET" } }]);
    expect(JSON.stringify(plan)).not.toContain("radius-s3cret-value");
    // The desired resources keep the reference, so the saved plan resolves it again.
    expect(plan.resources.find((r) => r.name === "desk-5")!.props).toMatchObject({ accessPolicyNumber: ref() });
    expect(integrityProblems(JSON.parse(JSON.stringify(plan)))).toEqual([]);
  });

  test("applied: the number is filled in, the policy holds the secret, everything reads back; then nothing to do", async () => {
    const plan = await s.engine.plan(specs());
    const result = await s.engine.apply(plan);
    expect(result.ok).toBe(true);
    expect(result.resources.map((r) => [r.key.split("/")[0], r.outcome.status, (r.outcome as { verified?: boolean }).verified])).toEqual([
      ["switchAccessPolicy", "applied", true],
      ["switchPort", "applied", true],
      ["switchPort", "applied", true],
      ["switchPort", "applied", true],
    ]);
    const [live] = await s.client.get<Array<{ accessPolicyNumber: string }>>(POLICIES);
    expect((await s.client.get<{ accessPolicyNumber: number }>(`/devices/${SW_A}/switch/ports/5`)).accessPolicyNumber).toBe(Number(live.accessPolicyNumber));
    // What the API received: the secret, in the policy's batch only; the ports' batch filled.
    const batches = await s.client.get<Array<{ actions: Array<{ resource: string; body: Record<string, unknown> }> }>>(`/organizations/1234567/actionBatches`);
    const sent = batches.flatMap((b) => b.actions);
    expect(sent.find((a) => a.resource === POLICIES)!.body.radiusServers).toEqual([{ host: "10.0.0.10", port: 1812, secret: "radius-s3cret-value" }]);
    expect(sent.find((a) => a.resource.endsWith("/ports/5"))!.body.accessPolicyNumber).toBe(Number(live.accessPolicyNumber));
    const again = await s.engine.plan(specs());
    expect(again.summary.actions).toBe(0);
    // Once the policy exists, its number is known when planning: one batch, no wave.
    const moved = await s.engine.plan([policy(), desk(5), desk(8)]);
    expect(moved.batches).toHaveLength(1);
    expect(moved.batches[0].actions[0].body).toMatchObject({ accessPolicyNumber: Number(live.accessPolicyNumber) });
  });

  test("a saved plan: checked against the network, then applied, filled without changing what was shown", async () => {
    const plan = JSON.parse(JSON.stringify(await s.engine.plan(specs()))) as Plan;
    const check = await s.engine.checkSaved(plan);
    expect(check.state).toBe("current");
    expect((await s.engine.apply(plan)).ok).toBe(true);
    // Editing the placeholder (to another change's id) is refused, digest recomputed or not.
    const edited = JSON.parse(JSON.stringify(plan)) as Plan;
    (edited.batches[1].actions[0].body as Record<string, unknown>).accessPolicyNumber = { $assigned: `switchPort/${SW_A}/6`, as: "number" };
    expect(integrityProblems(reseal(edited))).toContain(`batch #2, action 1 (update /devices/${SW_A}/switch/ports/5): the file sends {"accessPolicyNumber":{"$assigned":"switchPort/${SW_A}/6","as":"number"},"accessPolicyType":"Custom access policy","vlan":10}; the changes give {"accessPolicyNumber":{"$assigned":"switchAccessPolicy/${NET}/Desks 802.1X","as":"number"},"accessPolicyType":"Custom access policy","vlan":10}`);
    const change = edited.changes.find((c) => c.key === `switchPort/${SW_A}/5`)!;
    change.actions = edited.batches[1].actions.slice(0, 1);
    expect(integrityProblems(reseal(edited))).toContain(`port 5 of switch ${SW_A}: its actions use the id of switchPort/${SW_A}/6, which no change of the plan creates`);
  });

  test("staged for review, its first batch confirmed by someone: the saved plan is still current, and applies the rest filled in", async () => {
    const staged = await s.engine.stage(JSON.parse(JSON.stringify(await s.engine.plan(specs()))) as Plan);
    expect(staged.batches.map((b) => typeof b.stagedId)).toEqual(["string", "undefined"]);
    // Staged drafts hold the secret; the plan never does.
    expect(JSON.stringify(staged)).not.toContain("radius-s3cret-value");
    await s.client.put(`/organizations/1234567/actionBatches/${staged.batches[0].stagedId}`, { confirmed: true });
    const state = await s.engine.stagedState(staged);
    expect(state.settled.map((x) => x.state)).toEqual(["completed"]);
    const check = await s.engine.checkSaved(staged, state.settled);
    expect([check.state, check.differences]).toEqual(["current", []]);
    const result = await s.engine.apply(staged, { settled: state.settled });
    expect(result.ok).toBe(true);
    expect((await s.engine.plan(specs())).summary.actions).toBe(0);
  });

  test("a reference to a policy the program does not declare is refused", async () => {
    await expect(s.engine.plan([desk(5, { accessPolicyNumber: ref("nope") })])).rejects.toThrow(/desk-5.*accessPolicyNumber: refers to switchAccessPolicy 'nope', which the program does not declare/s);
  });

  test("without the secret's variable nothing is sent; a failing batch's messages never carry the secret", async () => {
    delete process.env.TEST_RADIUS_SECRET;
    const plan = await s.engine.plan(specs());
    const refused = await s.engine.apply(plan);
    expect(refused.ok).toBe(false);
    expect(refused.batches[0]).toMatchObject({ state: "error", errors: ["environment variable TEST_RADIUS_SECRET is not set: the secrets the plan sends are read from it (nothing was sent)"] });
    expect(await s.client.get(`/organizations/1234567/actionBatches`)).toEqual([]);

    process.env.TEST_RADIUS_SECRET = "radius-s3cret-value";
    // The API refuses the policy (its guest VLAN is out of range after an edit the schema let through? no: a fault).
    await s.control.fault({ type: "actionFailure", operation: "create", resource: "/switch/accessPolicies", message: "Something went wrong", times: 1 });
    const failed = await s.engine.apply(plan);
    expect(failed.ok).toBe(false);
    expect(JSON.stringify(failed)).not.toContain("radius-s3cret-value");
    expect(failed.resources.map((r) => r.outcome.status)).toEqual(["failed", "notApplied", "notApplied", "notApplied"]);
    expect((failed.resources[1].outcome as { reason: string }).reason).toMatch(/^not sent: it depends on batch #1 \(\d+\), which failed$/);
  });

  test("the policy's create applied but its number was not reported: the ports are not sent, and say why", async () => {
    await s.control.fault({ type: "dropChange", operation: "create", resource: "/switch/accessPolicies", times: 1 });
    const result = await s.engine.apply(await s.engine.plan(specs()));
    expect(result.ok).toBe(false);
    expect(result.batches[1]).toMatchObject({ state: "notSent", errors: [`not sent: the API did not report {id of switchAccessPolicy/${NET}/Desks 802.1X} when the batch that created it completed`] });
    // The read-back tells the truth about the policy: the API did not keep it.
    expect(result.resources[0].outcome.status).toBe("mismatch");
  });
});

describe("layer 3 interfaces, their DHCP, static routes", () => {
  test("an interface with DHCP: created in batch #1 with the route through it, its DHCP in #2 once its id is known", async () => {
    const specs: ResourceSpec[] = [
      svi(10, { defaultGateway: "10.10.0.1", dhcp: { dhcpMode: "dhcpServer", dhcpLeaseTime: "4 hours", reservedIpRanges: [{ start: "10.10.0.1", end: "10.10.0.20" }] } }),
      svi(20, { dhcp: { dhcpMode: "dhcpRelay", dhcpRelayServerIps: ["10.10.0.50"] } }),
      { kind: "switchStaticRoute", name: "default", props: { serial: SW_A, subnet: "0.0.0.0/0", nextHopIp: "10.10.0.1" } },
    ];
    const plan = await s.engine.plan(specs);
    expect(plan.batches.map((b) => [b.after, b.actions.map((a) => `${a.operation} ${a.resource}`)])).toEqual([
      [[], [`create ${IFACES}`, `create ${IFACES}`, `create /devices/${SW_A}/switch/routing/staticRoutes`]],
      [[0], [`update ${IFACES}/{$assigned:switchRoutingInterface/${SW_A}/10}/dhcp`, `update ${IFACES}/{$assigned:switchRoutingInterface/${SW_A}/20}/dhcp`]],
    ]);
    expect(integrityProblems(JSON.parse(JSON.stringify(plan)))).toEqual([]);
    expect((await s.engine.checkSaved(JSON.parse(JSON.stringify(plan)))).state).toBe("current");
    const result = await s.engine.apply(plan);
    expect(result.ok).toBe(true);
    expect(result.resources.every((r) => r.outcome.status === "applied" && (r.outcome as { verified?: boolean }).verified)).toBe(true);
    const interfaces = await s.client.get<Array<{ interfaceId: string; vlanId: number }>>(IFACES);
    const ten = interfaces.find((i) => i.vlanId === 10)!.interfaceId;
    expect(await s.client.get(`${IFACES}/${ten}/dhcp`)).toMatchObject({ dhcpMode: "dhcpServer", dhcpLeaseTime: "4 hours" });
    const again = await s.engine.plan(specs);
    expect(again.summary.actions).toBe(0);
    expect(again.changes.find((c) => c.key === `switchRoutingInterface/${SW_A}/10`)!.id).toBe(ten);

    // Changing DHCP on an interface that exists: one batch, the interface's own path.
    const relay = await s.engine.plan([svi(10, { defaultGateway: "10.10.0.1", dhcp: { dhcpMode: "dhcpRelay", dhcpRelayServerIps: ["10.10.0.60"] } })]);
    expect(relay.batches).toHaveLength(1);
    expect(relay.batches[0].actions).toEqual([{ resource: `${IFACES}/${ten}/dhcp`, operation: "update", body: { dhcpMode: "dhcpRelay", dhcpRelayServerIps: ["10.10.0.60"] } }]);
  });

  test("the rules between a switch's interfaces are checked before anything is sent", async () => {
    await expect(s.engine.plan([svi(10)])).rejects.toThrow(/defaultGateway: is required: this is the first layer 3 interface of switch AAAA-BBBB-CCCC/);
    await expect(s.engine.plan([svi(10, { defaultGateway: "10.10.0.1" }), svi(11, { subnet: "10.10.0.128/25", interfaceIp: "10.10.0.130" })])).rejects.toThrow(
      /subnet: 10\.10\.0\.128\/25 overlaps SwitchRoutingInterface 'svi-10' \(VLAN 10, 10\.10\.0\.0\/24\)/,
    );
    await expect(s.engine.plan([svi(10, { defaultGateway: "10.10.0.1", interfaceIp: "192.168.128.2", subnet: "192.168.128.0/24" })])).rejects.toThrow(/interfaceIp: 192\.168\.128\.2 is the management IP of switch AAAA-BBBB-CCCC/);
    await expect(s.engine.plan([svi(10, { defaultGateway: "10.10.0.1", dhcp: { dhcpMode: "dhcpServer", reservedIpRanges: [{ start: "10.11.0.1", end: "10.11.0.2" }] } })])).rejects.toThrow(
      /dhcp\.reservedIpRanges\.0: 10\.11\.0\.1-10\.11\.0\.2 must be within the subnet 10\.10\.0\.0\/24/,
    );
  });

  test("removing an interface and the route through it: the route goes first, in one batch", async () => {
    const specs: ResourceSpec[] = [svi(10, { defaultGateway: "10.10.0.1" }), svi(20), { kind: "switchStaticRoute", name: "r", props: { serial: SW_A, subnet: "172.16.0.0/16", nextHopIp: "10.20.0.1" } }];
    expect((await s.engine.apply(await s.engine.plan(specs))).ok).toBe(true);
    const gone = await s.engine.plan([specs[0]], [{ kind: "switchRoutingInterface", name: "svi-20", props: specs[1].props }, { kind: "switchStaticRoute", name: "r", props: specs[2].props }]);
    expect(gone.batches).toHaveLength(1);
    expect(gone.batches[0].actions.map((a) => `${a.operation} ${a.resource.replace(/\d{6,}/, "ID")}`)).toEqual([
      `destroy /devices/${SW_A}/switch/routing/staticRoutes/ID`,
      `destroy ${IFACES}/ID`,
    ]);
    expect((await s.engine.apply(gone)).ok).toBe(true);
  });
});

describe("link aggregations", () => {
  const lag = (ports: Array<[string, string]>, name = "uplink", props: Record<string, unknown> = {}): ResourceSpec => ({
    kind: "linkAggregation",
    name,
    props: { networkId: NET, switchPorts: ports.map(([serial, portId]) => ({ serial, portId })), ...props },
  });
  const LAGS = `/networks/${NET}/switch/linkAggregations`;

  test("create, nothing to do, regroup by the live id, split", async () => {
    const spec = lag([[SW_A, "49"], [SW_B, "49"]]);
    const plan = await s.engine.plan([spec]);
    expect(plan.changes[0]).toMatchObject({ op: "create", key: `linkAggregation/${NET}/${SW_A}/49`, description: `link aggregation ${SW_A}/49, ${SW_B}/49 on network ${NET}` });
    expect((await s.engine.apply(plan)).ok).toBe(true);
    const [live] = await s.client.get<Array<{ id: string }>>(LAGS);
    expect((await s.engine.plan([spec])).changes[0]).toMatchObject({ op: "noop", id: live.id });
    const grown = await s.engine.plan([lag([[SW_A, "49"], [SW_B, "49"], [SW_A, "50"], [SW_B, "50"]])]);
    expect(grown.changes[0].actions[0].resource).toBe(`${LAGS}/${encodeURIComponent(live.id)}`);
    expect((await s.engine.apply(grown)).ok).toBe(true);
    const split = await s.engine.plan([], [{ kind: "linkAggregation", name: "uplink", props: spec.props }]);
    expect(split.changes[0]).toMatchObject({ op: "delete", actions: [{ operation: "destroy" }] });
    expect((await s.engine.apply(split)).ok).toBe(true);
    expect(await s.client.get(LAGS)).toEqual([]);
  });

  test("members are checked before anything is sent", async () => {
    await expect(s.engine.plan([lag([[SW_A, "49"], [SW_A, "99"]])])).rejects.toThrow(/switchPorts\.1\.portId: switch AAAA-BBBB-CCCC has no port 99/);
    await expect(s.engine.plan([lag([[SW_A, "49"], [SW_A, "50"]]), lag([[SW_A, "50"], [SW_A, "51"]], "other")])).rejects.toThrow(/port 50 of switch AAAA-BBBB-CCCC is also in LinkAggregation 'other'/);
    await expect(s.engine.plan([lag([[SW_A, "49"], ["Q2MX-0000-0001", "1"]])])).rejects.toThrow(/switchPorts\.1\.serial: device Q2MX-0000-0001 is a MX84 \(appliance\), not a switch/);
  });
});
