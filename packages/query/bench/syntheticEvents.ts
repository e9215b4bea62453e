import type { StoredEvent } from '@alertkit/core';
import { seededRandom } from '../test/seededRandom.js';

/** The end of the synthetic week: every event lies in the 7 days before it. */
export const END = Date.parse('2026-01-08T00:00:00Z');
const WEEK_MS = 7 * 24 * 3600_000;

const USERS = Array.from({ length: 200 }, (_, i) => `user${i}`);
/** Users the "terms" query asks for. */
export const WATCHED_USERS = ['root', 'admin', 'user1', 'user2', 'user3'];

/**
 * `count` MozDef-shaped events spread evenly over the 7 days before {@link END}, in time order:
 * sshd/sudo/pam syslog lines with source IPs, ports, users and hosts, as MozDef's events look.
 */
export function* syntheticEvents(count: number, seed = 42): Generator<StoredEvent> {
  const next = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const step = WEEK_MS / count;
  for (let i = 0; i < count; i++) {
    const time = END - WEEK_MS + Math.floor(i * step);
    const user = next() < 0.1 ? pick(['root', 'admin']) : pick(USERS);
    const ip =
      next() < 0.3
        ? `10.${Math.floor(next() * 4)}.${Math.floor(next() * 256)}.${Math.floor(next() * 256)}`
        : `203.0.113.${Math.floor(next() * 64)}`;
    const port = 1024 + Math.floor(next() * 60000);
    const host = `host${Math.floor(next() * 500)}.example.com`;
    const kind = next();
    let summary: string;
    let program = 'sshd';
    let success = false;
    if (kind < 0.25) summary = `Failed password for ${user} from ${ip} port ${port} ssh2`;
    else if (kind < 0.35)
      summary = `Failed password for invalid user ${user} from ${ip} port ${port} ssh2`;
    else if (kind < 0.55) {
      summary = `Accepted publickey for ${user} from ${ip} port ${port} ssh2`;
      success = true;
    } else if (kind < 0.75)
      summary = `pam_unix(sshd:session): session opened for user ${user} by (uid=0)`;
    else if (kind < 0.9) summary = `Connection closed by ${ip} port ${port} [preauth]`;
    else {
      program = 'sudo';
      summary = `${user} : TTY=pts/0 ; PWD=/home/${user} ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx`;
      success = true;
    }
    const stamp = new Date(time).toISOString().replace('Z', '+00:00');
    yield {
      _index: 'events-synthetic',
      _id: `e${i}`,
      _source: {
        utctimestamp: stamp,
        receivedtimestamp: new Date(time + 800).toISOString().replace('Z', '+00:00'),
        timestamp: stamp,
        category: program === 'sudo' ? 'sudo' : 'syslog',
        hostname: host,
        processname: program,
        processid: String(1000 + Math.floor(next() * 30000)),
        severity: 'INFO',
        source: 'authpriv',
        tags: ['syslog', program],
        summary,
        mozdefhostname: 'mozdef.example.com',
        details: {
          program,
          sourceipaddress: ip,
          sourceport: port,
          username: user,
          success,
          hostname: host,
        },
      },
    };
  }
}
