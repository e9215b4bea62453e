import type { AlertDocument, StoredAlert } from '@alertkit/core';
import type { ActionLogger } from './defineAction.js';

/** A saved alert in MozDef's shape, with `source` fields overriding the defaults. */
export function storedAlert(id: string, source: Partial<AlertDocument> = {}): StoredAlert {
  return {
    _index: 'alerts',
    _id: id,
    _source: {
      utctimestamp: '2026-12-04T05:00:00.000000+00:00',
      severity: 'NOTICE',
      summary: '10.1.1.1 ssh bruteforce',
      category: 'bruteforce',
      tags: ['ssh'],
      events: [
        {
          documentindex: 'events',
          documentid: 'e1',
          documentsource: { details: { sourceipaddress: '10.1.1.1', program: 'sshd' } },
        },
      ],
      channel: null,
      notify_mozdefbot: false,
      status: 'NEW',
      classname: 'AlertBruteforceSsh',
      ...source,
    },
  };
}

/** A logger that keeps what it is given, to assert on. */
export function recordingLogger(): ActionLogger & {
  lines: { level: string; object: Record<string, unknown>; message: string }[];
} {
  const lines: { level: string; object: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (object: Record<string, unknown>, message: string) => {
    lines.push({ level, object, message });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}
