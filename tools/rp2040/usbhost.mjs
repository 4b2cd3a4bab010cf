// A small USB host for CircuitPython's composite device, on rp2040js's device-controller hooks.
//
// It enumerates (address, the whole configuration descriptor, the interface names), sets the
// configuration, raises DTR on every CDC interface (usb_cdc.Serial.connected reads it), and
// binds the console CDC, the data CDC and the HID keyboard's interrupt IN endpoint. Control
// transfers run one at a time: an IN transfer ends on a short packet or wLength bytes, and its
// status stage is left to rp2040js.

import { debug } from './wire.mjs';

const DESCRIPTOR_CONFIGURATION = 2;
const DESCRIPTOR_STRING = 3;
const DESCRIPTOR_INTERFACE = 4;
const DESCRIPTOR_ENDPOINT = 5;
const CLASS_CDC = 2;
const CLASS_HID = 3;
const CLASS_MSC = 8;
const EP0_PACKET = 64;
const LANGUAGE_EN_US = 0x0409;
const DTR_RTS = 3;
const STEP_NS = 20e3; // between a transfer's end and the next request

function setup(requestType, request, value, index, length) {
  return new Uint8Array([
    requestType, request, value & 0xff, value >> 8, index & 0xff, index >> 8, length & 0xff, length >> 8,
  ]);
}

/** Interfaces and endpoints of a configuration descriptor, in order. */
export function parseConfiguration(bytes) {
  const interfaces = [];
  for (let at = 0; at + 2 <= bytes.length && bytes[at] >= 2; at += bytes[at]) {
    const type = bytes[at + 1];
    if (type === DESCRIPTOR_INTERFACE) {
      interfaces.push({
        number: bytes[at + 2], alternate: bytes[at + 3], cls: bytes[at + 5],
        nameIndex: bytes[at + 8], name: '', endpoints: [],
      });
    } else if (type === DESCRIPTOR_ENDPOINT && interfaces.length) {
      const address = bytes[at + 2];
      interfaces[interfaces.length - 1].endpoints.push({
        number: address & 0x0f, in: !!(address & 0x80), kind: bytes[at + 3] & 3,
      });
    }
  }
  return interfaces;
}

function stringOf(bytes) {
  let text = '';
  for (let i = 2; i + 1 < bytes.length; i += 2) text += String.fromCharCode(bytes[i] | (bytes[i + 1] << 8));
  return text;
}

export class UsbHost {
  /** ``sink`` receives ('console' | 'data' | 'hid', bytes) from the device and
   * ('configured', 'console,data,drive,hid' or part of it) once the interfaces are bound. */
  constructor(mcu, sink) {
    this.mcu = mcu;
    this.usb = mcu.usbCtrl;
    this.sink = sink;
    this.queue = [];
    this.current = null;
    this.inputs = {}; // IN endpoint number -> channel
    this.outputs = {}; // channel -> OUT endpoint number
    this.fifos = { console: [], data: [], hid: [] };
    this.armed = {}; // OUT endpoint number -> size the device can take
    this.configured = false;
    this.usb.onUSBEnabled = () => this.usb.resetDevice();
    this.usb.onResetReceived = () => this.enumerate();
    this.usb.onEndpointWrite = (endpoint, buffer) => this.fromDevice(endpoint, buffer);
    this.usb.onEndpointRead = (endpoint, size) => this.deviceWants(endpoint, size);
  }

  /** Queue bytes for the device: 'console' or 'data' (CDC), 'hid' (the keyboard's OUT report). */
  write(channel, bytes) {
    this.fifos[channel].push(...bytes);
    const endpoint = this.outputs[channel];
    if (endpoint !== undefined && this.armed[endpoint]) this.feed(endpoint);
  }

  enumerate() {
    this.queue = [];
    this.current = null;
    this.control(setup(0x00, 5, 1, 0, 0)); // SET_ADDRESS 1
    this.control(setup(0x80, 6, DESCRIPTOR_CONFIGURATION << 8, 0, 9), (head) => {
      const total = head[2] | (head[3] << 8);
      this.control(setup(0x80, 6, DESCRIPTOR_CONFIGURATION << 8, 0, total), (all) => this.bind(all));
    });
  }

