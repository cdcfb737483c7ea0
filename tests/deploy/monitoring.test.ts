import { createMetricsRegistry } from '@aurawell/platform';
import { parse } from 'yaml';
import { registerQueueCounts } from '../../services/advice-worker/src/metrics';
import { createGatewayMetrics } from '../../services/ws-gateway/src/metrics';
import { ALERT_RULES, PROMETHEUS_RULE, renderPrometheusRule } from './prometheus-rule';
import { checkRules, read, readYaml, renderKustomization, validateK8sObject, type K8sObject } from './validators';

// Monitoring on Kubernetes: the PodMonitor and PrometheusRule of k8s/monitoring (prod overlay),
// checked against the CRD schemas, the Deployments they watch and the compose-side rules they copy;
// and the prometheus-adapter rules against the autoscalers that read them.

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
type PodMonitor = K8sObject & { spec: { jobLabel?: string; selector: Selector; podMetricsEndpoints: { port: string; path?: string }[] } };
type RuleGroups = { groups: { name: string; rules: Record<string, unknown>[] }[] };
type Workload = K8sObject & {
  spec: { template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: { containers: { ports?: { name?: string; containerPort: number }[] }[] } } };
};
type HpaMetric = { type: string; pods?: { metric: { name: string; selector?: Selector } }; external?: { metric: { name: string; selector?: Selector } } };
type Hpa = K8sObject & { spec: { metrics: HpaMetric[] } };
type AdapterRule = { seriesQuery: string; metricsQuery: string; name: { matches: string; as: string }; resources: { overrides: Record<string, { resource: string }> } };
type AdapterConfig = { rules?: AdapterRule[]; externalRules?: AdapterRule[] };

/** Whether a label selector (matchLabels and In / NotIn / Exists / DoesNotExist) selects `labels`. */
const selects = (s: Selector, labels: Record<string, string>): boolean =>
  Object.entries(s.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
  (s.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const v = labels[key];
    if (operator === 'In') return v !== undefined && values.includes(v);
    if (operator === 'NotIn') return v === undefined || !values.includes(v);
    if (operator === 'Exists') return v !== undefined;
    if (operator === 'DoesNotExist') return v === undefined;
    throw new Error(`unknown selector operator ${operator}`);
  });

const of = <T = K8sObject>(objects: K8sObject[], kind: string): T[] => objects.filter((o) => o.kind === kind) as T[];
const prod = renderKustomization('k8s/overlays/prod');
const [podMonitor] = of<PodMonitor>(prod, 'PodMonitor');
const [prometheusRule] = of<K8sObject & { spec: RuleGroups }>(prod, 'PrometheusRule');
/** The jobs the compose Prometheus scrapes and the alerts match on (its own job aside). */
const serviceJobs = readYaml<{ scrape_configs: { job_name: string }[] }>('deploy/prometheus/prometheus.yml')
  .scrape_configs.map((c) => c.job_name)
  .filter((j) => j !== 'prometheus')
  .sort();

describe('k8s/monitoring (PodMonitor, PrometheusRule)', () => {
  test('is in the prod overlay only, validated against the Prometheus Operator CRD schemas', () => {
    expect(of(prod, 'PodMonitor').map((o) => o.metadata.name)).toEqual(['aurawell']);
    expect(of(prod, 'PrometheusRule').map((o) => o.metadata.name)).toEqual(['aurawell']);
    expect([podMonitor, prometheusRule].map((o) => [o!.metadata.namespace, validateK8sObject(o!)])).toEqual([
      ['aurawell', undefined],
      ['aurawell', undefined],
    ]);
    // A dev cluster without the operator's CRDs applies its overlay cleanly.
    expect(renderKustomization('k8s/overlays/dev').filter((o) => o.apiVersion.startsWith('monitoring.coreos.com/'))).toEqual([]);
  });

  test('the CRD schema check is not vacuous: malformed monitors and rules are rejected', () => {
    const pm = structuredClone(podMonitor!);
    (pm.spec.podMetricsEndpoints[0] as { port: unknown }).port = 9102;
    expect(validateK8sObject(pm)).toMatch(/podMetricsEndpoints\/0\/port must be string/);
    const rule = structuredClone(prometheusRule!);
    rule.spec.groups[0]!.rules[0]!.for = '2 minutes';
    expect(validateK8sObject(rule)).toMatch(/rules\/0\/for must match pattern/);
    expect(validateK8sObject({ ...pm, kind: 'PodMonitr' })).toMatch(/no such API/);
  });

  test('the PodMonitor scrapes each Deployment on its ops port, under the job names the alerts use', () => {
    const pm = podMonitor!;
    const endpoint = pm.spec.podMetricsEndpoints;
    expect(endpoint).toHaveLength(1);
    const scraped = of<Workload>(prod, 'Deployment').concat(of<Workload>(prod, 'Job')).filter((w) => selects(pm.spec.selector, w.spec.template.metadata.labels));
    expect(scraped.map((w) => `${w.kind}/${w.metadata.name}`).sort()).toEqual(['Deployment/advice-worker', 'Deployment/api', 'Deployment/ws-gateway']);
    const jobs = scraped.map((w) => w.spec.template.metadata.labels[pm.spec.jobLabel ?? '']).sort();
    expect(jobs).toEqual(serviceJobs);
    const alertJobs = [...read(ALERT_RULES).matchAll(/job=~?"([^"]+)"/g)].flatMap((m) => m[1]!.split('|'));
    expect(alertJobs.length).toBeGreaterThan(0);
    expect(alertJobs.filter((j) => !jobs.includes(j))).toEqual([]);
    for (const w of scraped) {
      const port = w.spec.template.spec.containers[0]?.ports?.find((p) => p.name === endpoint[0]!.port);
      const annotations = w.spec.template.metadata.annotations ?? {};
      expect([w.metadata.name, port?.containerPort, endpoint[0]!.path]).toEqual([w.metadata.name, Number(annotations['prometheus.io/port']), annotations['prometheus.io/path']]);
    }
  });

  test(`the PrometheusRule is ${ALERT_RULES}, line for line (regenerate it after editing the rules)`, () => {
    expect(read(PROMETHEUS_RULE)).toBe(renderPrometheusRule(read(ALERT_RULES)));
    expect(prometheusRule!.spec).toEqual(readYaml<RuleGroups>(ALERT_RULES));
    // Drift is caught: a changed threshold no longer matches the committed manifest.
    expect(renderPrometheusRule(read(ALERT_RULES).replace('> 0.05', '> 0.5'))).not.toBe(read(PROMETHEUS_RULE));
  });

  test('promtool accepts the rules as rendered for Kubernetes', () => {
    const count = prometheusRule!.spec.groups.flatMap((g) => g.rules).length;
    expect(checkRules(prometheusRule!.spec)).toContain(`SUCCESS: ${count} rules found`);
  });
});

