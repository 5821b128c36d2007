// Numbered screenshots per scenario: ${E2E_OUT:-e2e/out}/<scenario>/NN-step.png, in the order taken.
import fs from 'node:fs';
import path from 'node:path';

export function scenarioOutDir(outRoot, scenario) {
  const dir = path.join(outRoot, scenario);
  // Old screenshots of an earlier run would mix with this run's and mislead whoever reads them.
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function createShots(page, dir) {
  let counter = 0;
  const taken = [];
  const shot = async step => {
    counter += 1;
    const slug = String(step).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'step';
    const file = path.join(dir, `${String(counter).padStart(2, '0')}-${slug}.png`);
    await page.screenshot({ path: file });
    taken.push(file);
    return file;
  };
  shot.taken = taken;
  return shot;
}
