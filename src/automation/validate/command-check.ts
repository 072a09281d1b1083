/**
 * Checks for SSM Command documents (schemaVersion 2.2) built from `aws:runShellScript` steps.
 * Command documents substitute `{{ Name }}` parameter values straight into the script text before
 * the agent runs it, so a String parameter a script reads must be pinned by allowedPattern or
 * allowedValues, or any caller can inject shell code.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-schemas-features.html
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-command-ssm-plugin-reference.html#aws-runShellScript
 */
import type { Diagnostic } from './diagnostic';

/** Schema versions Command documents may use; 2.2 is the one AWS recommends and the only one accepted here. */
const COMMAND_SCHEMA_VERSIONS: readonly string[] = ['1.2', '2.0', '2.2'];

/** Top-level keys of a schema 2.2 Command document. */
const TOP_LEVEL_KEYS: readonly string[] = ['schemaVersion', 'description', 'parameters', 'mainSteps'];

/** Parameter types of SSM documents. */
const PARAMETER_TYPES: readonly string[] = ['String', 'StringList', 'Boolean', 'Integer', 'MapList', 'StringMap'];

/** Keys a parameter definition may have. */
const PARAMETER_KEYS: readonly string[] = [
  'type', 'description', 'default', 'allowedValues', 'allowedPattern', 'displayType', 'minItems', 'maxItems', 'minChars', 'maxChars', 'interpolationType',
];

/** The platformType values a precondition can test. */
const PLATFORMS: readonly string[] = ['Linux', 'Windows', 'MacOS'];

/**
 * Inputs of `aws:runShellScript`. AWS-RunShellScript's own `executionTimeout` parameter bounds the
 * plugin's timeoutSeconds to 1..172800.
 */
const RUN_SHELL_SCRIPT_INPUTS: readonly string[] = ['runCommand', 'workingDirectory', 'timeoutSeconds'];
const MAX_TIMEOUT_SECONDS = 172800;

/** Step names in Command documents. */
const STEP_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const REFERENCE = /\{\{\s*([^{}\s]+)\s*\}\}/g;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The plugins of Command documents (the plugin reference), as opposed to Automation actions. */
const COMMAND_PLUGINS: readonly string[] = [
  'aws:applications', 'aws:cloudWatch', 'aws:configureDocker', 'aws:configurePackage', 'aws:domainJoin', 'aws:downloadContent',
  'aws:psModule', 'aws:refreshAssociation', 'aws:runDockerAction', 'aws:runDocument', 'aws:runPowerShellScript', 'aws:runShellScript',
  'aws:softwareInventory', 'aws:updateAgent', 'aws:updateSsmAgent',
];

/**
 * Whether a parsed document is a Command document: a Command schema version and steps that are
 * Command plugins. An Automation runbook with a wrong schemaVersion stays an Automation document, so
 * it is told to use 0.3.
 */
export function isCommandDocument(doc: unknown): boolean {
  if (!isObj(doc) || typeof doc.schemaVersion !== 'string' || !COMMAND_SCHEMA_VERSIONS.includes(doc.schemaVersion)) return false;
  const steps = Array.isArray(doc.mainSteps) ? doc.mainSteps : [];
  return steps.length > 0 && steps.every((s: unknown) => isObj(s) && COMMAND_PLUGINS.includes(String(s.action)));
}

