/**
 * The program's text: index.ts as a person would write it, from an import model. Pure and
 * deterministic (no time, no environment): the same model always gives the same bytes.
 */
import { isRef } from "../plan/assigned";
import { ImportModel, ImportedDevice, ImportedResource, NamedPortDeclaration } from "./model";

const WIDTH = 120;

/** Code written as is (an identifier, a template literal, a function). */
class Code {
  constructor(readonly text: string) {}
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (k: string) => (IDENTIFIER.test(k) ? k : JSON.stringify(k));

/** A template literal for `${prefix}${port}${suffix}`. */
function template(prefix: string, suffix: string): Code {
  const esc = (s: string) => JSON.stringify(s).slice(1, -1).replace(/`/g, "\\`").replace(/\$\{/g, () => "\\${");
  return new Code(`\`${esc(prefix)}\${port}${esc(suffix)}\``);
}

function inline(v: unknown): string {
  if (v instanceof Code) return v.text;
  if (Array.isArray(v)) return `[${v.map(inline).join(", ")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    return entries.length ? `{ ${entries.map(([k, x]) => `${key(k)}: ${inline(x)}`).join(", ")} }` : "{}";
  }
  return JSON.stringify(v);
}

/** A value at `indent`, on one line when it fits after `lead` characters, else one entry per line. */
function literal(v: unknown, indent: string, lead: number): string {
  const one = inline(v);
  if (indent.length + lead + one.length <= WIDTH || v instanceof Code || !v || typeof v !== "object") return one;
  const inner = `${indent}  `;
  if (Array.isArray(v)) return `[\n${v.map((x) => `${inner}${literal(x, inner, 1)},`).join("\n")}\n${indent}]`;
  const entries = Object.entries(v).filter(([, x]) => x !== undefined);
  return `{\n${entries.map(([k, x]) => `${inner}${key(k)}: ${literal(x, inner, key(k).length + 3)},`).join("\n")}\n${indent}}`;
}

/** `head(args…)`, with its longest argument broken over lines when the call is too long. */
function call(head: string, args: unknown[], tail = ";"): string {
  const parts = args.map(inline);
  const flat = `${head}(${parts.join(", ")})${tail}`;
  if (flat.length <= WIDTH) return flat;
  const longest = parts.reduce((best, p, i) => (p.length > parts[best].length ? i : best), 0);
  parts[longest] = literal(args[longest], "", WIDTH);
  return `${head}(${parts.join(", ")})${tail}`;
}

const ref = (name: string) => new Code(name);

/**
 * Values as a person writes them: another resource's output (a port's accessPolicyNumber, from the
 * policy's constant), a secret through `meraki.secretFromEnv`, a device's serial through its constant.
 */
function written(v: unknown, outputOf: (resourceName: string) => string | undefined, serials: Map<string, string> = new Map()): unknown {
  if (isRef(v)) {
    const variable = outputOf(v.$ref);
    return variable ? new Code(`${variable}.${v.output}`) : v;
  }
  if (Array.isArray(v)) return v.map((x) => written(x, outputOf, serials));
  if (v && typeof v === "object" && !(v instanceof Code)) {
    const o = v as Record<string, unknown>;
    if (typeof o.fromEnv === "string" && Object.keys(o).length === 1) return new Code(`meraki.secretFromEnv(${JSON.stringify(o.fromEnv)})`);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, k === "serial" && typeof x === "string" && serials.has(x) ? ref(serials.get(x)!) : written(x, outputOf, serials)]));
  }
  return v;
}

function comment(text: string): string {
  return `// ${text.replace(/\s+/g, " ")}`;
}

function deviceLabel(d: ImportedDevice): string {
  return [d.name, d.model].filter(Boolean).join(", ");
}

function portStatement(d: ImportedDevice, decl: NamedPortDeclaration, outputOf: (resourceName: string) => string | undefined): string {
  const own = written(decl.settings, outputOf) as Record<string, unknown>;
  if (decl.kind === "single") return call("new meraki.SwitchPort", [decl.resourceName, { serial: ref(d.constant), portId: decl.portId, ...own }]);
  const args = { serial: ref(d.constant), ports: decl.expression };
  if (!decl.pattern) return call("meraki.switchPorts", [decl.resourceName, args, own]);
  // Per-port names: a function of the port id.
  const settings = { name: template(decl.pattern.prefix, decl.pattern.suffix), ...own };
  const head = `meraki.switchPorts(${inline(decl.resourceName)}, ${inline(args)}, (port) => (`;
  const flat = `${head}${inline(settings)}));`;
  if (flat.length <= WIDTH) return flat;
  return `${head}${literal(settings, "", WIDTH)}));`;
}

export function renderIndex(model: ImportModel): string {
  const out: string[] = [];
  const c = model.counts;
  const header = wrap(
    `Imported from organization ${model.organizationId} by \`meraki-batch import\`: ${summary(model)}. ` +
      "Only what differs from an untouched network is declared (ports and fields at their factory defaults are left out)" +
      `${model.counts.vlansSettings ? ", and whether each network's VLANs are on" : ""}, ` +
      "so `meraki-batch plan .` shows no changes for the network as imported.",
    96,
  );
  out.push("/**", ...header.map((l) => ` * ${l}`), " */", 'import * as meraki from "meraki-batch";');
  if (model.networks.length) {
    out.push("", comment("Networks"));
    for (const n of model.networks) out.push(`const ${n.constant} = ${JSON.stringify(n.id)};${n.name ? ` ${comment(n.name)}` : ""}`);
  }
  let network: string | null | undefined;
  for (const d of model.devices) {
    if (network === undefined || d.networkName !== network) out.push("", comment(d.networkName ? `Devices in ${d.networkName}` : "Devices not in a network"));
    network = d.networkName;
    out.push(`const ${d.constant} = ${JSON.stringify(d.serial)};${deviceLabel(d) ? ` ${comment(deviceLabel(d))}` : ""}`);
  }
  for (const n of model.networks) {
    const label = n.name || n.id;
    const s = n.vlansSettings;
    if (!n.vlans.length) {
      out.push("", comment(s?.props.vlansEnabled === false ? `VLANs are off on ${label}: its MX has a single LAN` : `VLANs of ${label}: none to declare`));
    } else {
      out.push("", comment(`VLANs of ${label}, taken over as they are (adopt)${n.vlans.some((v) => v.retainOnDelete) ? "; VLAN 1 stays if the program is destroyed" : ""}`));
    }
    if (s) {
      out.push(call(`${s.variable ? `const ${s.variable} = ` : ""}new meraki.VlansSettings`, [s.resourceName, { ...s.props, networkId: ref(n.constant) }]));
    }
    // Through the settings' output, Pulumi creates the VLANs after it (README, "The Pulumi path").
    const networkId = ref(s?.variable ? `${s.variable}.networkId` : n.constant);
    for (const v of n.vlans) {
      const props = { ...v.props, networkId };
      out.push(call("new meraki.Vlan", v.retainOnDelete ? [v.resourceName, props, { retainOnDelete: true }] : [v.resourceName, props]));
    }
  }
  // Access policies: constants, since ports use their numbers.
  const policyVariables = new Map<string, string>();
  for (const n of model.networks.filter((x) => x.policies.length)) {
    out.push("", comment(`Access policies of ${n.name || n.id}, taken over as they are (adopt); RADIUS secrets come from the environment`));
    for (const p of n.policies) {
      if (p.variable) policyVariables.set(p.resourceName, p.variable);
      out.push(call(`${p.variable ? `const ${p.variable} = ` : ""}new meraki.SwitchAccessPolicy`, [p.resourceName, written({ ...p.props, networkId: ref(n.constant) }, () => undefined)]));
    }
  }
  const outputOf = (name: string) => policyVariables.get(name);
  const described = model.devices.filter((d) => d.attributes);
  if (described.length) {
    out.push("", comment("Device names, addresses, notes and locations"));
    for (const d of described) out.push(call("new meraki.Device", [d.attributes!.resourceName, { ...d.attributes!.props, serial: ref(d.constant) }]));
  }
  const tagged = model.devices.filter((d) => d.tags);
  if (tagged.length) {
    out.push("", comment("Device tags"));
    for (const d of tagged) out.push(call("new meraki.DeviceTags", [d.tags!.resourceName, { ...d.tags!.props, serial: ref(d.constant) }]));
  }
  for (const d of model.devices.filter((x) => x.interfaces.length || x.routes.length)) {
    out.push("", comment(`Layer 3 of ${d.name || d.serial}: interfaces with their DHCP settings, static routes (adopt)`));
    const statement = (cls: string, r: ImportedResource) => call(`new meraki.${cls}`, [r.resourceName, { ...r.props, serial: ref(d.constant) }]);
    for (const i of d.interfaces) out.push(statement("SwitchRoutingInterface", i));
    for (const r of d.routes) out.push(statement("SwitchStaticRoute", r));
  }
  for (const d of model.devices.filter((x) => x.ports.length)) {
    out.push("", comment(`Ports of ${d.name || d.serial}`));
    for (const decl of d.ports) out.push(portStatement(d, decl, outputOf));
  }
  const serials = new Map(model.devices.map((d) => [d.serial, d.constant]));
  for (const n of model.networks.filter((x) => x.aggregations.length)) {
    out.push("", comment(`Link aggregations of ${n.name || n.id} (adopt)`));
    for (const a of n.aggregations) out.push(call("new meraki.LinkAggregation", [a.resourceName, written({ ...a.props, networkId: ref(n.constant) }, () => undefined, serials)]));
  }
  if (!c.declarations) out.push("", comment("Nothing differs from an untouched network: there is nothing to declare yet."));
  return out.join("\n") + "\n";
}

/** Words into lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "5 VLANs in 1 network, VLANs off in 1 network, 2 device tag sets, 90 ports of 2 switches" */
export function summary(model: ImportModel): string {
  const c = model.counts;
  const parts: string[] = [];
  if (model.kinds.includes("vlans")) {
    parts.push(`${plural(c.vlans, "VLAN")}${c.vlans ? ` in ${plural(c.vlanNetworks, "network")}` : ""}`);
    if (c.vlansDisabled) parts.push(`VLANs off in ${plural(c.vlansDisabled, "network")}`);
  }
  if (model.kinds.includes("tags")) parts.push(plural(c.tagSets, "device tag set"));
  if (model.kinds.includes("ports")) parts.push(`${plural(c.ports, "port")}${c.ports ? ` of ${plural(c.switches, "switch", "switches")}` : ""}`);
  // The campus switching kinds are named when there are some.
  if (model.kinds.includes("devices") && c.devices) parts.push(plural(c.devices, "device attribute set"));
  if (model.kinds.includes("policies") && c.policies) parts.push(plural(c.policies, "access policy", "access policies"));
  if (model.kinds.includes("aggregations") && c.aggregations) parts.push(plural(c.aggregations, "link aggregation"));
  if (model.kinds.includes("routing") && c.interfaces + c.routes) parts.push(`${plural(c.interfaces, "layer 3 interface")}, ${plural(c.routes, "static route")}`);
  return parts.join(", ");
}
