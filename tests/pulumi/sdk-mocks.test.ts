/** Program shape under Pulumi's mocks: type tokens, inputs, outputs, and a provider text with no secrets. */
import * as pulumi from "@pulumi/pulumi";

const registered: pulumi.runtime.MockResourceArgs[] = [];
pulumi.runtime.setMocks(
  {
    newResource(args) {
      registered.push(args);
      return { id: `${args.name}-id`, state: { ...args.inputs, original: args.type.endsWith("Vlan") ? undefined : { tags: [] } } };
    },
    call: (args) => args.inputs,
  },
  "proj",
  "dev",
  false,
);

// Imported after the mocks are set, as Pulumi's own tests do.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const meraki: typeof import("../../sdk") = require("../../sdk");

const output = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply((v) => resolve(v)));

describe("SDK resources", () => {
  beforeAll(async () => {
    process.env.MERAKI_DASHBOARD_API_KEY = "never-in-state-0123456789";
    const vlan = new meraki.Vlan("voice", { networkId: "L_1", vlanId: 30, name: "Voice", subnet: "10.30.0.0/24", applianceIp: "10.30.0.1" });
    const tags = new meraki.DeviceTags("tags", { serial: "AAAA-BBBB-CCCC", tags: ["floor1"], mode: "include" });
    const desk = new meraki.SwitchPort("desk", { serial: "AAAA-BBBB-CCCC", portId: 5, vlan: vlan.vlanId, type: "access", onDelete: "reset" });
    const floor = meraki.switchPorts("floor", { serial: "DDDD-EEEE-FFFF", ports: "1-3" }, (p) => ({ name: `Desk ${p}`, vlan: 10 }));
    // Every registration has reached the mocks once every URN has resolved.
    await Promise.all([vlan, tags, desk, ...floor].map((r) => output(r.urn)));
  });

  test("type tokens are pulumi-nodejs:dynamic/meraki:<Kind>", () => {
    expect(registered.map((r) => r.type).sort()).toEqual([
      "pulumi-nodejs:dynamic/meraki:DeviceTags",
      "pulumi-nodejs:dynamic/meraki:SwitchPort",
      "pulumi-nodejs:dynamic/meraki:SwitchPort",
      "pulumi-nodejs:dynamic/meraki:SwitchPort",
      "pulumi-nodejs:dynamic/meraki:SwitchPort",
      "pulumi-nodejs:dynamic/meraki:Vlan",
    ]);
    expect(meraki.Vlan.typeToken).toBe("pulumi-nodejs:dynamic/meraki:Vlan");
  });

  test("inputs are the resource's fields, with outputs flowing between resources", () => {
    const desk = registered.find((r) => r.name === "desk")!;
    expect(desk.inputs).toMatchObject({ serial: "AAAA-BBBB-CCCC", portId: 5, vlan: 30, type: "access", onDelete: "reset" });
    expect(registered.filter((r) => r.name.startsWith("floor-")).map((r) => [r.name, r.inputs.portId, r.inputs.name])).toEqual([
      ["floor-1", "1", "Desk 1"],
      ["floor-2", "2", "Desk 2"],
      ["floor-3", "3", "Desk 3"],
    ]);
  });

  test("the provider text is a small shim that loads the engine by package name and captures no key", () => {
    const texts = new Set(registered.map((r) => r.inputs.__provider));
    expect(texts.size).toBe(3); // one per kind
    for (const text of texts) {
      expect(typeof text).toBe("string");
      expect(text).toContain('require(RUNTIME_MODULE)');
      expect(text).toContain('"meraki-batch/dist/provider/dynamic/runtime.js"');
      expect(text).not.toContain("never-in-state");
      expect(text).not.toMatch(/undici|zod|new Map/);
      expect(text.length).toBeLessThan(4000);
    }
  });

  test("port ranges", () => {
    expect(meraki.portRange("1-3,48")).toEqual(["1", "2", "3", "48"]);
    expect(() => meraki.portRange("3-1")).toThrow(/invalid port range '3-1'/);
  });
});

test("VLANs register before the ports and tags declared in the same turn, whatever the order and the number of inputs", async () => {
  // A port with few inputs, declared first, would otherwise register before a VLAN with many: the
  // Node SDK serialises inputs one property at a time. The engine makes its steps in registration order.
  const port = new meraki.SwitchPort("order-port", { serial: "AAAA-BBBB-CCCC", portId: 9, vlan: 40 });
  const tags = new meraki.DeviceTags("order-tags", { serial: "AAAA-BBBB-CCCC", tags: ["x"] });
  const vlan = new meraki.Vlan("order-vlan", {
    networkId: "L_1",
    vlanId: 40,
    name: "Lab",
    subnet: "10.40.0.0/24",
    applianceIp: "10.40.0.1",
    dhcpLeaseTime: "1 day",
    dnsNameservers: "upstream_dns",
    reservedIpRanges: [{ start: "10.40.0.2", end: "10.40.0.9", comment: "lab gear" }],
    dhcpOptions: [{ code: "150", type: "ip", value: "10.0.0.15" }],
  });
  await Promise.all([port, tags, vlan].map((r) => output(r.urn)));
  const order = registered.map((r) => r.name).filter((n) => n.startsWith("order-"));
  expect(order[0]).toBe("order-vlan");
  expect(order.slice(1).sort()).toEqual(["order-port", "order-tags"]);
  // Holding the serial back changes nothing in what is registered.
  expect(registered.find((r) => r.name === "order-port")!.inputs).toMatchObject({ serial: "AAAA-BBBB-CCCC", portId: 9, vlan: 40 });
});
