-- Stories, who belongs to them and why, provenance links between articles, and clustering state.
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    merged_into INTEGER REFERENCES stories(id)
);
CREATE TABLE story_members (
    article_id TEXT PRIMARY KEY REFERENCES articles(id),
    story_id INTEGER NOT NULL REFERENCES stories(id),
    score REAL,
    method TEXT NOT NULL,       -- new | joined | duplicate | manual
    assigned_at TEXT NOT NULL
);
CREATE INDEX story_members_story ON story_members(story_id);
CREATE TABLE article_links (
    article_id TEXT NOT NULL REFERENCES articles(id),
    type TEXT NOT NULL,         -- copy-of | update-of | translation-of
    target_id TEXT NOT NULL REFERENCES articles(id),
    score REAL,
    PRIMARY KEY (article_id, type, target_id)
);
CREATE INDEX article_links_target ON article_links(target_id);
CREATE TABLE article_vectors (
    article_id TEXT NOT NULL REFERENCES articles(id),
    model TEXT NOT NULL,
    vec BLOB NOT NULL,          -- float32, L2-normalised
    PRIMARY KEY (article_id, model)
);
CREATE TABLE story_edits (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    action TEXT NOT NULL,       -- merge | split | move
    detail TEXT NOT NULL        -- JSON
);
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value BLOB
);
