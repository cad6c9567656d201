import { spawn } from 'node:child_process';
import net from 'node:net';

/**
 * How fast the machine is at the moment, by two fixed workloads, so that runs from different sittings
 * can be read against each other. On the shared 2-core build machine the same commit has measured
 * several times slower on one evening than on another, and the slow evenings showed here too.
 *
 * - `jsLoopMs`: one fixed loop of integer arithmetic on this thread (median of three).
 * - `loopbackRoundTripUs`: median time for 1 byte to go to another process over loopback TCP and back,
 *   which is what every socket write between the API, Postgres, Redis and the clients pays.
 */
export async function measureMachineSpeed() {
  const loops = [jsLoop(), jsLoop(), jsLoop()].sort((a, b) => a - b);
  return { jsLoopMs: round1(loops[1]), loopbackRoundTripUs: round1(await loopbackRoundTripUs(2_000)) };
}

const round1 = (value) => Math.round(value * 10) / 10;

function jsLoop() {
  const start = performance.now();
  let sum = 0;
  for (let i = 0; i < 100_000_000; i += 1) sum = (sum + (i % 7)) | 0;
  const ms = performance.now() - start;
  // Used, so that the loop cannot be dropped as dead code.
  if (sum === 42) process.stderr.write('');
  return ms;
}

/** An echo server in a child process; `count` sequential round trips of one byte. */
function loopbackRoundTripUs(count) {
  const echo = `require('net').createServer((s) => { s.setNoDelay(true); s.pipe(s); })
    .listen(0, '127.0.0.1', function () { process.stdout.write(this.address().port + '\\n'); });`;
  const child = spawn(process.execPath, ['-e', echo], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const fail = (error) => {
      child.kill();
      reject(error);
    };
    child.once('error', fail);
    child.stdout.once('data', (chunk) => {
      const socket = net.connect(Number(chunk.toString()), '127.0.0.1');
      socket.setNoDelay(true);
      const times = new Float64Array(count);
      let done = 0;
      let sentAt = 0;
      const ping = () => {
        sentAt = performance.now();
        socket.write('x');
      };
      // The next byte leaves only when the last one is back, so each answer is one byte.
      socket.on('data', () => {
        times[done++] = (performance.now() - sentAt) * 1000;
        if (done < count) return ping();
        socket.destroy();
        child.kill();
        resolve(times.sort()[count >> 1]);
      });
      socket.once('error', fail);
      socket.once('connect', ping);
    });
  });
}
