-- Other spellings of a person's name, learned from the corpus (as SQLite's migration 7).
CREATE TABLE aliases (
    alias TEXT NOT NULL,
    name TEXT NOT NULL,
    story_id BIGINT,
    evidence TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (alias, name)
);
CREATE INDEX aliases_name ON aliases(name);
