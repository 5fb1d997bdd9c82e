-- Articles, their full-text index, and the inputs that could not be read.
CREATE TABLE articles (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT,
    text TEXT NOT NULL,
    source TEXT,
    source_provenance TEXT NOT NULL,
    url TEXT,
    lang TEXT,
    published TEXT,
    date_provenance TEXT NOT NULL,
    date_precision TEXT NOT NULL,
    sentences TEXT NOT NULL,          -- JSON [[start, end], ...]
    origin TEXT NOT NULL,
    record TEXT,
    external_id TEXT,
    content_hash TEXT NOT NULL,
    extra TEXT NOT NULL DEFAULT '{}', -- JSON
    warnings TEXT NOT NULL DEFAULT '[]', -- JSON
    ingested_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_source ON articles(source);
CREATE INDEX articles_lang ON articles(lang);

-- Contentless: the text lives once, in articles. CJK text is indexed one character per token
-- (see store/sqlite.py: fts_text), so Chinese can be searched without a word segmenter.
CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content='', tokenize='unicode61 remove_diacritics 2');

CREATE TABLE rejections (
    origin TEXT NOT NULL,
    record TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    times INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (origin, record, reason)
);
