/**
 * A site described in site.yaml: VLANs, switch tags and port profiles by range. Reviewers read
 * a YAML diff and the plan CI posts on the pull request; merging applies it.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import * as meraki from "meraki-batch";

interface Site {
  network: string;
  vlans: Array<{ id: number; name: string; subnet: string; applianceIp: string }>;
  switches: Array<{ serial: string; tags: string[]; ports: Array<{ ports: string; name?: string } & Record<string, unknown>> }>;
}

const site = parse(fs.readFileSync(path.join(__dirname, "site.yaml"), "utf8")) as Site;

for (const v of site.vlans) {
  new meraki.Vlan(`vlan-${v.id}`, { networkId: site.network, vlanId: v.id, name: v.name, subnet: v.subnet, applianceIp: v.applianceIp });
}

for (const sw of site.switches) {
  new meraki.DeviceTags(`${sw.serial}-tags`, { serial: sw.serial, tags: sw.tags });
  for (const { ports, name, ...settings } of sw.ports) {
    meraki.switchPorts(`${sw.serial}-ports-${ports}`, { serial: sw.serial, ports }, (port) => ({
      ...settings,
      ...(name ? { name: ports.includes("-") ? `${name} ${port}` : name } : {}),
    }));
  }
}
