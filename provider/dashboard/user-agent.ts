/**
 * The User-Agent the Dashboard API asks every integration to send: "ApplicationName/Version
 * VendorName", names without spaces, hyphens or special characters (developer.cisco.com/meraki,
 * "User agents"). The front end is told apart in the application name: MerakiBatchCLI,
 * MerakiBatchPulumi; the version is the package's.
 */
import * as fs from "fs";
import * as path from "path";

export const VENDOR = "MerakiBatch";

let version: string | undefined;

/** The version in meraki-batch's package.json, found from this file upwards (src and dist differ in depth). */
export function packageVersion(): string {
  if (version === undefined) {
    version = "0.0.0";
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
        if (pkg.name === "meraki-batch" && typeof pkg.version === "string") {
          version = pkg.version;
          break;
        }
      } catch {
        // no package.json here
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  return version;
}

/** "MerakiBatch/0.1.0 MerakiBatch"; `frontEnd` ("CLI", "Pulumi") is appended to the application name. */
export function userAgent(frontEnd = ""): string {
  const clean = (s: string) => s.replace(/[^0-9A-Za-z]/g, "");
  return `${VENDOR}${clean(frontEnd)}/${packageVersion().replace(/[^0-9A-Za-z.]/g, "")} ${VENDOR}`;
}
