/**
 * The files of an imported Pulumi project besides the program: Pulumi.yaml, the stack's config
 * (base URL and organization; never the API key), package.json, tsconfig.json and a README saying
 * what was imported, when and from where. Pure: time and versions come in through `meta`.
 */
import { stringify } from "yaml";
import { ImportModel } from "./model";
import { renderIndex, summary } from "./render";

export interface ProjectMeta {
  project: string;
  stack: string;
  baseUrl: string;
  organizationId: string;
  /** When the network was read (only the README says it). */
  importedAt: Date;
  /** What was asked for, e.g. "--network L_1 --kinds vlans,ports" ("" for everything). */
  selection: string;
  versions: { merakiBatch: string; pulumi: string; typescript: string; typesNode: string };
}

/** A Pulumi project name (letters, digits, hyphens, underscores, periods) from a directory name. */
export function projectName(dirName: string): string {
  const name = dirName.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "");
  return name || "meraki-network";
}

/** The stack names Pulumi accepts. */
export const STACK_NAME = /^[A-Za-z0-9_.-]+$/;

/** Every file, by name, in the order they are listed to the user. */
export function projectFiles(model: ImportModel, meta: ProjectMeta): Record<string, string> {
  return {
    "index.ts": renderIndex(model),
    "Pulumi.yaml": pulumiYaml(meta),
    [`Pulumi.${meta.stack}.yaml`]: stackYaml(meta),
    "package.json": packageJson(meta),
    "tsconfig.json": tsconfig(),
    "README.md": readme(model, meta),
  };
}

function pulumiYaml(meta: ProjectMeta): string {
  return stringify({
    name: meta.project,
    description: `Meraki organization ${meta.organizationId}, imported by meraki-batch`,
    runtime: { name: "nodejs", options: { typescript: true } },
  });
}

function stackYaml(meta: ProjectMeta): string {
  return (
    "# Where the program was imported from. The API key is not kept here: set MERAKI_DASHBOARD_API_KEY,\n" +
    "# or run 'pulumi config set --secret meraki-batch:apiKey <key>'.\n" +
    stringify({ config: { "meraki-batch:baseUrl": meta.baseUrl, "meraki-batch:organizationId": meta.organizationId } })
  );
}

function packageJson(meta: ProjectMeta): string {
  const pkg = {
    name: meta.project.toLowerCase().replace(/^[._]+/, "") || "meraki-network",
    private: true,
    description: `Meraki organization ${meta.organizationId}, imported by meraki-batch`,
    main: "index.ts",
    dependencies: { "@pulumi/pulumi": meta.versions.pulumi, "meraki-batch": meta.versions.merakiBatch },
    devDependencies: { "@types/node": meta.versions.typesNode, typescript: meta.versions.typescript },
  };
  return JSON.stringify(pkg, null, 2) + "\n";
}

function tsconfig(): string {
  const config = {
    compilerOptions: {
      target: "ES2021",
      module: "commonjs",
      moduleResolution: "node",
      lib: ["ES2022"],
      strict: true,
      isolatedModules: true,
      noImplicitOverride: true,
      noFallthroughCasesInSwitch: true,
      esModuleInterop: true,
      skipLibCheck: true,
      sourceMap: true,
      outDir: "bin",
    },
    files: ["index.ts"],
  };
  return JSON.stringify(config, null, 2) + "\n";
}

function readme(model: ImportModel, meta: ProjectMeta): string {
  const lines = [
    `# ${meta.project}`,
    "",
    `A Pulumi program for Meraki organization ${meta.organizationId}, written by \`meraki-batch import\` from the`,
    `live network at ${meta.importedAt.toISOString()} (${meta.baseUrl}).`,
    "",
    `- Imported: ${summary(model)} (${model.counts.declarations} declaration${model.counts.declarations === 1 ? "" : "s"} in index.ts).`,
    `- Selection: ${meta.selection || "every network and device; every kind meraki-batch manages"}.`,
    `- Not declared because nothing differs from an untouched network: ${model.counts.defaultPorts} port${model.counts.defaultPorts === 1 ? "" : "s"} at factory defaults, ${model.counts.untaggedDevices} device${model.counts.untaggedDevices === 1 ? "" : "s"} without tags.`,
  ];
  if (model.skipped.length) {
    lines.push("", "## Left out", "");
    for (const s of model.skipped) lines.push(`- ${s.what}: ${s.why}${s.where.length ? ` (${s.where.join("; ")})` : ""}`);
  }
  if (model.assumed.length) {
    lines.push("", "## To check", "");
    for (const s of model.assumed) lines.push(`- ${s.what}: ${s.why}${s.where.length ? ` (${s.where.join("; ")})` : ""}`);
  }
  lines.push(
    "",
    "## Use it",
    "",
    "```sh",
    "npm install",
    "export MERAKI_DASHBOARD_API_KEY=…",
    "npx meraki-batch plan . --detailed-exitcode".padEnd(46) + "# exits 0: the program matches the network",
    `pulumi stack init ${meta.stack}`.padEnd(46) + `# Pulumi.${meta.stack}.yaml holds the base URL and organization`,
    "pulumi up".padEnd(46) + "# the first up takes the resources over without sending a batch",
    "```",
    "",
    ...(meta.versions.merakiBatch.startsWith("file:")
      ? [
          `\`package.json\` takes meraki-batch from \`${meta.versions.merakiBatch}\`, a tarball made by \`npm pack\`: keep it`,
          "with the program (copy it into this directory and `npm install ./<its name>`), or, once meraki-batch is",
          "on the npm registry, `npm install meraki-batch`.",
          "",
        ]
      : []),
    "VLANs are declared with `adopt: true` (they exist already); VLAN 1 has `retainOnDelete` so that",
    "destroying the stack keeps the network's default VLAN. Each network with an appliance has a",
    "`VlansSettings` saying whether its VLANs are on; destroying it leaves them as they are. Switch ports",
    "and device tags are taken over as they are; destroying them puts back what was there when they",
    "were taken over (`onDelete`).",
  );
  if (model.counts.policies + model.counts.aggregations + model.counts.interfaces + model.counts.routes) {
    lines.push(
      "",
      "Access policies, link aggregations, layer 3 interfaces and static routes are declared with",
      "`adopt: true` too; destroying them deletes them. Ports on an access policy use its",
      "`accessPolicyNumber` output. The API never returns RADIUS secrets: each policy's are read from",
      "the environment variable named in index.ts, which must be set where batches are sent.",
    );
  }
  if (model.counts.devices) {
    lines.push("", "Device names, addresses, notes and locations are taken over as they are (`Device`), like tags.");
  }
  return lines.join("\n") + "\n";
}
