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
    const floor = meraki.switchPorts("floor", { serial: "DDDD-EEEE-FFFF", ports: "1-3" }, (p) => ({ name: `Desk ${p}`, vlan: vlan.vlanId, type: "access" }));
    const uplinks = meraki.switchPorts("uplinks", { serial: "DDDD-EEEE-FFFF", ports: ["47", 48], onDelete: "retain" }, { type: "trunk", allowedVlans: "1,30" });
    // Every registration has reached the mocks once every URN has resolved.
    await Promise.all([vlan, tags, desk, floor, uplinks].map((r) => output(r.urn)));
  });

  test("type tokens are pulumi-nodejs:dynamic/meraki:<Kind>", () => {
    expect(registered.map((r) => r.type).sort()).toEqual([
      "pulumi-nodejs:dynamic/meraki:DeviceTags",
      "pulumi-nodejs:dynamic/meraki:SwitchPort",
      "pulumi-nodejs:dynamic/meraki:SwitchPorts",
      "pulumi-nodejs:dynamic/meraki:SwitchPorts",
      "pulumi-nodejs:dynamic/meraki:Vlan",
    ]);
    expect(meraki.Vlan.typeToken).toBe("pulumi-nodejs:dynamic/meraki:Vlan");
  });

  test("inputs are the resource's fields, with outputs flowing between resources", () => {
    const desk = registered.find((r) => r.name === "desk")!;
    expect(desk.inputs).toMatchObject({ serial: "AAAA-BBBB-CCCC", portId: 5, vlan: 30, type: "access", onDelete: "reset" });
    // switchPorts: one resource; what every port shares once, what differs per port in overrides.
    expect(registered.find((r) => r.name === "floor")!.inputs).toEqual({
      serial: "DDDD-EEEE-FFFF",
      ports: "1-3",
      vlan: 30,
      type: "access",
      overrides: { "1": { name: "Desk 1" }, "2": { name: "Desk 2" }, "3": { name: "Desk 3" } },
      __provider: expect.any(String),
    });
    expect(registered.find((r) => r.name === "uplinks")!.inputs).toMatchObject({ ports: ["47", 48], type: "trunk", allowedVlans: "1,30", onDelete: "retain" });
  });

  test("the provider text is a small shim that loads the engine by package name and captures no key", () => {
    const texts = new Set(registered.map((r) => r.inputs.__provider));
    expect(texts.size).toBe(4); // one per kind
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
