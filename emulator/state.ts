/**
 * Holds the world, answers "which organization owns this network or device", and runs every
 * write as a transaction: all of it commits or none of it does, and a committed change is
 * persisted (atomically) when a state file is configured.
 */
import * as fs from "fs";
import * as path from "path";
import { Journal } from "./journal";
import { OrgState, World } from "./model";
import { ExecContext } from "./resources/context";

export class EmulatorState {
  private networkOrg = new Map<string, string>();
  private deviceOrg = new Map<string, string>();

  constructor(
    public world: World,
    private readonly statePath?: string,
    /** The emulator clock, for when a switch's port configuration last changed. */
    private readonly now: () => number = Date.now,
  ) {
    this.reindex();
  }

  replace(world: World): void {
    this.world = world;
    this.reindex();
    this.persist();
  }

  private reindex(): void {
    this.networkOrg.clear();
    this.deviceOrg.clear();
    for (const [orgId, org] of Object.entries(this.world.organizations)) {
      for (const id of Object.keys(org.networks)) this.networkOrg.set(id, orgId);
      for (const serial of Object.keys(org.devices)) this.deviceOrg.set(serial, orgId);
    }
  }

  org(orgId: string): OrgState | undefined {
    return this.world.organizations[orgId];
  }

  orgOfNetwork(networkId: string): string | undefined {
    return this.networkOrg.get(networkId);
  }

  orgOfDevice(serial: string): string | undefined {
    return this.deviceOrg.get(serial);
  }

  keyOrgs(key: string): string[] | undefined {
    return this.world.apiKeys.find((k) => k.key === key)?.organizationIds;
  }

  newId(): string {
    const id = this.world.nextId++;
    return String(id);
  }

  context(org: OrgState, journal: Journal): ExecContext {
    return { org, journal, newId: () => this.newId() };
  }

  /** Runs `fn` against the organization; any throw undoes every write it made. */
  transact<T>(orgId: string, fn: (ctx: ExecContext) => T): T {
    const org = this.org(orgId);
    if (!org) throw new Error(`unknown organization ${orgId}`);
    const journal = new Journal();
    try {
      const result = fn(this.context(org, journal));
      this.recordConfigurationChanges(org, journal);
      if (journal.changed) this.persist();
      return result;
    } catch (err) {
      journal.rollback();
      throw err;
    }
  }

  /**
   * Notes the time on every switch whose ports the journal's writes changed in value, and on every
   * device that changed or whose ports did (a write that sets what already was is not a change).
   * Call before committing.
   */
  recordConfigurationChanges(org: OrgState, journal: Journal): void {
    const lists = new Set(journal.writtenLists);
    const ports = lists.size ? Object.keys(org.switchPorts).filter((serial) => lists.has(org.switchPorts[serial]) && journal.changedList(org.switchPorts[serial])) : [];
    const devices = new Set([...journal.changedKeys(org.devices).filter((serial) => org.devices[serial]), ...ports]);
    if (ports.length) {
      org.portsConfiguredAt ??= {};
      for (const serial of ports) journal.set(org.portsConfiguredAt, serial, this.now());
    }
    if (devices.size) {
      org.devicesConfiguredAt ??= {};
      for (const serial of devices) journal.set(org.devicesConfiguredAt, serial, this.now());
    }
  }

  /** Runs a read: anything `fn` touched on the way is undone. */
  read<T>(orgId: string, fn: (ctx: ExecContext) => T): T {
    const org = this.org(orgId);
    if (!org) throw new Error(`unknown organization ${orgId}`);
    const journal = new Journal();
    try {
      return fn(this.context(org, journal));
    } finally {
      journal.rollback();
    }
  }

  /** Writes the world to the state file: a temporary file renamed over the old one. */
  persist(): void {
    if (!this.statePath) return;
    const tmp = path.join(path.dirname(this.statePath), `.${path.basename(this.statePath)}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify(this.world));
    fs.renameSync(tmp, this.statePath);
  }
}
