'use strict';
// Bundle for the create/destroy cycles: leaves a server, a timer and a pending promise open so
// teardown has real handles to close.
const net = require('net');
const server = net.createServer(() => {}).listen(0, '127.0.0.1');
const timer = setInterval(() => {}, 1000);
module.exports = {
  ping: () => (server.listening || true) && timer !== null && 1,
};
