import { DashboardApiError, MerakiBatchError } from "../errors";
import type { DashboardClient } from "./client";

export interface Organization {
  id: string;
  name: string;
}

/** The organizations the key sees (GET /organizations, every page). */
export function visibleOrganizations(client: Pick<DashboardClient, "getAll">): Promise<Organization[]> {
  return client.getAll<Organization>("/organizations");
}

/** At most ten, then how many more: a key can see thousands of organizations. */
const describe = (orgs: Organization[], shown = 10) =>
  orgs.slice(0, shown).map((o) => `${o.id} (${o.name})`).join(", ") + (orgs.length > shown ? `, … and ${orgs.length - shown} more` : "");

/** The key's only organization, for when none is configured; otherwise says which there are and how to choose. */
export async function soleOrganization(client: Pick<DashboardClient, "getAll">, howToChoose: string): Promise<string> {
  const orgs = await visibleOrganizations(client);
  if (orgs.length === 1) return orgs[0].id;
  throw new MerakiBatchError("CONFIG_INVALID", `the API key sees ${orgs.length} organizations${orgs.length ? `: ${describe(orgs)}` : ""}; ${howToChoose}`);
}

/** The organization a path is under: /organizations/{id}/… (not /organizations itself). */
export function organizationOfPath(path: string): string | undefined {
  const m = /^\/organizations\/([^/?]+)(?:[/?]|$)/.exec(path);
  return m ? decodeURIComponent(m[1]) : undefined;
}

/**
 * The Dashboard answers 404 both for a missing object and for an organization the key cannot see
 * (reference §5: "No access / unknown org … 404", often with an empty body). When the organization
 * is not among the key's, say so and list those it sees; otherwise keep the original error.
 */
export function explainOrganizationNotFound(err: DashboardApiError, organizationId: string, visible: Organization[]): DashboardApiError {
  if (visible.some((o) => o.id === organizationId)) return err;
  const seen = visible.length ? `it sees ${visible.length === 1 ? "one" : visible.length}: ${describe(visible)}` : "it sees none";
  return new DashboardApiError("ORGANIZATION_NOT_VISIBLE", `organization ${organizationId} is not visible to this API key; ${seen}`, err.details);
}
