import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/infrastructure/config';
import { silentLogger } from '../../src/infrastructure/logging/logger';
import { startGateway } from '../../src/runtime/gateway';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

const OPS = path.resolve(__dirname, '../../ops');
const readOps = (file: string) => readFileSync(path.join(OPS, file), 'utf8');

interface Target {
  refId: string;
  expr: string;
  datasource: { uid: string };
}
interface Panel {
  id: number;
  title: string;
  targets: Target[];
}

/**
 * The metric names a PromQL expression reads: label matchers, groupings, ranges, numbers and strings removed,
 * what is left are function names (followed by '('), keywords, numbers and metric names.
 */
const metricNamesIn = (expr: string): string[] => {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/(?<![\w:])\d+(\.\d+)?(e[+-]?\d+)?/gi, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names: string[] = [];
  for (const match of stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, name, call] = match;
    if (call || /^(and|or|unless|offset|bool)$/.test(name as string)) continue;
    names.push(name as string);
  }
  return names;
};

/** Every series name the exposition can carry: histograms and summaries add their suffixes. */
const exportedNames = (exposition: string): Set<string> => {
  const names = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name as string);
    if (type === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
};

describe('ops: the Grafana dashboard and Prometheus configuration', () => {
  let api: TestGateway;
  let exported: Set<string>;
  const dashboard = JSON.parse(readOps('grafana/dashboards/edgepay.json')) as {
    uid: string;
    panels: Panel[];
  };
  const targets = dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ panel, target })));

  before(async () => {
    // What a running gateway (every role) exposes, as Prometheus scrapes it.
    api = await startTestGateway();
    const key = await api.issueKey({ scopes: ['infrastructure:read'] });
    const response = await fetch(`${api.url}/metrics`, { headers: { 'x-api-key': key } });
    assert.equal(response.status, 200);
    exported = exportedNames(await response.text());
  });
  after(() => api.close());

  it('the dashboard is valid JSON with a uid and panels that each have a query', () => {
    assert.match(dashboard.uid, /^[a-z0-9-]+$/);
    assert.ok(dashboard.panels.length >= 6);
    for (const panel of dashboard.panels) assert.ok(panel.targets.length > 0, panel.title);
    assert.deepEqual(
      dashboard.panels.map((panel) => panel.id),
      dashboard.panels.map((_, index) => index + 1),
    );
  });

  it('every query names only metrics the gateway exports, and at least one', () => {
    assert.ok(exported.has('http_request_duration_seconds_bucket'), 'the scrape was read');
    for (const { panel, target } of targets) {
      const names = metricNamesIn(target.expr);
      assert.ok(names.length > 0, `${panel.title}: names no metric`);
      for (const name of names) assert.ok(exported.has(name), `${panel.title}: ${name} is not exported`);
    }
  });

  it('covers requests, commands, projection lag, queue depth and webhooks', () => {
    const used = new Set(targets.flatMap(({ target }) => metricNamesIn(target.expr)));
    for (const name of [
      'http_request_duration_seconds_count',
      'http_request_duration_seconds_bucket',
      'commands_total',
      'projection_lag_seconds',
      'job_queue_depth',
      'webhook_delivery_attempts_total',
    ]) {
      assert.ok(used.has(name), name);
    }
  });

  it('queries the provisioned datasource and only jobs Prometheus scrapes', () => {
    const datasources = parseYaml(readOps('grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { uid: string }[];
    };
    const uids = datasources.datasources.map((source) => source.uid);
    const prometheus = parseYaml(readOps('prometheus/prometheus.yml')) as {
      scrape_configs: { job_name: string }[];
    };
    const jobs = prometheus.scrape_configs.map((scrape) => scrape.job_name);
    assert.deepEqual(jobs.sort(), ['edgepay-api', 'edgepay-projector', 'edgepay-worker']);
    for (const { panel, target } of targets) {
      assert.ok(uids.includes(target.datasource.uid), `${panel.title}: unknown datasource`);
      for (const [, job] of target.expr.matchAll(/job="([^"]+)"/g)) {
        assert.ok(jobs.includes(job as string), `${panel.title}: no job ${job}`);
      }
    }
  });

  it('finds metric names in PromQL, not functions, labels or ranges', () => {
    assert.deepEqual(
      metricNamesIn(
        'histogram_quantile(0.99, sum by (le, route) (rate(http_x_bucket{job="a", code=~"5.."}[$__rate_interval]))) / 1e9',
      ),
      ['http_x_bucket'],
    );
    assert.deepEqual(metricNamesIn('max by (queue) (job_queue_depth) + on(job) other_metric'), [
      'job_queue_depth',
      'other_metric',
    ]);
  });

  it('a projector process serves /metrics on its probe port, for Prometheus', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'edgepay-probe-'));
    const projector = await startGateway({
      config: loadConfig({ EDGEPAY_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' }),
      logger: silentLogger(),
      roles: ['projector'],
    });
    try {
      const response = await fetch(`${projector.url}/metrics`);
      assert.equal(response.status, 200);
      assert.ok(exportedNames(await response.text()).has('projection_lag_seconds'));
    } finally {
      await projector.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
