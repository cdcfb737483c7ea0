import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A throwaway CA and one certificate it signed, as PEM files in a directory of their own. */
export type TestCerts = {
  dir: string;
  /** The CA's certificate: what clients trust (`NODE_EXTRA_CA_CERTS`, `--cacert`, `tls-ca-cert-file`). */
  caFile: string;
  /** The certificate (server and client use) for `localhost` and `127.0.0.1`, and its key. */
  certFile: string;
  keyFile: string;
  /** The CA certificate's contents, for a client in this process (`tls: { ca }`). */
  ca: Buffer;
  /** Deletes the directory (keys included). */
  remove(): void;
};

// OpenSSL settings of their own, so the result does not depend on the machine's openssl.cnf.
const CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = AuraWell test
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
authorityKeyIdentifier = keyid
`;

// P-256 keys: generated in milliseconds, where RSA takes a noticeable share of a 2-core machine.
const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * A CA valid for a day and a certificate it signed whose names cover `localhost` and `127.0.0.1`,
 * made with the `openssl` command (Debian's `openssl`, see scripts/system-deps.sh). Call `remove()`
 * when done.
 */
export const createTestCerts = async (): Promise<TestCerts> => {
  const dir = mkdtempSync(join(tmpdir(), 'aw-certs-'));
  const file = (name: string) => join(dir, name);
  try {
    writeFileSync(file('openssl.cnf'), CONFIG, { mode: 0o600 });
    const openssl = (args: string[]) => run('openssl', args, { cwd: dir, timeout: 20000 });
    await openssl(['req', '-x509', '-new', '-config', 'openssl.cnf', '-extensions', 'ca', ...NEW_KEY, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=AuraWell test CA']);
    await openssl(['req', '-new', '-config', 'openssl.cnf', ...NEW_KEY, '-keyout', 'node.key', '-out', 'node.csr', '-subj', '/CN=localhost']);
    await openssl(['x509', '-req', '-in', 'node.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'openssl.cnf', '-extensions', 'leaf', '-out', 'node.pem']);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    dir,
    caFile: file('ca.pem'),
    certFile: file('node.pem'),
    keyFile: file('node.key'),
    ca: readFileSync(file('ca.pem')),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
};
