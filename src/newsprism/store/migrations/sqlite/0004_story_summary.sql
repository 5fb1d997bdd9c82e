-- One row per live story with what the story list shows (size, outlets, languages, date range, title),
-- kept current by every write that changes a story's members, so listing stories reads a few rows of an
-- index instead of grouping every membership per request. The store fills it after this migration.
CREATE TABLE story_summary (
    id INTEGER PRIMARY KEY REFERENCES stories(id),
    size INTEGER NOT NULL,
    sources TEXT NOT NULL,          -- comma-separated, sorted
    languages TEXT NOT NULL,        -- comma-separated, sorted
    first_published TEXT,
    last_published TEXT,
    title TEXT NOT NULL
);
CREATE INDEX story_summary_recent ON story_summary(last_published DESC, size DESC, id);
CREATE INDEX story_summary_size ON story_summary(size DESC, last_published DESC, id);
