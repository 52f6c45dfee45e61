import { Journal } from "../journal";
import { OrgState } from "../model";

/** What an operation needs: the organization it acts in, the undo journal and an id source. */
export interface ExecContext {
  org: OrgState;
  journal: Journal;
  newId(): string;
}

/** What a create reports back, as `status.createdResources[]` does. */
export interface OpResult {
  created?: { id: string; uri: string };
}
