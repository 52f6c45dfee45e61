/**
 * The program's text: index.ts as a person would write it, from an import model. Pure and
 * deterministic (no time, no environment): the same model always gives the same bytes.
 */
import { ImportModel, ImportedDevice, NamedPortDeclaration } from "./model";

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

function comment(text: string): string {
  return `// ${text.replace(/\s+/g, " ")}`;
}

function deviceLabel(d: ImportedDevice): string {
  return [d.name, d.model].filter(Boolean).join(", ");
}

function portStatement(d: ImportedDevice, decl: NamedPortDeclaration): string {
  if (decl.kind === "single") return call("new meraki.SwitchPort", [decl.resourceName, { serial: ref(d.constant), portId: decl.portId, ...decl.settings }]);
  const args = { serial: ref(d.constant), ports: decl.expression };
  if (!decl.pattern) return call("meraki.switchPorts", [decl.resourceName, args, decl.settings]);
  // Per-port names: a function of the port id.
  const settings = { name: template(decl.pattern.prefix, decl.pattern.suffix), ...decl.settings };
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
  const tagged = model.devices.filter((d) => d.tags);
  if (tagged.length) {
    out.push("", comment("Device tags"));
    for (const d of tagged) out.push(call("new meraki.DeviceTags", [d.tags!.resourceName, { ...d.tags!.props, serial: ref(d.constant) }]));
  }
  for (const d of model.devices.filter((x) => x.ports.length)) {
    out.push("", comment(`Ports of ${d.name || d.serial}`));
    for (const decl of d.ports) out.push(portStatement(d, decl));
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
  return parts.join(", ");
}
