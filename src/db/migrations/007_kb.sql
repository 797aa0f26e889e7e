-- 007_kb.sql — the knowledge base (政务知识库): articles owned by a unit,
-- their review workflow and every published version. docs/kb.md.

-- status: draft, pending, published, expired. An article past expires_at is
-- treated as expired at query time even before anyone marks it (docs/kb.md).
-- questions and tags are JSON arrays of strings; answer is sanitised HTML.
CREATE TABLE kb_articles (
    id @ID@,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft','pending','published','expired')),
    title TEXT NOT NULL,
    questions TEXT NOT NULL DEFAULT '[]',
    answer TEXT NOT NULL,
    category TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    legal_basis TEXT,
    public SMALLINT NOT NULL DEFAULT 0,
    effective_at BIGINT,
    expires_at BIGINT,
    review_by BIGINT,
    version BIGINT NOT NULL DEFAULT 0,       -- last published version, 0 = never
    review_note TEXT,                        -- the reviewer's note on a rejection
    uses BIGINT NOT NULL DEFAULT 0,          -- consultations answered from it
    last_used_at BIGINT,
    created_by BIGINT REFERENCES users(id),
    updated_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    submitted_at BIGINT,
    published_at BIGINT
);
CREATE INDEX kb_articles_unit ON kb_articles(unit_id, status);
CREATE INDEX kb_articles_status ON kb_articles(status, expires_at);

-- Every published version: the content as published (JSON object), who
-- wrote it, who approved it and when.
CREATE TABLE kb_versions (
    id @ID@,
    article_id BIGINT NOT NULL REFERENCES kb_articles(id),
    version BIGINT NOT NULL,
    content TEXT NOT NULL,
    author_id BIGINT REFERENCES users(id),
    approved_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    UNIQUE (article_id, version)
);
