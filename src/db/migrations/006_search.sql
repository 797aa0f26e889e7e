-- 006_search.sql — full-text search over cases and knowledge-base articles
-- (docs/search.md). The one engine-specific migration: SQL has no portable
-- full-text index. Each row holds the text's tokens from text/tokenize.c
-- (Han bigrams, lower-case ASCII words) joined by spaces, so FTS5's 'ascii'
-- tokenizer only splits on the spaces (bytes >= 0x80 are token characters)
-- and a query tokenized the same way matches the same tokens. rowid is the
-- case's / article's id. On PostgreSQL the same tokens go into a
-- to_tsvector('simple', tokens) column with a GIN index (docs/search.md).
-- Existing cases are indexed from C at start-up (search_backfill_cases).
CREATE VIRTUAL TABLE search_cases USING fts5(tokens, tokenize = 'ascii');
CREATE VIRTUAL TABLE search_kb USING fts5(tokens, tokenize = 'ascii');
