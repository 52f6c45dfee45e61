/** Pulumi programs written to a temporary directory, for what cannot be a fixture (a syntax error would break the type check; a URL only known at run time). */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROGRAMS, ROOT } from "./cli";

const made: string[] = [];

/** A program directory with these files (Pulumi.yaml defaults to a nodejs project named `name`). */
export function tempProgram(name: string, files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mb-${name}-`));
  made.push(dir);
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\n`);
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

/** tests/fixtures/programs/small under a stack file of one's own (its project name and config). */
export function smallWithStack(stackYaml: Record<string, string>): string {
  const config = Object.entries({ "small:portName": "Desk by the window", ...stackYaml })
    .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
    .join("\n");
  return tempProgram("small", { "index.js": `require(${JSON.stringify(path.join(PROGRAMS, "small", "index.js"))});\n`, "Pulumi.dev.yaml": `config:\n${config}\n` });
}

/** How a TypeScript program imports this package. */
export const IMPORT_MERAKI = `import * as meraki from ${JSON.stringify(ROOT)};`;

export function removeTempPrograms(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
