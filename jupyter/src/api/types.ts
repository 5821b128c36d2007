/** Shapes of the backend's JSON, as written in the API contract (snake_case kept on purpose). */

export type AuthType = 'userpass' | 'x509' | 'x509_proxy' | 'oidc';
export type InstanceMode = 'replica' | 'download';
export type DidType = 'file' | 'dataset' | 'container';
export type SearchType = 'all' | 'collection' | 'dataset' | 'container' | 'file';

export interface IInstance {
  name: string;
  display_name: string;
  mode: InstanceMode;
  oidc_enabled: boolean;
  webui_url: string | null;
  /** Absent on older backends: treated as enabled. */
  wildcard_enabled?: boolean;
}

export interface IConfigProblem {
  instance: string | null;
  key: string;
  message: string;
}

export interface IInstancesResponse {
  active_instance: string | null;
  auth_type: AuthType | null;
  instances: IInstance[];
  problems?: IConfigProblem[];
}

export interface IUserPassCredentials {
  username: string;
  account: string;
  /** The backend never returns the password, only whether one is stored. */
  password_set?: boolean;
}

export interface IX509Credentials {
  certificate: string;
  key: string;
  account: string;
}

export interface IX509ProxyCredentials {
  proxy: string;
  account: string;
}

export interface IOidcCredentials {
  oidc_auth?: string;
  oidc_auth_source?: string;
}

export type StoredCredentials = Partial<IUserPassCredentials & IX509Credentials & IX509ProxyCredentials & IOidcCredentials>;

export interface ISaveAuthResponse {
  success: boolean;
  lifetime?: string | null;
  account?: string | null;
}

export interface ISearchResultItem {
  did: string;
  size: number | null;
  type: DidType;
}

export type DidStatusValue =
  | 'AVAILABLE'
  | 'PARTIALLY_AVAILABLE'
  | 'NOT_AVAILABLE'
  | 'REPLICATING'
  | 'STUCK'
  | 'FAILED'
  | 'EMPTY';

export type FileStatusValue = 'OK' | 'REPLICATING' | 'STUCK' | 'NOT_AVAILABLE' | 'FETCHING' | 'FAILED';

export interface IRuleInfo {
  id: string;
  state: string;
  rse_expression: string;
  expires_at: string | null;
  error: string | null;
  webui_url: string | null;
}

export interface IFileStatus {
  did: string;
  status: FileStatusValue;
  size: number | null;
  path: string | null;
  pfn: string | null;
  error: string | null;
}

export interface IDidStatus {
  did: string;
  type: DidType;
  mode: InstanceMode;
  status: DidStatusValue;
  counts: { total: number; ok: number; replicating: number; stuck: number; failed: number; not_available: number };
  bytes: { total: number; ok: number };
  rules: IRuleInfo[];
  reason: string | null;
  files: IFileStatus[];
  files_total: number;
  refreshed_at: string;
}

export interface IMakeAvailableResponse {
  success: boolean;
  rule_id?: string;
  job_id?: string;
}

export type TransferKind = 'download' | 'upload';
export type TransferStatus = 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED' | 'CANCELLED';

export interface ITransfer {
  id: string;
  kind: TransferKind;
  did: string;
  status: TransferStatus;
  bytes_done: number;
  bytes_total: number | null;
  files_done: number;
  files_total: number | null;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
}

export interface IFileBrowserEntry {
  type: 'file' | 'dir';
  name: string;
  path: string;
}

/** `GET notebook/resolve`: what the kernel injection sends for one attachment (docs/kernels.md §3). */
export interface INotebookResolveResponse {
  did: string;
  type: 'file' | 'collection';
  available: boolean;
  status: string;
  files: { did: string; path: string | null; pfn: string | null }[];
  /** Optional: why the DID is not available (shown in the variable's error). */
  error?: string | null;
  /** Optional: the instance's mode, passed on to the kernel. */
  mode?: InstanceMode | null;
}
