import { Category, defineAlert, pyFormat, Severity, type JsonValue } from '@alertkit/core';
import { match, phrase, search } from '@alertkit/query';

/** `object[key]` when the key is there (even with a null value, printed `None`), else `unknown`. */
function orUnknown(object: JsonValue | undefined, key: string): JsonValue {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) return 'unknown';
  return Object.hasOwn(object, key) ? (object[key] as JsonValue) : 'unknown';
}

/**
 * An SFTP session ran on a host: auditd (through audisp-json) recorded an `ssh` process started
 * by `sftp`, i.e. files were copied to or from the host interactively. One alert per event, with
 * the login user, the host and the working directory. Port of MozDef's `AlertSFTPEvent`
 * (alerts/auditd_sftp.py).
 *
 * Kept from MozDef: the tags are ONE string, `audisp-json, audit` (a missing pair of quotes in
 * MozDef's `['audisp-json, audit']`), so consumers matching either tag see the same value.
 */
export const alert = defineAlert({
  name: 'auditd-sftp',
  classname: 'AlertSFTPEvent',
  description: 'auditd records an ssh process started by sftp (a file transfer session)',
  severity: Severity.NOTICE,
  category: Category.EXECVE,
  tags: ['audisp-json, audit'],
  criteria: search({ minutes: 5 }).must(
    match('category', 'execve'),
    match('processname', 'audisp-json'),
    match('details.processname', 'ssh'),
    phrase('details.parentprocess', 'sftp'),
  ),
  onEvent: (event) => {
    const source = event._source;
    return {
      summary: pyFormat(
        'SFTP Event by {0} from host {1} in directory {2}',
        orUnknown(source.details, 'originaluser'),
        orUnknown(source, 'hostname'),
        orUnknown(source.details, 'cwd'),
      ),
    };
  },
});

export default alert;
