// The datasets seed-fixtures.mjs adds to the Sandbox, shared with the scenarios that use them.
// Contents are generated deterministically (same bytes on every run) and sized for their purpose.

// A small linear congruential generator: reproducible numbers without any dependency.
function numbers(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function eventTable(header, seed, rows) {
  const next = numbers(seed);
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    lines.push(`${300000 + seed * 1000 + i},${(60 + next() * 90).toFixed(2)},${(20 + next() * 80).toFixed(2)},${(next() * 5 - 2.5).toFixed(3)}`);
  }
  return `${lines.join('\n')}\n`;
}

const HEADER = 'event_id,m_ll,pt,eta';

function files(prefix, count, rows, seed) {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}_part${String(i + 1).padStart(2, '0')}.csv`,
    content: eventTable(HEADER, seed + i, rows),
  }));
}

// jdoe's quota on CERN-EOS is 10 kB (Sandbox demo seed); three ~5.5 kB files exceed it.
export const QUOTA_DATASET = {
  scope: 'user.jdoe',
  name: 'calo_scan_2012',
  rse: 'DESY-DCACHE',
  files: files('calo_scan_2012', 3, 220, 11),
};

// Not available on CERN-EOS until a scenario asks for it: attached first, made available afterwards.
export const LATER_PYTHON_DATASET = {
  scope: 'user.root',
  name: 'zmumu_skim_python',
  rse: 'DESY-DCACHE',
  files: files('zmumu_skim_python', 2, 20, 21),
};

export const LATER_R_DATASET = {
  scope: 'user.root',
  name: 'zmumu_skim_r',
  rse: 'DESY-DCACHE',
  files: files('zmumu_skim_r', 2, 20, 31),
};

export const FIXTURE_HEADER = HEADER;

export const FIXTURE_DATASETS = [QUOTA_DATASET, LATER_PYTHON_DATASET, LATER_R_DATASET];
