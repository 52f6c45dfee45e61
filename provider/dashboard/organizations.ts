import { MerakiBatchError } from "../errors";
import { DashboardClient } from "./client";

/** The key's only organization, for when none is configured; otherwise says which there are and how to choose. */
export async function soleOrganization(client: DashboardClient, howToChoose: string): Promise<string> {
  // Paginated (perPage 3-9000): a key that sees more organizations than one page holds gets them all.
  const orgs = await client.getAll<{ id: string; name: string }>("/organizations");
  if (orgs.length === 1) return orgs[0].id;
  const shown = 10;
  const list = orgs.slice(0, shown).map((o) => `${o.id} (${o.name})`).join(", ") + (orgs.length > shown ? `, … and ${orgs.length - shown} more` : "");
  throw new MerakiBatchError("CONFIG_INVALID", `the API key sees ${orgs.length} organizations${orgs.length ? `: ${list}` : ""}; ${howToChoose}`);
}
