import * as fs from "fs";
import * as path from "path";
import { buildModel } from "../../provider/import/model";
import { ProjectMeta, STACK_NAME, projectFiles, projectName } from "../../provider/import/project";
import { ReadCollection, readForImport } from "../../provider/import/read";
import { summary } from "../../provider/import/render";
import { IMPORT_KINDS_ALL, ImportKind, parseKinds } from "../../provider/import/scope";
import { parse } from "../args";
import { API_HELP, API_OPTIONS, asCliError, connect } from "../connection";
import { CliError } from "../errors";
import { Io, colours, processIo } from "../io";
import { interruptNote } from "../interrupt";
import { dependencySpec, installedSource, nextSteps, optionSource, ownPackage } from "../package-source";
import { writeFileAtomic } from "../plan-file";

export const help = `Usage: meraki-batch import <dir> [options]

Reads the live organization (one request per collection, as plan does) and writes a Pulumi
TypeScript project into <dir> whose first plan is empty: index.ts (constants for networks and
devices, whether each network's VLANs are on, VLANs adopted as they are, device tags and attributes,
switch ports grouped by identical settings, access policies, link aggregations, layer 3 interfaces
with DHCP and static routes; only what differs from an untouched network), Pulumi.yaml,
Pulumi.<stack>.yaml (base URL and organization, never the API key), package.json, tsconfig.json
and a README. Everything left out is named with the reason.

Options:
  --network ID             only this network (repeat it, or separate ids with commas); default:
                           every network, or the networks of the devices given with --serial
  --serial S               only this device (repeat it, or separate serials with commas)
  --kinds LIST             what to import, of ${IMPORT_KINDS_ALL.join(",")} (default: all;
                           vlans includes each network's VLAN settings, devices their name,
                           address, notes and location, routing the layer 3 interfaces with their
                           DHCP settings and the static routes)
  --stack NAME             the stack whose Pulumi.<stack>.yaml to write (default dev)
  --force                  write into a directory that is not empty: the files above are replaced,
                           other files are left alone
  --package SPEC           where package.json takes meraki-batch from: a version range on the npm
                           registry (such as ^0.1.0), or a tarball made by 'npm pack' (written as a
                           file: path from <dir>); default: where this meraki-batch was installed
                           from (that tarball, or the registry)
  -h, --help               show this help

Environment:
  SOURCE_DATE_EPOCH        the import time the README states (seconds since 1970), for output
                           that is the same byte for byte; default: now

${API_HELP}`;

const list = (v: unknown): string[] =>
  ((v as string[] | undefined) ?? []).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean);

export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  const { values, positionals } = parse("import", argv, {
    network: { type: "string", multiple: true },
    serial: { type: "string", multiple: true },
    kinds: { type: "string" },
    stack: { type: "string" },
    force: { type: "boolean" },
    package: { type: "string" },
    ...API_OPTIONS,
  });
  if (values.help) {
    io.stdout.write(help);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new CliError(positionals.length ? `expected one directory, got ${positionals.length}` : "missing the directory to write the program into", "e.g. meraki-batch import my-network", 2);
  }
  const dir = path.resolve(positionals[0]);
  const stack = (values.stack as string | undefined) ?? "dev";
  if (!STACK_NAME.test(stack)) throw new CliError(`--stack '${stack}' is not a stack name (letters, digits, '-', '_' and '.')`, undefined, 2);
  let kinds: ImportKind[] = [...IMPORT_KINDS_ALL];
  if (values.kinds !== undefined) {
    try {
      kinds = parseKinds(values.kinds as string);
    } catch (err) {
      throw new CliError((err as Error).message, undefined, 2);
    }
  }
  const own = ownPackage();
  const source = values.package !== undefined ? optionSource(values.package as string) : installedSource(own.root, own.pkg.version);
  const networks = list(values.network);
  const serials = list(values.serial);
  checkTarget(dir, positionals[0], values.force === true);
  // The program's files are written at the end, synchronously: an interrupt comes before or after.
  interruptNote(`nothing was written to ${positionals[0]}; an import only reads until it writes the program at the end.`);

  const c = colours(io);
  const conn = await connect({ values, io });
  let files: Record<string, string>;
  let meta: ProjectMeta;
  let model;
  try {
    const progress = readProgress(io, conn.organizationId);
    let read;
    try {
      read = await readForImport(conn.client, conn.organizationId, { networks, serials, kinds }, progress.onRead);
    } catch (err) {
      throw asCliError(err);
    } finally {
      progress.done();
    }
    model = buildModel(read.snapshot, read.scope);
    meta = {
      project: projectName(path.basename(dir)),
      stack,
      baseUrl: conn.baseUrl,
      organizationId: conn.organizationId,
      importedAt: importTime(io),
      selection: describeSelection(networks, serials, kinds),
      versions: versions(own.pkg, dependencySpec(source, dir)),
    };
    files = projectFiles(model, meta);
  } finally {
    await conn.close();
  }
  writeProject(dir, files);

  const shown = path.relative(process.cwd(), dir) || ".";
  io.stdout.write(`Imported organization ${meta.organizationId} from ${meta.baseUrl}: ${summary(model)}.\n`);
  io.stdout.write(`Wrote ${shown}${path.sep}: ${Object.keys(files).join(", ")} (${model.counts.declarations} declaration${model.counts.declarations === 1 ? "" : "s"}).\n`);
  if (model.skipped.length) {
    io.stdout.write(c.yellow("Left out:\n"));
    for (const s of model.skipped) io.stdout.write(`  - ${s.what}: ${s.why}${s.where.length ? c.dim(` (${s.where.join("; ")})`) : ""}\n`);
  }
  if (model.assumed.length) {
    io.stdout.write(c.yellow("To check:\n"));
    for (const s of model.assumed) io.stdout.write(`  - ${s.what}: ${s.why}${s.where.length ? c.dim(` (${s.where.join("; ")})`) : ""}\n`);
  }
  const steps = nextSteps(source, { projectDir: dir, shownDir: shown, version: own.pkg.version, root: own.root });
  for (const n of steps.notes) io.stdout.write(`${c.yellow("note:")} ${n}\n`);
  io.stdout.write(`Next: ${steps.next}   (no changes)\n`);
  return 0;
}

