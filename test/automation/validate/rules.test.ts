import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIONS, RULES, validateFile } from '../../../src/automation/validate';

const readme = readFileSync(join(__dirname, '..', '..', '..', 'src', 'automation', 'validate', 'README.md'), 'utf8');

describe('rule table', () => {
  test('the README table lists exactly the rules, with their severity and check', () => {
    const rows = [...readme.matchAll(/^\| (SSM-[A-Z]+-\d{3}) \| (error|warning) \| ([a-z-]+) \|/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
    expect(rows).toEqual([...RULES.values()].map((r) => `${r.id} ${r.severity} ${r.check}`));
  });

  test('ids are unique and well formed, every rule cites its AWS source', () => {
    for (const r of RULES.values()) {
      expect(r.id).toMatch(/^SSM-[A-Z]+-\d{3}$/);
      expect(r.source).toMatch(/^https:\/\//);
    }
  });
});

describe('actions', () => {
  test('every action of the Automation actions reference is known, each citing its page', () => {
    expect([...ACTIONS.keys()].sort()).toEqual(
      [
        'aws:approve', 'aws:assertAwsResourceProperty', 'aws:branch', 'aws:changeInstanceState', 'aws:copyImage', 'aws:createImage',
        'aws:createStack', 'aws:createTags', 'aws:deleteImage', 'aws:deleteStack', 'aws:executeAutomation', 'aws:executeAwsApi',
        'aws:executeScript', 'aws:executeStateMachine', 'aws:invokeLambdaFunction', 'aws:invokeWebhook', 'aws:loop', 'aws:pause',
        'aws:runCommand', 'aws:runInstances', 'aws:sleep', 'aws:updateVariable', 'aws:waitForAwsResourceProperty',
      ].sort(),
    );
    for (const a of ACTIONS.values()) expect(a.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/systems-manager\/latest\/userguide\/.+\.html$/);
  });

  test('a document using every action and every parameter type validates strictly without a finding', () => {
    const file = join(__dirname, 'fixtures', 'every-action.yaml');
    const text = readFileSync(file, 'utf8');
    for (const action of ACTIONS.keys()) expect(text).toContain(`action: ${action}\n`);
    expect(validateFile(file, { strict: true })).toEqual([]);
  });
});