  bind(descriptor) {
    const interfaces = parseConfiguration(descriptor);
    for (const iface of interfaces.filter((i) => i.nameIndex)) {
      this.control(setup(0x80, 6, (DESCRIPTOR_STRING << 8) | iface.nameIndex, LANGUAGE_EN_US, 255), (s) => {
        iface.name = stringOf(s);
      });
    }
    this.control(setup(0x00, 9, 1, 0, 0), () => this.configure(interfaces)); // SET_CONFIGURATION 1
  }

  configure(interfaces) {
    // CircuitPython names the console's pair "CircuitPython CDC …" and the data pair "… CDC2 …".
    const found = [];
    interfaces.forEach((iface, index) => {
      if (iface.cls === CLASS_CDC) {
        const data = interfaces[index + 1];
        const channel = /CDC2/.test(iface.name) ? 'data' : 'console';
        for (const ep of data.endpoints) {
          if (ep.in) this.inputs[ep.number] = channel;
          else this.outputs[channel] = ep.number;
        }
        found.push(channel);
        // SET_CONTROL_LINE_STATE: DTR and RTS, as a terminal opening the port.
        this.control(setup(0x21, 0x22, DTR_RTS, iface.number, 0));
      } else if (iface.cls === CLASS_MSC) {
        found.push('drive'); // CIRCUITPY as a USB drive (not bound: only noted)
      } else if (iface.cls === CLASS_HID) {
        for (const ep of iface.endpoints) {
          if (ep.in) this.inputs[ep.number] = 'hid';
          else this.outputs.hid = ep.number; // the keyboard's LED report
        }
        found.push('hid');
      }
    });
    this.control(setup(0x80, 0, 0, 0, 2), () => { // GET_STATUS: after the line states
      this.configured = true;
      this.sink('configured', found.join(','));
      for (const channel of Object.keys(this.outputs)) {
        const endpoint = this.outputs[channel];
        if (endpoint !== undefined && this.armed[endpoint]) this.feed(endpoint);
      }
    });
  }

  control(packet, done = () => {}) {
    this.queue.push({ packet, done, received: [] });
    if (!this.current) this.next();
  }

  next() {
    this.current = this.queue.shift() || null;
    if (this.current) debug(`usb setup ${Buffer.from(this.current.packet).toString('hex')}`);
    if (this.current) this.usb.sendSetupPacket(this.current.packet);
  }

  finish() {
    const transfer = this.current;
    this.current = null;
    transfer.done(new Uint8Array(transfer.received));
    if (!this.current) this.later(() => this.next());
  }

  later(action) {
    this.mcu.clock.createAlarm(action).schedule(STEP_NS);
  }

  fromDevice(endpoint, buffer) {
    debug(`usb in ep${endpoint} ${buffer.length} t=${this.mcu.clock.nanos}`);
    if (endpoint === 0) {
      const transfer = this.current;
      if (!transfer) return;
      const wantsData = transfer.packet[0] & 0x80;
      const length = transfer.packet[6] | (transfer.packet[7] << 8);
      if (!wantsData) {
        if (buffer.length === 0) this.finish(); // the status stage of a no-data request
        return;
      }
      transfer.received.push(...buffer);
      if (buffer.length < EP0_PACKET || transfer.received.length >= length) {
        this.finish();
      }
      return;
    }
    const channel = this.inputs[endpoint];
    if (channel) this.sink(channel, buffer);
  }

  deviceWants(endpoint, size) {
    debug(`usb out-armed ep${endpoint} ${size} t=${this.mcu.clock.nanos}`);
    if (endpoint === 0) {
      // The status stage of an IN transfer. It is not answered: rp2040js completes it by
      // itself, and a zero-length packet here reaches TinyUSB after the next SETUP has reset
      // EP0 ("Can't continue xfer on inactive ep 00").
      return;
    }
    this.armed[endpoint] = size;
    this.feed(endpoint);
  }

  feed(endpoint) {
    const channel = Object.keys(this.outputs).find((c) => this.outputs[c] === endpoint);
    if (!channel || !this.configured) return;
    const fifo = this.fifos[channel];
    if (!fifo.length) return; // answered when the host has bytes, as a NAK would leave it
    const chunk = new Uint8Array(fifo.splice(0, this.armed[endpoint]));
    this.armed[endpoint] = 0;
    this.usb.endpointReadDone(endpoint, chunk);
  }
}
