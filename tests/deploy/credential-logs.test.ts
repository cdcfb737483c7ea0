import { read, readYaml, renderKustomization, validateK8sObject, type K8sObject } from './validators';

// The chat URL carries a credential in its query (?ticket=, or ?token=<JWT> from clients that ask
// for it): no proxy we ship may write it to a log. Statically, for every edge: the nginx template
// (compose, the tests and the load harness), the Kubernetes Ingresses and the ingress-nginx
// controller's format. tests/deploy/nginx.test.ts reads the real nginx's logs.

/** nginx variables that hold the query string or a whole URL (`$request` is the request line). */
const QUERY_VARIABLES = /\$(request|request_uri|args|query_string|arg_\w+|http_referer)\b/;

describe('nginx template (deploy/nginx/templates/default.conf.template)', () => {
  const conf = read('deploy/nginx/templates/default.conf.template').replace(/#.*$/gm, '');

  test('its one access log format logs the path ($uri) and no variable that holds the query', () => {
    const formats = [...conf.matchAll(/log_format\s+(\w+)((?:\s+'[^']*')+)\s*;/g)];
    expect(formats.map((m) => m[1])).toEqual(['aurawell']);
    const format = formats[0]![2]!;
    expect(format).toContain('"$request_method $uri $server_protocol"');
    expect(format).not.toMatch(QUERY_VARIABLES);
    // Server-level, so it replaces the image's http-level `main` format (which logs $request).
    expect([...conf.matchAll(/^\s*access_log\s+([^;]+);/gm)].map((m) => m[1])).toEqual(['${AURAWELL_NGINX_LOG_DIR}/access.log aurawell']);
  });

  test('/ws/ keeps only crit errors: nginx ends every request error line with the request line, query included', () => {
    const ws = conf.slice(conf.indexOf('location /ws/'), conf.indexOf('location / '));
    expect(ws).toMatch(/^\s*error_log \$\{AURAWELL_NGINX_LOG_DIR\}\/error\.log crit;/m);
  });

  test('compose puts both logs where the image links them to stdout and stderr', () => {
    const compose = readYaml<{ services: Record<string, { environment?: Record<string, string> }> }>('docker-compose.yml');
    expect(compose.services.nginx?.environment?.AURAWELL_NGINX_LOG_DIR).toBe('/var/log/nginx');
  });
});

type Ingress = K8sObject & { spec: { rules: { host: string; http: { paths: { path: string }[] } }[] } };

describe.each(['dev', 'prod'])('k8s/overlays/%s', (overlay) => {
  const ingresses = renderKustomization(`k8s/overlays/${overlay}`).filter((o): o is Ingress => o.kind === 'Ingress');
  const accessLog = (i: Ingress) => i.metadata.annotations?.['nginx.ingress.kubernetes.io/enable-access-log'];
  const paths = (i: Ingress) => i.spec.rules.flatMap((r) => r.http.paths.map((p) => p.path));

  test('the Ingress of /ws/ writes no access log; the api keeps its log', () => {
    const ws = ingresses.filter((i) => paths(i).includes('/ws/'));
    expect(ws.map((i) => [paths(i), accessLog(i)])).toEqual([[['/ws/'], 'false']]);
    const rest = ingresses.filter((i) => !paths(i).includes('/ws/'));
    expect(rest.map((i) => [paths(i), accessLog(i)])).toEqual([[['/'], undefined]]);
  });
});

describe('k8s/ingress-nginx (the controller-wide format)', () => {
  const objects = renderKustomization('k8s/ingress-nginx');

  test("is one valid ConfigMap: the official controller's name and namespace", () => {
    expect(objects.map((o) => [o.kind, o.metadata.namespace, o.metadata.name])).toEqual([['ConfigMap', 'ingress-nginx', 'ingress-nginx-controller']]);
    expect(objects.map(validateK8sObject).filter(Boolean)).toEqual([]);
  });

  test("log-format-upstream is ingress-nginx's default with the path instead of the request line and referer", () => {
    const format = (objects[0] as K8sObject & { data: Record<string, string> }).data['log-format-upstream'] ?? '';
    expect(format).toContain('"$request_method $uri $server_protocol"');
    expect(format).not.toMatch(QUERY_VARIABLES);
    for (const field of ['$status', '$request_time', '$upstream_addr', '$upstream_status', '$req_id']) expect(format).toContain(field);
  });
});