/** Every finding for a Command document; empty when it is sound. */
export function checkCommandDocument(doc: Obj, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const err = (message: string, fix: string, step?: string, check: Diagnostic['check'] = 'schema'): void => {
    out.push({ severity: 'error', check, rule: check === 'reference' ? 'SSM-CMD-002' : 'SSM-CMD-001', file, step, message, fix });
  };
  if (doc.schemaVersion !== '2.2') {
    err(`schemaVersion ${String(doc.schemaVersion)} is an old Command document schema`, 'use schemaVersion "2.2" (versioned, default version, sequenced steps, preconditions)');
  }
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL_KEYS.includes(key)) err(`unknown top-level key ${key}`, `use only ${TOP_LEVEL_KEYS.join(', ')}`);
  }
  if (doc.description !== undefined && typeof doc.description !== 'string') err('description must be a string', 'write the description as Markdown text');

  const parameters = isObj(doc.parameters) ? doc.parameters : {};
  if (doc.parameters !== undefined && !isObj(doc.parameters)) err('parameters must be a map of parameter definitions', 'write parameters as NAME: {type: String, ...}');
  for (const [name, spec] of Object.entries(parameters)) out.push(...checkParameter(name, spec, file));

  if (!Array.isArray(doc.mainSteps) || doc.mainSteps.length === 0) {
    err('mainSteps must be a non-empty list', 'add an aws:runShellScript step');
    return out;
  }
  const names = new Set<string>();
  const read = new Set<string>();
  doc.mainSteps.forEach((step: unknown, n: number) => {
    if (!isObj(step)) {
      err(`mainSteps[${n}] is not a map`, 'write each step as {action, name, inputs}');
      return;
    }
    const name = typeof step.name === 'string' ? step.name : `mainSteps[${n}]`;
    if (typeof step.name !== 'string' || !STEP_NAME.test(step.name)) err(`step name ${JSON.stringify(step.name)} is not valid`, 'use 1-128 letters, digits, _, - or .', name);
    if (names.has(name)) err(`step name ${name} is used twice`, 'give every step a unique name', name);
    names.add(name);
    for (const key of Object.keys(step)) {
      if (!['action', 'name', 'inputs', 'precondition'].includes(key)) err(`unknown step key ${key}`, 'use only action, name, precondition and inputs', name);
    }
    if (step.action !== 'aws:runShellScript') {
      err(`plugin ${String(step.action)} is not supported here`, 'use aws:runShellScript (Linux shell scripts)', name);
      return;
    }
    out.push(...checkPrecondition(step.precondition, name, file));
    if (!isObj(step.inputs)) {
      err('inputs must be a map', 'give the step inputs: {runCommand: [...]}', name);
      return;
    }
    out.push(...checkRunShellScriptInputs(step.inputs, name, file));
    for (const m of JSON.stringify(step.inputs).matchAll(REFERENCE)) {
      const ref = m[1];
      read.add(ref);
      if (ref.startsWith('ssm:')) {
        out.push({ severity: 'warning', check: 'reference', rule: 'SSM-CMD-003', file, step: name, message: `{{ ${ref} }} reads a Parameter Store value into the script unchecked`, fix: 'declare a document parameter with an allowedPattern and pass the value instead' });
      } else if (!(ref in parameters)) {
        err(`{{ ${ref} }} is not a parameter of this document`, `declare parameter ${ref} or remove the reference`, name, 'reference');
      }
    }
  });
  for (const [name, spec] of Object.entries(parameters)) {
    if (!read.has(name) || !isObj(spec) || spec.type !== 'String') continue;
    if (spec.allowedPattern === undefined && spec.allowedValues === undefined && spec.interpolationType !== 'ENV_VAR') {
      err(`String parameter ${name} is replaced into the script text but has neither allowedPattern nor allowedValues`, 'add an allowedPattern that admits no shell syntax (e.g. ^[a-z0-9._-]*$), or allowedValues', `parameters.${name}`);
    }
  }
  return out;
}

