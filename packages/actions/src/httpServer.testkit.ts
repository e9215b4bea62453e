import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';

/** A request the test server received. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The status the server answered with (absent: it never answered). */
  answered?: number;
}

/** What the test server answers; `hang` never answers (a timeout). */
export type Reply = { status: number; json?: unknown; text?: string } | 'hang';

/** A local HTTP server (node:http) for the actions' calls: records requests, answers from a script. */
export interface TestServer {
  url: string;
  requests: ReceivedRequest[];
  /** Answers, in order, to the next requests; when exhausted, `fallback`. */
  replies: Reply[];
  fallback: Reply;
  close(): Promise<void>;
}

export async function startTestServer(
  fallback: Reply = { status: 200, json: {} },
): Promise<TestServer> {
  const hanging = new Set<ServerResponse>();
  const state: Omit<TestServer, 'url' | 'close'> = { requests: [], replies: [], fallback };
  const server: Server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      let body: unknown = text;
      try {
        body = text === '' ? undefined : (JSON.parse(text) as unknown);
      } catch {
        // keep the text
      }
      const received: ReceivedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
      };
      state.requests.push(received);
      const reply = state.replies.shift() ?? state.fallback;
      if (reply === 'hang') {
        hanging.add(response);
        return;
      }
      response.statusCode = reply.status;
      received.answered = reply.status;
      if (reply.json !== undefined) {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify(reply.json));
      } else response.end(reply.text ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** A URL on which nothing listens (a port taken and released): connection refused. */
export async function refusedUrl(): Promise<string> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
