// The baseline of `baton bench ping`: the Watchman → NATS bridge of seed 000 §2.2, written as the seed
// writes it (TypeScript types and the class kept out, the calls and their order kept in), so that the bench
// can time what that design costs between a spec write and a subscriber.
//
//   NATS_URL=nats://127.0.0.1:4222 node bridge.js /path/to/specs
//
// Differences from the seed, none of which touches the timed path:
//  - `path` in the ping is the real file (the seed hard-codes /workspace/specs/active/);
//  - it prints `bridge ready {...}` once subscribed, `bridge error: ...` and exits 1 when Watchman or NATS
//    refuse, and on SIGTERM/SIGINT or end of stdin removes its watch (watch-del) before exiting, so the shared
//    Watchman daemon does not keep watching a deleted folder.
// The settle time is Watchman's, from the .watchmanconfig in the watched root (seed §4.3: {"settle": 20}).
'use strict';

const path = require('path');
const { Client: WatchmanClient } = require('fb-watchman');
const { connect, StringCodec } = require('nats');

class WatchmanNATSBridge {
  async initialize() {
    // Watchman 초기화 (initialise Watchman)
    this.watchman = new WatchmanClient();
    this.watchman.on('error', (error) => fail('watchman: ' + describe(error)));

    // NATS 연결 (connect to NATS)
    this.nats = await connect({
      servers: [process.env.NATS_URL || 'nats://localhost:4222'],
      reconnect: true,
      maxReconnectAttempts: -1, // 무한 재연결 (reconnect forever)
    });
    this.sc = StringCodec();

    console.log('Watchman-NATS bridge initialized');
  }

  async watchSpecDirectory(dirPath) {
    this.dirPath = dirPath;
    this.watchman.command(['watch-project', dirPath], (error, resp) => {
      if (error) {
        fail('Failed to watch directory: ' + describe(error));
        return;
      }

      const { watch, relative_path } = resp;
      this.watch = watch;
      const sub = {
        expression: ['allof', ['match', '*.yaml', 'wholename']],
        fields: ['name', 'mtime_ms', 'exists'],
        relative_root: relative_path,
      };

      this.watchman.command(['subscribe', watch, 'spec-changes', sub], (error) => {
        if (error) {
          fail('Failed to subscribe: ' + describe(error));
          return;
        }
        this.announceReady(watch, resp);
      });
    });

    // 파일 변경 이벤트 핸들러 (file change handler)
    this.watchman.on('subscription', async (resp) => {
      if (resp.subscription !== 'spec-changes') return;

      for (const file of resp.files) {
        if (!file.exists) {
          // 파일 삭제 → spec.completed 핑 (file deleted)
          await this.publishPing('spec.completed', {
            specId: this.extractSpecId(file.name),
            timestamp: new Date().toISOString(),
          });
        } else {
          // 파일 생성/수정 → spec.changed 핑 (file created or modified)
          await this.publishPing('spec.changed', {
            specId: this.extractSpecId(file.name),
            path: path.join(dirPath, file.name),
            timestamp: new Date().toISOString(),
          });
        }
      }
    });
  }

  async publishPing(type, payload) {
    const message = {
      type,
      ...payload,
    };

    try {
      this.nats.publish(type, this.sc.encode(JSON.stringify(message)));
      console.log(`[NATS] Published ${type}: ${JSON.stringify(message)}`);
    } catch (error) {
      console.error(`Failed to publish ${type}:`, error);
    }
  }

  extractSpecId(fileName) {
    // "spec-2026-02-19-001.yaml" → "spec-2026-02-19-001"
    return fileName.replace('.yaml', '');
  }

  // Not in the seed: tells the bench what Watchman settled on, then that pings will flow.
  announceReady(watch, watchResp) {
    this.watchman.command(['get-config', watch], (error, resp) => {
      const config = error ? {} : resp.config || {};
      console.log('bridge ready ' + JSON.stringify({
        watch,
        watcher: watchResp.watcher || null,
        watchmanVersion: watchResp.version || null,
        settleMs: config.settle === undefined ? null : config.settle,
        config,
      }));
    });
  }

  async close() {
    if (this.watch) {
      await new Promise((resolve) => this.watchman.command(['watch-del', this.watch], () => resolve()));
    }
    this.watchman.end();
    await this.nats.close();
  }
}

function describe(error) {
  return error && error.message ? error.message : String(error);
}

function fail(message) {
  console.log('bridge error: ' + message);
  process.exit(1);
}

async function main() {
  const dir = process.argv[2];
  if (!dir) fail('usage: NATS_URL=nats://host:port node bridge.js SPEC_DIR');
  const bridge = new WatchmanNATSBridge();
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    try {
      await bridge.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop); // the bench closes our stdin to stop us
  process.stdin.resume();

  // 사용 예시 (usage, as in the seed)
  await bridge.initialize();
  await bridge.watchSpecDirectory(path.resolve(dir));
}

main().catch((error) => fail(describe(error)));
