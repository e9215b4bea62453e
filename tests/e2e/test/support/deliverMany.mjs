// One life of a runner's delivery: opens the outbox (state file + journal), owes 1,000 alerts to a
// file sink and a webhook, delivers. The crash test kills it with SIGKILL at random points.
import { Outbox, createFileSink, createWebhookSink } from '@alertkit/runner';

const [stateFile, outFile, hookUrl] = process.argv.slice(2);
const alerts = Array.from({ length: 1000 }, (_, n) => ({
  _index: 'alerts',
  _id: `alert-${String(n).padStart(4, '0')}`,
  _source: { utctimestamp: '2026-11-01T12:00:00+00:00', summary: `alert ${n}`, events: [] },
}));
const outbox = await Outbox.open({
  file: stateFile,
  sinks: [
    createFileSink({ name: 'file', path: outFile }),
    createWebhookSink({ name: 'hook', url: hookUrl, retries: 0, timeoutMs: 5000 }),
  ],
});
await outbox.add(alerts);
process.stdout.write('ready\n');
await outbox.deliverPending();
await outbox.close();
process.stdout.write(`done ${outbox.pending().length}\n`);
