import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { ApiModel } from './api-model';
import { ApiError, SsmEndpoint } from './endpoint';

/**
 * The AWS JSON 1.1 protocol (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html):
 * every call is `POST /` with `X-Amz-Target: AmazonSSM.<Operation>` and
 * `Content-Type: application/x-amz-json-1.1`; the body is the operation's input as JSON,
 * the answer its output, and an error is an HTTP 4xx/5xx whose body names the error shape
 * in `__type` with a `message`.
 */
const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** Requests larger than this are refused; the largest SSM document is far below it. */
const MAX_BODY = 4 * 1024 * 1024;

/** What the server saw, for tests and for the log line of each call. */
export interface CallLog {
  readonly operation: string;
  readonly status: number;
  readonly error?: string;
}

/** Options of {@link serveEndpoint}. */
export interface ServeOptions {
  /** @default 0 (the OS picks a free port) */
  readonly port?: number;
  /** Called after every request. */
  readonly onCall?: (log: CallLog) => void;
}

/** A running local SSM endpoint. */
export interface ServedEndpoint {
  readonly url: string;
  readonly port: number;
  /** Responses that broke the API model (always empty unless the simulator has a bug). */
  readonly responseViolations: readonly string[];
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 only and answers SSM API calls with `endpoint`, checking each request
 * and each response against the SSM API model.
 */
export async function serveEndpoint(endpoint: SsmEndpoint, options: ServeOptions = {}): Promise<ServedEndpoint> {
  const model = new ApiModel('ssm');
  const responseViolations: string[] = [];

  const send = (res: http.ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text), 'x-amzn-RequestId': randomUUID() });
    res.end(text);
  };
  const fail = (res: http.ServerResponse, operation: string, status: number, code: string, message: string): void => {
    send(res, status, { __type: code, message });
    options.onCall?.({ operation, status, error: `${code}: ${message}` });
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const [prefix, operation = ''] = target.split('.');
    if (req.method !== 'POST' || prefix !== model.targetPrefix) {
      return fail(res, operation, 400, 'UnknownOperationException', `expected POST / with X-Amz-Target: ${model.targetPrefix}.<Operation>, got ${req.method ?? '?'} ${target || 'no target'}`);
    }
    if (!model.hasOperation(operation)) return fail(res, operation, 400, 'UnknownOperationException', `${operation} is not an SSM operation`);
    let input: unknown;
    try {
      input = body === '' ? {} : JSON.parse(body);
    } catch (e) {
      return fail(res, operation, 400, 'SerializationException', `the body is not JSON: ${(e as Error).message}`);
    }
    const shapes = model.operation(operation);
    const problems = shapes.input === undefined ? [] : model.check(shapes.input, input);
    if (problems.length > 0) {
      return fail(res, operation, 400, 'ValidationException', `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`);
    }
    let output: Record<string, unknown>;
    try {
      output = await endpoint.call(operation, input as Record<string, unknown>);
    } catch (e) {
      if (e instanceof ApiError) {
        const known = shapes.errors.includes(e.code) || e.code === 'ValidationException' || e.code === 'UnknownOperationException';
        return fail(res, operation, known ? model.errorStatus(e.code) : 400, e.code, e.message);
      }
      return fail(res, operation, 500, 'InternalServerError', `simulator error: ${e instanceof Error ? e.message : String(e)}`);
    }
    const bad = shapes.output === undefined ? [] : model.check(shapes.output, output, { stringLengths: false });
    if (bad.length > 0) {
      responseViolations.push(...bad.map((b) => `${operation}: ${b}`));
      return fail(res, operation, 500, 'InternalServerError', `the simulator's response broke the API model: ${bad.join('; ')}`);
    }
    send(res, 200, output);
    options.onCall?.({ operation, status: 200 });
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((e: unknown) => {
        if (!res.headersSent) send(res, 500, { __type: 'InternalServerError', message: String(e) });
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    responseViolations,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await endpoint.close();
    },
  };
}
