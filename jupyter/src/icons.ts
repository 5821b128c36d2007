/**
 * The panel's icons, as inline SVG in LabIcons: nothing is fetched from the internet, and the
 * colours come from CSS (--jp-* variables) so both themes work.
 */
import { LabIcon } from '@jupyterlab/ui-components';

// A database cylinder; the two bands are holes (even-odd), so the icon has one themed colour.
const RUCIO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16">
  <path class="jp-icon3" fill="#616161" fill-rule="evenodd" d="M12 2C7.6 2 4 3.5 4 5.5v13C4 20.5 7.6 22 12 22s8-1.5 8-3.5v-13C20 3.5 16.4 2 12 2zm0 2c3.6 0 6 1.1 6 1.5S15.6 7 12 7 6 5.9 6 5.5 8.4 4 12 4zM6 9.3c1.5.8 3.7 1.2 6 1.2s4.5-.4 6-1.2v1.2c0 .4-2.4 1.5-6 1.5s-6-1.1-6-1.5V9.3zm0 5c1.5.8 3.7 1.2 6 1.2s4.5-.4 6-1.2v1.2c0 .4-2.4 1.5-6 1.5s-6-1.1-6-1.5v-1.2z"/>
</svg>`;

const CONTAINER_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16">
  <path d="M3 5.5A1.5 1.5 0 0 1 4.5 4h4.6l2 2h8.4A1.5 1.5 0 0 1 21 7.5v10a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 17.5v-12z"/>
  <path fill-opacity="0.45" d="M6 1.5h3.5l1.5 1.5h6v1H10.6l-1.5-1.5H6z"/>
</svg>`;

const DATASET_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16">
  <path d="M3 5.5A1.5 1.5 0 0 1 4.5 4h4.6l2 2h8.4A1.5 1.5 0 0 1 21 7.5V9H7.2a1.5 1.5 0 0 0-1.4 1L3 17.8V5.5z"/>
  <path d="M7.3 10.5h15.2l-3 8.5H4.1l3.2-8.5z"/>
</svg>`;

const FILE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16">
  <path d="M6 2.5h8l5 5v13A1.5 1.5 0 0 1 17.5 22h-11A1.5 1.5 0 0 1 5 20.5V4a1.5 1.5 0 0 1 1-1.5z"/>
  <path fill-opacity="0.45" d="M14 2.5v5h5z"/>
</svg>`;

export const rucioIcon = new LabIcon({ name: 'rucio-jupyterlab:rucio', svgstr: RUCIO_SVG });
export const containerIcon = new LabIcon({ name: 'rucio-jupyterlab:container', svgstr: CONTAINER_SVG });
export const datasetIcon = new LabIcon({ name: 'rucio-jupyterlab:dataset', svgstr: DATASET_SVG });
export const didFileIcon = new LabIcon({ name: 'rucio-jupyterlab:file', svgstr: FILE_SVG });
