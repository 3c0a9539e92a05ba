// A port for a server a test starts later: a fixed-port loopback redirect registered at a fake before the
// Connect that listens on it, a demo's or a harness's own address.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where the kernel draws the ports of outgoing connections (and of listen(0)). */
export function ephemeralRange(): { low: number; high: number } {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high) return { low, high };
  } catch {
    // Not Linux: macOS and Windows use 49152–65535, above anything drawn here.
  }
  return { low: 49152, high: 65535 };
}

/** Ports below the ephemeral range and above the common services' (MariaDB 3306, dev servers at 5173, 8080…). */
export function listenRange(ephemeral = ephemeralRange()): { low: number; high: number } {
  return { low: 10_000, high: Math.min(ephemeral.low, 32_768) - 1 };
}

/** Read once: the kernel's range does not change under a test run. */
const RANGE = listenRange();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** This process's answers so far: two harnesses in one test run never get the same port. */
const handedOut = new Set<number>();

/**
 * A port that was free a moment ago. Not listen(0)'s: the kernel hands out the same range to outgoing
 * connections, and a client socket on that port, even one closing, makes a later listen fail with EADDRINUSE.
 * That is the likely end of a Pinterest Connect in a clean-clone CI run: the demo had taken its port at start,
 * and the loopback listener, half a minute of traffic later, never opened the consent page. The kernel gives no
 * outgoing connection a port below that range, so one free now stays free unless another process chooses it too.
 */
export async function freePort(random: () => number = Math.random): Promise<number> {
  const { low, high } = RANGE;
  for (let tries = 0; tries < 100; tries++) {
    const port = low + Math.floor(random() * (high - low + 1));
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`No free port between ${low} and ${high} after 100 tries.`);
}
