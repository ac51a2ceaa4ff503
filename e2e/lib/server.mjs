// Starts the portal as a user would (`portal serve`) on a free port with a fresh SQLite
// database and a small demo data set, and stops it again.

import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every demo account gets this password (PORTAL_DEMO_PASSWORD). */
export const DEMO_PASSWORD = 'e2e-demo-password';

const STARTUP_TIMEOUT_MS = Number(process.env.E2E_STARTUP_TIMEOUT_MS || 600_000);
const STOP_TIMEOUT_MS = 10_000;
const OUTPUT_LINES_KEPT = 200;

function defaultPortalBin() {
  const targetDir = process.env.CARGO_TARGET_DIR
    ? path.resolve(repoRoot, process.env.CARGO_TARGET_DIR)
    : path.join(repoRoot, 'target');
  return path.join(targetDir, 'debug', 'portal');
}

/**
 * A port nobody listens on right now. PORTAL_PORT=0 would let the server pick one, but
 * then we would have to parse its output to find it; asking the OS here is simpler.
 */
async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts `portal serve` and resolves once GET /health answers 200. The demo data is
 * small unless `fullDemo` asks for the default demo data set (what the speed bench uses).
 *
 * @param {{fullDemo?: boolean}} [options]
 * @returns {Promise<{baseUrl: string, password: string, output: () => string, stop: () => Promise<void>,
 *   cli: (args: string[]) => Promise<string>}>}
 */
export async function startPortal({ fullDemo = false } = {}) {
  const bin = process.env.PORTAL_BIN ? path.resolve(process.env.PORTAL_BIN) : defaultPortalBin();
  if (!existsSync(bin)) {
    throw new Error(`portal binary not found at ${bin}: run \`cargo build -p api\` (or set PORTAL_BIN)`);
  }
  const webDir = path.join(repoRoot, 'crates', 'web', 'dist');
  if (!existsSync(path.join(webDir, 'index.html'))) {
    throw new Error(`${webDir}/index.html not found: run \`trunk build --release --offline\` first`);
  }

  const dataDir = await mkdtemp(path.join(tmpdir(), 'portal-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;

  const env = { ...process.env };
  // Settings from the developer's shell must not leak into the test server.
  for (const key of Object.keys(env)) {
    if (key.startsWith('PORTAL_') || key === 'DATABASE_URL') delete env[key];
  }
  Object.assign(env, {
    PORTAL_HOST: '127.0.0.1',
    PORTAL_PORT: String(port),
    PORTAL_DATA_DIR: dataDir,
    PORTAL_DATABASE_URL: `sqlite://${dataDir}/e2e.db`,
    PORTAL_WEB_DIR: webDir,
    PORTAL_DEMO: 'true',
    PORTAL_DEMO_PASSWORD: DEMO_PASSWORD,
    PORTAL_PUBLIC_URL: baseUrl,
  });
  if (!fullDemo) {
    Object.assign(env, { PORTAL_DEMO_ORDERS: '3000', PORTAL_DEMO_USAGE_ROWS: '30000' });
  }

  const child = spawn(bin, ['serve'], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const keep = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (line === '') continue;
      lines.push(line);
      if (process.env.E2E_SERVER_LOG) process.stderr.write(`[portal] ${line}\n`);
    }
    if (lines.length > OUTPUT_LINES_KEPT) lines.splice(0, lines.length - OUTPUT_LINES_KEPT);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const output = () => lines.join('\n');

  let exited = null;
  const exit = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    child.on('error', (error) => {
      exited = { error };
      resolve(exited);
    });
  });
  // If the test process dies without running its after() hook, take the server with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (exited === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exit;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    await waitUntilHealthy(baseUrl, () => exited);
  } catch (error) {
    await stop();
    throw new Error(`${error.message}\n--- portal output (last ${OUTPUT_LINES_KEPT} lines) ---\n${output()}`);
  }
  /** Runs `portal <args>` against this server's database and configuration; its stdout. */
  const cli = (args) =>
    new Promise((resolve, reject) => {
      execFile(bin, args, { cwd: dataDir, env }, (error, stdout, stderr) => {
        if (error) reject(new Error(`portal ${args.join(' ')} failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      });
    });

  return { baseUrl, password: DEMO_PASSWORD, output, stop, cli };
}

/** Polls GET /health until it answers 200, the server exits, or the timeout passes. */
async function waitUntilHealthy(baseUrl, exitStatus) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const status = exitStatus();
    if (status !== null) {
      const how = status.error ? status.error.message : `code ${status.code}, signal ${status.signal}`;
      throw new Error(`portal exited before it was healthy (${how})`);
    }
    try {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) });
      if (response.status === 200) return;
      last = `GET /health answered ${response.status}: ${await response.text()}`;
    } catch (error) {
      last = `GET /health failed: ${error.cause?.code ?? error.message}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`portal not healthy after ${STARTUP_TIMEOUT_MS / 1000} s (${last})`);
}
