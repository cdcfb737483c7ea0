/**
 * The api's per-client-IP throttles, opened wide for a stack whose clients all share one address:
 * the load harness logs in and registers hundreds of users from 127.0.0.1, and `pnpm start`
 * serves this machine only. The per-account limits (failed logins of one username, tickets of
 * one user) stay as configured; an operator's own values (the environment) win over these.
 */
export const SHARED_IP_THROTTLE_ENV: Readonly<Record<string, string>> = {
  LOGIN_IP_MAX_ATTEMPTS: '1000000',
  LOGIN_IP_MAX_FAILURES: '1000000',
  REGISTER_IP_MAX_PER_HOUR: '1000000',
};
