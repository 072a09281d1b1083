import { boots, changedPaths, finalModules, lab, markers, snapshot } from './boot-harness';

/** The JSON report the repair printed (journal+console) at boot 2, if any. */
export function repairReport(out: string, name: string): { verdict: string; user: string; actions: { path: string }[]; findings: { code: string }[] } | undefined {
  // Forwarded to the console by journald, after a `sh[PID]: ` prefix.
  const start = '{"tool":"ec2-ssh-rescue"';
  const line = lab(out, name, 'boot-2.console').split('\n').find((l) => l.includes(start));
  return line === undefined ? undefined : (JSON.parse(line.slice(line.indexOf(start))) as ReturnType<typeof repairReport>);
}

/**
 * Paths under /etc and /var/lib/cloud that boot 2 may change besides what the repair reports:
 * cloud-init's own per-boot records, the cache of the new user data (the EC2 swap itself),
 * and the boothook cloud-init writes for the repair user data.
 */
const EXPECTED = [
  /^var\/lib\/cloud\/data\//,
  /^var\/lib\/cloud\/seed\/nocloud\/user-data$/,
  /^var\/lib\/cloud\/instances\/[^/]+\/(boot-finished|obj\.pkl|user-data\.txt(\.i)?|vendor-data2?\.txt(\.i)?|cloud-config\.txt|vendor-cloud-config\.txt|datasource)$/,
  /^var\/lib\/cloud\/instances\/[^/]+\/boothooks(\/part-001)?$/,
];

/** What boot 2 changed that is neither expected nor reported by the repair. */
export function unexplainedChanges(out: string, name: string): string[] {
  const reported = new Set((repairReport(out, name)?.actions ?? []).map((a) => a.path.replace(/^\//, '')));
  // The home as the container sees it and where the lab finds it on the host (a bind mount in one scenario).
  const [inContainer, onHost] = lab(out, name, 'home').trim().split(' ');
  const asInContainer = (p: string): string => (p === onHost || p.startsWith(`${onHost}/`) ? inContainer + p.slice(onHost.length) : p);
  return changedPaths(snapshot(out, name, 'before'), snapshot(out, name, 'after')).filter(
    (p) => !reported.has(asInContainer(p)) && !EXPECTED.some((re) => re.test(p)),
  );
}

/** Everything the boot lab observed for one scenario, in the shape the assertions compare. */
export function observations(out: string, name: string, request: string): {
  repairMarkers: { boot: number; request: string; verdict: string; user: string }[];
  repairUnitStarts: number;
  logins: string[];
  originalRanAt: number[];
  bootcmdRanAt: number[];
  perBootRanAt: number[];
  finalModulesBoot2SameAsBoot1: boolean;
} {
  const repairMarkers = [1, 2, 3].flatMap((boot) =>
    markers(out, name, boot).filter((m) => m.request === request).map((m) => ({ boot, request: m.request, verdict: m.verdict, user: m.user })),
  );
  const modules = finalModules(out, name);
  return {
    repairMarkers,
    repairUnitStarts: (lab(out, name, 'journal').match(/Starting ec2-ssh-rescue-repair\.service/g) ?? []).length,
    logins: [1, 2, 3].map((b) => lab(out, name, `login-${b}`).trim()),
    originalRanAt: boots(out, name, 'ran-original'),
    bootcmdRanAt: boots(out, name, 'ran-bootcmd'),
    perBootRanAt: boots(out, name, 'ran-per-boot'),
    finalModulesBoot2SameAsBoot1: modules.length === 3 && modules[0].length > 0 && JSON.stringify(modules[1]) === JSON.stringify(modules[0]),
  };
}
