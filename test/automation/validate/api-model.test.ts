/**
 * Where API models come from and how their age is judged, with botocore-format model files
 * in a temporary AWS_DATA_PATH folder (the real Debian models are exercised by every other
 * API test and the corpus).
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { validateDocument } from '../../../src/automation/validate';
import { serviceModel } from '../../../src/automation/validate/api-model';

const model = {
  metadata: { apiVersion: '2020-01-01' },
  operations: { GetThing: { input: { shape: 'GetThingRequest' }, output: { shape: 'GetThingResult' } } },
  shapes: {
    GetThingRequest: { type: 'structure', required: ['Name'], members: { Name: { shape: 'String' }, Kind: { shape: 'Kind' } } },
    GetThingResult: { type: 'structure', members: { Thing: { shape: 'String' } } },
    String: { type: 'string' },
    Kind: { type: 'string', enum: ['a', 'b'] },
  },
};

const call = (service: string, inputs: Record<string, unknown>): unknown => ({
  schemaVersion: '0.3',
  mainSteps: [{ name: 'get', action: 'aws:executeAwsApi', inputs: { Service: service, Api: 'GetThing', ...inputs } }],
});
const found = (doc: unknown): string[] => validateDocument(doc, { checks: ['api'] }).map((d) => `${d.severity} ${d.rule}`);

describe('API models from AWS_DATA_PATH', () => {
  let dir: string;
  const saved = process.env.AWS_DATA_PATH;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'models-'));
    const old = new Date('2020-06-01T00:00:00Z');
    for (const [service, gz, date] of [['freshsvc', false, new Date()], ['oldsvc', true, old]] as const) {
      const folder = join(dir, service, '2020-01-01');
      mkdirSync(folder, { recursive: true });
      const file = join(folder, gz ? 'service-2.json.gz' : 'service-2.json');
      const text = JSON.stringify(model);
      writeFileSync(file, gz ? gzipSync(text) : text);
      utimesSync(file, date, date);
    }
    process.env.AWS_DATA_PATH = dir;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.AWS_DATA_PATH;
    else process.env.AWS_DATA_PATH = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  test('plain and gzip-compressed models load, from the newest version folder', () => {
    for (const s of ['freshsvc', 'oldsvc']) {
      const m = serviceModel(s);
      expect(m.ok && m.apiVersion).toBe('2020-01-01');
    }
  });

  test('a correct call has no finding; enum and required members come from the model', () => {
    expect(found(call('freshsvc', { Name: 'x', Kind: 'a' }))).toEqual([]);
    expect(found(call('freshsvc', { Name: 'x', Kind: 'c' }))).toEqual(['error SSM-API-006']);
    expect(found(call('freshsvc', { Kind: 'a' }))).toEqual(['error SSM-API-004']);
  });

  test('an unknown member is an error against a recent model, a warning against one over a year old', () => {
    expect(found(call('freshsvc', { Name: 'x', Colour: 'red' }))).toEqual(['error SSM-API-003']);
    expect(found(call('oldsvc', { Name: 'x', Colour: 'red' }))).toEqual(['warning SSM-API-010']);
  });
});
