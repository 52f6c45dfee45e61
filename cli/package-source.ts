/**
 * Where a generated project's package.json takes meraki-batch from, so that `npm install` in it
 * works: the npm registry (a version range), or a tarball made by `npm pack`, written as a
 * `file:` path relative to the project. By default, the way this meraki-batch was installed, as
 * npm recorded it in the installing project's lock file (`npm install ./meraki-batch-0.1.0.tgz`,
 * `npx --package ./meraki-batch-0.1.0.tgz`, or from the registry). A source checkout cannot be
 * depended on by path: npm would link it with its own node_modules, a second @pulumi/pulumi.
 */
import * as fs from "fs";
import * as path from "path";
import { CliError } from "./errors";

export interface PackageSource {
  /** "registry": a version range; "tarball": a file made by npm pack. */
  kind: "registry" | "tarball";
  /** The range, for the registry. */
  range?: string;
  /** The tarball's absolute path. */
  tarball?: string;
  /** How it was chosen, said to the user when it is not plainly the registry. */
  origin: "option" | "installed" | "checkout" | "unknown";
}

const TARBALL = /\.(tgz|tar\.gz)$/;

/** The meraki-batch package this code belongs to: its directory and package.json. */
export function ownPackage(from = __dirname): { root: string; pkg: { name: string; version: string; dependencies: Record<string, string>; devDependencies?: Record<string, string> } } {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
      if (pkg.name === "meraki-batch") return { root: dir, pkg };
    }
    if (path.dirname(dir) === dir) throw new CliError("cannot find meraki-batch's own package.json");
  }
}

/** How the package at `root` was installed: from npm's record in the installing project's lock file. */
export function installedSource(root: string, version: string): PackageSource {
  const parts = root.split(path.sep);
  const at = parts.lastIndexOf("node_modules");
  const registry: PackageSource = { kind: "registry", range: `^${version}`, origin: at < 0 ? "checkout" : "unknown" };
  if (at < 0) return registry;
  const project = parts.slice(0, at).join(path.sep) || path.sep;
  const key = parts.slice(at).join("/");
  for (const lock of [path.join(project, "node_modules", ".package-lock.json"), path.join(project, "package-lock.json")]) {
    let resolved: unknown;
    try {
      resolved = JSON.parse(fs.readFileSync(lock, "utf8")).packages?.[key]?.resolved;
    } catch {
      continue;
    }
    if (typeof resolved !== "string") continue;
    if (/^https?:/.test(resolved)) return { kind: "registry", range: `^${version}`, origin: "installed" };
    if (resolved.startsWith("file:") && TARBALL.test(resolved)) {
      const tarball = path.resolve(project, resolved.slice("file:".length));
      if (fs.existsSync(tarball)) return { kind: "tarball", tarball, origin: "installed" };
    }
    break;
  }
  return registry;
}

/** `--package`: a version range of the registry, or the path of a tarball (npm pack). */
export function optionSource(value: string, cwd = process.cwd()): PackageSource {
  const v = value.trim();
  const file = v.startsWith("file:") ? v.slice("file:".length) : v;
  if (TARBALL.test(file) || file.includes("/") || file.includes(path.sep) || file.startsWith(".")) {
    const tarball = path.resolve(cwd, file);
    if (!fs.existsSync(tarball)) throw new CliError(`--package ${value}: there is no such file`, "give a tarball made by 'npm pack' in a meraki-batch checkout, or a version range such as ^0.1.0", 2);
    if (fs.statSync(tarball).isDirectory()) {
      throw new CliError(
        `--package ${value} is a directory: npm would link it, with its own node_modules (a second @pulumi/pulumi, which the program's resources would not use)`,
        `pack it first: (cd ${value} && npm pack), then --package ${path.join(value, "meraki-batch-<version>.tgz")}`,
        2,
      );
    }
    if (!TARBALL.test(tarball)) throw new CliError(`--package ${value} is not a tarball (.tgz)`, "give a tarball made by 'npm pack', or a version range such as ^0.1.0", 2);
    return { kind: "tarball", tarball, origin: "option" };
  }
  if (!/^[\w.^~<>=|*\s-]+$/.test(v) || !/\d|^latest$|^\*$/.test(v)) throw new CliError(`--package ${value} is neither a version range (such as ^0.1.0) nor a tarball path`, undefined, 2);
  return { kind: "registry", range: v, origin: "option" };
}

/** The dependency as package.json writes it: the range, or `file:` and the tarball's path from the project. */
export function dependencySpec(source: PackageSource, projectDir: string): string {
  if (source.kind === "registry") return source.range!;
  const rel = path.relative(projectDir, source.tarball!).split(path.sep).join("/");
  return `file:${rel.startsWith(".") ? rel : `./${rel}`}`;
}

/** What to run next (one command line), and what the user needs to know about where meraki-batch comes from. */
export function nextSteps(source: PackageSource, o: { projectDir: string; shownDir: string; version: string; root: string }): { notes: string[]; next: string } {
  const plan = "npx meraki-batch plan . --detailed-exitcode";
  const spec = dependencySpec(source, o.projectDir);
  if (source.kind === "tarball") {
    const name = path.basename(source.tarball!);
    return {
      notes: [
        `package.json takes meraki-batch from ${spec.slice("file:".length)} (${source.origin === "option" ? "--package" : "the tarball this meraki-batch was installed from"}); until meraki-batch is on the npm registry, keep the tarball with the program: copy it into ${o.shownDir} and run 'npm install ./${name}' there.`,
      ],
      next: `cd ${o.shownDir} && npm install && ${plan}`,
    };
  }
  if (source.origin === "checkout") {
    return {
      notes: [`package.json asks the npm registry for meraki-batch@${spec}; this meraki-batch runs from a source checkout (${o.root}), so until ${o.version} is published, install a tarball of it:`],
      next: `(cd ${o.root} && npm pack --pack-destination ${path.resolve(o.projectDir)}) && cd ${o.shownDir} && npm install ./meraki-batch-${o.version}.tgz && ${plan}`,
    };
  }
  const notes =
    source.origin === "unknown"
      ? [`package.json asks the npm registry for meraki-batch@${spec} (npm recorded no tarball for this meraki-batch); if ${o.version} is not published, import again with --package and a tarball made by 'npm pack'.`]
      : [];
  return { notes, next: `cd ${o.shownDir} && npm install && ${plan}` };
}
