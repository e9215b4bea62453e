import { describe, expect, it } from 'vitest';
import { isSeverity, notifyMozdefbot, SEVERITIES, Severity } from './severity.js';

describe('severities', () => {
  it('cover every level MozDef uses, in order', () => {
    expect(SEVERITIES).toEqual([
      'DEBUG',
      'INFO',
      'NOTICE',
      'WARNING',
      'ERROR',
      'CRITICAL',
      'ALERT',
      'EMERGENCY',
    ]);
    expect(Severity.WARNING).toBe('WARNING');
    expect(isSeverity('NOTICE')).toBe(true);
    expect(isSeverity('notice')).toBe(false);
  });

  it('notify_mozdefbot follows tagBotNotify', () => {
    expect(notifyMozdefbot('NOTICE', null)).toBe(false);
    expect(notifyMozdefbot('INFO', undefined)).toBe(false);
    expect(notifyMozdefbot('WARNING', null)).toBe(true);
    expect(notifyMozdefbot('NOTICE', 'infosec')).toBe(true);
    expect(notifyMozdefbot('NOTICE', '')).toBe(false);
    expect(notifyMozdefbot('CRITICAL', null, false)).toBe(false);
  });
});
