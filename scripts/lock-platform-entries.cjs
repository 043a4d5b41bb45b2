// The registry this project installs from lacks some other-platform optional packages (e.g.
// @biomejs/cli-darwin-x64), so `npm install` leaves them out of package-lock.json and `npm ci`
// then refuses the lock. This adds their entries (os/cpu/libc set, so npm skips them here).
// Run `node scripts/lock-platform-entries.cjs` after any `npm install` that rewrites the lock.
const fs = require('node:fs');
const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
const pk = lock.packages;
const added = [];
const osOf = (n) =>
  ['android', 'darwin', 'freebsd', 'openbsd', 'openharmony', 'win32', 'linux', 'sunos', 'aix', 'netbsd'].find(
    (o) => n.includes(`-${o}-`) || n.endsWith(`-${o}`),
  );
const cpuOf = (n) => {
  const m = n.match(/-(arm64|x64|ia32|arm|loong64|ppc64|riscv64|s390x)(?:-|$)/);
  return m ? m[1] : null;
};
for (const [path, meta] of Object.entries(pk)) {
  const opt = meta.optionalDependencies || {};
  for (const [name, spec] of Object.entries(opt)) {
    const base = path ? `${path}/node_modules/${name}` : `node_modules/${name}`;
    if (pk[base] || pk[`node_modules/${name}`]) continue;
    const os = osOf(name.split('/').pop());
    const cpu = cpuOf(name.split('/').pop());
    if (!os || !cpu) {
      console.log('skip (not a platform package?)', name);
      continue;
    }
    const entry = {
      version: spec.replace(/^[\^~=]/, ''),
      cpu: [cpu],
      dev: !!meta.dev,
      optional: true,
      os: [os],
    };
    if (/musl/.test(name)) entry.libc = ['musl'];
    else if (os === 'linux' && /gnu/.test(name)) entry.libc = ['glibc'];
    pk[`node_modules/${name}`] = entry;
    added.push(`${name}@${entry.version}`);
  }
}
fs.writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log('added', added.length, added.join(' '));
