-- Live sources (feeds, sitemaps) the poller follows, watchlists, and the alerts they raised.
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,       -- the feed's or sitemap's own URL
    kind TEXT NOT NULL,             -- feed | sitemap
    site TEXT,                      -- the page it was found on (autodiscovery), when it was
    name TEXT,                      -- outlet name override
    lang TEXT,                      -- language override
    interval_s INTEGER NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    etag TEXT,
    last_modified TEXT,
    seen TEXT NOT NULL DEFAULT '[]',  -- JSON: fingerprints of the entries already read (newest last, bounded)
    next_poll REAL NOT NULL,        -- unix seconds
    last_poll REAL,
    last_status TEXT,               -- ok | not-modified | error
    last_new REAL,                  -- when an entry last brought an article new to the store
    errors INTEGER NOT NULL DEFAULT 0,   -- failures in a row (backoff)
    last_error TEXT,
    polls INTEGER NOT NULL DEFAULT 0,
    not_modified INTEGER NOT NULL DEFAULT 0,
    articles INTEGER NOT NULL DEFAULT 0,
    added_at TEXT NOT NULL
);
CREATE INDEX sources_due ON sources(enabled, next_poll);
CREATE TABLE watchlists (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,             -- entity | keyword | story | source
    target TEXT NOT NULL,           -- the canonical name, the query, the story id, the outlet or source URL
    events TEXT NOT NULL DEFAULT '', -- story: comma-separated of article, contradiction, source
    webhook TEXT,
    secret TEXT,                    -- the webhook's signing key (HMAC-SHA256)
    created_at TEXT NOT NULL
);
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    watchlist_id INTEGER NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
    key TEXT NOT NULL,              -- the event it is about: an alert is raised once per key
    at TEXT NOT NULL,
    title TEXT NOT NULL,
    detail TEXT NOT NULL,           -- JSON
    article_id TEXT,
    story_id INTEGER,
    seen INTEGER NOT NULL DEFAULT 0,
    delivered_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt REAL,
    last_error TEXT,
    UNIQUE (watchlist_id, key)
);
CREATE INDEX alerts_recent ON alerts(watchlist_id, id);
