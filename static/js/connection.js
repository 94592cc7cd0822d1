// The live link to the server: authenticate, catch up, apply events, send
// commands until they are acknowledged. A command keeps its id across
// retries, so the server carries it out once however often it is sent.

import { io } from "../vendor/socket.io-client-4.8.1/socket.io.esm.min.js";
import { applyEvent } from "./store.js";

const ACK_TIMEOUT_MS = 8000;

export function newId() {
  // crypto.randomUUID needs a secure context; a local network is often plain http.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class Connection {
  constructor({ session, role, onChange, onStatus, onRefused }) {
    this.state = null;
    this.presence = [];
    this.onChange = onChange;
    this.onStatus = onStatus;
    this.onRefused = onRefused;
    this.syncing = false;
    this.buffer = [];
    this.clockOffset = 0; // server clock minus this device's clock, in ms
    // WebSocket first: one round trip fewer on a slow network, and no sticky
    // sessions needed when several server processes share a port; long polling
    // only where a proxy blocks WebSockets (see docs/deploy.md).
    this.socket = io({
      auth: { session, role },
      reconnectionDelayMax: 5000,
      transports: ["websocket", "polling"],
      tryAllTransports: true,
    });
    this.socket.on("connect", () => {
      this.onStatus("online");
      this.sync();
    });
    this.socket.on("disconnect", () => this.onStatus("offline"));
    this.socket.on("connect_error", (error) => {
      // A refusal from the server (bad or stale secret) is final; a network
      // failure is retried by the client on its own.
      if (this.socket.active) this.onStatus("offline");
      else this.onRefused(error.message);
    });
    this.socket.on("events", (events) => this.receive(events));
    this.socket.on("presence", (presence) => {
      this.presence = presence.connected;
      if (this.state) this.onChange(this.state, this.presence);
    });
  }

  get seq() {
    return this.state ? this.state.seq : 0;
  }

  receive(events) {
    if (this.syncing || !this.state) {
      this.buffer.push(...events);
      return;
    }
    let changed = false;
    for (const event of events) changed = applyEvent(this.state, event) || changed;
    if (changed) this.onChange(this.state, this.presence);
  }

  async sync({ full = false } = {}) {
    this.syncing = true;
    try {
      const answer = await this.socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck("sync", { since: full ? 0 : this.seq });
      if (!answer.ok) return;
      if (answer.now) this.clockOffset = Date.parse(answer.now) - Date.now();
      if (answer.state) this.state = answer.state;
      else for (const event of answer.events) applyEvent(this.state, event);
      this.presence = answer.presence;
    } catch {
      return; // timed out: the next (re)connection syncs again
    } finally {
      this.syncing = false;
    }
    const buffered = this.buffer;
    this.buffer = [];
    for (const event of buffered) applyEvent(this.state, event);
    this.onChange(this.state, this.presence);
  }

  // The server's time now: timers count from the server's event times.
  now() {
    return Date.now() + this.clockOffset;
  }

  // Send a command; resolve with the server's answer once it has one.
  async command(name, args = {}) {
    const payload = { id: newId(), name, args };
    for (;;) {
      if (!this.socket.connected) await new Promise((resolve) => this.socket.once("connect", resolve));
      try {
        return await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck("command", payload);
      } catch {
        // No answer in time: send it again with the same id.
      }
    }
  }
}
