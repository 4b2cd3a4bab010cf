// An RP2040 running a CircuitPython UF2, driven line by line by smartkey.rp2040 (Python).
//
// Commands (one per line on stdin):
//   bootrom PATH | uf2 PATH | image OFFSET PATH | dump OFFSET LENGTH PATH  -- flash contents
//   addresses HEX...       I2C0 targets that acknowledge (the chips the Python side emulates)
//   watch HEX...           of those, the ones whose ACK the Python side decides at each address
//                          phase (a chip that NACKs while asleep or busy); while any is watched,
//                          every address phase no one else acknowledges is reported too (its
//                          SDA-low run can wake such a chip)
//   pin N 0|1              drive GPIO N from outside (the buttons)
//   boot                   power on: a new MCU with the flash kept, started from the bootrom
//   run NS                 execute until simulated time NS (ns since the first boot)
//   send console|data|hid HEX  bytes from the host: a CDC interface, the keyboard's LED report
//   state                  the core's state on stderr (diagnostics)
// Events and replies (stdout): "w NS ADDR STOP HEX" an I2C write transaction, "r NS ADDR" an I2C
// read byte (answered by a line "v HEX"), "a NS ADDR MODE" an address phase the Python side
// acknowledges or not (answered "v 1" or "v 0"), "f NS" the SCL period the I2C block's timing
// registers give (sent before the next address phase it times, when it changed), "o console|data|hid HEX" bytes from the device,
// "u configured LIST", "x reset" (watchdog), "x halt CODE", and "ok NS" when a command is done.
// HARNESS_DEBUG=1 traces flash operations, I2C and USB on stderr.
import fs from 'node:fs';
import { RP2040, ConsoleLogger, LogLevel } from 'rp2040js';
import { attachBitbangTarget } from './bitbang.mjs';
import { handleBreak, patchBootrom } from './flash.mjs';
import { UsbHost } from './usbhost.mjs';
import { debug, hex, readLine, send, unhex } from './wire.mjs';

const FLASH_BYTES = 16 * 1024 * 1024;
const CYCLE_NS = 8; // 125 MHz
const I2C_SDA = 4;
const I2C_SCL = 5;
const UF2_MAGIC = [0x0a324655, 0x9e5d5157];
const WATCHDOG = 0x40058; // its key in mcu.peripherals
// The pace of transfers: 400 kHz, a START (or STOP) about a bit time, a byte and its ACK nine.
// At 100 kHz a real transfer takes four times as long; the SDA-low runs the Python side times
// use the real SCL period (sclPeriodNs), the pace does not, which keeps the emulator's load
// (the SDK polls the block while a byte goes out) and the boards' timings as they were.
const I2C_BIT_NS = 2500;

const flash = new Uint8Array(FLASH_BYTES).fill(0xff);
const bootrom = new Uint32Array(4096);
const pins = new Map(); // buttons: pin -> level
let breaks = {};
let addresses = new Set();
let watched = new Set();
let reportedPeriodNs = 0;
let mcu = null;
let host = null;
let baseNs = 0; // simulated time before the current MCU was built
let resetRequested = false;
let halted = null;

const now = () => baseNs + (mcu ? mcu.clock.nanos : 0);

function loadUf2(path) {
  const data = fs.readFileSync(path);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let at = 0; at + 512 <= data.length; at += 512) {
    if (view.getUint32(at, true) !== UF2_MAGIC[0] || view.getUint32(at + 4, true) !== UF2_MAGIC[1]) continue;
    const target = view.getUint32(at + 12, true) - 0x10000000;
    const size = view.getUint32(at + 16, true);
    flash.set(data.subarray(at + 32, at + 32 + size), target);
  }
}

/** SCL's period as the DW_apb_i2c block generates it from its registers (the databook: high for
 * HCNT + SPKLEN + 7 clocks, low for LCNT + 1). The pico-sdk always uses the fast-mode registers
 * and asks for 100 kHz with 1,250 clocks at 125 MHz: the wire gets about 96 kHz. */
