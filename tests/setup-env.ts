/** Test processes never touch the user's ~/.local/state: the draft ledger goes to a temporary directory. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meraki-batch-state-"));
process.env.MERAKI_BATCH_STATE_DIR = dir;
process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
