/**
 * A last line of defence against orphaned n8n servers: afterAll hooks and Ctrl-C handlers do not run when jest or
 * `npm start` is killed hard (SIGKILL, a CI job timeout, a crashed worker), and a detached `n8n start` plus its task
 * runner would then keep both cores busy for as long as the machine lives.
 *
 * watchGroup(pgid) starts a tiny detached Node process (its own process group, so the kill it watches for does not
 * reach it) that checks once a second whether the owner is still alive. When the owner is gone, it sends SIGTERM
 * to the watched group, SIGKILL two seconds later, and exits. It also exits by itself once the group is empty.
 * Used by test/e2e/helpers/n8n.ts and scripts/lib/n8n-env.mjs (CommonJS so both can load it).
 */
const { spawn } = require('node:child_process');

const WATCHDOG = `
const [owner, pgid] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const tick = setInterval(() => {
	if (!alive(-pgid)) { clearInterval(tick); process.exit(0); }
	if (alive(owner)) return;
	clearInterval(tick);
	try { process.kill(-pgid, 'SIGTERM'); } catch {}
	setTimeout(() => { try { process.kill(-pgid, 'SIGKILL'); } catch {} process.exit(0); }, 2000);
}, 1000);
`;

/** Kills process group `pgid` once `owner` (default: this process) is gone. Returns the watchdog's pid. */
function watchGroup(pgid, owner = process.pid) {
	const p = spawn(process.execPath, ['-e', WATCHDOG, String(owner), String(pgid)], {
		detached: true,
		stdio: 'ignore',
		env: { PATH: process.env.PATH },
	});
	p.unref();
	return p.pid;
}

module.exports = { watchGroup };
