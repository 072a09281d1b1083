export { ApiModel } from './api-model';
export type { CheckOptions, ModelShape } from './api-model';
export { ApiError, SsmEndpoint } from './endpoint';
export type { EndpointOptions } from './endpoint';
export { serveEndpoint } from './http-server';
export type { CallLog, ServedEndpoint, ServeOptions } from './http-server';
export { DEFAULT_SERVED_SCENARIO, INSTANCE_ID, parseScenarioMap } from './scenario-map';
