import {
  AURAWELL_SERVICES,
  CLUSTER_NODES,
  CLUSTER_SERVICES,
  compose,
  DEFAULT_SERVICES,
  exampleCluster,
  exampleEnv,
  OPTIONAL_SECRETS,
  operatorEnv,
  rawCompose,
  REDIS_CLUSTER_VARS,
  SECRETS,
  svc,
} from './compose';
import {
  composeSchemaValidator,
  interpolate,
  lintDockerfile,
  read,
  readYaml,
  renderKustomization,
  validateK8sObject,
  type K8sObject,
} from './validators';

// The production shape, checked statically with real validators: the Compose Specification schema,
// the Kubernetes schemas of every rendered object, two Dockerfile linters, and the cross-file
// facts no schema knows (ports, probes, grace periods, secrets). The compose profile `cluster` has
// its own file, compose-cluster.test.ts.

/** "20s", "1m30s" → ms (compose durations). */
const durationMs = (d: string): number =>
  [...d.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)].reduce((sum, [, n, unit]) => sum + Number(n) * { ms: 1, s: 1000, m: 60000, h: 3600000 }[unit as 'ms'], 0);

/** The port serving /healthz, /readyz and /metrics: the worker's PORT, the others' OPS_PORT. */
const opsPortOf = (service: string, env: Record<string, string | undefined>): string | undefined =>
  service.startsWith('advice-worker') ? env.PORT : env.OPS_PORT;

