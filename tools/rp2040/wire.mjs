// The line protocol with the Python side, over this process's stdin and stdout.
//
// Everything here is synchronous on purpose: while the Python side answers an I2C read, the
// emulated core must not advance, so simulated time stays deterministic. Nothing else may write
// to stdout: rp2040js's console logging is sent to stderr.
import fs from 'node:fs';

console.log = console.info = console.debug = console.error;

let pending = '';
const chunk = Buffer.alloc(65536);
const nap = new Int32Array(new SharedArrayBuffer(4));

/** The next line from the Python side (without its newline), or null at end of input. */
export function readLine() {
  for (;;) {
    const newline = pending.indexOf('\n');
    if (newline >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      return line;
    }
    let count;
    try {
      count = fs.readSync(0, chunk, 0, chunk.length, null);
    } catch (error) {
      if (error.code === 'EAGAIN') {
        Atomics.wait(nap, 0, 0, 1);
        continue;
      }
      if (error.code === 'EOF') return null;
      throw error;
    }
    if (count === 0) return null;
    pending += chunk.toString('latin1', 0, count);
  }
}

/** Send one line (an event or a reply) to the Python side. */
export function send(line) {
  const data = Buffer.from(line + '\n', 'latin1');
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += fs.writeSync(1, data, offset);
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error;
      Atomics.wait(nap, 0, 0, 1);
    }
  }
}

export function hex(bytes) {
  return Buffer.from(bytes).toString('hex');
}

export function unhex(text) {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/** Diagnostics on stderr, with HARNESS_DEBUG=1 in the environment. */
export const debug = process.env.HARNESS_DEBUG ? (...parts) => console.error(...parts) : () => {};
