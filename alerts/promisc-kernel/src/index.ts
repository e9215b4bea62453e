import { Category, defineAlert, pyFormat, Severity } from '@alertkit/core';
import { match, phrase, queryString, search } from '@alertkit/query';

/**
 * The kernel logged that a network device entered promiscuous mode
 * (`device eth0 entered promiscuous mode`): the host now sees every frame on its segment, which
 * is what a sniffer needs. Container veth devices do this routinely and are left out. One alert
 * per host, counting its lines. Port of MozDef's `PromiscKernel` (alerts/promisc_kernel.py).
 *
 * The summary is `Promiscuous mode enabled on {host} [{count}]`, formatted as Python's
 * `str.format` would.
 */
export const alert = defineAlert({
  name: 'promisc-kernel',
  classname: 'PromiscKernel',
  description: 'The kernel logs a network device entering promiscuous mode (veth devices excepted)',
  severity: Severity.WARNING,
  category: Category.PROMISC,
  tags: ['promisc', 'kernel'],
  criteria: search({ minutes: 2 })
    .must(
      match('category', 'syslog'),
      phrase('summary', 'promiscuous'),
      phrase('summary', 'entered'),
    )
    // MozDef's query string, kept as written: any summary word starting with `veth`.
    .mustNot(queryString('summary: veth*')),
  aggregate: { field: 'hostname', samples: 10, threshold: 1 },
  onAggregation: (group) => ({
    summary: pyFormat('Promiscuous mode enabled on {1} [{0}]', group.count, group.value),
  }),
});

export default alert;
