import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { read, ROOT } from './validators';

/** The Prometheus alerting rules, and the PrometheusRule that carries them into Kubernetes. */
export const ALERT_RULES = 'deploy/prometheus/alerts.yml';
export const PROMETHEUS_RULE = 'k8s/monitoring/prometheus-rule.yaml';

/**
 * The PrometheusRule for the Prometheus Operator: the `groups:` of the rules file, line for line
 * (comments included) under `spec:`, so the two cannot say different things.
 */
export const renderPrometheusRule = (rulesText: string): string => {
  const lines = rulesText.split('\n');
  const start = lines.findIndex((l) => l.startsWith('groups:'));
  if (start < 0) throw new Error(`${ALERT_RULES}: no top-level groups:`);
  const body = lines.slice(start).map((l) => (l === '' ? l : `  ${l}`));
  return [
    `# Generated from ${ALERT_RULES} by \`node --import tsx tests/deploy/prometheus-rule.ts\`: edit`,
    '# that file and regenerate (tests/deploy/monitoring.test.ts fails while the two differ).',
    'apiVersion: monitoring.coreos.com/v1',
    'kind: PrometheusRule',
    'metadata:',
    '  name: aurawell',
    'spec:',
    ...body,
  ].join('\n');
};

if (require.main === module) {
  writeFileSync(join(ROOT, PROMETHEUS_RULE), renderPrometheusRule(read(ALERT_RULES)));
  console.log(`wrote ${PROMETHEUS_RULE}`);
}
