import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetricsRegistry, registerRedisUp } from '@aurawell/platform';
import { createRedisCommandHistogram } from '@aurawell/generation';
import { stringify } from 'yaml';
import { createHttpMetrics } from '../../services/api/src/http/middleware';
import { createWorkerMetrics, registerQueueCounts } from '../../services/advice-worker/src/metrics';
import { createGatewayMetrics } from '../../services/ws-gateway/src/metrics';
import { promtool, read, readYaml, ROOT } from './validators';

// The alerting rules with promtool (syntax, then the unit tests of every alert), and the Grafana
// dashboard against the metric families the services really export.

const RULES = 'deploy/prometheus/alerts.yml';
const RULE_TESTS = 'deploy/prometheus/alerts.test.yml';

type Rule = { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
type RuleFile = { groups: { name: string; rules: Rule[] }[] };
const alerts = (): Rule[] => readYaml<RuleFile>(RULES).groups.flatMap((g) => g.rules).filter((r) => r.alert);

/** Every family the services register, with the series names a histogram adds, plus Prometheus' own `up`. */
const exportedSeries = async (): Promise<{ series: Set<string>; aurawellFamilies: string[] }> => {
  const registry = createMetricsRegistry('any');
  createGatewayMetrics(registry);
  createWorkerMetrics(registry);
  createHttpMetrics(registry);
  createRedisCommandHistogram(registry);
  registerRedisUp(registry, { command: { status: 'ready' } });
  registerQueueCounts(registry, { getJobCounts: async () => ({}) });
  const series = new Set<string>(['up']);
  const families: string[] = [];
  for (const m of await registry.getMetricsAsJSON()) {
    families.push(m.name);
    series.add(m.name);
    const type = String(m.type);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) series.add(m.name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) series.add(m.name + s);
  }
  return { series, aurawellFamilies: families.filter((n) => n.startsWith('aurawell_')) };
};

/** The metric names a PromQL expression selects (functions, keywords, labels and strings left out). */
export const metricNamesIn = (expr: string): string[] => {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const keywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);
  return [...stripped.matchAll(/(?<![\w:.$])([a-zA-Z_:][\w:]*)(\s*\()?/g)]
    .filter((m) => m[2] === undefined && !keywords.has(m[1]!.toLowerCase()))
    .map((m) => m[1]!);
};

describe('Prometheus alerting rules', () => {
  test('promtool accepts the rules and the configuration that loads them', () => {
    const check = promtool(['check', 'rules', RULES]);
    expect(check.stdout + check.stderr).toContain(`SUCCESS: ${alerts().length} rules found`);
    expect(check.status).toBe(0);
    expect(readYaml<{ rule_files: string[] }>('deploy/prometheus/prometheus.yml').rule_files).toEqual(['alerts.yml']);
    const config = promtool(['check', 'config', 'deploy/prometheus/prometheus.yml']);
    expect(config.stdout + config.stderr).toContain('SUCCESS');
    expect(config.status).toBe(0);
  });

  test('every alert passes its unit tests (promtool test rules)', () => {
    const run = promtool(['test', 'rules', RULE_TESTS]);
    if (run.status !== 0) throw new Error(`promtool test rules failed:\n${run.stdout}${run.stderr}`);
    expect(run.stdout).toContain('SUCCESS');
  });

  test('every alert has a test that expects it to fire (a never-firing copy fails each one)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-alerts-'));
    try {
      const rules = readYaml<RuleFile>(RULES);
      for (const g of rules.groups) for (const r of g.rules) if (r.alert) r.expr = 'vector(1) == 2';
      writeFileSync(join(dir, 'alerts.yml'), stringify(rules));
      writeFileSync(join(dir, 'alerts.test.yml'), read(RULE_TESTS));
      const run = promtool(['test', 'rules', 'alerts.test.yml'], dir);
      expect(run.status).not.toBe(0);
      const failed = new Set([...(run.stdout + run.stderr).matchAll(/alertname: (\w+)/g)].map((m) => m[1]));
      expect(alerts().map((r) => r.alert).filter((a) => !failed.has(a))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the alerts use only metrics the services export, and name severity and summary', async () => {
    const { series } = await exportedSeries();
    for (const rule of alerts()) {
      const names = metricNamesIn(rule.expr);
      expect(names.length).toBeGreaterThan(0);
      expect({ alert: rule.alert, unknown: names.filter((n) => !series.has(n)) }).toEqual({ alert: rule.alert, unknown: [] });
      expect(['page', 'warning']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toEqual(expect.any(String));
    }
  });
});

type Target = { expr: string; datasource?: { uid: string } };
type Panel = { id: number; type: string; title: string; datasource?: { type: string; uid: string }; targets?: Target[]; gridPos: object };
type Dashboard = { uid: string; title: string; panels: Panel[] };

describe('Grafana dashboard', () => {
  const dashboard = JSON.parse(read('deploy/grafana/dashboards/aurawell.json')) as Dashboard;
  const graphs = dashboard.panels.filter((p) => p.type !== 'row');

  test('is provisioned from the folder the compose file mounts, on the provisioned datasource', () => {
    const provider = readYaml<{ providers: { type: string; options: { path: string } }[] }>('deploy/grafana/provisioning/dashboards/aurawell.yml').providers;
    expect(provider).toHaveLength(1);
    expect(provider[0]).toMatchObject({ type: 'file', options: { path: '/etc/grafana/dashboards' } });
    const grafana = readYaml<{ services: Record<string, { volumes: string[] }> }>('docker-compose.yml').services.grafana!;
    expect(grafana.volumes).toContain('./deploy/grafana/dashboards:/etc/grafana/dashboards:ro');
    expect(readdirSync(join(ROOT, 'deploy/grafana/dashboards'))).toContain('aurawell.json');

    const { datasources } = readYaml<{ datasources: { uid: string; type: string }[] }>('deploy/grafana/provisioning/datasources/prometheus.yml');
    const uid = datasources.find((d) => d.type === 'prometheus')!.uid;
    expect(graphs.length).toBeGreaterThan(20);
    for (const p of graphs) {
      expect({ panel: p.title, datasource: p.datasource }).toEqual({ panel: p.title, datasource: { type: 'prometheus', uid } });
      for (const t of p.targets ?? []) expect(t.datasource?.uid).toBe(uid);
    }
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
  });

  test('every query names only exported metrics, and every aurawell family has a panel', async () => {
    const { series, aurawellFamilies } = await exportedSeries();
    const used = new Set<string>();
    for (const p of graphs) {
      expect(p.targets?.length).toBeGreaterThan(0);
      for (const t of p.targets!) {
        const names = metricNamesIn(t.expr);
        expect(names.length).toBeGreaterThan(0);
        expect({ panel: p.title, unknown: names.filter((n) => !series.has(n)) }).toEqual({ panel: p.title, unknown: [] });
        names.forEach((n) => used.add(n.replace(/_(bucket|sum|count)$/, '')));
      }
    }
    expect(aurawellFamilies.filter((f) => !used.has(f))).toEqual([]);
    for (const f of ['up', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes', 'process_resident_memory_bytes']) expect(used).toContain(f);
  });

  test('the name extraction sees through PromQL syntax', () => {
    expect(metricNamesIn('histogram_quantile(0.95, sum by (le, route) (rate(aurawell_x_bucket{a="b:c",d=~"e|f"}[$__rate_interval])))')).toEqual(['aurawell_x_bucket']);
    expect(metricNamesIn('max(a) > 0 and (sum(increase(b[5m])) or vector(0)) == 0 or absent(up{job="w"} == 1)')).toEqual(['a', 'b', 'up']);
  });
});
