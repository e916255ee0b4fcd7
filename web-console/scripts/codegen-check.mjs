// Fails when src/gql/ is not what `npm run codegen` makes from ../schema.graphql and the
// documents: regenerate into a temp copy and compare byte for byte.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const gql = 'src/gql';
const saved = mkdtempSync(join(tmpdir(), 'voipbin-gql-'));
cpSync(gql, saved, { recursive: true });
let drift = [];
try {
  execFileSync('npx', ['graphql-codegen', '--config', 'codegen.ts', '--silent'], { stdio: 'inherit' });
  const names = new Set([...readdirSync(gql), ...readdirSync(saved)]);
  for (const name of names) {
    let before = null;
    let after = null;
    try { before = readFileSync(join(saved, name), 'utf8'); } catch { /* missing */ }
    try { after = readFileSync(join(gql, name), 'utf8'); } catch { /* missing */ }
    if (before !== after) drift.push(name);
  }
} finally {
  rmSync(gql, { recursive: true, force: true });
  cpSync(saved, gql, { recursive: true });
  rmSync(saved, { recursive: true, force: true });
}
if (drift.length) {
  console.error(`src/gql/ is out of date (${drift.join(', ')}): run \`npm run codegen\` and commit it.`);
  process.exit(1);
}
console.log('src/gql/ matches schema.graphql and the documents.');
