/**
 * The per-resource pattern every other Meraki IaC tool uses: for each resource, one GET to
 * compare with, then one write per change (POST, PUT, DELETE), with a fixed number of resources
 * in flight (Terraform's default parallelism is 10). It uses this project's own client (the same
 * rate limiter and retries) and its own diff, so only the pattern differs.
 */
import { DashboardApiError, DashboardClient, ResourceSpec, validate } from "../provider";
import { LiveRecord, LiveSnapshot, emptySnapshot } from "../provider/live/snapshot";

export async function applyPerResource(client: DashboardClient, organizationId: string, resources: ResourceSpec[], parallelism = 10): Promise<{ failed: number }> {
  const { items } = validate(resources);
  // One rate-limit bucket for every request of the run, as the engine has.
  client.useOrganization(organizationId);
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      const live = emptySnapshot(organizationId);
      await readOne(client, item.module.kind, item.props, live);
      const r = item.module.plan(item.props, { live, name: item.spec.name, intent: "ensure" });
      if (!r.change) {
        failed++;
        continue;
      }
      for (const a of r.change.actions) {
        const method = a.operation === "create" ? "POST" : a.operation === "destroy" ? "DELETE" : "PUT";
        try {
          await client.request({ method, path: a.resource, body: a.body, organizationId });
        } catch {
          failed++;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: parallelism }, worker));
  return { failed };
}

/** One GET for one resource. */
async function readOne(client: DashboardClient, kind: string, props: any, live: LiveSnapshot): Promise<void> {
  if (kind === "switchPort") {
    const port = await client.get<LiveRecord>(`/devices/${encodeURIComponent(props.serial)}/switch/ports/${encodeURIComponent(props.portId)}`);
    live.ports[props.serial] = { [props.portId]: port };
  } else if (kind === "deviceTags") {
    const d = await client.get<{ serial: string; networkId: string; model: string; productType: string; tags: string[]; name: string }>(`/devices/${encodeURIComponent(props.serial)}`);
    live.devices = { [d.serial]: { serial: d.serial, networkId: d.networkId, name: d.name, model: d.model, productType: d.productType, tags: d.tags } };
  } else {
    try {
      const v = await client.get<LiveRecord>(`/networks/${encodeURIComponent(props.networkId)}/appliance/vlans/${props.vlanId}`);
      live.vlans[props.networkId] = { state: "ok", vlans: { [String(props.vlanId)]: v } };
    } catch (err) {
      if (!(err instanceof DashboardApiError && err.status === 404)) throw err;
      live.vlans[props.networkId] = { state: "ok", vlans: {} };
    }
  }
}
