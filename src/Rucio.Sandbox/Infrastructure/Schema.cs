namespace Rucio.Sandbox.Infrastructure;

/// <summary>The catalogue schema. Plain tables mirroring Rucio's own, with indexes for 100k-file listings.</summary>
internal static class Schema
{
    public const string Ddl = """
        CREATE TABLE IF NOT EXISTS accounts (
            account TEXT PRIMARY KEY, account_type TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'ACTIVE',
            email TEXT, is_admin INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS identities (
            identity TEXT NOT NULL, identity_type TEXT NOT NULL, account TEXT NOT NULL, email TEXT,
            password_hash TEXT, salt TEXT, is_default INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL,
            PRIMARY KEY (identity, identity_type, account));
        CREATE TABLE IF NOT EXISTS tokens (
            token TEXT PRIMARY KEY, account TEXT NOT NULL, identity TEXT NOT NULL, expires_at TEXT NOT NULL,
            audience TEXT, authz_scope TEXT);
        CREATE TABLE IF NOT EXISTS scopes (
            scope TEXT PRIMARY KEY, account TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS rses (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, rse TEXT NOT NULL UNIQUE,
            rse_type TEXT NOT NULL DEFAULT 'DISK', deterministic INTEGER NOT NULL DEFAULT 1,
            volatile INTEGER NOT NULL DEFAULT 0, staging_area INTEGER NOT NULL DEFAULT 0,
            city TEXT, region_code TEXT, country_name TEXT, continent TEXT, time_zone TEXT, isp TEXT, asn TEXT,
            longitude REAL, latitude REAL, availability_read INTEGER NOT NULL DEFAULT 1,
            availability_write INTEGER NOT NULL DEFAULT 1, availability_delete INTEGER NOT NULL DEFAULT 1,
            qos_class TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS rse_attrs (
            rse_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT, is_bool INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (rse_id, key));
        CREATE TABLE IF NOT EXISTS rse_protocols (
            rse_id TEXT NOT NULL, scheme TEXT NOT NULL, hostname TEXT NOT NULL, port INTEGER NOT NULL,
            prefix TEXT, impl TEXT NOT NULL, read_lan INTEGER NOT NULL, write_lan INTEGER NOT NULL,
            delete_lan INTEGER NOT NULL, read_wan INTEGER NOT NULL, write_wan INTEGER NOT NULL,
            delete_wan INTEGER NOT NULL, tpc_read INTEGER NOT NULL, tpc_write INTEGER NOT NULL, extended_attributes TEXT,
            sandbox_served INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL,
            PRIMARY KEY (rse_id, scheme, hostname, port));
        CREATE TABLE IF NOT EXISTS rse_limits (
            rse_id TEXT NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (rse_id, name));
        CREATE TABLE IF NOT EXISTS distances (
            src_rse_id TEXT NOT NULL, dest_rse_id TEXT NOT NULL, distance INTEGER, created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL, PRIMARY KEY (src_rse_id, dest_rse_id));
        CREATE TABLE IF NOT EXISTS account_limits (
            account TEXT NOT NULL, rse_id TEXT NOT NULL, bytes INTEGER NOT NULL, PRIMARY KEY (account, rse_id));
        CREATE TABLE IF NOT EXISTS did_key_values (
            key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (key, value));
        CREATE TABLE IF NOT EXISTS dids (
            scope TEXT NOT NULL, name TEXT NOT NULL, did_type TEXT NOT NULL, account TEXT NOT NULL,
            is_open INTEGER, monotonic INTEGER NOT NULL DEFAULT 0, bytes INTEGER, length INTEGER, md5 TEXT,
            adler32 TEXT, guid TEXT, events INTEGER, expired_at TEXT, closed_at TEXT, project TEXT,
            datatype TEXT, run_number INTEGER, stream_name TEXT, prod_step TEXT, version TEXT, campaign TEXT,
            task_id INTEGER, panda_id INTEGER, lumiblocknr INTEGER, provenance TEXT, phys_group TEXT,
            transient INTEGER NOT NULL DEFAULT 0, hidden INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (scope, name)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS dids_type ON dids (scope, did_type, name);
        CREATE TABLE IF NOT EXISTS contents (
            scope TEXT NOT NULL, name TEXT NOT NULL, child_scope TEXT NOT NULL, child_name TEXT NOT NULL,
            did_type TEXT NOT NULL, child_type TEXT NOT NULL, bytes INTEGER, adler32 TEXT, md5 TEXT,
            created_at TEXT NOT NULL, PRIMARY KEY (scope, name, child_scope, child_name)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS contents_child ON contents (child_scope, child_name);
        CREATE TABLE IF NOT EXISTS replicas (
            scope TEXT NOT NULL, name TEXT NOT NULL, rse_id TEXT NOT NULL, bytes INTEGER NOT NULL, md5 TEXT,
            adler32 TEXT, path TEXT NOT NULL, state TEXT NOT NULL, lock_cnt INTEGER NOT NULL DEFAULT 0,
            transfer_target INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
            PRIMARY KEY (scope, name, rse_id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS replicas_rse ON replicas (rse_id, state);
        CREATE TABLE IF NOT EXISTS rules (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, subscription_id TEXT,
            account TEXT NOT NULL, scope TEXT NOT NULL, name TEXT NOT NULL, did_type TEXT NOT NULL,
            state TEXT NOT NULL, error TEXT, rse_expression TEXT NOT NULL, copies INTEGER NOT NULL,
            expires_at TEXT, weight TEXT, locked INTEGER NOT NULL DEFAULT 0, locks_ok_cnt INTEGER NOT NULL DEFAULT 0,
            locks_replicating_cnt INTEGER NOT NULL DEFAULT 0, locks_stuck_cnt INTEGER NOT NULL DEFAULT 0,
            source_replica_expression TEXT, activity TEXT NOT NULL, grouping TEXT NOT NULL, notification TEXT NOT NULL,
            stuck_at TEXT, purge_replicas INTEGER NOT NULL DEFAULT 0, ignore_availability INTEGER NOT NULL DEFAULT 0,
            ignore_account_limit INTEGER NOT NULL DEFAULT 0, priority INTEGER NOT NULL DEFAULT 3, comments TEXT,
            child_rule_id TEXT, eol_at TEXT, split_container INTEGER NOT NULL DEFAULT 0, meta TEXT,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
            UNIQUE (scope, name, account, rse_expression, copies));
        CREATE INDEX IF NOT EXISTS rules_account ON rules (account);
        CREATE INDEX IF NOT EXISTS rules_expiry ON rules (expires_at);
        CREATE TABLE IF NOT EXISTS locks (
            rule_id TEXT NOT NULL, scope TEXT NOT NULL, name TEXT NOT NULL, rse_id TEXT NOT NULL,
            account TEXT NOT NULL, bytes INTEGER NOT NULL, state TEXT NOT NULL, error TEXT,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
            PRIMARY KEY (rule_id, scope, name, rse_id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS locks_replica ON locks (scope, name, rse_id);
        CREATE INDEX IF NOT EXISTS locks_account ON locks (account, rse_id);
        CREATE TABLE IF NOT EXISTS dataset_locks (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, rule_id TEXT NOT NULL, scope TEXT NOT NULL, name TEXT NOT NULL,
            rse_id TEXT NOT NULL, account TEXT NOT NULL, state TEXT NOT NULL, created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL, UNIQUE (rule_id, scope, name, rse_id));
        CREATE INDEX IF NOT EXISTS dataset_locks_did ON dataset_locks (scope, name);
        CREATE INDEX IF NOT EXISTS dataset_locks_rse ON dataset_locks (rse_id);
        CREATE TABLE IF NOT EXISTS requests (
            id TEXT PRIMARY KEY, rule_id TEXT NOT NULL, scope TEXT NOT NULL, name TEXT NOT NULL,
            dest_rse_id TEXT NOT NULL, source_rse_id TEXT, state TEXT NOT NULL, bytes INTEGER NOT NULL,
            md5 TEXT, adler32 TEXT, activity TEXT NOT NULL, account TEXT NOT NULL, priority INTEGER NOT NULL,
            ds_scope TEXT, ds_name TEXT, lifetime INTEGER, err_msg TEXT, retry_count INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL, submitted_at TEXT, started_at TEXT,
            transferred_at TEXT, UNIQUE (scope, name, dest_rse_id));
        CREATE INDEX IF NOT EXISTS requests_state ON requests (state, created_at);
        """;
}
