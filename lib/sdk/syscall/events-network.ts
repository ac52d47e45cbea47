import type { EventSpec } from './event-spec';
import { OPEN_FLAGS, SOCKET_FAMILIES } from './flag-tables';

/** Network events: sockets, addresses, connections and datagrams. */
export const NETWORK_EVENTS = {
  socket_e: {
    type: 18,
    name: 'socket',
    direction: 'enter',
    legacy: true,
    params: [
      { name: 'domain', type: 'enumflags32', flags: SOCKET_FAMILIES },
      { name: 'type', type: 'uint32' },
      { name: 'proto', type: 'uint32' },
    ],
  },
  socket_x: {
    type: 19,
    name: 'socket',
    direction: 'exit',
    params: [
      { name: 'fd', type: 'fd' },
      { name: 'domain', type: 'enumflags32', flags: SOCKET_FAMILIES },
      { name: 'type', type: 'uint32' },
      { name: 'proto', type: 'uint32' },
      { name: 'flags', type: 'flags32', flags: OPEN_FLAGS },
    ],
  },
  bind_e: {
    type: 20,
    name: 'bind',
    direction: 'enter',
    legacy: true,
    params: [{ name: 'fd', type: 'fd' }],
  },
  bind_x: {
    type: 21,
    name: 'bind',
    direction: 'exit',
    params: [
      { name: 'res', type: 'errno' },
      { name: 'addr', type: 'sockaddr' },
      { name: 'fd', type: 'fd' },
    ],
  },
  connect_e: {
    type: 22,
    name: 'connect',
    direction: 'enter',
    params: [
      { name: 'fd', type: 'fd' },
      { name: 'addr', type: 'sockaddr' },
    ],
  },
  connect_x: {
    type: 23,
    name: 'connect',
    direction: 'exit',
    params: [
      { name: 'res', type: 'errno' },
      { name: 'tuple', type: 'socktuple' },
      { name: 'fd', type: 'fd' },
      { name: 'addr', type: 'sockaddr' },
    ],
  },
  listen_e: {
    type: 24,
    name: 'listen',
    direction: 'enter',
    legacy: true,
    params: [
      { name: 'fd', type: 'fd' },
      { name: 'backlog', type: 'int32' },
    ],
  },
  listen_x: {
    type: 25,
    name: 'listen',
    direction: 'exit',
    params: [
      { name: 'res', type: 'errno' },
      { name: 'fd', type: 'fd' },
      { name: 'backlog', type: 'int32' },
    ],
  },
  accept_e: {
    type: 246,
    name: 'accept',
    direction: 'enter',
    legacy: true,
    params: [],
  },
  accept_x: {
    type: 247,
    name: 'accept',
    direction: 'exit',
    params: [
      { name: 'fd', type: 'fd' },
      { name: 'tuple', type: 'socktuple' },
      { name: 'queuepct', type: 'uint8' },
      { name: 'queuelen', type: 'uint32' },
      { name: 'queuemax', type: 'uint32' },
    ],
  },
  accept4_e: {
    type: 388,
    name: 'accept4',
    direction: 'enter',
    legacy: true,
    params: [{ name: 'flags', type: 'int32' }],
  },
  accept4_x: {
    type: 389,
    name: 'accept4',
    direction: 'exit',
    params: [
      { name: 'fd', type: 'fd' },
      { name: 'tuple', type: 'socktuple' },
      { name: 'queuepct', type: 'uint8' },
      { name: 'queuelen', type: 'uint32' },
      { name: 'queuemax', type: 'uint32' },
      { name: 'flags', type: 'int32' },
    ],
  },
  sendto_e: {
    type: 30,
    name: 'sendto',
    direction: 'enter',
    legacy: true,
    params: [
      { name: 'fd', type: 'fd' },
      { name: 'size', type: 'uint32' },
      { name: 'tuple', type: 'socktuple' },
    ],
  },
  sendto_x: {
    type: 31,
    name: 'sendto',
    direction: 'exit',
    params: [
      { name: 'res', type: 'errno' },
      { name: 'data', type: 'bytebuf' },
      { name: 'fd', type: 'fd' },
      { name: 'size', type: 'uint32' },
      { name: 'tuple', type: 'socktuple' },
    ],
  },
  recvfrom_e: {
    type: 34,
    name: 'recvfrom',
    direction: 'enter',
    legacy: true,
    params: [
      { name: 'fd', type: 'fd' },
      { name: 'size', type: 'uint32' },
    ],
  },
  recvfrom_x: {
    type: 35,
    name: 'recvfrom',
    direction: 'exit',
    params: [
      { name: 'res', type: 'errno' },
      { name: 'data', type: 'bytebuf' },
      { name: 'tuple', type: 'socktuple' },
      { name: 'fd', type: 'fd' },
      { name: 'size', type: 'uint32' },
    ],
  },
} as const satisfies Record<string, EventSpec>;
