/**
 * ISO 8601 duration (`PT5M`, `PT1H30M`, `P1D`, `PT0.5S`) in milliseconds, as aws:sleep's
 * Duration takes it (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-sleep.html).
 */
export function parseDuration(text: string): number {
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) throw new Error(`Duration ${JSON.stringify(text)} is not an ISO 8601 duration such as PT5M`);
  const [, d, h, min, s] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return Math.round(((d * 24 + h) * 60 * 60 + min * 60 + s) * 1000);
}