describe('docker-compose.yml', () => {
  const validateCompose = composeSchemaValidator();

  test('validates against the Compose Specification JSON schema', () => {
    expect(validateCompose(compose)).toEqual([]);
  });

  test('the schema check is not vacuous: a malformed service is rejected', () => {
    const broken = structuredClone(compose);
    (broken.services.redis as Record<string, unknown>).healthcheck = { test: ['CMD', 'redis-cli', 'ping'], interval: '5 seconds' };
    (broken.services.api as Record<string, unknown>).restrat = 'always';
    const errors = validateCompose(broken).map((e) => `${e.instancePath} ${e.message}`);
    expect(errors).toEqual(expect.arrayContaining(['/services/redis/healthcheck/interval must match format "duration"', '/services/api must NOT have additional properties']));
  });

  test('has the data stores, the migration, the fleet, the edge and observability; the profile `cluster` adds a Redis Cluster', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...DEFAULT_SERVICES, ...CLUSTER_SERVICES].sort());
    // What `docker compose up` starts without a profile: exactly the services of before.
    expect(Object.entries(compose.services).filter(([, s]) => !s.profiles).map(([n]) => n).sort()).toEqual(DEFAULT_SERVICES);
    expect(Object.entries(compose.services).filter(([, s]) => s.profiles).map(([n, s]) => [n, s.profiles])).toEqual(CLUSTER_SERVICES.map((n) => [n, ['cluster']]));
    expect(svc('advice-worker').deploy?.replicas).toBe(2);
    for (const name of AURAWELL_SERVICES) {
      expect(svc(name).build).toMatchObject({ context: '.', dockerfile: 'deploy/Dockerfile', args: { SERVICE: name.replace(/-\d$/, '') } });
    }
  });

  test('Redis keeps an append-only file; Redis and PostgreSQL have healthchecks and volumes', () => {
    const redis = svc('redis');
    expect(redis.image).toMatch(/^redis:7[.\d]*(-|$)/);
    expect(redis.command?.join(' ')).toMatch(/--appendonly yes/);
    expect(redis.command?.join(' ')).toMatch(/--maxmemory-policy noeviction/);
    expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(redis.volumes).toContain('redis-data:/data');
    const pg = svc('postgres');
    expect(pg.image).toMatch(/^postgres:16(-|$)/);
    expect(pg.healthcheck?.test?.[1]).toBe('pg_isready');
    expect(pg.volumes).toContain('pg-data:/var/lib/postgresql/data');
    expect(Object.keys(compose.volumes).sort()).toEqual(['grafana-data', 'pg-data', 'prometheus-data', 'redis-data', ...CLUSTER_NODES.map((n) => `${n}-data`)].sort());
  });

  test('the migration runs once, before the services, which never migrate on start', () => {
    const migrate = svc('migrate');
    expect(migrate.image).toBe(svc('api').image);
    expect(migrate.command).toEqual(['node', '--import', 'tsx', 'node_modules/@aurawell/db/src/migrate-cli.ts']);
    expect(migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    for (const name of AURAWELL_SERVICES) {
      expect(svc(name).environment?.MIGRATE_ON_START).toBe('false');
      expect(svc(name).depends_on).toEqual({
        redis: { condition: 'service_healthy' },
        postgres: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
    }
  });

  test('only nginx is public (port 8000, after healthy gateways and api); Prometheus and Grafana bind loopback', () => {
    const published = Object.entries(compose.services).filter(([, s]) => s.ports?.length).map(([n]) => n).sort();
    expect(published).toEqual(['grafana', 'nginx', 'prometheus']);
    expect(Object.entries(compose.services).filter(([, s]) => s.expose?.length).map(([n]) => n)).toEqual([]);
    expect(svc('nginx').ports).toEqual(['8000:8000']);
    expect(svc('prometheus').ports).toEqual(['127.0.0.1:9090:9090']);
    expect(svc('grafana').ports).toEqual(['127.0.0.1:3000:3000']);
    expect(svc('nginx').depends_on).toEqual({
      api: { condition: 'service_healthy' },
      'ws-gateway-1': { condition: 'service_healthy' },
      'ws-gateway-2': { condition: 'service_healthy' },
    });
  });

  test('secrets come only from .env: referenced as required (or, if optional, empty-default) variables, blank in the example', () => {
    const rawText = read('docker-compose.yml');
    for (const [name, s] of Object.entries(rawCompose.services)) {
      for (const [key, value] of Object.entries(s.environment ?? {})) {
        if (/SECRET|PASSWORD|API_KEY|TOKEN/.test(key)) {
          // Required secrets fail the start when missing; optional ones are empty when unset.
          const form = OPTIONAL_SECRETS.includes(key) ? new RegExp(`=\\$\\{${key}:-\\}$`) : /=\$\{[A-Z_]+:\?[^}]+\}$/;
          expect(`${name}.${key}=${value}`).toMatch(form);
        }
        if (key === 'DATABASE_URL') expect(value).toMatch(/^postgres:\/\/aurawell:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/aurawell$/);
      }
    }
    expect(rawText).not.toMatch(/sk-[A-Za-z0-9]{16,}|-----BEGIN/);
    for (const key of SECRETS) {
      expect(exampleEnv[key]).toBe('');
      expect(() => interpolate(rawCompose, { ...operatorEnv, [key]: '' })).toThrow(key);
    }
    for (const key of OPTIONAL_SECRETS) {
      expect(exampleEnv[key]).toBeUndefined();
      expect(exampleCluster[key]).toBe('');
    }
    expect(read('.gitignore').split('\n')).toContain('.env');
  });

  test('each service may finish its drain: stop_grace_period > SHUTDOWN_DEADLINE_MS', () => {
    for (const name of AURAWELL_SERVICES) {
      const s = svc(name);
      expect(durationMs(s.stop_grace_period ?? '10s')).toBeGreaterThan(Number(s.environment?.SHUTDOWN_DEADLINE_MS ?? 15000));
    }
  });

  test('Prometheus scrapes every service on its ops port; Grafana reads that Prometheus', () => {
    type Scrape = { job_name: string; static_configs?: { targets: string[] }[]; dns_sd_configs?: { names: string[]; type: string; port: number }[] };
    const prom = readYaml<{ scrape_configs: Scrape[] }>('deploy/prometheus/prometheus.yml');
    const targets = prom.scrape_configs.flatMap((c) => [
      ...(c.static_configs ?? []).flatMap((s) => s.targets),
      ...(c.dns_sd_configs ?? []).flatMap((d) => d.names.map((n) => `${n}:${d.port}`)),
    ]);
    const expected = AURAWELL_SERVICES.map((name) => `${name}:${opsPortOf(name, svc(name).environment ?? {})}`);
    expect(targets).toEqual(expect.arrayContaining(expected));
    expect(svc('prometheus').volumes).toContain('./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
    const ds = readYaml<{ datasources: { type: string; url: string }[] }>('deploy/grafana/provisioning/datasources/prometheus.yml');
    expect(ds.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' })]);
    expect(svc('grafana').volumes).toContain('./deploy/grafana/provisioning:/etc/grafana/provisioning:ro');
  });

  test("nginx's compose upstreams are the gateways and the api on their ports", () => {
    const servers = [...read('deploy/nginx/upstreams.compose.conf').matchAll(/^\s*server\s+([\w.-]+):(\d+)/gm)].map(([, host, port]) => [host, port]);
    expect(servers.map(([h]) => h).sort()).toEqual(['api', 'ws-gateway-1', 'ws-gateway-2']);
    for (const [host, port] of servers) expect(svc(host as string).environment?.PORT).toBe(port);
    const env = svc('nginx').environment ?? {};
    expect(env.AURAWELL_NGINX_PORT).toBe('8000');
    expect(svc('nginx').volumes).toEqual([
      './deploy/nginx/templates:/etc/nginx/templates:ro',
      `./deploy/nginx/upstreams.compose.conf:${env.AURAWELL_NGINX_UPSTREAMS}:ro`,
    ]);
  });
});

describe('nginx routing rules (deploy/nginx/templates/default.conf.template)', () => {
  const conf = read('deploy/nginx/templates/default.conf.template').replace(/#.*$/gm, '');
  const location = (path: string): string => {
    const m = conf.match(new RegExp(`location ${path.replace(/\//g, '\\/')} \\{([^}]*)\\}`));
    if (!m) throw new Error(`no location ${path}`);
    return m[1] as string;
  };

  test('/ws/ goes to the gateways with the upgrade headers, hour-long timeouts and failover', () => {
    const ws = location('/ws/');
    expect(ws).toMatch(/proxy_pass http:\/\/aurawell_gateways;/);
    expect(ws).toMatch(/proxy_http_version 1\.1;/);
    expect(ws).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(ws).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
    expect(ws).toMatch(/proxy_read_timeout 3600s;/);
    expect(ws).toMatch(/proxy_send_timeout 3600s;/);
    // Dead (error/timeout) and draining (503 to new upgrades) gateways are skipped.
    expect(ws).toMatch(/proxy_next_upstream error timeout http_503;/);
    expect(conf).toMatch(/map \$http_upgrade \$connection_upgrade \{\s*default upgrade;\s*''\s+close;\s*\}/);
  });

  test('everything else goes to the api; no sticky sessions anywhere', () => {
    expect(location('/')).toMatch(/proxy_pass http:\/\/aurawell_api;/);
    const upstreams = read('deploy/nginx/upstreams.compose.conf');
    expect(`${conf}\n${upstreams}`).not.toMatch(/\b(ip_hash|hash|sticky)\b/);
    // Only the variables the environments fill in; nginx's own never use braces.
    expect([...new Set([...conf.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]))].sort()).toEqual(['AURAWELL_NGINX_LOG_DIR', 'AURAWELL_NGINX_PORT', 'AURAWELL_NGINX_UPSTREAMS']);
  });
});

describe('deploy/Dockerfile', () => {
  const dockerfile = read('deploy/Dockerfile');
  const stageEnv = (stage: string): Record<string, string> => {
    const body = dockerfile.split(/^FROM /m).find((s) => s.match(new RegExp(`^\\S+ AS ${stage}\\s`)));
    if (!body) throw new Error(`no stage ${stage}`);
    return Object.fromEntries([...body.replace(/\\\n\s*/g, ' ').matchAll(/^ENV (.*)$/gm)].flatMap(([, kv]) => (kv as string).split(/\s+/).map((p) => p.split('=') as [string, string])));
  };

  test('lints clean: dockerlinter (hadolint-style rules + ShellCheck) and dockerfile-utils', () => {
    expect(lintDockerfile('deploy/Dockerfile')).toEqual([]);
  });

  test('builds with the repo pnpm: fetch by lockfile, offline frozen install, the service bundled, deploy of one service', () => {
    const pnpm = (JSON.parse(read('package.json')) as { packageManager: string }).packageManager;
    expect(pnpm).toBe(`pnpm@${dockerfile.match(/^ARG PNPM_VERSION=(\S+)$/m)?.[1]}`);
    expect(dockerfile).toMatch(/^COPY pnpm-lock\.yaml pnpm-workspace\.yaml \.\/\nRUN pnpm fetch/m);
    expect(dockerfile).toMatch(/pnpm install --offline --frozen-lockfile/);
    // Built before the deploy, so /out holds the bundle the runtime stage runs.
    const build = dockerfile.indexOf('pnpm --filter "@aurawell/${SERVICE}" run build');
    expect(build).toBeGreaterThan(dockerfile.indexOf('pnpm install --offline --frozen-lockfile'));
    expect(dockerfile.indexOf('pnpm --filter "@aurawell/${SERVICE}" deploy --legacy --prod --offline /out')).toBeGreaterThan(build);
    expect(dockerfile).toMatch(/test -f \/out\/dist\/index\.js/);
    for (const name of ['api', 'ws-gateway', 'advice-worker']) {
      const scripts = (JSON.parse(read(`services/${name}/package.json`)) as { scripts: Record<string, string> }).scripts;
      expect(scripts.build).toBe(`node --import tsx ../../packages/devstack/src/build-cli.ts ${name}`);
    }
  });

  test('runs as a non-root numeric user in production, healthchecked on /healthz, stopped by SIGTERM', () => {
    expect(dockerfile).toMatch(/^FROM \$\{NODE_IMAGE\} AS runtime$/m);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20[.\d]*-bookworm-slim/m);
    expect(dockerfile.match(/^USER (.*)$/gm)).toEqual(['USER 1000:1000']);
    expect(stageEnv('runtime')).toMatchObject({ NODE_ENV: 'production', MIGRATE_ON_START: 'false' });
    expect(dockerfile).toMatch(/^STOPSIGNAL SIGTERM$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "--enable-source-maps", "dist\/index\.js"\]$/m);
    const healthcheck = dockerfile.match(/^HEALTHCHECK [^\n]*\\\n\s+CMD (\[.*\])$/m);
    expect(healthcheck).not.toBeNull();
    const [bin, flag, script] = JSON.parse(healthcheck![1] as string) as string[];
    expect([bin, flag]).toEqual(['node', '-e']);
    expect(script).toContain("'/healthz'");
    expect(script).not.toMatch(/curl|wget/);
  });

  test("each service's stage listens where compose expects it", () => {
    for (const name of ['api', 'ws-gateway', 'advice-worker']) {
      const env = stageEnv(`service-${name}`);
      const composed = svc(name === 'ws-gateway' ? 'ws-gateway-1' : name).environment ?? {};
      expect(env.PORT).toBe(composed.PORT);
      expect(opsPortOf(name, env)).toBe(opsPortOf(name, composed));
    }
  });

  test('.dockerignore keeps dependencies, git and secrets out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '.git', '**/.env']));
  });
});