/** Refuses a path that is a file, and a non-empty directory unless forced. */
function checkTarget(dir: string, shown: string, force: boolean): void {
  if (!fs.existsSync(dir)) return;
  if (!fs.statSync(dir).isDirectory()) throw new CliError(`${shown} exists and is not a directory`);
  if (fs.readdirSync(dir).length && !force) {
    throw new CliError(`${shown} is not empty`, "pick a new directory, or add --force to write the program's files into it (other files are left alone)");
  }
}

/** A new directory appears whole (written aside, then renamed); into an existing one, file by file, each atomically. */
function writeProject(dir: string, files: Record<string, string>): void {
  if (fs.existsSync(dir)) {
    for (const [name, text] of Object.entries(files)) writeFileAtomic(path.join(dir, name), text);
    return;
  }
  const parent = path.dirname(dir);
  const tmp = path.join(parent, `.${path.basename(dir)}.import-${process.pid}`);
  try {
    fs.mkdirSync(parent, { recursive: true });
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp);
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(tmp, name), text);
    fs.renameSync(tmp, dir);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new CliError(`cannot write ${dir}: ${(err as Error).message}`);
  }
}

/** Now, or SOURCE_DATE_EPOCH (seconds) for reproducible output. */
function importTime(io: Io): Date {
  const epoch = io.env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === "") return new Date();
  if (!/^\d+$/.test(epoch)) throw new CliError(`SOURCE_DATE_EPOCH must be a number of seconds, got '${epoch}'`, undefined, 2);
  return new Date(Number(epoch) * 1000);
}

function describeSelection(networks: string[], serials: string[], kinds: ImportKind[]): string {
  const parts: string[] = [];
  if (networks.length) parts.push(`--network ${networks.join(",")}`);
  if (serials.length) parts.push(`--serial ${serials.join(",")}`);
  if (kinds.length !== IMPORT_KINDS_ALL.length) parts.push(`--kinds ${kinds.join(",")}`);
  return parts.join(" ");
}

/** The versions the generated package.json asks for: meraki-batch as given, and what it is built with. */
function versions(pkg: ReturnType<typeof ownPackage>["pkg"], merakiBatch: string): ProjectMeta["versions"] {
  return { merakiBatch, pulumi: pkg.dependencies["@pulumi/pulumi"], typescript: pkg.dependencies.typescript, typesNode: pkg.devDependencies?.["@types/node"] ?? "^20" };
}

const NOUN: Record<ReadCollection, string> = { networks: "networks", devices: "devices", vlans: "VLANs", ports: "ports", policies: "access policies", aggregations: "link aggregations", routing: "routing" };

/** Progress of the reads: one redrawn line on a terminal, a line per finished collection otherwise. */
function readProgress(io: Io, organizationId: string) {
  const tty = !!io.stdout.isTTY;
  const state = new Map<ReadCollection, { done: number; total: number }>();
  let drawn = false;
  return {
    onRead(e: { collection: ReadCollection; done: number; total: number }) {
      state.set(e.collection, { done: e.done, total: e.total });
      if (tty) {
        const parts = [...state].map(([k, v]) => (v.total === 1 ? `${NOUN[k]} ✓` : `${NOUN[k]} ${v.done}/${v.total}`));
        io.stdout.write(`\r\u001b[2KReading organization ${organizationId}: ${parts.join(", ")}`.slice(0, (io.stdout.columns ?? 100) + 5));
        drawn = true;
      } else if (e.done === e.total) {
        const nets = `${e.total} network${e.total === 1 ? "" : "s"}`;
        const switches = `${e.total} switch${e.total === 1 ? "" : "es"}`;
        const what =
          e.collection === "vlans" ? `the VLANs of ${nets}`
          : e.collection === "ports" ? `the ports of ${switches}`
          : e.collection === "policies" ? `the access policies of ${nets}`
          : e.collection === "aggregations" ? `the link aggregations of ${nets}`
          : e.collection === "routing" ? `the layer 3 interfaces, their DHCP settings and static routes of ${switches}`
          : `the organization's ${NOUN[e.collection]}`;
        io.stdout.write(`Read ${what}\n`);
      }
    },
    done() {
      if (drawn) io.stdout.write("\n");
    },
  };
}
