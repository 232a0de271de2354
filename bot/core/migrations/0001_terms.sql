-- Shipped terms (guild_id = 0) and servers' own terms share one table, so one
-- search index and one card renderer serve both.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE terms (
    uid          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id     INTEGER NOT NULL,
    slug         TEXT    NOT NULL,
    term         TEXT    NOT NULL,
    en           TEXT    NOT NULL DEFAULT '',
    aliases      TEXT    NOT NULL DEFAULT '[]',  -- JSON list
    category     TEXT    NOT NULL,
    summary      TEXT    NOT NULL,
    definition   TEXT    NOT NULL,
    example      TEXT    NOT NULL DEFAULT '',
    related      TEXT    NOT NULL DEFAULT '[]',  -- JSON list of slugs
    sources      TEXT    NOT NULL DEFAULT '[]',  -- JSON list
    priority     INTEGER NOT NULL DEFAULT 0,
    content_hash TEXT    NOT NULL,
    search_keys  TEXT    NOT NULL,               -- TermKeys JSON, computed once per write
    deleted_at   TEXT,                           -- soft delete (servers' terms)
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (guild_id, slug)
);

CREATE INDEX terms_by_guild ON terms (guild_id);
