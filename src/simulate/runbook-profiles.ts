import { Scenario } from './scenarios';

/** How the fault matrix drives one runbook: extra parameters and where it is meant to repair. */
export interface RunbookProfile {
  readonly name: string;
  /**
   * Parameter values on top of those derived from the scenario.
   * @default none
   */
  readonly parameters?: Readonly<Record<string, string>>;
  /** True where the runbook is meant to repair; elsewhere it must refuse and change nothing. */
  readonly repairs: (scenario: Scenario) => boolean;
  /**
   * Reads its verdict from the console output (offline path), so on a Xen instance type it is
   * expected to end at once with an honest unverified rather than repair or refuse.
   * @default false
   */
  readonly verifiesByConsole?: boolean;
}

const agentOnline = (s: Scenario): boolean => s.instance.agentWorks !== false;

/** The project's runbooks (runbooks/*.yaml); a runbook not listed gets the scenario's own expectation. */
export const RUNBOOK_PROFILES: readonly RunbookProfile[] = [
  // Online only: without a reachable agent it refuses and points to the offline runbook.
  // It takes no lock (it stops nothing), so another execution's lock does not stop it.
  { name: 'EC2SSHRescue-FixAccessOnline', repairs: agentOnline },
  { name: 'EC2SSHRescue-FixAccessOffline', repairs: (s) => s.expect === 'repaired', verifiesByConsole: true },
  // The orchestrator takes the offline path only when allowed to; online it needs no lock either.
  { name: 'EC2SSHRescue-Repair', parameters: { AllowOffline: 'true' }, repairs: (s) => s.expect === 'repaired' || agentOnline(s), verifiesByConsole: true },
];

export function profileFor(runbook: string): RunbookProfile {
  return RUNBOOK_PROFILES.find((p) => p.name === runbook) ?? { name: runbook, repairs: (s) => s.expect === 'repaired' };
}

/** What a runbook must achieve in a scenario without faults. */
export function expectedOutcome(profile: RunbookProfile, scenario: Scenario): Scenario['expect'] {
  if (profile.repairs(scenario)) return 'repaired';
  return scenario.expect === 'unverified' && profile.verifiesByConsole === true ? 'unverified' : 'refused';
}
