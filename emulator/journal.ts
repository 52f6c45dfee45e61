/**
 * Undo log for all-or-nothing writes. Entities are replaced, never mutated in place, so undoing
 * is restoring the previous reference. Execution is synchronous: no other request can observe
 * a half-applied batch between the writes and the commit or rollback.
 */
export class Journal {
  private undo: Array<() => void> = [];
  /** Per list written with setAt: each replaced index and its value before this journal began. */
  private replaced = new Map<unknown[], Map<number, unknown>>();
  /** Per record written with set: each key and its value before this journal began. */
  private setKeys = new Map<object, Map<string, unknown>>();

  set<T>(record: Record<string, T>, key: string, value: T): void {
    const had = Object.prototype.hasOwnProperty.call(record, key);
    const old = record[key];
    let keys = this.setKeys.get(record);
    if (!keys) this.setKeys.set(record, (keys = new Map()));
    if (!keys.has(key)) keys.set(key, old);
    this.undo.push(() => {
      if (had) record[key] = old;
      else delete record[key];
    });
    record[key] = value;
  }

  remove<T>(record: Record<string, T>, key: string): void {
    if (!Object.prototype.hasOwnProperty.call(record, key)) return;
    const old = record[key];
    this.undo.push(() => {
      record[key] = old;
    });
    delete record[key];
  }

  /** Replaces an element of an array (switch ports are kept in port order). */
  setAt<T>(list: T[], index: number, value: T): void {
    const old = list[index];
    this.undo.push(() => {
      list[index] = old;
    });
    let indexes = this.replaced.get(list);
    if (!indexes) this.replaced.set(list, (indexes = new Map()));
    if (!indexes.has(index)) indexes.set(index, old);
    list[index] = value;
  }

  /** Whether setAt left any element of `list` different in value from what it was before. */
  changedList(list: unknown[]): boolean {
    for (const [index, old] of this.replaced.get(list) ?? []) if (JSON.stringify(old) !== JSON.stringify(list[index])) return true;
    return false;
  }

  /** The keys of `record` that set left different in value from what they were before. */
  changedKeys(record: object): string[] {
    const now = record as Record<string, unknown>;
    return [...(this.setKeys.get(record) ?? [])].filter(([k, old]) => JSON.stringify(old) !== JSON.stringify(now[k])).map(([k]) => k);
  }

  /** The lists written with setAt. */
  get writtenLists(): unknown[][] {
    return [...this.replaced.keys()];
  }

  /** Sets a field of an object that is itself the stored entity (used for network settings). */
  setField<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): void {
    const old = target[key];
    this.undo.push(() => {
      target[key] = old;
    });
    target[key] = value;
  }

  get changed(): boolean {
    return this.undo.length > 0;
  }

  rollback(): void {
    for (let i = this.undo.length - 1; i >= 0; i--) this.undo[i]();
    this.undo = [];
    this.replaced.clear();
  }
}
