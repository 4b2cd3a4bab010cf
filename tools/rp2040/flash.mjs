// Flash writes for CircuitPython in rp2040js, whose SSI peripheral does not model a SPI NOR chip.
//
// The pico-sdk (and so CircuitPython's internal_flash.c and microcontroller.nvm) erases and
// programs flash only through the bootrom's functions, found by two-letter codes in the ROM's
// function table. Their first instruction is replaced by a BKPT; the break handler performs the
// operation on mcu.flash and returns to the caller (LR). The XIP helpers around them become
// no-ops: rp2040js reads flash directly, so there is no cache to flush.

// Typical durations from the W25Q16JV datasheet, so simulated time includes flash writes.
import { debug } from './wire.mjs';

const SECTOR_ERASE_NS = 45e6; // 4 KB
const BLOCK_ERASE_NS = 150e6; // 64 KB
const PAGE_PROGRAM_NS = 0.4e6; // 256 B

const ROUTINES = ['IF', 'EX', 'RE', 'RP', 'FC', 'CX'];

function romCode(name) {
  return name.charCodeAt(0) | (name.charCodeAt(1) << 8);
}

/** {BKPT number: routine name} after patching ``bootrom`` (a Uint32Array, 16 KB) in place. */
export function patchBootrom(bootrom) {
  const bytes = new Uint8Array(bootrom.buffer, bootrom.byteOffset, bootrom.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const table = view.getUint16(0x14, true);
  const found = {};
  for (let entry = table; view.getUint16(entry, true) !== 0; entry += 4) {
    found[view.getUint16(entry, true)] = view.getUint16(entry + 2, true) & ~1;
  }
  const breaks = {};
  ROUTINES.forEach((name, index) => {
    const address = found[romCode(name)];
    if (address === undefined) throw new Error(`bootrom has no ${name} routine`);
    const number = 0x60 + index;
    view.setUint16(address, 0xbe00 | number, true); // BKPT #number
    breaks[number] = name;
  });
  return breaks;
}

/** Perform the bootrom routine behind BKPT ``number``; false if it is not one of ours. */
export function handleBreak(mcu, breaks, number) {
  const name = breaks[number];
  if (name === undefined) return false;
  const core = mcu.core;
  const [r0, r1, r2] = core.registers;
  debug(`flash ${name} ${r0.toString(16)} ${r1.toString(16)} ${r2}`);
  if (name === 'RE') {
    // flash_range_erase(addr, count, block_size, block_cmd): whole 4 KB sectors.
    mcu.flash.fill(0xff, r0, r0 + r1);
    const blocks = Math.floor(r1 / 65536);
    const sectors = (r1 % 65536) / 4096;
    mcu.clock.tick(blocks * BLOCK_ERASE_NS + sectors * SECTOR_ERASE_NS);
  } else if (name === 'RP') {
    // flash_range_program(addr, data, count): NOR programming can only clear bits.
    for (let i = 0; i < r2; i++) {
      mcu.flash[r0 + i] &= mcu.readUint8(r1 + i);
    }
    mcu.clock.tick(Math.ceil(r2 / 256) * PAGE_PROGRAM_NS);
  }
  core.PC = core.registers[14] & ~1; // return to the caller
  return true;
}
