/** The request log served at GET /_emulator/requests. */
export interface LoggedRequest {
  seq: number;
  method: string;
  path: string;
  query: string;
  status: number;
  organizationId: string | null;
  /** Emulator clock, ISO 8601. */
  time: string;
  /** Confirmed but unfinished batches in the organization right after this request. */
  runningBatches: number;
  /** The client's User-Agent header (the API asks for "ApplicationName/Version VendorName"). */
  userAgent: string | null;
  /** The response was never sent (an injected lost response). */
  dropped?: boolean;
}

export class RequestLog {
  private entries: LoggedRequest[] = [];
  private seq = 0;

  add(entry: Omit<LoggedRequest, "seq">): void {
    this.entries.push({ seq: ++this.seq, ...entry });
  }

  all(): LoggedRequest[] {
    return this.entries;
  }

  clear(): void {
    this.entries = [];
  }
}
