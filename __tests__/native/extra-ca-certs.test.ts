/**
 * NODE_EXTRA_CA_CERTS in a plugin process (native/runtime/src/extra_ca_certs.cc): its certificates are
 * read when the first TLS context needs the root certificates, not at process start, and then trusted
 * exactly as Node 18 trusts them; a file that cannot be read gets Node's warning at that moment.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { buildPluginLayer, buildTsPlugin, hostPath, repoRoot } from './build-native';

const dir = path.join(repoRoot, 'build', 'test-extra-ca-certs');
let library: string;
let key: string;
let cert: string;

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '3650',
    '-subj',
    '/CN=falco-ts test CA',
  );
  openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  execFileSync('sh', ['-c', 'printf "subjectAltName=DNS:localhost" > ext.cnf'], { cwd: dir });
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '3650',
    '-extfile',
    'ext.cnf',
  );
  key = readFileSync(path.join(dir, 'server.key'), 'utf8');
  cert = readFileSync(path.join(dir, 'server.pem'), 'utf8');
  buildPluginLayer();
  library = await buildTsPlugin(path.join(__dirname, 'fixtures/ts/tls-client.ts'), 'tls-client');
}, 600_000);

function run(extraCaCerts: string | undefined, tls: boolean) {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  if (extraCaCerts !== undefined) env.NODE_EXTRA_CA_CERTS = extraCaCerts;
  const config = JSON.stringify({ tls, key, cert });
  return spawnSync(hostPath, ['run', library, '--config', config, '--max-events', '1'], {
    encoding: 'utf8',
    env,
    timeout: 60_000,
  });
}

describe('NODE_EXTRA_CA_CERTS', () => {
  it('is trusted by the first TLS connection', () => {
    const r = run(path.join(dir, 'ca.pem'), true);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('authorized true');
  });

  it('is needed: without it the same connection is refused', () => {
    const r = run(undefined, true);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /could not initialize plugin tls_client: .*(unable to verify|self.signed|issuer)/i,
    );
  });

  it('is read only when TLS needs it: a missing file is reported then, not at start', () => {
    const missing = path.join(dir, 'missing.pem');
    const quiet = run(missing, false);
    expect(quiet.stderr).toBe('');
    expect(quiet.status).toBe(0);
    const used = run(missing, true);
    expect(used.stderr).toContain(`Warning: Ignoring extra certs from \`${missing}\`, load failed:`);
    expect(used.status).toBe(1);
  });
});
