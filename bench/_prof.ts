process.env.N8N_USER_FOLDER ??= require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'idaas-prof-'));
import { startEmulatorProcess } from './emulatorProcess';
import { createUsers, patchUsers, userIdsOf } from './jobs';
import { measure } from './measure';

const N = Number(process.env.N ?? 3000);
(async () => {
  const { execFileSync } = require('child_process');
  const paths = JSON.parse(execFileSync(process.execPath, ['/work/wt/throughput/scripts/n8n.mjs', 'install', '--version', '2.8.4'], { encoding: 'utf8' }));
  const { HttpRequest } = require(`${paths.dir}/node_modules/n8n-nodes-base/dist/nodes/HttpRequest/HttpRequest.node.js`);
  const base = { concurrency: (process.env.CONC === 'auto' ? 'auto' : 5) as never, idaasNode: new (require('../nodes/AlibabaIdaas/AlibabaIdaas.node.ts').AlibabaIdaas)(), httpRequestNode: new HttpRequest() };
  const which = (process.env.WHICH ?? 'node,httpRequest').split(',');
  for (let round = 0; round < 2; round++) for (const a of which) {
    const emulator = await startEmulatorProcess(N);
    const ctx = { ...base, emulator };
    const ids = await userIdsOf(ctx, N);
    const c = await measure(() => createUsers(ctx, a as never, N));
    const p = await measure(() => patchUsers(ctx, a as never, ids));
    console.log(round, a, 'create cpu', c.measurement.cpuMs.toFixed(0), 'wall', c.measurement.ms.toFixed(0), 'patch cpu', p.measurement.cpuMs.toFixed(0), 'wall', p.measurement.ms.toFixed(0));
    await emulator.stop();
  }
  process.exit(0);
})();
