-- Readers' reports of a wrong card (the 报错 button). One report per person per term per day;
-- only the note they typed, never anything else from the conversation.
CREATE TABLE term_reports (
    guild_id   INTEGER NOT NULL,   -- 0: reached through a user's own install
    slug       TEXT    NOT NULL,
    shipped    INTEGER NOT NULL,   -- 1: about a built-in term, kept for the glossary's maintainers
    user_id    INTEGER NOT NULL,
    day        TEXT    NOT NULL,   -- YYYY-MM-DD, UTC
    note       TEXT    NOT NULL,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (guild_id, user_id, slug, day)
);
CREATE INDEX term_reports_shipped ON term_reports (shipped, slug);