describe('k8s/prometheus-adapter (the autoscalers’ custom and external metrics)', () => {
  const adapter = renderKustomization('k8s/prometheus-adapter');
  const [configMap] = of<K8sObject & { data: Record<string, string> }>(adapter, 'ConfigMap');
  const config = parse(configMap?.data['config.yaml'] ?? '') as AdapterConfig;
  /** An adapter query with its templates filled in, as the adapter sends it for one HPA. */
  const filled = (rule: AdapterRule, metric: string) =>
    rule.metricsQuery.replaceAll('<<.Series>>', metric).replaceAll('<<.LabelMatchers>>', 'namespace="aurawell"').replaceAll('<<.GroupBy>>', 'namespace');
  const seriesName = (rule: AdapterRule) => rule.seriesQuery.match(/^([a-zA-Z_:][\w:]*)\{/)?.[1];

  test('is one ConfigMap in the adapter namespace with a stable name, and validates', () => {
    expect(adapter.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['ConfigMap/monitoring/aurawell-prometheus-adapter']);
    expect(validateK8sObject(configMap!)).toBeUndefined();
  });

  test('every HPA metric of both overlays is served by a rule of the matching API, over a series a service exports', async () => {
    const registry = createMetricsRegistry('any');
    createGatewayMetrics(registry);
    registerQueueCounts(registry, { getJobCounts: async () => ({ waiting: 3, active: 1, delayed: 0, failed: 0 }) });
    const exported = await registry.getMetricsAsJSON();
    for (const rule of [...(config.rules ?? []), ...(config.externalRules ?? [])]) expect(exported.map((f) => f.name)).toContain(seriesName(rule));
    const queueSeries = exported.find((f) => f.name === 'aurawell_queue_jobs')?.values.map((v) => v.labels);
    expect(queueSeries).toContainEqual(expect.objectContaining({ state: 'waiting' }));

    for (const overlay of ['dev', 'prod']) {
      for (const hpa of of<Hpa>(renderKustomization(`k8s/overlays/${overlay}`), 'HorizontalPodAutoscaler')) {
        for (const m of hpa.spec.metrics.filter((x) => x.type !== 'Resource')) {
          const { name, selector } = (m.pods ?? m.external)!.metric;
          const rules = (m.type === 'External' ? config.externalRules : config.rules) ?? [];
          const rule = rules.find((r) => r.name.as === name);
          expect({ hpa: hpa.metadata.name, metric: name, served: rule !== undefined }).toEqual({ hpa: hpa.metadata.name, metric: name, served: true });
          expect(new RegExp(rule!.name.matches).test(seriesName(rule!) ?? '')).toBe(true);
          expect(Object.keys(rule!.resources.overrides).sort()).toEqual(m.type === 'Pods' ? ['namespace', 'pod'] : ['namespace']);
          // An HPA selector becomes label matchers: it may only name labels the series has.
          expect(Object.keys(selector?.matchLabels ?? {}).filter((k) => k !== 'namespace' && !rule!.seriesQuery.includes(`${k}=`))).toEqual([]);
        }
      }
    }
    const queue = config.externalRules?.find((r) => r.name.as === 'aurawell_queue_waiting_jobs');
    expect(seriesName(queue!)).toBe('aurawell_queue_jobs');
    expect(queue!.seriesQuery).toContain('state="waiting"');
    // Every worker reports the same queue: the waiting count is their max, never their sum.
    expect(filled(queue!, 'aurawell_queue_jobs')).toBe('max by (namespace) (aurawell_queue_jobs{namespace="aurawell",state="waiting"})');
  });

  test('promtool parses every adapter query once its templates are filled in', () => {
    const all = [...(config.rules ?? []), ...(config.externalRules ?? [])];
    const rules = all.map((r, i) => ({ record: `aurawell:adapter_query_${i}`, expr: filled(r, seriesName(r) ?? '') }));
    expect(checkRules({ groups: [{ name: 'adapter', rules }] })).toContain(`SUCCESS: ${all.length} rules found`);
  });
});