function sclPeriodNs(i2c) {
  return (i2c.sclHighPeriod + i2c.spikelen + 7 + i2c.sclLowPeriod + 1) * CYCLE_NS;
}

/** Whether an address phase is acknowledged: the Python side decides for watched chips (and
 * hears of the phases no one acknowledges, whose SDA-low run it times), the set otherwise. */
function acknowledges(address, mode) {
  if (!watched.size || (addresses.has(address) && !watched.has(address))) return addresses.has(address);
  send(`a ${now()} ${address.toString(16)} ${mode}`);
  return readLine() === 'v 1';
}

// IC_RAW_INTR_STAT's TX_EMPTY bit.
const I2C_TX_EMPTY = 1 << 4;

function attachI2C(i2c) {
  let transfer = null; // {address, bytes, ns}
  // An abort flushes the TX FIFO, which leaves it empty: the DW_apb_i2c block then raises
  // TX_EMPTY, and the pico-sdk's write waits for that before it reads the abort's cause.
  // rp2040js 1.4.1 flushes without raising it, so a NACKed write (the ATECC's wake, a busy
  // chip) would hang until the SDK's timeout, which CircuitPython sets to a second.
  const abort = i2c.abort.bind(i2c);
  i2c.abort = (reason) => {
    abort(reason);
    i2c.setInterrupts(I2C_TX_EMPTY);
  };
  const after = (bits, action) => mcu.clock.createAlarm(action).schedule(bits * I2C_BIT_NS);
  const finishWrite = (stop) => {
    if (transfer && !transfer.read) {
      send(`w ${transfer.ns} ${transfer.address.toString(16)} ${stop ? 1 : 0} ${hex(transfer.bytes)}`);
    }
    transfer = null;
  };
  i2c.onStart = (repeated) => {
    debug(`i2c start ${repeated} t=${now()}`);
    if (repeated) finishWrite(false);
    const period = sclPeriodNs(i2c);
    if (watched.size && period !== reportedPeriodNs) {
      send(`f ${period}`);
      reportedPeriodNs = period;
    }
    after(1, () => i2c.completeStart());
  };
  i2c.onConnect = (address, mode) => {
    const ack = acknowledges(address, mode);
    debug(`i2c connect ${address.toString(16)} mode=${mode} ack=${ack} t=${now()}`);
    transfer = ack ? { address, read: mode === 1, bytes: [], ns: now() } : null;
    after(9, () => i2c.completeConnect(ack));
  };
  i2c.onWriteByte = (value) => {
    transfer.bytes.push(value);
    after(9, () => i2c.completeWrite(true));
  };
  i2c.onReadByte = () => {
    // The transaction's START time for every byte: the DS3231 latches its time then.
    send(`r ${transfer.ns} ${transfer.address.toString(16)}`);
    const reply = readLine();
    const value = parseInt(reply.slice(2), 16);
    after(9, () => i2c.completeRead(value));
  };
  i2c.onStop = () => {
    debug(`i2c stop t=${now()}`);
    finishWrite(true);
    after(1, () => i2c.completeStop());
  };
}

function boot() {
  if (mcu) baseNs = now();
  mcu = new RP2040();
  mcu.logger = new ConsoleLogger(LogLevel.Error);
  mcu.bootrom.set(bootrom);
  mcu.flash = flash; // the same array across resets: the flash chip keeps its contents
  mcu.flash16 = new Uint16Array(flash.buffer);
  mcu.flashView = new DataView(flash.buffer);
  mcu.core.reset();
  mcu.core.PC = 0x10000000;
  // BOOTSEL reads the QSPI chip select: high means the button is not held.
  Object.defineProperty(mcu.qspi[1], 'inputValue', { get: () => true });
  for (const [pin, value] of pins) mcu.gpio[pin].setInputValue(value);
  attachI2C(mcu.i2c[0]);
  attachBitbangTarget(mcu, I2C_SDA, I2C_SCL, (address) => acknowledges(address, 0));
  mcu.onBreak = (code) => {
    if (!handleBreak(mcu, breaks, code)) {
      halted = code;
    }
  };
  const watchdog = mcu.peripherals[WATCHDOG];
  watchdog.onWatchdogTrigger = () => {
    resetRequested = true;
  };
  host = new UsbHost(mcu, (channel, data) => {
    if (channel === 'configured') send(`u configured ${data}`);
    else send(`o ${channel} ${hex(data)}`);
  });
  resetRequested = false;
  halted = null;
}

