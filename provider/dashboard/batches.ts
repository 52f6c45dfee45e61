/** The action batch endpoints (reference §1.1), typed. */
import { DashboardClient } from "./client";

export interface Action {
  resource: string;
  operation: string;
  body?: Record<string, unknown>;
}

export interface BatchStatus {
  completed: boolean;
  failed: boolean;
  errors: string[];
  createdResources?: { id: string; uri: string }[];
}

export interface ActionBatch {
  id: string;
  organizationId: string;
  confirmed: boolean;
  synchronous: boolean;
  status: BatchStatus;
  actions: Action[];
}

const base = (org: string) => `/organizations/${encodeURIComponent(org)}/actionBatches`;

export class BatchApi {
  constructor(private readonly client: DashboardClient) {}

  /** POST; never repeated blindly (a lost response is recovered by the caller). */
  async create(org: string, body: { actions: Action[]; confirmed: boolean; synchronous: boolean }, opts: { signal?: AbortSignal } = {}): Promise<ActionBatch> {
    const res = await this.client.request<ActionBatch>({ method: "POST", path: base(org), body, organizationId: org, idempotent: false, signal: opts.signal });
    return res.body;
  }

  /** PUT is idempotent: confirming twice is a no-op, so lost responses are simply retried. */
  async update(org: string, id: string, body: { confirmed?: boolean; synchronous?: boolean }, opts: { signal?: AbortSignal } = {}): Promise<ActionBatch> {
    const res = await this.client.request<ActionBatch>({ method: "PUT", path: `${base(org)}/${encodeURIComponent(id)}`, body, organizationId: org, signal: opts.signal });
    return res.body;
  }

  get(org: string, id: string, opts: { maxAttempts?: number } = {}): Promise<ActionBatch> {
    return this.client.request<ActionBatch>({ method: "GET", path: `${base(org)}/${encodeURIComponent(id)}`, organizationId: org, ...opts }).then((r) => r.body);
  }

  /** Not paginated (reference §1.1). */
  list(org: string, status?: "pending" | "completed" | "failed", opts: { maxAttempts?: number } = {}): Promise<ActionBatch[]> {
    return this.client.request<ActionBatch[]>({ method: "GET", path: base(org), query: { status }, organizationId: org, ...opts }).then((r) => r.body);
  }

  remove(org: string, id: string): Promise<void> {
    return this.client.request({ method: "DELETE", path: `${base(org)}/${encodeURIComponent(id)}`, organizationId: org }).then(() => undefined);
  }
}
