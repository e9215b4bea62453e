import { readFile } from 'node:fs/promises';
import { AlertkitError, reverseDnsFromTable, type ReverseDnsResolver } from '@alertkit/core';

/**
 * The reverse-DNS table named by `ALERTKIT_REVERSE_DNS` (`{"10.2.3.4": "host.example.org",
 * "*": "fallback.example.org"}`), so replays and tests never touch real DNS; `undefined` when the
 * variable is not set (the system resolver is used).
 */
export async function reverseDnsFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): Promise<ReverseDnsResolver | undefined> {
  const path = env['ALERTKIT_REVERSE_DNS'];
  if (!path) return undefined;
  let table: unknown;
  try {
    table = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new AlertkitError(
      'CONFIG_INVALID',
      `ALERTKIT_REVERSE_DNS=${path}: ${(cause as Error).message}`,
      { cause },
    );
  }
  if (
    table === null ||
    typeof table !== 'object' ||
    Array.isArray(table) ||
    Object.values(table).some((v) => typeof v !== 'string')
  ) {
    throw new AlertkitError(
      'CONFIG_INVALID',
      `ALERTKIT_REVERSE_DNS=${path}: expected a JSON object of "ip": "hostname"`,
    );
  }
  const { '*': fallback, ...exact } = table as Record<string, string>;
  return reverseDnsFromTable(exact, fallback);
}
