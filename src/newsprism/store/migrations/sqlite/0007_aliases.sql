-- Other spellings of a person's name, learned from the corpus (compare/verdicts/speakers.py): two reports of
-- one story giving the same words to 兰布卡 and to Sitiveni Rabuka make 兰布卡 (and its pinyin, Lan Buka) a
-- spelling of Sitiveni Rabuka. The first evidence found is kept: both quotes, each an article id and a span.
CREATE TABLE aliases (
    alias TEXT NOT NULL,      -- the name as a report writes or glosses it
    name TEXT NOT NULL,       -- the name the story's matched quotes go by
    story_id INTEGER,
    evidence TEXT NOT NULL,   -- JSON: [{article_id, span, text, said_as}, ...] of the matched quotes
    added_at TEXT NOT NULL,
    PRIMARY KEY (alias, name)
);
CREATE INDEX aliases_name ON aliases(name);
