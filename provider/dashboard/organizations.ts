import { MerakiBatchError } from "../errors";
import { DashboardClient } from "./client";

/** The key's only organization, for when none is configured; otherwise says which there are and how to choose. */
export async function soleOrganization(client: DashboardClient, howToChoose: string): Promise<string> {
  const orgs = await client.get<Array<{ id: string; name: string }>>("/organizations");
  if (orgs.length === 1) return orgs[0].id;
  const list = orgs.map((o) => `${o.id} (${o.name})`).join(", ");
  throw new MerakiBatchError("CONFIG_INVALID", `the API key sees ${orgs.length} organizations${orgs.length ? `: ${list}` : ""}; ${howToChoose}`);
}
