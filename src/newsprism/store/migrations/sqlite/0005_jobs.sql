-- Background jobs: an upload's ingest and clustering, queued by a server and run by a job worker
-- process (python -m newsprism.jobs), so the server answers reads while it runs.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,              -- ingest
    state TEXT NOT NULL,             -- queued | running | done | failed
    params TEXT NOT NULL,            -- JSON: targets and options
    progress TEXT,                   -- JSON: stage, read, rejected, clustered
    result TEXT,                     -- JSON: the stage reports
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    owner TEXT,                      -- the worker running it: host:pid
    created_at TEXT NOT NULL,
    started_at TEXT,
    heartbeat_at TEXT,
    finished_at TEXT
);
CREATE INDEX jobs_state ON jobs(state, created_at);
