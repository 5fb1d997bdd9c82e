-- What the extraction stage found in each article (entities, quotes, times, quantities) as one JSON
-- document, with the extractor version and the article's content hash it was made from: a new version
-- or a changed text makes it stale, and `newsprism extract` redoes it.
CREATE TABLE extractions (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    data TEXT NOT NULL,
    extracted_at TEXT NOT NULL
);
