import { Category, defineAlert, pyFormat, Severity } from '@alertkit/core';
import { match, phrase, queryString, search } from '@alertkit/query';

/**
 * A network interface was put into promiscuous mode, as auditd reports it
 * (`Promisc: Interface eth0 set promiscuous on`): the host now sees every frame on its segment,
 * which is what a sniffer needs. Container veth interfaces (`details.dev` starting with `veth`)
 * do this routinely and are left out. One alert per event. Port of MozDef's `PromiscAudit`
 * (alerts/promisc_audit.py).
 *
 * The summary is `Promiscuous mode enabled on {hostname}`, formatted as Python's `str.format`
 * would (a null hostname prints `None`).
 */
export const alert = defineAlert({
  name: 'promisc-audit',
  classname: 'PromiscAudit',
  description:
    'auditd reports a network interface set to promiscuous mode (veth interfaces excepted)',
  severity: Severity.WARNING,
  category: Category.PROMISC,
  tags: ['promisc', 'audit'],
  criteria: search({ minutes: 2 })
    .must(
      match('category', 'promiscuous'),
      phrase('summary', 'promiscuous'),
      phrase('summary', 'on'),
    )
    // MozDef's query string, kept as written (a prefix query on the keyword details.dev).
    .mustNot(queryString('details.dev: veth*')),
  onEvent: (event) => ({
    summary: pyFormat('Promiscuous mode enabled on {0}', event._source.hostname ?? null),
  }),
});

export default alert;
