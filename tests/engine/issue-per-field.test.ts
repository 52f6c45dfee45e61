/** One explanation per validation message: a field's first problem, not every rule it also breaks. */
import { ValidationError } from "../../provider";
import { liveNetwork, planOf, port } from "../helpers/plans";

test("a field that cannot be set on a trunk port is not also told which access policy it needs", () => {
  const live = liveNetwork({ N_1: ["S-1"] });
  let error: unknown;
  try {
    planOf([port("S-1", 3, { type: "trunk", macAllowList: ["00:11:22:33:44:55"], accessPolicyNumber: 2, voiceVlan: 4 }, "r")], live);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).message).toBe(
    [
      "invalid desired state (3 problems):",
      "  SwitchPort 'r' (port 3 of switch S-1): voiceVlan: can only be set on access ports (this port is trunk)",
      "  SwitchPort 'r' (port 3 of switch S-1): accessPolicyNumber: can only be set on access ports (this port is trunk)",
      "  SwitchPort 'r' (port 3 of switch S-1): macAllowList: can only be set on access ports (this port is trunk)",
    ].join("\n"),
  );
});
