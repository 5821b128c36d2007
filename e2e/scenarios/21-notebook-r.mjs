// Issue 5 §3/§4: the same in an R notebook (IRkernel, nothing installed inside R): an attached dataset is a
// character vector of local paths with attribute pfn; readLines(data[1]) reads the first file; a dataset made
// available after attaching updates its variable without user action.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { NotebookAttach } from '../lib/notebook-attach.mjs';
import { Sandbox } from '../lib/sandbox.mjs';
import { FIXTURE_HEADER, LATER_R_DATASET } from '../setup/fixture-datasets.mjs';

const AVAILABLE_DID = 'opendata:calibration_2012';
const LATER_DID = `${LATER_R_DATASET.scope}:${LATER_R_DATASET.name}`;

const READ_FIRST_FILE = `lines <- readLines(data[1])
cat(attr(data, "pfn")[1], "\\n", sep = "")
cat("count:", length(data), "\\n")
cat("path:", data[1], "\\n")
cat("first:", lines[1], "\\n")`;

function field(text, key) {
  const line = text.split('\n').find(l => l.startsWith(`${key}: `));
  assert.ok(line, `the cell printed "${key}:"\n${text}`);
  return line.slice(key.length + 2).trim();
}

export default {
  name: 'notebook-r',
  needs: ['lab', 'rucio'],
  async run(ctx) {
    const { lab, shot } = ctx;
    const sandbox = Sandbox.fromEnv();
    const notebook = await NotebookAttach.open(ctx, { kernelName: 'ir' });
    await notebook.attach(AVAILABLE_DID, 'data', /^Available: all 3 files$/);
    await shot('attached-ready');

    const result = await lab.runCell(READ_FIRST_FILE);
    assert.equal(Number(field(result.text, 'count')), 3, 'data holds the 3 files');
    const localPath = field(result.text, 'path');
    const name = path.basename(localPath);
    assert.equal(localPath, sandbox.replicaFile('CERN-EOS', 'opendata', name), 'data[1] is the replica on the mounted RSE');
    const expectedFirst = fs.readFileSync(localPath, 'utf8').split('\n')[0];
    assert.match(expectedFirst, /calibration constants/);
    assert.equal(field(result.text, 'first'), expectedFirst, 'readLines(data[1]) read the file');
    const pfn = result.text.split('\n')[0].trim();
    const replica = (await sandbox.replicas('opendata', name))[0];
    assert.ok((replica.rses['CERN-EOS'] ?? []).includes(pfn), `attr(data, "pfn")[1] (${pfn}) is a CERN-EOS PFN of ${name}`);
    await shot('cell-read-first-file');

    const later = await notebook.attach(LATER_DID, 'later', /^Not available$/);
    const before = await lab.runCell('readLines(later[1])');
    assert.match(before.domText, new RegExp(`Rucio DID ${LATER_DID} \\(variable 'later'\\) is not available`),
      `using the variable fails with the clear message: ${before.domText}`);
    await shot('later-not-available');

    await notebook.makeAvailable(later, {
      status: /^Available: all 2 files$/,
      variableName: 'later',
      what: 'the R variable `later` to become a vector of paths',
      probe: 'cat(!bindingIsActive("later", globalenv()) && isTRUE(attr(later, "did_available")))',
      expected: 'TRUE',
    });

    const after = await lab.runCell('cat(length(later), readLines(later[1])[1], "\\n")');
    assert.equal(after.text.trim(), `2 ${FIXTURE_HEADER}`, 'after Available the variable reads the files');
    await shot('later-available');
  },
};
