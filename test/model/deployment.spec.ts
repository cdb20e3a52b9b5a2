// Who may apply production: CI, or a recorded break-glass for the freeze's own incident.
import { applyRefusal, Deployment, parseFreeze } from "../../model";

const freeze = (incident: string | null) => ({
  since: "2026-11-30T03:00:00Z",
  operator: "bob",
  incident,
  reason: null,
});
const run = (over: Partial<Deployment>): Deployment => ({
  applying: true,
  ci: null,
  breakGlassIncident: null,
  freeze: null,
  ...over,
});
const CI = { workflow: "push", runId: "42" };

describe("applyRefusal", () => {
  it.each([
    ["staging from a workstation", "staging", run({})],
    ["a production preview from a workstation", "production", run({ applying: false })],
    ["production in CI", "production", run({ ci: CI })],
    [
      "a break-glass run for the freeze's own incident, in CI",
      "production",
      run({ ci: CI, breakGlassIncident: "INC-7", freeze: freeze("INC-7") }),
    ],
    [
      "a recorded break-glass from a workstation",
      "production",
      run({ breakGlassIncident: "INC-7", freeze: freeze("INC-7") }),
    ],
  ])("lets %s run", (_what, stack, d) => {
    expect(applyRefusal(stack, d)).toBeUndefined();
  });

  it("refuses production from a workstation, saying where it is applied", () => {
    expect(applyRefusal("production", run({}))).toBe(
      "Refusing pulumi up --stack production outside CI: production credentials are never used on a workstation (secrets-management guide). Push the change to main: the push workflow applies staging, then production behind its GitHub environment approval. During an incident, run the break-glass workflow with its incident ID.",
    );
  });

  it("refuses production during a freeze, even in CI, unless it breaks glass for that incident", () => {
    expect(applyRefusal("production", run({ ci: CI, freeze: freeze("INC-7") }))).toBe(
      "Refusing pulumi up --stack production: deploys are frozen since 2026-11-30T03:00:00Z for incident INC-7 (operations/FREEZE). Only a break-glass run for that incident applies now (the break-glass workflow with its incident ID); otherwise lift the freeze first: npx pegasus-secrets lift-freeze --operator <you>.",
    );
    expect(
      applyRefusal("production", run({ breakGlassIncident: "INC-9", freeze: freeze("INC-7") })),
    ).toBe(
      "Refusing pulumi up --stack production: PEGASUS_BREAK_GLASS=INC-9 names no open incident (the freeze in force is for INC-7). Break glass first: npx pegasus-secrets break-glass <VARIABLE> --operator <you> --incident INC-9, commit and push operations/FREEZE.",
    );
    expect(applyRefusal("production", run({ breakGlassIncident: "INC-9" }))).toMatch(
      /names no open incident \(no freeze is in force: operations\/FREEZE does not exist\)/,
    );
  });

  it("reads the freeze marker, and an unreadable one still freezes", () => {
    expect(parseFreeze("since: '2026-11-30T03:00:00Z'\noperator: bob\nincident: INC-7\n")).toEqual(
      freeze("INC-7"),
    );
    expect(parseFreeze("{{{ not yaml")).toEqual({
      since: "unknown",
      operator: "unknown",
      incident: null,
      reason: null,
    });
  });
});
