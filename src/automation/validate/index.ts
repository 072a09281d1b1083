/** Validation of SSM Automation documents (schemaVersion 0.3). */
export { type CheckKind, type Diagnostic, type Severity, formatDiagnostic, strictly } from './diagnostic';
export { validateDocument, validateText, validateFile, MAX_DOCUMENT_BYTES, DOCUMENT_CHECKS, type ValidateDocumentOptions, type ValidateTextOptions } from './validate';
export { analyzeStepGraph, type StepGraph, type StepEdge, type EdgeKind, type DanglingTarget } from './step-graph';
export { type StepView, type OutputView } from './document-view';
export { automationSchema, SUPPORTED_ACTIONS, BRANCH_OPERATORS, STEP_NAME_PATTERN, PARAMETER_TYPES, RESOURCE_PARAMETER_TYPES } from './automation-schema';
export { ACTIONS, type ActionSpec } from './actions';
export { RULES, type Rule } from './rules';
export { AWS_SCHEMA_ALLOWLIST, type AllowlistEntry } from './aws-schema-allowlist';
export { BUILT_IN_OUTPUTS } from './action-outputs';
export { findReferences, SYSTEM_VARIABLES, type Reference } from './references';
