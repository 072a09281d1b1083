/**
 * The YAML parser AWS's own SSM document tooling uses: js-yaml, as a dependency of
 * `aws-ssm-document-language-service` (the package whose schema the aws-schema check
 * uses) and of the AWS Solutions CDK apps that render runbooks with `yaml.load`. It
 * accepts indentation slips inside multi-line flow collections that strict YAML 1.2
 * parsers refuse, and published runbooks contain such slips; it is the fallback when
 * the strict parse fails.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

interface JsYaml {
  load(text: string): unknown;
}

let jsYaml: JsYaml | null | undefined;

function loader(): JsYaml | null {
  if (jsYaml === undefined) {
    try {
      const req = createRequire(__filename);
      const service = dirname(req.resolve('aws-ssm-document-language-service/package.json'));
      jsYaml = createRequire(`${service}/`)('js-yaml') as JsYaml;
    } catch {
      jsYaml = null;
    }
  }
  return jsYaml;
}

/** Parses with js-yaml; undefined when it also refuses the text (or is not installed). */
export function parseLenient(text: string): { doc: unknown } | undefined {
  const y = loader();
  if (y === null) return undefined;
  try {
    return { doc: y.load(text) };
  } catch {
    return undefined;
  }
}
