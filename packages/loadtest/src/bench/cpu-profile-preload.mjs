// Loaded with `NODE_OPTIONS=--import <this file>` (node 20 refuses --cpu-prof in NODE_OPTIONS):
// when AURAWELL_CPU_PROF_DIR is set, profiles the whole process as `node --cpu-prof` would and
// writes CPU.<date>.<time>.<pid>.0.0.cpuprofile into that directory when it exits.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.AURAWELL_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  // The in-process session answers synchronously, so this works inside 'exit'.
  process.on('exit', () =>
    session.post('Profiler.stop', (err, res) => {
      if (err) return;
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '.').slice(0, 15);
      writeFileSync(join(dir, `CPU.${stamp}.${process.pid}.0.0.cpuprofile`), JSON.stringify(res.profile));
    }),
  );
}
