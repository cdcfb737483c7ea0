import { startNginx as startFleetNginx, type Nginx } from '@aurawell/devstack';
import type { TestSystem } from './system';

// The real nginx with the production routing rules lives in packages/devstack (the load test
// uses it too); the tests put it in front of a test system's api and first two gateways.

export { NGINX, throughNginx, type Nginx } from '@aurawell/devstack';

/** nginx on a free loopback port in front of `sys` (api and its first two gateways). */
export const startNginx = (sys: TestSystem): Promise<Nginx> => startFleetNginx({ apiUrl: sys.stack.apiUrl, gatewayUrls: sys.stack.gatewayUrls.slice(0, 2) });
