/**
 * Test processes never touch the user's ~/.local/state or ~/.cache: the draft ledger and the type
 * check's cache go to temporary directories.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meraki-batch-state-"));
process.env.MERAKI_BATCH_STATE_DIR = dir;
const cache = fs.mkdtempSync(path.join(os.tmpdir(), "meraki-batch-cache-"));
process.env.MERAKI_BATCH_CACHE_DIR = cache;
process.once("exit", () => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(cache, { recursive: true, force: true });
});