function checkParameter(name: string, spec: unknown, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const where = `parameters.${name}`;
  const err = (message: string, fix: string): void => {
    out.push({ severity: 'error', check: 'schema', rule: 'SSM-CMD-001', file, step: where, message, fix });
  };
  if (!/^[A-Za-z0-9_]{1,128}$/.test(name)) err(`parameter name ${name} is not valid`, 'use letters, digits and underscores');
  if (!isObj(spec)) {
    err('the parameter definition is not a map', 'write {type: String, description: ..., allowedPattern: ...}');
    return out;
  }
  for (const key of Object.keys(spec)) if (!PARAMETER_KEYS.includes(key)) err(`unknown parameter key ${key}`, `use only ${PARAMETER_KEYS.join(', ')}`);
  if (typeof spec.type !== 'string' || !PARAMETER_TYPES.includes(spec.type)) {
    err(`type ${JSON.stringify(spec.type)} is not a parameter type`, `use one of ${PARAMETER_TYPES.join(', ')}`);
    return out;
  }
  let pattern: RegExp | undefined;
  if (spec.allowedPattern !== undefined) {
    if (typeof spec.allowedPattern !== 'string') err('allowedPattern must be a string', 'write the regular expression as a string');
    else {
      try {
        pattern = new RegExp(spec.allowedPattern);
      } catch (e) {
        err(`allowedPattern does not compile: ${(e as Error).message}`, 'fix the regular expression');
      }
    }
  }
  if (spec.allowedValues !== undefined && (!Array.isArray(spec.allowedValues) || spec.allowedValues.length === 0)) err('allowedValues must be a non-empty list', 'list the values');
  if (spec.interpolationType !== undefined && spec.interpolationType !== 'ENV_VAR') err(`interpolationType ${String(spec.interpolationType)} is not supported`, 'use ENV_VAR or leave it out');
  if (spec.default !== undefined && spec.type === 'String') {
    if (typeof spec.default !== 'string') err('the default of a String parameter must be a string', 'quote the default');
    else {
      if (pattern !== undefined && !pattern.test(spec.default)) err(`default ${JSON.stringify(spec.default)} does not match allowedPattern ${String(spec.allowedPattern)}`, 'change the default or the pattern');
      if (Array.isArray(spec.allowedValues) && !spec.allowedValues.includes(spec.default)) err(`default ${JSON.stringify(spec.default)} is not among allowedValues`, 'change the default or allowedValues');
    }
  }
  return out;
}

function checkPrecondition(precondition: unknown, step: string, file: string): Diagnostic[] {
  if (precondition === undefined) {
    return [{ severity: 'warning', check: 'schema', rule: 'SSM-CMD-004', file, step, message: 'no precondition: the shell script is also sent to Windows nodes, where it fails', fix: 'add precondition: {StringEquals: [platformType, Linux]}' }];
  }
  const eq = isObj(precondition) ? precondition.StringEquals : undefined;
  if (!isObj(precondition) || Object.keys(precondition).length !== 1 || !Array.isArray(eq) || eq.length !== 2 || eq[0] !== 'platformType' || !PLATFORMS.includes(String(eq[1]))) {
    return [{ severity: 'error', check: 'schema', rule: 'SSM-CMD-001', file, step, message: `precondition ${JSON.stringify(precondition)} is not {StringEquals: [platformType, Linux|Windows|MacOS]}`, fix: 'write precondition: {StringEquals: [platformType, Linux]}' }];
  }
  if (eq[1] === 'Windows') {
    return [{ severity: 'error', check: 'schema', rule: 'SSM-CMD-001', file, step, message: 'aws:runShellScript runs shell scripts, but the precondition selects Windows', fix: 'use platformType Linux (or MacOS)' }];
  }
  return [];
}

function checkRunShellScriptInputs(inputs: Obj, step: string, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const err = (message: string, fix: string): void => {
    out.push({ severity: 'error', check: 'schema', rule: 'SSM-CMD-001', file, step, message, fix });
  };
  for (const key of Object.keys(inputs)) if (!RUN_SHELL_SCRIPT_INPUTS.includes(key)) err(`unknown aws:runShellScript input ${key}`, `use only ${RUN_SHELL_SCRIPT_INPUTS.join(', ')}`);
  const run = inputs.runCommand;
  const wholeRef = typeof run === 'string' && /^\{\{\s*[A-Za-z0-9_]+\s*\}\}$/.test(run);
  if (!wholeRef && (!Array.isArray(run) || run.length === 0 || !run.every((l) => typeof l === 'string'))) {
    err('runCommand must be a non-empty list of strings (or one {{ StringList parameter }})', 'put the script in runCommand as a list of lines or one multi-line string');
  }
  const timeout = inputs.timeoutSeconds;
  if (timeout !== undefined && !(typeof timeout === 'string' && /^\{\{.*\}\}$/.test(timeout))) {
    if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMEOUT_SECONDS) {
      err(`timeoutSeconds ${JSON.stringify(timeout)} is not an integer from 1 to ${MAX_TIMEOUT_SECONDS}`, 'give the script a bounded timeout');
    }
  }
  if (inputs.workingDirectory !== undefined && typeof inputs.workingDirectory !== 'string') err('workingDirectory must be a string', 'give an absolute path');
  return out;
}
