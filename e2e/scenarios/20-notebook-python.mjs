// Issue 5 §4: in a Python notebook, "Add to Notebook" turns an available dataset into the variable `data`
// (local paths, `.pfn` the storage URL); a dataset attached before it is available raises a clear error, and
// once made available the variable is updated without any user action.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { NotebookAttach } from '../lib/notebook-attach.mjs';
import { adler32, Sandbox } from '../lib/sandbox.mjs';
import { FIXTURE_HEADER, LATER_PYTHON_DATASET } from '../setup/fixture-datasets.mjs';

const AVAILABLE_DID = 'opendata:higgs_diphoton_2012';
const LATER_DID = `${LATER_PYTHON_DATASET.scope}:${LATER_PYTHON_DATASET.name}`;

const READ_FIRST_FILE = `import json, zlib
with open(data[0], 'rb') as f:
    content = f.read()
print(data[0].pfn)
print(json.dumps({'count': len(data), 'did': data[0].did, 'path': str(data[0]), 'pfn': data[0].pfn,
                  'bytes': len(content), 'adler32': '%08x' % zlib.adler32(content),
                  'first_line': content.split(b'\\n')[0].decode()}))`;

function lastJsonLine(text) {
  const line = text.trim().split('\n').reverse().find(l => l.startsWith('{'));
  assert.ok(line, `the cell printed a JSON summary:\n${text}`);
  return JSON.parse(line);
}

export default {
  name: 'notebook-python',
  needs: ['lab', 'rucio'],
  allow: [
    {
      kind: 'http',
      match: /^404 GET \S+\/api\/(resolvePath\?path=\S*|contents\/\S*)rucio_jupyterlab(%2F|\/)kernels(%2F|\/)ipython(%2F|\/)types\.py/,
      reason: 'JupyterLab 4.6 tries to turn file paths of a traceback into links; the kernel extension lives outside the Jupyter root (as any installed library does), so that lookup answers 404',
    },
    {
      kind: 'console.error',
      match: /status of 404 .*\/api\/(resolvePath\?path=\S*|contents\/\S*)rucio_jupyterlab(%2F|\/)kernels(%2F|\/)ipython(%2F|\/)types\.py/,
      reason: 'Chromium echoes those same traceback-link lookups as console lines',
    },
    {
      kind: 'console.warning',
      match: /^Could not resolve location of \S+\/rucio_jupyterlab\/kernels\/ipython\/types\.py on server/,
      reason: 'JupyterLab\'s own warning for the same traceback-link lookup',
    },
  ],
  async run(ctx) {
    const { lab, shot } = ctx;
    const sandbox = Sandbox.fromEnv();
    const notebook = await NotebookAttach.open(ctx, { kernelName: 'python3' });
    await notebook.attach(AVAILABLE_DID, 'data', /^Available: all 5 files$/);
    await shot('attached-ready');

    const result = await lab.runCell(READ_FIRST_FILE);
    const summary = lastJsonLine(result.text);
    assert.equal(summary.count, 5, 'data holds the 5 files of the dataset');
    const [scope, name] = summary.did.split(':');
    const truth = await sandbox.file(scope, name);
    const mounted = sandbox.replicaFile('CERN-EOS', scope, name);
    assert.equal(path.resolve(summary.path), mounted, 'data[0] is the path of the replica on the mounted RSE');
    assert.equal(summary.bytes, truth.bytes, 'the cell read all of the file');
    assert.equal(summary.adler32, truth.adler32, 'the bytes read are the file\'s (adler32)');
    assert.equal(summary.first_line, 'event_id,run,m_yy,pt_1,pt_2,eta_1,eta_2');
    const replica = (await sandbox.replicas(scope, name))[0];
    const pfnsOnEos = replica.rses['CERN-EOS'] ?? [];
    assert.ok(pfnsOnEos.includes(summary.pfn), `data[0].pfn (${summary.pfn}) is a CERN-EOS PFN of ${summary.did}`);
    assert.equal(result.text.split('\n')[0], summary.pfn, 'the cell shows the PFN');
    await shot('cell-read-first-file');

    // A dataset that is not available yet: attached anyway, its variable explains itself when used.
    const later = await notebook.attach(LATER_DID, 'later', /^Not available$/);
    const before = await lab.runCell('open(later[0]).readline()');
    assert.match(before.text, new RegExp(`^DIDNotAvailableError: Rucio DID ${LATER_DID} \\(variable 'later'\\) is not available`),
      `using the variable raises the clear error: ${before.text}`);
    await shot('later-not-available');

    // No click, no cell: the kernel's variable changes by itself.
    await notebook.makeAvailable(later, {
      status: /^Available: all 2 files$/,
      variableName: 'later',
      what: 'the kernel variable `later` to become available',
      probe: 'print(getattr(later, "did_available", False))',
      expected: 'True',
    });

    const after = await lab.runCell("print(len(later), open(later[0]).readline().strip())");
    assert.equal(after.text, `2 ${FIXTURE_HEADER}\n`, 'after Available the variable reads the files');
    const first = LATER_PYTHON_DATASET.files[0];
    const onEos = sandbox.replicaFile('CERN-EOS', LATER_PYTHON_DATASET.scope, first.name);
    assert.equal(adler32(fs.readFileSync(onEos)), adler32(Buffer.from(first.content)), 'the replica on CERN-EOS is complete');
    await shot('later-available');
  },
};
