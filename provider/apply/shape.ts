/**
 * Whether a batch looks like one meraki-batch made, from its actions alone (for drafts made on
 * another machine, which the local ledger does not know): every action is one this tool writes,
 * on the v1 paths it uses, with only fields its resource kinds send.
 */
import { Action } from "../dashboard/batches";
import { switchPortSchema } from "../resources/switch-port";
import { vlanSchema } from "../resources/vlan";
import { normaliseResource } from "./objects";

const keys = (shape: object, without: string[]) => new Set(Object.keys(shape).filter((k) => !without.includes(k)));
const PORT_FIELDS = keys(switchPortSchema.shape, ["serial", "portId", "onDelete"]);
const VLAN_FIELDS = keys(vlanSchema.shape, ["networkId", "vlanId", "adopt"]);

const RULES: Array<{ path: RegExp; operation: string; fields: (k: string) => boolean }> = [
  { path: /^\/networks\/[^/]+\/appliance\/vlans$/, operation: "create", fields: (k) => k === "id" || VLAN_FIELDS.has(k) },
  { path: /^\/networks\/[^/]+\/appliance\/vlans\/\d+$/, operation: "update", fields: (k) => VLAN_FIELDS.has(k) },
  { path: /^\/networks\/[^/]+\/appliance\/vlans\/\d+$/, operation: "destroy", fields: () => false },
  { path: /^\/networks\/[^/]+\/appliance\/vlans\/settings$/, operation: "update", fields: (k) => k === "vlansEnabled" },
  { path: /^\/devices\/[^/]+$/, operation: "update", fields: (k) => k === "tags" },
  { path: /^\/devices\/[^/]+\/switch\/ports\/[^/]+$/, operation: "update", fields: (k) => PORT_FIELDS.has(k) },
];

export function madeByThisTool(actions: Action[]): boolean {
  return actions.length > 0 && actions.every((a) => {
    const path = normaliseResource(a.resource);
    return RULES.some((r) => r.operation === a.operation && r.path.test(path) && Object.keys(a.body ?? {}).every(r.fields));
  });
}
