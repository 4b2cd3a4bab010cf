// The I2C bus wires as the RP2040's GPIOs see them, for CircuitPython's bit-banged transfers.
//
// The RP2040 I2C block cannot send a zero-length write, so CircuitPython's RP2040 port does
// those (busio.I2C.writeto(addr, b""), hence scan() and the probe in adafruit_bus_device's
// I2CDevice, which is built into CircuitPython) by bit-banging SDA/SCL as GPIOs. This models the
// open-drain wires with their pull-ups (a line is low only while someone pulls it low) and a
// target that acknowledges the address of a chip present, and any byte written to it after
// that. Reads are never bit-banged, so a read address is not acknowledged.
import { GPIOPinState } from 'rp2040js';

export function attachBitbangTarget(mcu, sdaIndex, sclIndex, isPresent) {
  const sda = mcu.gpio[sdaIndex];
  const scl = mcu.gpio[sclIndex];
  const pulledLow = (pin) => pin.value === GPIOPinState.Low;
  let holdSda = false; // the target's ACK
  let state = 'idle'; // 'address', 'write' or 'idle'
  let bits = 0;
  let byte = 0;
  let lastScl = true;
  let lastSda = true;

  function update() {
    const sclLevel = !pulledLow(scl);
    let sdaLevel = !pulledLow(sda) && !holdSda;
    if (sclLevel && lastScl && sdaLevel !== lastSda) {
      // SDA moving while SCL is high: START (falling) or STOP (rising).
      state = sdaLevel ? 'idle' : 'address';
      bits = 0;
      byte = 0;
      holdSda = false;
    } else if (sclLevel && !lastScl) {
      if (bits < 8) byte = (byte << 1) | (sdaLevel ? 1 : 0);
      bits += 1;
    } else if (!sclLevel && lastScl && state !== 'idle') {
      if (bits === 8) {
        const ack = state === 'write' || (!(byte & 1) && isPresent(byte >> 1));
        holdSda = ack;
        if (state === 'address') state = ack ? 'write' : 'idle';
      } else if (bits === 9) {
        holdSda = false;
        bits = 0;
        byte = 0;
      }
    }
    sdaLevel = !pulledLow(sda) && !holdSda;
    scl.setInputValue(sclLevel);
    sda.setInputValue(sdaLevel);
    lastScl = sclLevel;
    lastSda = sdaLevel;
  }

  sda.addListener(update);
  scl.addListener(update);
  update();
}
