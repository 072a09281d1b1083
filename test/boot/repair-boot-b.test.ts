import { observations, unexplainedChanges } from './assertions';
import { currentUserDataSuite, knowledgeCenterScenario, REQUEST } from './suite';

// GIVEN the same boots for the other kinds of original user data, and the 0.1.0 runbook's
// knowledge-center MIME ([scripts-user, always] + the script as a shell part) on the
// shell-script instance with socket-activated sshd, THEN the old user data breaks the
// guarantees the new one keeps.
currentUserDataSuite(['gzip', 'empty'], (out) => {
  describe('the 0.1.0 knowledge-center MIME (test/fixtures/runbooks-0.1) on the same instance', () => {
    test('runs the instance\'s original first-boot script again at the repair boot', () => {
      expect(observations(out(), 'shell-kc', REQUEST).originalRanAt).toEqual([1, 2]);
    });
    test('replaces the image\'s final modules at the repair boot: its per-boot script does not run', () => {
      const o = observations(out(), 'shell-kc', REQUEST);
      expect(o.finalModulesBoot2SameAsBoot1).toBe(false);
      expect(o.perBootRanAt).toEqual([1, 3]);
    });
    test('cannot fix with socket-activated sshd: cannot-fix, and the login stays refused', () => {
      const o = observations(out(), 'shell-kc', REQUEST);
      expect(o.repairMarkers).toEqual([{ boot: 2, request: REQUEST, verdict: 'cannot-fix', user: 'alice' }]);
      expect(o.logins).toEqual(['0', '255', '255']);
    });
    test('leaves its shell part in the instance\'s scripts directory', () => {
      expect(unexplainedChanges(out(), 'shell-kc').filter((p) => /\/instances\/[^/]+\/scripts\/./.test(p))).not.toEqual([]);
    });
  });
}, [knowledgeCenterScenario('shell')]);
