// An outside agent written the way seed 000 §2.3 sketches one, with nothing Baton-specific: it hears
// `spec.changed` pings on NATS, reads the spec file the ping names, works on the tasks assigned to it and writes
// the file back with a plain overwrite, leaving `version` as it found it (Baton gives the rewrite the next one).
//
//   AGENT_ID=node-agent NATS_URL=nats://localhost:4222 node agent.js
//
// On each ping: every pending task assigned to AGENT_ID is set to in-progress (with startedAt) and carried out;
// tasks it carried out on an earlier ping and that are still in-progress are set to completed. "Carrying out"
// is writing a small note to WORK_DIR (default: the system temp folder), enough to show where real work goes.

import { connect, StringCodec } from 'nats';
import YAML from 'yaml';
import fs from 'fs/promises';
import os from 'os';
import path from 'path';

const AGENT_ID = process.env.AGENT_ID || 'node-agent';
const NATS_URL = process.env.NATS_URL || 'nats://localhost:4222';
const WORK_DIR = process.env.WORK_DIR || path.join(os.tmpdir(), `baton-${AGENT_ID}`);

function log(message) {
  console.log(`[${new Date().toISOString()}] ${AGENT_ID}: ${message}`);
}

class AgentNATSSubscriber {
  constructor(agentId) {
    this.agentId = agentId;
    this.subscriptions = new Map();
    // specId/taskId of the tasks this agent carried out, to finish on a later ping.
    this.carriedOut = new Set();
  }

  async connect() {
    this.nats = await connect({
      servers: [NATS_URL],
      reconnect: true,
      maxReconnectAttempts: -1,
    });
    this.sc = StringCodec();
    log(`connected to NATS ${NATS_URL}`);
  }

  async subscribeToSpecChanges(handler) {
    const sub = this.nats.subscribe('spec.changed');
    this.subscriptions.set('spec.changed', sub);

    (async () => {
      for await (const msg of sub) {
        const ping = JSON.parse(this.sc.decode(msg.data));
        log(`[NATS] received spec.changed: ${ping.specId} (version ${ping.version})`);
        try {
          await handler(ping);
        } catch (error) {
          console.error(`${AGENT_ID}: handler error:`, error);
        }
      }
    })();
    // Until the server has the subscription, pings sent now would pass this agent by.
    await this.nats.flush();
    log('subscribed to spec.changed');
  }

  async handleSpecChanged(ping) {
    // 1. Read the spec file.
    const specContent = await fs.readFile(ping.path, 'utf-8');
    const spec = YAML.parse(specContent);
    log(`spec ${ping.specId} version: ${spec.version}, status: ${spec.status}`);

    // 2. The tasks assigned to this agent.
    const myTasks = (spec.tasks || []).filter((task) => task.assignedTo === this.agentId);
    let changed = false;

    // 3. Finish what was carried out on an earlier ping.
    for (const task of myTasks) {
      const key = `${ping.specId}/${task.id}`;
      if (task.status === 'in-progress' && this.carriedOut.has(key)) {
        task.status = 'completed';
        changed = true;
        log(`${key}: completed`);
      }
    }

    // 4. Start and carry out the pending ones.
    for (const task of myTasks) {
      if (task.status === 'pending') {
        task.status = 'in-progress';
        task.startedAt = new Date().toISOString();
        changed = true;
        log(`${ping.specId}/${task.id}: in-progress`);
        await this.executeTask(ping.specId, task);
      }
    }

    // 5. Write the file back on every ping, exactly as seed 000 does (the watcher notices, a new ping goes out:
    // the cycle goes on). A rewrite that changes nothing but the formatting is no change to Baton: it sends no
    // ping back, so the cycle ends when the work does.
    await fs.writeFile(ping.path, YAML.stringify(spec), 'utf-8');
    log(`${changed ? 'updated' : 'rewrote'} spec ${ping.specId}`);
  }

  async executeTask(specId, task) {
    await fs.mkdir(WORK_DIR, { recursive: true });
    const note = path.join(WORK_DIR, `${specId}-${task.id}.txt`);
    await fs.writeFile(note, `${this.agentId} carried out ${task.id}: ${task.query}\n`, 'utf-8');
    this.carriedOut.add(`${specId}/${task.id}`);
    log(`${specId}/${task.id}: carried out (${note})`);
  }

  async close() {
    for (const sub of this.subscriptions.values()) {
      sub.unsubscribe();
    }
    await this.nats.close();
  }
}

const subscriber = new AgentNATSSubscriber(AGENT_ID);
await subscriber.connect();
await subscriber.subscribeToSpecChanges(subscriber.handleSpecChanged.bind(subscriber));

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    log(`stopping (${signal})`);
    await subscriber.close();
    process.exit(0);
  });
}