// --- Kubernetes -------------------------------------------------------------------------------

type Probe = { httpGet?: { path: string; port: string | number } };
type Container = {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string; optional?: boolean } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; runAsNonRoot?: boolean };
};
type PodSpec = { containers: Container[]; terminationGracePeriodSeconds?: number; securityContext?: { runAsNonRoot?: boolean; runAsUser?: number } };
type Workload = K8sObject & { spec: { replicas?: number; selector?: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } } };

const secretTemplate = readYaml<K8sObject & { stringData: Record<string, string> }>('k8s/base/secret.template.yaml');
const redisClusterSecretTemplate = readYaml<K8sObject & { stringData: Record<string, string> }>('k8s/base/redis-cluster-secret.template.yaml');
const DEFAULT_SHUTDOWN_DEADLINE_MS = 15000; // packages/platform/src/config.ts

const byKind = <T = K8sObject>(objects: K8sObject[], kind: string): T[] => objects.filter((o) => o.kind === kind) as T[];
const named = <T = K8sObject>(objects: K8sObject[], kind: string, name: string): T => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} not rendered`);
  return found as T;
};
const podsOf = (objects: K8sObject[]): Workload[] => [...byKind<Workload>(objects, 'Deployment'), ...byKind<Workload>(objects, 'Job')];

/** What the container's process sees for `name`: its env, else its config maps, else undefined. */
const envOf = (objects: K8sObject[], c: Container, name: string): string | undefined => {
  const direct = c.env?.find((e) => e.name === name);
  if (direct) return direct.value;
  for (const from of c.envFrom ?? []) {
    const cm = from.configMapRef && named<K8sObject & { data: Record<string, string> }>(objects, 'ConfigMap', from.configMapRef.name);
    if (cm?.data[name] !== undefined) return cm.data[name];
  }
  return undefined;
};

const renders = new Map<string, K8sObject[]>();
const rendered = (overlay: string): K8sObject[] => {
  if (!renders.has(overlay)) renders.set(overlay, renderKustomization(`k8s/overlays/${overlay}`));
  return renders.get(overlay)!;
};

describe.each(['dev', 'prod'])('k8s/overlays/%s', (overlay) => {
  test('every rendered object validates against its Kubernetes schema', () => {
    const objects = rendered(overlay);
    expect(objects.length).toBeGreaterThan(10);
    expect(objects.map(validateK8sObject).filter(Boolean)).toEqual([]);
  });

  test('renders the fleet, its edge, autoscalers, budgets, config and migration into one namespace', () => {
    const objects = rendered(overlay);
    const names = (kind: string) => byKind(objects, kind).map((o) => o.metadata.name).sort();
    expect(names('Deployment')).toEqual(['advice-worker', 'api', 'ws-gateway']);
    expect(names('Service')).toEqual(['api', 'ws-gateway']);
    expect(names('HorizontalPodAutoscaler')).toEqual(['advice-worker', 'api', 'ws-gateway']);
    expect(names('PodDisruptionBudget')).toEqual(['advice-worker', 'api', 'ws-gateway']);
    expect(names('Ingress')).toEqual(['aurawell', 'aurawell-ws']);
    expect(names('Job')).toEqual(['aurawell-migrate']);
    expect(names('ConfigMap')).toEqual([expect.stringMatching(/^aurawell-config-[a-z0-9]+$/)]);
    expect(names('Secret')).toEqual([]);
    const [ns] = byKind(objects, 'Namespace');
    expect(objects.filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === ns?.metadata.name)).toBe(true);
  });

  test('probes: readiness /readyz and liveness /healthz on a port the container exposes, matching its env', () => {
    const objects = rendered(overlay);
    for (const d of byKind<Workload>(objects, 'Deployment')) {
      for (const c of d.spec.template.spec.containers) {
        const portOf = (p: Probe | undefined) => {
          const ref = p?.httpGet?.port;
          return c.ports?.find((cp) => cp.name === ref || cp.containerPort === ref)?.containerPort;
        };
        expect([d.metadata.name, c.readinessProbe?.httpGet?.path, c.livenessProbe?.httpGet?.path]).toEqual([d.metadata.name, '/readyz', '/healthz']);
        const ops = portOf(c.readinessProbe);
        expect(ops).toBeDefined();
        expect(portOf(c.livenessProbe)).toBe(ops);
        if (c.startupProbe) expect(portOf(c.startupProbe)).toBe(ops);
        const env = { PORT: envOf(objects, c, 'PORT'), OPS_PORT: envOf(objects, c, 'OPS_PORT') };
        expect(opsPortOf(d.metadata.name, env)).toBe(String(ops));
        const http = c.ports?.find((p) => p.name === 'http');
        if (http) expect(env.PORT).toBe(String(http.containerPort));
      }
    }
  });

  test('terminationGracePeriodSeconds outlasts preStop + SHUTDOWN_DEADLINE_MS; traffic-serving pods sleep in preStop', () => {
    const objects = rendered(overlay);
    for (const d of byKind<Workload>(objects, 'Deployment')) {
      const pod = d.spec.template.spec;
      for (const c of pod.containers) {
        const deadlineMs = Number(envOf(objects, c, 'SHUTDOWN_DEADLINE_MS') ?? DEFAULT_SHUTDOWN_DEADLINE_MS);
        const preStop = c.lifecycle?.preStop?.exec?.command;
        const preStopMs = preStop ? Number(preStop[1]) * 1000 : 0;
        if (d.metadata.name !== 'advice-worker') expect(preStop).toEqual(['sleep', expect.stringMatching(/^\d+$/)]);
        expect((pod.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(deadlineMs + preStopMs);
      }
    }
  });

  test('pods run as non-root on a read-only root filesystem, with requests and limits', () => {
    for (const w of podsOf(rendered(overlay))) {
      const pod = w.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      for (const c of pod.containers) {
        expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
        expect(Object.keys(c.resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
        expect(Object.keys(c.resources?.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
      }
    }
  });

  test('references resolve: config, secret keys, Service ports, HPA targets, PDB selectors', () => {
    const objects = rendered(overlay);
    for (const w of podsOf(objects)) {
      for (const c of w.spec.template.spec.containers) {
        for (const e of c.env ?? []) {
          const s = e.valueFrom?.secretKeyRef;
          if (s) expect([s.name, Object.keys(secretTemplate.stringData).includes(s.key)]).toEqual(['aurawell-secrets', true]);
          const cm = e.valueFrom?.configMapKeyRef;
          if (cm) expect(named<K8sObject & { data: Record<string, string> }>(objects, 'ConfigMap', cm.name).data[cm.key]).toBeDefined();
        }
        for (const from of c.envFrom ?? []) if (from.configMapRef) named(objects, 'ConfigMap', from.configMapRef.name);
        expect(envOf(objects, c, 'MIGRATE_ON_START') ?? 'false').toBe('false');
      }
    }
    for (const s of byKind<K8sObject & { spec: { selector: Record<string, string>; ports: { port: number; targetPort: string }[] } }>(objects, 'Service')) {
      const d = named<Workload>(objects, 'Deployment', s.metadata.name);
      expect(d.spec.template.metadata.labels).toMatchObject(s.spec.selector);
      for (const p of s.spec.ports) expect(d.spec.template.spec.containers[0]?.ports?.map((cp) => cp.name)).toContain(p.targetPort);
    }
    for (const h of byKind<K8sObject & { spec: { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number } }>(objects, 'HorizontalPodAutoscaler')) {
      const d = named<Workload>(objects, h.spec.scaleTargetRef.kind, h.spec.scaleTargetRef.name);
      // The autoscaler owns the replica count; a Deployment's own would be reset on every apply.
      expect(d.spec.replicas).toBeUndefined();
      expect(h.spec.minReplicas).toBeGreaterThanOrEqual(1);
      expect(h.spec.maxReplicas).toBeGreaterThan(h.spec.minReplicas);
    }
    for (const p of byKind<K8sObject & { spec: { selector: { matchLabels: Record<string, string> } } }>(objects, 'PodDisruptionBudget')) {
      expect(named<Workload>(objects, 'Deployment', p.metadata.name).spec.template.metadata.labels).toMatchObject(p.spec.selector.matchLabels);
    }
  });

  test('Redis Cluster mode: the services read the optional Secret aurawell-redis-cluster; the migration does not', () => {
    const objects = rendered(overlay);
    for (const d of byKind<Workload>(objects, 'Deployment')) {
      for (const c of d.spec.template.spec.containers) {
        expect(c.envFrom?.filter((f) => f.secretRef)).toEqual([{ secretRef: { name: redisClusterSecretTemplate.metadata.name, optional: true } }]);
        // REDIS_URL stays where it was; none of the cluster settings comes from anywhere else.
        expect(c.env?.find((e) => e.name === 'REDIS_URL')?.valueFrom?.secretKeyRef).toEqual({ name: 'aurawell-secrets', key: 'REDIS_URL' });
        for (const key of REDIS_CLUSTER_VARS) expect([key, envOf(objects, c, key)]).toEqual([key, undefined]);
      }
    }
    for (const job of byKind<Workload>(objects, 'Job')) {
      for (const c of job.spec.template.spec.containers) expect(c.envFrom?.some((f) => f.secretRef)).toBeFalsy();
    }
  });

  test('autoscalers: gateways on connections per pod, workers on queue depth, api on CPU', () => {
    type Hpa = K8sObject & { spec: { metrics: Record<string, unknown>[] } };
    const metric = (name: string) => named<Hpa>(rendered(overlay), 'HorizontalPodAutoscaler', name).spec.metrics;
    expect(metric('ws-gateway')).toEqual([{ type: 'Pods', pods: expect.objectContaining({ metric: { name: 'aurawell_ws_connections' } }) }]);
    expect(metric('advice-worker')).toEqual([{ type: 'External', external: expect.objectContaining({ metric: expect.objectContaining({ name: 'aurawell_queue_waiting_jobs' }) }) }]);
    expect(metric('api')).toEqual([{ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) }]);
    // The gauge the gateway HPA reads is the one the gateway exports.
    expect(read('services/ws-gateway/src/metrics.ts')).toContain("name: 'aurawell_ws_connections'");
  });

  test('ingress: /ws/ to the gateways and the rest to the api, one host, WebSocket-long timeouts, no affinity', () => {
    type Ingress = K8sObject & { spec: { ingressClassName: string; rules: { host: string; http: { paths: { path: string; backend: { service: { name: string; port: { name: string } } } }[] } }[] } };
    const objects = rendered(overlay);
    const ingresses = ['aurawell', 'aurawell-ws'].map((name) => named<Ingress>(objects, 'Ingress', name));
    for (const ingress of ingresses) {
      expect(ingress.spec.ingressClassName).toBe('nginx');
      expect(ingress.metadata.annotations).toMatchObject({
        'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
        'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
      });
      expect(Object.keys(ingress.metadata.annotations ?? {}).filter((k) => /affinity|session-cookie/.test(k))).toEqual([]);
    }
    expect(new Set(ingresses.flatMap((i) => i.spec.rules.map((r) => r.host))).size).toBe(1);
    const routes = ingresses.flatMap((i) => i.spec.rules[0]!.http.paths.map((p) => [p.path, p.backend.service.name, p.backend.service.port.name]));
    expect(routes.sort()).toEqual([
      ['/', 'api', 'http'],
      ['/ws/', 'ws-gateway', 'http'],
    ]);
  });

  test('images are the three service images, tagged for this overlay (never latest)', () => {
    const images = [...new Set(podsOf(rendered(overlay)).flatMap((w) => w.spec.template.spec.containers.map((c) => c.image)))].sort();
    const tag = overlay === 'prod' ? /^\d+\.\d+\.\d+$/ : /^main$/;
    expect(images.map((i) => i.split(':')[0])).toEqual(['aurawell/advice-worker', 'aurawell/api', 'aurawell/ws-gateway']);
    for (const image of images) expect(image.split(':')[1]).toMatch(tag);
  });
});

describe('Kubernetes schema validation', () => {
  test('the Secret template validates and holds placeholders only', () => {
    expect(validateK8sObject(secretTemplate)).toBeUndefined();
    for (const value of Object.values(secretTemplate.stringData)) expect(value).toMatch(/<[^>]+>/);
  });

  test('the Redis Cluster Secret template validates, holds placeholders only, and has exactly the settings the services read', () => {
    expect(validateK8sObject(redisClusterSecretTemplate)).toBeUndefined();
    expect(redisClusterSecretTemplate.metadata.name).toBe('aurawell-redis-cluster');
    expect(Object.keys(redisClusterSecretTemplate.stringData).sort()).toEqual([...REDIS_CLUSTER_VARS].sort());
    for (const value of Object.values(redisClusterSecretTemplate.stringData)) expect(value).toMatch(/<[^>]+>/);
  });

  test('is not vacuous: a malformed object, an unknown kind and a removed API are rejected', () => {
    const d = structuredClone(named<Workload>(rendered('prod'), 'Deployment', 'api'));
    (d.spec.template.spec.containers[0]!.ports![0] as { containerPort: unknown }).containerPort = 'eight thousand';
    expect(validateK8sObject(d)).toMatch(/containerPort must be integer/);
    expect(validateK8sObject({ ...d, kind: 'Deploymnet' })).toMatch(/no such API/);
    expect(validateK8sObject({ apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'old' } })).toMatch(/API removed/);
  });
});

describe('k8s/README.md documents the Redis settings', () => {
  const readme = read('k8s/README.md');
  /** First cells of the README's table rows: `| \`NAME\` | …`. */
  const documented = [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map(([, name]) => name);

  test('every Redis setting has a table row, and the managed options are named', () => {
    for (const key of ['REDIS_URL', ...REDIS_CLUSTER_VARS]) expect(documented).toContain(key);
    expect(readme).not.toMatch(/no Cluster mode at this size/);
    for (const name of ['ElastiCache', 'MemoryDB', 'Memorystore for Redis Cluster', 'Azure Managed Redis', 'OSS Cluster API', 'redis-cluster']) expect(readme).toContain(name);
  });
});