/** Whether an interrupt that was already pending ends a WFI. rp2040js wakes the core only when
 * an interrupt becomes pending; one that arrived between CircuitPython masking interrupts and
 * its WFI (port_idle_until_interrupt) would leave it asleep for good. */
function wakes(core) {
  return !!(core.pendingInterrupts & core.enabledInterrupts) || core.pendingSystick || core.pendingPendSV;
}

function run(targetNs) {
  while (now() < targetNs) {
    if (resetRequested) {
      // A watchdog reset keeps the watchdog's scratch registers and reason, which
      // CircuitPython reads after it (safe mode's cause, microcontroller.cpu.reset_reason).
      const { scratchData, reason } = mcu.peripherals[WATCHDOG];
      send('x reset');
      boot();
      mcu.peripherals[WATCHDOG].scratchData.set(scratchData);
      mcu.peripherals[WATCHDOG].reason = reason;
      continue;
    }
    if (halted !== null) {
      send(`x halt ${halted} pc=${mcu.core.PC.toString(16)} lr=${mcu.core.LR.toString(16)} t=${now()}`);
      const stack = [];
      for (let i = 0; i < 48; i++) stack.push(mcu.readUint32(mcu.core.SP + 4 * i).toString(16));
      debug('stack', stack.join(' '));
      mcu.clock.tick(targetNs - now());
      break;
    }
    const { core, clock } = mcu;
    for (let i = 0; i < 100000 && !resetRequested && halted === null; i++) {
      const left = targetNs - now();
      if (left <= 0) break;
      if (core.waiting && wakes(core)) {
        core.waiting = false;
      } else if (core.waiting) {
        const next = clock.nanosToNextAlarm;
        clock.tick(next > 0 && next < left ? next : left);
      } else {
        clock.tick(core.executeInstruction() * CYCLE_NS);
      }
    }
  }
}

function main() {
  for (let line = readLine(); line !== null; line = readLine()) {
    const [command, ...args] = line.trim().split(/\s+/);
    if (command === 'bootrom') {
      bootrom.set(new Uint32Array(new Uint8Array(fs.readFileSync(args[0])).buffer));
      breaks = patchBootrom(bootrom);
    } else if (command === 'uf2') {
      loadUf2(args[0]);
    } else if (command === 'image') {
      flash.set(fs.readFileSync(args[1]), parseInt(args[0], 16));
    } else if (command === 'dump') {
      const offset = parseInt(args[0], 16);
      fs.writeFileSync(args[2], flash.subarray(offset, offset + parseInt(args[1], 16)));
    } else if (command === 'addresses') {
      addresses = new Set(args.map((a) => parseInt(a, 16)));
    } else if (command === 'watch') {
      watched = new Set(args.map((a) => parseInt(a, 16)));
      reportedPeriodNs = 0;
    } else if (command === 'pin') {
      const [pin, value] = [Number(args[0]), args[1] === '1'];
      pins.set(pin, value);
      if (mcu) mcu.gpio[pin].setInputValue(value);
    } else if (command === 'boot') {
      boot();
    } else if (command === 'run') {
      run(Number(args[0]));
    } else if (command === 'send') {
      if (host) host.write(args[0], unhex(args[1] || ''));
    } else if (command === 'state') {
      const { core, clock } = mcu;
      debug(`state t=${now()} waiting=${core.waiting} pc=${core.PC.toString(16)} PM=${core.PM} ` +
        `pending=${core.pendingInterrupts.toString(16)} enabled=${core.enabledInterrupts.toString(16)} ` +
        `nextAlarm=${clock.nanosToNextAlarm} ipsr=${core.IPSR}`);
    } else if (command === 'quit') {
      break;
    } else {
      send(`x error unknown command ${command}`);
    }
    send(`ok ${now()}`);
  }
}

main();
